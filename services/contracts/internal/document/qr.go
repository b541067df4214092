package document

import (
	"fmt"
	"image/color"
	"strings"

	"github.com/boombuler/barcode/qr"
)

// qrModules encodes text as a QR code (error correction M: a printed and stamped page stays
// readable) and returns its modules, true for dark, row by row.
func qrModules(text string) ([][]bool, error) {
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	n := code.Bounds().Dx()
	m := make([][]bool, n)
	for y := range n {
		m[y] = make([]bool, n)
		for x := range n {
			m[y][x] = color.GrayModel.Convert(code.At(x, y)).(color.Gray).Y < 128
		}
	}
	return m, nil
}

// qrRuns calls fn for every horizontal run of dark modules (row y, columns x to x+n-1), so
// that a code is drawn with one rectangle per run.
func qrRuns(m [][]bool, fn func(y, x, n int)) {
	for y, row := range m {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fn(y, start, x-start)
		}
	}
}

// qrSVG draws a QR code as an SVG path (with a quiet zone of four modules).
func qrSVG(m [][]bool) string {
	n := len(m) + 8
	var p strings.Builder
	qrRuns(m, func(y, x, w int) { fmt.Fprintf(&p, "M%d %dh%dv1h-%dz", x+4, y+4, w, w) })
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="120" height="120" shape-rendering="crispEdges" role="img" aria-label="QR"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, n, n, n, n, p.String())
}

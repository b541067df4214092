// Package doctest reads rendered documents back the way a person does, for tests of this
// service and of the gateway (hence not internal): the text with pdftotext, the pages as
// images with pdftoppm (Debian's poppler-utils: `make poppler-utils` installs them; a test
// without them fails and says so, it is never skipped), and the QR code with a QR decoder.
package doctest

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// need fails the test when a poppler program is missing.
func need(t testing.TB, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		t.Fatalf("%s is missing: run `make poppler-utils` (or, as root, `apt-get install -y poppler-utils`)", prog)
	}
	return p
}

// Text is the text of pdf as pdftotext extracts it (reading order, UTF-8).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	cmd := exec.Command(need(t, "pdftotext"), "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	return out.String()
}

var spaces = regexp.MustCompile(`\s+`)

// Flat is s with every run of white space (line ends included) made one space: a phrase
// that wraps across lines is found whole.
func Flat(s string) string { return spaces.ReplaceAllString(s, " ") }

// Pages is the number of pages of pdf.
func Pages(t testing.TB, pdf []byte) int {
	t.Helper()
	return strings.Count(Text(t, pdf), "\f")
}

// PageImage renders page (from 1) of pdf at dpi with pdftoppm.
func PageImage(t testing.TB, pdf []byte, page, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	cmd := exec.Command(need(t, "pdftoppm"), "-png", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", in, filepath.Join(dir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// OutputDir is where tests leave page images for people to look at: test-output/documents
// at the repository root (gitignored), created if needed.
func OutputDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.work above the test's directory: cannot find the repository root")
		}
		dir = parent
	}
	out := filepath.Join(dir, "test-output", "documents")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// WritePNG writes img to path (creating its folder).
func WritePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// QR decodes the QR code in the bottom-right corner of a page image (where the footer puts
// it), or fails.
func QR(t testing.TB, page image.Image) string {
	t.Helper()
	b := page.Bounds()
	corner := image.Rect(b.Max.X*2/3, b.Max.Y*4/5, b.Max.X, b.Max.Y)
	sub, ok := page.(interface {
		SubImage(image.Rectangle) image.Image
	})
	img := page
	if ok {
		img = sub.SubImage(corner)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code found in the page's footer: %v", err)
	}
	return res.GetText()
}

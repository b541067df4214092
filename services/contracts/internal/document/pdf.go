package document

import (
	"bytes"
	"fmt"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry (millimetres): A4 with the margins of Vietnamese administrative documents
// (Decree 30/2020/ND-CP: top and bottom 20, left 30, right 15), and room for the footer.
const (
	marginLeft   = 30.0
	marginTop    = 20.0
	marginRight  = 15.0
	footerHeight = 30.0
	bodySize     = 13.0
	tableSize    = 10.5
	qrSize       = 22.0
	family       = "serif"
	nbAlias      = "{nb}"
)

// pdfWriter renders a Doc with fpdf.
type pdfWriter struct {
	f     *fpdf.Fpdf
	doc   Doc
	qr    [][]bool
	width float64 // of the text area
}

// RenderPDF renders doc as a PDF.
func RenderPDF(doc Doc) ([]byte, error) {
	m, err := qrModules(doc.Footer.URL)
	if err != nil {
		return nil, err
	}
	f := fpdf.New("P", "mm", "A4", "")
	w := &pdfWriter{f: f, doc: doc, qr: m}
	pw, _ := f.GetPageSize()
	w.width = pw - marginLeft - marginRight
	w.setup()
	f.AddPage()
	for _, b := range doc.Blocks {
		w.block(b)
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return out.Bytes(), nil
}

// setup fixes everything that could vary between two renderings: dates (recorded values),
// metadata, object order, compression.
func (w *pdfWriter) setup() {
	f, doc := w.f, w.doc
	f.SetCatalogSort(true)
	f.SetCompression(true)
	f.SetCreationDate(doc.Date.UTC())
	f.SetModificationDate(doc.Date.UTC())
	f.SetProducer("Lienket", true)
	f.SetCreator("Lienket", true)
	f.SetAuthor("Lienket", true)
	f.SetTitle(clean(doc.Title), true)
	f.SetSubject(string(doc.Kind), true)
	f.SetLang(map[Lang]string{Vietnamese: "vi-VN", English: "en"}[doc.Lang])
	f.AddUTF8FontFromBytes(family, "", serifRegular)
	f.AddUTF8FontFromBytes(family, "B", serifBold)
	f.AddUTF8FontFromBytes(family, "I", serifItalic)
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetAutoPageBreak(true, footerHeight+4)
	f.AliasNbPages(nbAlias)
	f.SetHeaderFunc(w.header)
	f.SetFooterFunc(w.footer)
}

func (w *pdfWriter) font(s Style) {
	style := ""
	switch {
	case s.Bold:
		style = "B"
	case s.Italic:
		style = "I"
	}
	size := s.Size
	if size == 0 {
		size = bodySize
	}
	w.f.SetFont(family, style, size)
}

// lineHeight is the leading of text of size pt, in millimetres.
func lineHeight(size float64) float64 { return size * 0.3528 * 1.3 }

func sizeOf(s Style) float64 {
	if s.Size == 0 {
		return bodySize
	}
	return s.Size
}

func (w *pdfWriter) header() {
	if w.doc.Mark == "" {
		return
	}
	f := w.f
	f.SetXY(marginLeft, 9)
	f.SetFont(family, "B", 9)
	f.SetTextColor(170, 0, 0)
	f.MultiCell(w.width, 4, clean(w.doc.Mark), "", "C", false)
	f.SetTextColor(0, 0, 0)
	f.SetXY(marginLeft, marginTop)
}

// footer prints the document's name, its terms hash, the page number and the verification
// link on every page, with the QR code of the link on the right.
func (w *pdfWriter) footer() {
	f, ft := w.f, w.doc.Footer
	_, ph := f.GetPageSize()
	top := ph - footerHeight
	f.SetDrawColor(120, 120, 120)
	f.SetLineWidth(0.2)
	f.Line(marginLeft, top, marginLeft+w.width, top)
	textW := w.width - qrSize - 3
	f.SetXY(marginLeft, top+1.5)
	f.SetFont(family, "B", 8)
	f.MultiCell(textW, 3.6, clean(ft.Name), "", "L", false)
	f.SetFont(family, "", 7.5)
	for _, s := range []string{ft.Hash, fmt.Sprintf(ft.Page, f.PageNo(), nbAlias), ft.Verify} {
		f.SetX(marginLeft)
		f.MultiCell(textW, 3.4, clean(s), "", "L", false)
	}
	w.drawQR(marginLeft+w.width-qrSize, top+1.5, qrSize)
}

func (w *pdfWriter) drawQR(x, y, size float64) {
	n := len(w.qr)
	if n == 0 {
		return
	}
	mod := size / float64(n)
	w.f.SetFillColor(0, 0, 0)
	qrRuns(w.qr, func(r, c, k int) {
		w.f.Rect(x+float64(c)*mod, y+float64(r)*mod, float64(k)*mod, mod, "F")
	})
}

func (w *pdfWriter) block(b Block) {
	f := w.f
	switch b := b.(type) {
	case Line:
		w.line(b)
	case Heading:
		f.Ln(1.5)
		w.line(Line{Text: b.Text, Style: Style{Bold: true, Align: "L"}})
	case Fields:
		w.fields(b)
	case Bullets:
		w.bullets(b)
	case Table:
		w.table(b)
	case Signatures:
		w.signatures(b)
	case Columns:
		w.columns(b)
	case PageBreak:
		f.AddPage()
	case Gap:
		f.Ln(b.MM)
	}
}

func (w *pdfWriter) line(l Line) {
	w.font(l.Style)
	align := l.Style.Align
	if align == "" {
		align = "J"
	}
	w.f.SetX(marginLeft + l.Indent)
	w.f.MultiCell(w.width-l.Indent, lineHeight(sizeOf(l.Style)), clean(l.Text), "", align, false)
}

func (w *pdfWriter) fields(fs Fields) {
	f := w.f
	const labelW = 38.0
	lh := lineHeight(bodySize)
	for _, r := range fs.Rows {
		f.SetX(marginLeft + 5)
		f.SetFont(family, "I", bodySize)
		f.CellFormat(labelW, lh, clean(r[0])+":", "", 0, "L", false, 0, "")
		f.SetFont(family, "", bodySize)
		f.MultiCell(w.width-5-labelW, lh, clean(r[1]), "", "L", false)
	}
}

func (w *pdfWriter) bullets(bs Bullets) {
	f := w.f
	lh := lineHeight(bodySize)
	for _, it := range bs.Items {
		f.SetFont(family, "", bodySize)
		f.SetX(marginLeft + 5)
		f.CellFormat(5, lh, "–", "", 0, "L", false, 0, "")
		f.MultiCell(w.width-10, lh, clean(it), "", "J", false)
	}
}

// columns sets cells side by side, each starting at the same height.
func (w *pdfWriter) columns(c Columns) {
	f := w.f
	top := f.GetY()
	bottom := top
	x := marginLeft
	for _, cell := range c.Cells {
		cw := w.width * cell.Share
		f.SetXY(x, top)
		for _, l := range cell.Lines {
			w.font(l.Style)
			f.SetX(x)
			f.MultiCell(cw, lineHeight(sizeOf(l.Style)), clean(l.Text), "", or(l.Style.Align, "C"), false)
		}
		bottom = max(bottom, f.GetY())
		x += cw
	}
	f.SetXY(marginLeft, bottom)
}

// table draws a table, repeating its header on every page it spans; a row is never split.
func (w *pdfWriter) table(t Table) {
	f := w.f
	widths := w.columnWidths(t.Columns)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Header
	}
	auto, margin := f.GetAutoPageBreak()
	f.SetAutoPageBreak(false, margin)
	defer f.SetAutoPageBreak(auto, margin)
	headed := t.headed()
	if headed {
		w.tableRow(t.Columns, widths, header, true, true)
	}
	rows := t.Rows
	if t.Total != nil {
		rows = append(rows[:len(rows):len(rows)], t.Total)
	}
	for i, r := range rows {
		total := t.Total != nil && i == len(rows)-1
		if w.tableRow(t.Columns, widths, r, total, false) {
			if headed {
				w.tableRow(t.Columns, widths, header, true, true)
			}
			w.tableRow(t.Columns, widths, r, total, false)
		}
	}
	f.Ln(1.5)
}

func (w *pdfWriter) columnWidths(cols []Column) []float64 {
	var sum float64
	for _, c := range cols {
		sum += c.Width
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = w.width * c.Width / sum
	}
	return out
}

// tableRow draws one row; when it does not fit on the page it starts a new page instead and
// reports true (the caller then draws the header and the row again).
func (w *pdfWriter) tableRow(cols []Column, widths []float64, cells []string, bold, fill bool) (broke bool) {
	f := w.f
	style := ""
	if bold {
		style = "B"
	}
	f.SetFont(family, style, tableSize)
	lh := lineHeight(tableSize)
	lines := 1
	for i, c := range cells {
		lines = max(lines, len(f.SplitText(clean(c), widths[i]-2)))
	}
	h := float64(lines)*lh + 1.6
	_, ph := f.GetPageSize()
	if f.GetY()+h > ph-footerHeight-4 && !fill {
		f.AddPage()
		return true
	}
	y := f.GetY()
	x := marginLeft
	for i, c := range cells {
		if fill {
			f.SetFillColor(235, 235, 235)
		}
		f.SetDrawColor(0, 0, 0)
		f.SetLineWidth(0.2)
		f.Rect(x, y, widths[i], h, map[bool]string{true: "DF", false: "D"}[fill])
		f.SetXY(x+1, y+0.8)
		align := cols[i].Align
		if fill {
			align = "C"
		}
		f.MultiCell(widths[i]-2, lh, clean(c), "", align, false)
		x += widths[i]
	}
	f.SetXY(marginLeft, y+h)
	return false
}

// signatures draws a row of signature boxes, kept on one page.
func (w *pdfWriter) signatures(s Signatures) {
	f := w.f
	n := len(s.Boxes)
	if n == 0 {
		return
	}
	bw := w.width / float64(n)
	need := 0.0
	for _, b := range s.Boxes {
		need = max(need, w.boxHeight(b, bw))
	}
	head := 0.0
	if s.Heading != "" {
		head = lineHeight(bodySize) + 2
	}
	_, ph := f.GetPageSize()
	if f.GetY()+head+need > ph-footerHeight-4 {
		f.AddPage()
	}
	if s.Heading != "" {
		w.line(Line{Text: s.Heading, Style: Style{Bold: true, Align: "C"}})
		f.Ln(2)
	}
	top := f.GetY()
	for i, b := range s.Boxes {
		w.box(b, marginLeft+float64(i)*bw, top, bw)
	}
	f.SetXY(marginLeft, top+need+2)
}

// signSpace is the room left for a wet signature and a stamp.
const signSpace = 22.0

func (w *pdfWriter) boxLines(b SignBox) []Line {
	ls := []Line{{Text: b.Title, Style: Style{Bold: true, Align: "C"}}}
	if b.Party != "" {
		ls = append(ls, Line{Text: b.Party, Style: Style{Bold: true, Size: 11, Align: "C"}})
	}
	ls = append(ls, Line{Text: b.Hint, Style: Style{Italic: true, Size: 10, Align: "C"}})
	status := b.Signed
	if len(status) == 0 && b.Unsigned != "" {
		status = []string{b.Unsigned}
	}
	for _, s := range status {
		ls = append(ls, Line{Text: s, Style: Style{Italic: true, Size: 9, Align: "C"}})
	}
	return ls
}

func (w *pdfWriter) boxHeight(b SignBox, bw float64) float64 {
	h := signSpace
	for _, l := range w.boxLines(b) {
		w.font(l.Style)
		h += float64(len(w.f.SplitText(clean(l.Text), bw-4))) * lineHeight(sizeOf(l.Style))
	}
	if b.Name != "" {
		h += lineHeight(bodySize)
	}
	return h
}

func (w *pdfWriter) box(b SignBox, x, y, bw float64) {
	f := w.f
	f.SetXY(x, y)
	for _, l := range w.boxLines(b) {
		w.font(l.Style)
		f.SetX(x + 2)
		f.MultiCell(bw-4, lineHeight(sizeOf(l.Style)), clean(l.Text), "", "C", false)
	}
	f.SetXY(x+2, f.GetY()+signSpace)
	if b.Name != "" {
		w.font(Style{Bold: true})
		f.MultiCell(bw-4, lineHeight(bodySize), clean(b.Name), "", "C", false)
	}
}

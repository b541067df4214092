// Package document renders the contracts service's documents — the linkage contract (hợp đồng
// liên kết) with its household annex, a household's settlement statement (phiếu quyết toán)
// and the liquidation record (biên bản thanh lý) — as PDF and HTML, in Vietnamese (the legal
// text) or English (a convenience translation).
//
// It is pure: a builder turns domain values into a Doc (a language-resolved list of blocks),
// and a renderer turns the Doc into bytes. It knows nothing of protobuf, gRPC or storage.
//
// Rendering is deterministic: the same input gives the same bytes. The fonts are embedded
// files of this package, the PDF's dates are values recorded in the input (never the clock),
// its metadata is fixed, and nothing iterates a map in an order that reaches the output.
package document

import (
	"fmt"
	"time"
)

// Lang is the language of a document.
type Lang string

// Languages: Vietnamese is the legal text; English is a convenience translation.
const (
	Vietnamese Lang = "vi"
	English    Lang = "en"
)

// ParseLang accepts "", "vi" and "en" ("" is Vietnamese).
func ParseLang(s string) (Lang, error) {
	switch s {
	case "", "vi":
		return Vietnamese, nil
	case "en":
		return English, nil
	}
	return "", fmt.Errorf("unknown language %q (vi or en)", s)
}

// Format is an output format.
type Format string

// Formats.
const (
	PDF  Format = "pdf"
	HTML Format = "html"
)

// ParseFormat accepts "", "pdf" and "html" ("" is PDF).
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "pdf":
		return PDF, nil
	case "html":
		return HTML, nil
	}
	return "", fmt.Errorf("unknown format %q (pdf or html)", s)
}

// ContentType is the media type of f.
func (f Format) ContentType() string {
	if f == HTML {
		return "text/html; charset=utf-8"
	}
	return "application/pdf"
}

// Kind is the kind of a document.
type Kind string

// Kinds of documents.
const (
	KindContract    Kind = "contract"
	KindStatement   Kind = "settlement_statement"
	KindLiquidation Kind = "liquidation_record"
)

// Doc is a document ready to render: every text is in its language.
type Doc struct {
	Kind Kind
	Lang Lang
	// Title is the PDF's title metadata and the HTML page title.
	Title string
	// Date is the PDF's creation and modification date: a time recorded in the input (the
	// latest signature, witness or record it shows, else the contract's creation), so that
	// the same input gives the same bytes.
	Date time.Time
	// Mark, when set, is printed across the top of every page (e.g. a draft's warning).
	Mark   string
	Footer Footer
	Blocks []Block
}

// Footer is printed on every page of the PDF (once at the end of the HTML).
type Footer struct {
	// Name is the document's name with its amendment number ("HĐLK … — Sửa đổi 1").
	Name string
	// Hash is the line naming the terms hash.
	Hash string
	// Page is the page label with %d for the page and %s for the number of pages.
	Page string
	// Verify is the line naming the verification page; URL is what the QR code encodes.
	Verify string
	URL    string
}

// Block is one piece of a document's body.
type Block interface{ block() }

// Style of a line of text.
type Style struct {
	Bold, Italic bool
	// Size in points (0: the body size).
	Size float64
	// Align: "L", "C", "R" or "J" (default "J" for paragraphs, "L" elsewhere).
	Align string
}

// Line is a paragraph of text in one style.
type Line struct {
	Text  string
	Style Style
	// Indent in millimetres.
	Indent float64
}

// Columns sets texts side by side (the national heading beside the issuer, dates).
type Columns struct {
	Cells []Cell
}

// Cell is one column of Columns: its lines, and its share of the width.
type Cell struct {
	Lines []Line
	Share float64
}

// Heading is an article or section heading.
type Heading struct{ Text string }

// Fields are label: value lines (a party's particulars).
type Fields struct {
	Rows [][2]string
}

// Bullets are a list of items.
type Bullets struct{ Items []string }

// Table is a table with a header row and an optional total row.
type Table struct {
	Columns []Column
	Rows    [][]string
	Total   []string
}

// headed reports whether the table has a header row (some column has a header).
func (t Table) headed() bool {
	for _, c := range t.Columns {
		if c.Header != "" {
			return true
		}
	}
	return false
}

// Column of a table: header, relative width and alignment ("L", "C", "R").
type Column struct {
	Header string
	Width  float64
	Align  string
}

// Signatures is a row of signature boxes, with an optional heading kept on the same page.
type Signatures struct {
	Heading string
	Boxes   []SignBox
}

// SignBox is one party's signature block: filled with who signed and when once they have,
// with room for a wet signature and stamp either way.
type SignBox struct {
	Title    string // BÊN MUA
	Party    string // the organisation or authority
	Hint     string // (Ký, ghi rõ họ tên, đóng dấu)
	Signed   []string
	Name     string // the representative's printed name, when known
	Unsigned string // what the box says before it is signed
}

// PageBreak starts a new page (the annex).
type PageBreak struct{}

// Gap is vertical space in millimetres.
type Gap struct{ MM float64 }

func (Line) block()       {}
func (Columns) block()    {}
func (Heading) block()    {}
func (Fields) block()     {}
func (Bullets) block()    {}
func (Table) block()      {}
func (Signatures) block() {}
func (PageBreak) block()  {}
func (Gap) block()        {}

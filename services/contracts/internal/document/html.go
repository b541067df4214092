package document

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
)

// RenderHTML renders doc as one self-contained HTML page (inline style, the QR code as SVG):
// the same content as the PDF, for reading on screen and printing from a browser.
func RenderHTML(doc Doc) ([]byte, error) {
	m, err := qrModules(doc.Footer.URL)
	if err != nil {
		return nil, err
	}
	var body strings.Builder
	for _, b := range doc.Blocks {
		if err := htmlBlock(&body, b); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	err = page.Execute(&out, map[string]any{
		"Lang": string(doc.Lang), "Title": clean(doc.Title), "Mark": clean(doc.Mark),
		"Body":   template.HTML(body.String()), //nolint:gosec // built from escaped blocks only (htmlBlock)
		"Footer": doc.Footer,
		"QR":     template.HTML(qrSVG(m)), //nolint:gosec // generated SVG, no input text
	})
	if err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return out.Bytes(), nil
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body{font-family:"Liberation Serif","Times New Roman",Times,serif;font-size:13pt;line-height:1.35;max-width:52em;margin:2em auto;padding:0 1em;color:#000}
.c{text-align:center}.r{text-align:right}.j{text-align:justify}.b{font-weight:bold}.i{font-style:italic}
.mark{color:#a00;font-weight:bold;text-align:center;border:1px solid #a00;padding:.3em}
h2{font-size:13pt;margin:1em 0 .3em}
table{border-collapse:collapse;width:100%;font-size:10.5pt;margin:.4em 0}
th,td{border:1px solid #000;padding:.2em .4em;vertical-align:top}th{background:#eee}
td.R{text-align:right}td.C{text-align:center}tfoot td{font-weight:bold}
dl{display:grid;grid-template-columns:9em 1fr;margin:.2em 0 .2em 1.5em}dt{font-style:italic}dd{margin:0}
.sigs{display:flex;gap:1em;margin:1em 0;page-break-inside:avoid}.sig{flex:1;text-align:center;min-height:11em}
.sig .st{font-size:9pt;font-style:italic}.sig .nm{margin-top:5em;font-weight:bold}
.cols{display:flex}.cols>div{flex:1}
.pb{page-break-before:always;border-top:1px dashed #999;margin-top:2em;padding-top:1em}
footer{border-top:1px solid #777;margin-top:2em;padding-top:.5em;font-size:8pt;display:flex;justify-content:space-between;gap:1em;word-break:break-all}
</style>
</head>
<body>
{{if .Mark}}<p class="mark">{{.Mark}}</p>
{{end}}{{.Body}}
<footer><div><div class="b">{{.Footer.Name}}</div><div>{{.Footer.Hash}}</div><div>{{.Footer.Verify}}</div></div><a href="{{.Footer.URL}}">{{.QR}}</a></footer>
</body>
</html>
`))

var htmlAlign = map[string]string{"C": "c", "R": "r", "J": "j", "L": ""}

func lineClass(s Style) string {
	var cls []string
	if a := htmlAlign[s.Align]; a != "" {
		cls = append(cls, a)
	}
	if s.Bold {
		cls = append(cls, "b")
	}
	if s.Italic {
		cls = append(cls, "i")
	}
	return strings.Join(cls, " ")
}

func esc(s string) string { return template.HTMLEscapeString(clean(s)) }

func htmlBlock(b *strings.Builder, bl Block) error {
	switch x := bl.(type) {
	case Line:
		style := ""
		if x.Indent > 0 {
			style = fmt.Sprintf(` style="margin-left:%.0fmm"`, x.Indent)
		}
		fmt.Fprintf(b, "<p class=\"%s\"%s>%s</p>\n", lineClass(x.Style), style, esc(x.Text))
	case Heading:
		fmt.Fprintf(b, "<h2>%s</h2>\n", esc(x.Text))
	case Fields:
		b.WriteString("<dl>")
		for _, r := range x.Rows {
			fmt.Fprintf(b, "<dt>%s:</dt><dd>%s</dd>", esc(r[0]), esc(r[1]))
		}
		b.WriteString("</dl>\n")
	case Bullets:
		b.WriteString("<ul>")
		for _, it := range x.Items {
			fmt.Fprintf(b, "<li>%s</li>", esc(it))
		}
		b.WriteString("</ul>\n")
	case Table:
		htmlTable(b, x)
	case Signatures:
		htmlSignatures(b, x)
	case Columns:
		b.WriteString(`<div class="cols">`)
		for _, c := range x.Cells {
			b.WriteString("<div>")
			for _, l := range c.Lines {
				fmt.Fprintf(b, "<p class=\"%s\">%s</p>", lineClass(l.Style), esc(l.Text))
			}
			b.WriteString("</div>")
		}
		b.WriteString("</div>\n")
	case PageBreak:
		b.WriteString(`<div class="pb"></div>` + "\n")
	case Gap:
	default:
		return fmt.Errorf("render html: unknown block %T", bl)
	}
	return nil
}

func htmlTable(b *strings.Builder, t Table) {
	b.WriteString("<table>")
	if t.headed() {
		b.WriteString("<thead><tr>")
		for _, c := range t.Columns {
			fmt.Fprintf(b, "<th>%s</th>", esc(c.Header))
		}
		b.WriteString("</tr></thead>")
	}
	b.WriteString("<tbody>")
	row := func(cells []string) {
		b.WriteString("<tr>")
		for i, c := range cells {
			fmt.Fprintf(b, "<td class=\"%s\">%s</td>", t.Columns[i].Align, esc(c))
		}
		b.WriteString("</tr>")
	}
	for _, r := range t.Rows {
		row(r)
	}
	b.WriteString("</tbody>")
	if t.Total != nil {
		b.WriteString("<tfoot>")
		row(t.Total)
		b.WriteString("</tfoot>")
	}
	b.WriteString("</table>\n")
}

func htmlSignatures(b *strings.Builder, s Signatures) {
	if s.Heading != "" {
		fmt.Fprintf(b, "<p class=\"c b\">%s</p>\n", esc(s.Heading))
	}
	b.WriteString(`<div class="sigs">`)
	for _, x := range s.Boxes {
		fmt.Fprintf(b, `<div class="sig"><div class="b">%s</div><div class="b">%s</div><div class="i">%s</div>`, esc(x.Title), esc(x.Party), esc(x.Hint))
		status := x.Signed
		if len(status) == 0 && x.Unsigned != "" {
			status = []string{x.Unsigned}
		}
		for _, st := range status {
			fmt.Fprintf(b, `<div class="st">%s</div>`, esc(st))
		}
		if x.Name != "" {
			fmt.Fprintf(b, `<div class="nm">%s</div>`, esc(x.Name))
		}
		b.WriteString("</div>")
	}
	b.WriteString("</div>\n")
}

// Render renders doc in format f.
func Render(doc Doc, f Format) ([]byte, error) {
	if f == HTML {
		return RenderHTML(doc)
	}
	return RenderPDF(doc)
}

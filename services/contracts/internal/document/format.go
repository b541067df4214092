package document

import (
	"strconv"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"golang.org/x/text/unicode/norm"
)

// clean puts text in Unicode NFC, so that a Vietnamese letter typed as a base letter plus
// combining marks is drawn with the font's precomposed glyph, and drops control characters
// (a value must not break a document's layout).
func clean(s string) string {
	s = norm.NFC.String(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// num writes an integer the language's way (1.000 in Vietnamese, 1,000 in English).
func (w *words) num(n int64) string { return vn.Group(n, w.thousands) }

// money writes an amount of VND.
func (w *words) money(v int64) string { return strings.Replace(w.moneyFmt, "%s", w.num(v), 1) }

// qty writes a quantity with its unit.
func (w *words) qty(v int64, unit string) string {
	if unit == "" {
		return w.num(v)
	}
	return w.num(v) + " " + unit
}

// area writes square metres.
func (w *words) area(m2 int64) string { return w.num(m2) + " m²" }

// pct writes basis points as a percentage (250 → 2,5% / 2.5%).
func (w *words) pct(bps int32) string {
	neg := bps < 0
	if neg {
		bps = -bps
	}
	s := strconv.Itoa(int(bps / 100))
	if frac := bps % 100; frac != 0 {
		f := strings.TrimRight(strconv.Itoa(int(100 + frac))[1:], "0")
		s += w.decimal + f
	}
	if neg {
		s = "-" + s
	}
	return s + "%"
}

// signedPct writes a price adjustment (+5%, -10%, 0%).
func (w *words) signedPct(bps int32) string {
	if bps > 0 {
		return "+" + w.pct(bps)
	}
	return w.pct(bps)
}

// date writes a "YYYY-MM-DD" date the language's way; anything else is written as it is.
func (w *words) date(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format(w.dateLayout)
}

// window writes a date window.
func (w *words) window(start, end string) string {
	return w.date(start) + " – " + w.date(end)
}

// when writes a recorded time in Vietnam's time.
func (w *words) when(t time.Time) string {
	return t.In(vn.Zone).Format(w.timeLayout)
}

// longDate writes a date as the heading of a document does ("ngày 05 tháng 01 năm 2026").
func (w *words) longDate(t time.Time) string {
	return t.In(vn.Zone).Format(w.longDateLayout)
}

// or returns s, or alt when s is empty.
func or(s, alt string) string {
	if strings.TrimSpace(s) == "" {
		return alt
	}
	return s
}

package document

import (
	"fmt"
	"sort"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// StatementInput is one household's settlement under a contract (phiếu quyết toán).
type StatementInput struct {
	ContractID string
	Amendment  int32
	Terms      domain.Terms
	TermsHash  string
	Names      domain.Names
	Household  string
	// Line is the household's settlement line; the records are the household's own.
	Line       domain.Line
	Deliveries []domain.Delivery
	// Recovered is the advance recovered from each delivery, by delivery id.
	Recovered map[string]int64
	Advances  []domain.Advance
	Payments  []domain.Payment
	VerifyURL string
	// Created is the contract's creation time (the statement's date when it has no record).
	Created time.Time
	Lang    Lang
}

// Statement builds a household's settlement statement.
func Statement(in StatementInput) Doc {
	w := wordsFor(in.Lang)
	b := &builder{w: w}
	n, unit := in.Names, in.Names.Product.Unit
	h := n.Households[in.Household]
	asOf := statementDate(in)
	b.nationalHeading()
	b.add(Line{Text: w.stmtTitle, Style: Style{Bold: true, Size: 14, Align: "C"}},
		Line{Text: fmt.Sprintf(w.stmtOf, in.ContractID), Style: Style{Italic: true, Align: "C"}},
		Line{Text: fmt.Sprintf(w.stmtAsOf, w.longDate(asOf)), Style: Style{Italic: true, Align: "C"}}, Gap{MM: 3})
	alloc := in.Terms.Allocation(in.Household)
	var allocated int64
	if alloc != nil {
		allocated = alloc.Quantity
	}
	b.add(Fields{Rows: [][2]string{
		{w.household, or(h.HeadName, in.Household)}, {w.village, or(h.Village, "—")},
		{w.buyer, or(n.Buyer.DisplayName, in.Terms.Buyer)}, {w.producer, or(n.Producer.DisplayName, in.Terms.Producer)},
		{w.productLbl, productName(in.Lang, n.Product, in.Terms.Product)},
		{w.allocated, w.qty(allocated, unit)},
	}})
	b.statementDeliveries(in, unit)
	b.statementAdvances(in.Advances)
	b.statementPayments(in.Payments)
	b.statementSummary(in.Line)
	b.add(Gap{MM: 4}, Signatures{Boxes: []SignBox{
		{Title: w.buyerBox, Party: or(n.Buyer.DisplayName, in.Terms.Buyer), Hint: w.hintOrg, Name: n.Buyer.Representative},
		{Title: w.producerBox, Party: or(n.Producer.DisplayName, in.Terms.Producer), Hint: w.hintOrg, Name: n.Producer.Representative},
		{Title: w.houseBox, Party: h.HeadName, Hint: w.hintHousehold, Name: h.HeadName},
	}})
	name := fmt.Sprintf(w.stmtName, in.ContractID)
	if in.Amendment > 0 {
		name += " — " + fmt.Sprintf(w.amendmentN, in.Amendment)
	}
	mark := ""
	if in.Lang == English {
		mark = w.translationNote
	}
	return Doc{Kind: KindStatement, Lang: in.Lang, Title: name, Date: asOf, Mark: mark, Footer: footer(w, name, in.TermsHash, in.VerifyURL), Blocks: b.blocks}
}

// statementDate is the time of the latest record the statement shows (else the contract's
// creation): a recorded value, so the same records give the same document.
func statementDate(in StatementInput) time.Time {
	t := in.Created
	for _, d := range in.Deliveries {
		if d.CreateTime.After(t) {
			t = d.CreateTime
		}
	}
	for _, a := range in.Advances {
		if a.CreateTime.After(t) {
			t = a.CreateTime
		}
	}
	for _, p := range in.Payments {
		if p.CreateTime.After(t) {
			t = p.CreateTime
		}
	}
	return t
}

// byDate is a sorted copy of records by date, then id (key gives both): the order does not
// depend on how the store returned them.
func byDate[T any](xs []T, key func(T) (date, id string)) []T {
	out := append([]T(nil), xs...)
	sort.SliceStable(out, func(i, j int) bool {
		di, ii := key(out[i])
		dj, ij := key(out[j])
		if di != dj {
			return di < dj
		}
		return ii < ij
	})
	return out
}

func (b *builder) statementDeliveries(in StatementInput, unit string) {
	w := b.w
	b.add(Heading{Text: w.deliveriesH})
	if len(in.Deliveries) == 0 {
		b.para("%s", w.none)
		return
	}
	ds := byDate(in.Deliveries, func(d domain.Delivery) (string, string) { return d.Date, d.ID })
	c := w.deliveryCols
	t := Table{Columns: []Column{{c[0], 1.5, "L"}, {c[1], 1, "L"}, {c[2] + unitSuffix(unit), 1.2, "R"}, {c[3], 1.2, "R"},
		{c[4], 0.8, "C"}, {c[5], 1.4, "R"}, {c[6], 1.8, "R"}, {c[7], 1.7, "R"}}}
	var qty, acc, gross, rec int64
	for _, d := range ds {
		t.Rows = append(t.Rows, []string{w.date(d.Date), d.Lot, w.num(d.Quantity), w.num(d.AcceptedQuantity), d.Grade,
			w.num(d.UnitPriceVND), w.num(d.GrossVND), w.num(in.Recovered[d.ID])})
		qty, acc, gross, rec = qty+d.Quantity, acc+d.AcceptedQuantity, gross+d.GrossVND, rec+in.Recovered[d.ID]
	}
	t.Total = []string{w.total, "", w.num(qty), w.num(acc), "", "", w.num(gross), w.num(rec)}
	b.add(t)
}

func (b *builder) statementAdvances(as []domain.Advance) {
	w := b.w
	b.add(Heading{Text: w.advancesH})
	if len(as) == 0 {
		b.para("%s", w.none)
		return
	}
	as = byDate(as, func(a domain.Advance) (string, string) { return a.Date, a.ID })
	t := Table{Columns: []Column{{w.advanceCols[0], 1.5, "L"}, {w.advanceCols[1], 5, "L"}, {w.advanceCols[2], 2, "R"}}}
	var total int64
	for _, a := range as {
		t.Rows = append(t.Rows, []string{w.date(a.Date), a.Description, w.money(a.ValueVND)})
		total += a.ValueVND
	}
	t.Total = []string{w.total, "", w.money(total)}
	b.add(t)
}

func (b *builder) statementPayments(ps []domain.Payment) {
	w := b.w
	b.add(Heading{Text: w.paymentsH})
	if len(ps) == 0 {
		b.para("%s", w.none)
		return
	}
	ps = byDate(ps, func(p domain.Payment) (string, string) { return p.Date, p.ID })
	c := w.paymentCols
	t := Table{Columns: []Column{{c[0], 1.5, "L"}, {c[1], 2.2, "L"}, {c[2], 2, "L"}, {c[3], 2, "L"}, {c[4], 2, "R"}}}
	var total int64
	for _, p := range ps {
		payee := w.payeeHousehold
		if p.Payee != p.Household {
			payee = w.payeeProducer
		}
		t.Rows = append(t.Rows, []string{w.date(p.Date), payee, or(w.methods[p.Method], p.Method), p.Reference, w.money(p.AmountVND)})
		total += p.AmountVND
	}
	t.Total = []string{w.total, "", "", "", w.money(total)}
	b.add(t)
}

func (b *builder) statementSummary(l domain.Line) {
	w := b.w
	b.add(Heading{Text: w.summaryH})
	t := Table{Columns: []Column{{"", 5, "L"}, {"", 2.5, "R"}}}
	for _, r := range []struct {
		label string
		v     int64
	}{{w.sumGross, l.GrossVND}, {w.sumAdvances, l.AdvancesVND}, {w.sumInterest, l.InterestVND}, {w.sumRecovered, l.RecoveredVND},
		{w.sumOutstanding, l.OutstandingAdvVND}, {w.sumPaid, l.PaidVND}} {
		t.Rows = append(t.Rows, []string{r.label, w.money(r.v)})
	}
	t.Total = []string{w.sumBalance, w.money(l.BalanceVND)}
	b.add(t, Line{Text: w.rounding, Style: Style{Italic: true, Size: 10}})
}

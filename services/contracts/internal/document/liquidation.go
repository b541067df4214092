package document

import (
	"fmt"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// Acknowledgement is a party's acknowledgement of the final settlement, as recorded in the
// contract's audit chain.
type Acknowledgement struct {
	// Party is domain.PartyBuyer or domain.PartyProducer.
	Party string
	Actor string
	Time  time.Time
}

// LiquidationInput is a completed (or liquidated) contract's final settlement.
type LiquidationInput struct {
	ContractID string
	Amendment  int32
	State      string
	Terms      domain.Terms
	TermsHash  string
	Names      domain.Names
	// Witness of the terms in force (when the contract was witnessed).
	Witness          *domain.Witness
	Statement        domain.Statement
	Incidents        []domain.Incident
	Acknowledgements []Acknowledgement
	VerifyURL        string
	Created          time.Time
	Lang             Lang
}

// Liquidation builds the liquidation record (biên bản thanh lý).
func Liquidation(in LiquidationInput) Doc {
	w := wordsFor(in.Lang)
	b := &builder{w: w}
	n := in.Names
	b.nationalHeading()
	b.add(Line{Text: w.liqTitle, Style: Style{Bold: true, Size: 14, Align: "C"}},
		Line{Text: fmt.Sprintf(w.liqNumber, in.ContractID), Style: Style{Align: "C"}},
		Line{Text: fmt.Sprintf(w.liqOf, in.ContractID), Style: Style{Italic: true, Align: "C"}}, Gap{MM: 3})
	witnessed := ""
	if in.Witness != nil {
		witnessed = ", " + or(n.Witness.DisplayName, in.Terms.WitnessAuthority) + " — " + w.when(in.Witness.Time)
	}
	b.add(Line{Text: fmt.Sprintf(w.liqBasis1, in.ContractID, witnessed), Style: Style{Italic: true}},
		Line{Text: w.liqBasis2, Style: Style{Italic: true}})
	b.parties(in.Terms, n)
	b.liquidationTotals(in)
	b.liquidationIncidents(in.Incidents)
	b.add(Heading{Text: w.liqArticles[2]})
	done, at := liquidated(in.Acknowledgements)
	if done {
		b.para(w.liqConfirmed, w.money(in.Statement.Total.BalanceVND), w.when(at))
	} else {
		b.para("%s", w.liqPending)
	}
	b.add(Gap{MM: 4}, Signatures{Heading: w.signHeading, Boxes: []SignBox{
		ackBox(w, w.buyerBox, or(n.Buyer.DisplayName, in.Terms.Buyer), n.Buyer.Representative, ackOf(in.Acknowledgements, domain.PartyBuyer)),
		ackBox(w, w.producerBox, or(n.Producer.DisplayName, in.Terms.Producer), n.Producer.Representative, ackOf(in.Acknowledgements, domain.PartyProducer)),
	}}, Signatures{Boxes: []SignBox{{Title: w.witnessBox, Party: or(n.Witness.DisplayName, in.Terms.WitnessAuthority), Hint: w.hintWitness}}})
	name := fmt.Sprintf(w.liqName, in.ContractID)
	mark := ""
	if in.Lang == English {
		mark = w.translationNote
	}
	date := in.Created
	if done {
		date = at
	}
	return Doc{Kind: KindLiquidation, Lang: in.Lang, Title: name, Date: date, Mark: mark, Footer: footer(w, name, in.TermsHash, in.VerifyURL), Blocks: b.blocks}
}

func (b *builder) liquidationTotals(in LiquidationInput) {
	w, unit, tot := b.w, in.Names.Product.Unit, in.Statement.Total
	b.add(Heading{Text: w.liqArticles[0]})
	perf := "—"
	if in.Terms.TotalQuantity > 0 {
		if bps, err := domain.MulDivRound(tot.Accepted, domain.WholeBps, in.Terms.TotalQuantity); err == nil {
			perf = w.pct(int32(min(bps, 1<<30)))
		}
	}
	l := w.liqTotals
	t := Table{Columns: []Column{{"", 5, "L"}, {"", 2.5, "R"}}, Rows: [][]string{
		{l[0], w.qty(in.Terms.TotalQuantity, unit)}, {l[1], w.qty(tot.Delivered, unit)}, {l[2], w.qty(tot.Accepted, unit)}, {l[3], perf},
		{l[4], w.money(tot.GrossVND)}, {l[5], w.money(tot.AdvancesVND)}, {l[6], w.money(tot.RecoveredVND)}, {l[7], w.money(tot.PaidVND)},
	}, Total: []string{l[8], w.money(tot.BalanceVND)}}
	b.add(t)
	c := w.liqHouseCols
	hs := Table{Columns: []Column{{c[0], 0.8, "C"}, {c[1], 3.2, "L"}, {c[2], 1.4, "R"}, {c[3], 1.3, "R"}, {c[4], 1.3, "R"}, {c[5], 1.9, "R"}, {c[6], 1.9, "R"}, {c[7], 1.5, "R"}}}
	for i, hl := range in.Statement.Households {
		name := or(in.Names.Households[hl.Household].HeadName, hl.Household)
		hs.Rows = append(hs.Rows, []string{fmt.Sprint(i + 1), name, w.num(hl.Contracted), w.num(hl.Delivered), w.num(hl.Accepted), w.num(hl.GrossVND), w.num(hl.PaidVND), w.num(hl.BalanceVND)})
	}
	hs.Total = []string{"", w.total, w.num(tot.Contracted), w.num(tot.Delivered), w.num(tot.Accepted), w.num(tot.GrossVND), w.num(tot.PaidVND), w.num(tot.BalanceVND)}
	b.add(hs)
}

func (b *builder) liquidationIncidents(is []domain.Incident) {
	w := b.w
	b.add(Heading{Text: w.liqArticles[1]})
	if len(is) == 0 {
		b.para("%s", w.noIncidents)
		return
	}
	c := w.incidentCol
	t := Table{Columns: []Column{{c[0], 2, "L"}, {c[1], 1.3, "L"}, {c[2], 4, "L"}, {c[3], 1.8, "R"}}}
	var total int64
	for _, i := range is {
		t.Rows = append(t.Rows, []string{or(w.incidentKinds[i.Kind], i.Kind), i.State, i.Outcome, w.money(i.PenaltyVND)})
		total += i.PenaltyVND
	}
	t.Total = []string{w.total, "", "", w.money(total)}
	b.add(t)
}

func ackOf(acks []Acknowledgement, party string) *Acknowledgement {
	for i := range acks {
		if acks[i].Party == party {
			return &acks[i]
		}
	}
	return nil
}

// liquidated reports whether both sides acknowledged, and when the second did.
func liquidated(acks []Acknowledgement) (bool, time.Time) {
	b, p := ackOf(acks, domain.PartyBuyer), ackOf(acks, domain.PartyProducer)
	if b == nil || p == nil {
		return false, time.Time{}
	}
	if b.Time.After(p.Time) {
		return true, b.Time
	}
	return true, p.Time
}

func ackBox(w *words, title, party, representative string, a *Acknowledgement) SignBox {
	box := SignBox{Title: title, Party: party, Hint: w.hintOrg, Name: representative, Unsigned: w.notAcknowledge}
	if a != nil {
		box.Signed = []string{w.acknowledged, fmt.Sprintf(w.signedBy, a.Actor), fmt.Sprintf(w.signedAt, w.when(a.Time))}
	}
	return box
}

package document

import (
	"fmt"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// ContractInput is one version of a contract as its document shows it.
type ContractInput struct {
	ID          string
	DisplayName string
	State       string
	// Rulebook is the rulebook and version checked against ("decree98@2026.1"); Titles are
	// the titles of its rulebooks.
	Rulebook       string
	RulebookTitles []string
	// Version is the amendment number of the terms shown (0: the original terms); Pending
	// says it is a proposed amendment, not yet in force.
	Version   int32
	Pending   bool
	Reason    string
	Terms     domain.Terms
	TermsHash string
	// Signatures on these terms; Witness of these terms (nil when not witnessed).
	Signatures []domain.Signature
	Witness    *domain.Witness
	Names      domain.Names
	// VerifyURL is the public verification page of this version (the QR code's content).
	VerifyURL string
	// Created is the contract's creation time: the document's date until it is signed.
	Created time.Time
	Lang    Lang
}

// Contract builds the contract document.
func Contract(in ContractInput) Doc {
	w := wordsFor(in.Lang)
	b := &builder{w: w}
	b.nationalHeading()
	title, rest, _ := strings.Cut(w.contractTitle, " | ")
	b.add(Line{Text: title, Style: Style{Bold: true, Size: 14, Align: "C"}}, Line{Text: rest, Style: Style{Bold: true, Align: "C"}})
	if in.Version > 0 {
		b.add(Line{Text: fmt.Sprintf(w.amendmentOf, in.Version), Style: Style{Bold: true, Align: "C"}})
	}
	b.add(Line{Text: fmt.Sprintf(w.number, in.ID), Style: Style{Align: "C"}})
	if in.DisplayName != "" {
		b.add(Line{Text: in.DisplayName, Style: Style{Italic: true, Align: "C"}})
	}
	b.add(Gap{MM: 3})
	for _, s := range w.bases {
		b.add(Line{Text: s, Style: Style{Italic: true}})
	}
	if in.Rulebook != "" {
		b.add(Line{Text: fmt.Sprintf(w.rulebookBasis, in.Rulebook, strings.Join(in.RulebookTitles, "; ")), Style: Style{Italic: true}})
	}
	b.add(Line{Text: w.needsBasis, Style: Style{Italic: true}})
	if in.Reason != "" {
		b.add(Line{Text: fmt.Sprintf(w.amendmentReason, in.Reason)})
	}
	if t, ok := domain.Concluded(in.Terms, in.Signatures); ok {
		b.add(Line{Text: fmt.Sprintf(w.today, w.longDate(t))})
	} else {
		b.add(Line{Text: w.todayBlank})
	}
	b.parties(in.Terms, in.Names)
	b.add(Line{Text: fmt.Sprintf(w.linkageForm, or(w.forms[in.Terms.LinkageForm], in.Terms.LinkageForm))})
	b.add(Line{Text: w.agree})
	b.articles(in)
	b.contractSignatures(in)
	b.annex(in)
	return Doc{
		Kind: KindContract, Lang: in.Lang, Title: strings.Replace(w.contractTitle, " | ", " ", 1) + " — " + contractName(w, in.ID, in.Version), Date: latest(in.Created, in.Signatures, in.Witness),
		Mark: contractMark(w, in), Footer: footer(w, contractName(w, in.ID, in.Version), in.TermsHash, in.VerifyURL), Blocks: b.blocks,
	}
}

// builder collects a document's blocks.
type builder struct {
	w      *words
	blocks []Block
}

func (b *builder) add(bl ...Block) { b.blocks = append(b.blocks, bl...) }

func (b *builder) para(format string, args ...any) {
	b.add(Line{Text: fmt.Sprintf(format, args...)})
}

func (b *builder) nationalHeading() {
	b.add(Line{Text: b.w.nation1, Style: Style{Bold: true, Align: "C"}},
		Line{Text: b.w.nation2, Style: Style{Bold: true, Align: "C"}},
		Line{Text: "———————", Style: Style{Align: "C", Size: 9}}, Gap{MM: 2})
}

func (b *builder) parties(t domain.Terms, n domain.Names) {
	w := b.w
	b.add(Gap{MM: 1}, Line{Text: fmt.Sprintf(w.buyerTitle, or(n.Buyer.DisplayName, t.Buyer)), Style: Style{Bold: true}})
	b.add(orgFields(w, n.Buyer))
	b.add(Line{Text: fmt.Sprintf(w.producerTitle, or(n.Producer.DisplayName, t.Producer)), Style: Style{Bold: true}})
	b.add(orgFields(w, n.Producer))
	b.add(Line{Text: w.producerFor, Style: Style{Italic: true}, Indent: 5})
	b.add(Line{Text: fmt.Sprintf(w.witnessTitle, or(n.Witness.DisplayName, t.WitnessAuthority)), Style: Style{Bold: true}}, Gap{MM: 1})
}

func orgFields(w *words, o domain.OrgNames) Fields {
	var f Fields
	for _, r := range [][2]string{{w.address, o.Address}, {w.taxCode, o.TaxCode}, {w.representative, o.Representative}, {w.position, o.Position}} {
		if r[1] != "" {
			f.Rows = append(f.Rows, r)
		}
	}
	return f
}

func (b *builder) articles(in ContractInput) {
	w, t, n := b.w, in.Terms, in.Names
	unit := or(n.Product.Unit, "")
	b.add(Heading{Text: w.articles[0]})
	b.para(w.product, productName(in.Lang, n.Product, t.Product), or(unit, "—"))
	b.para(w.standard, or(n.Standard, t.QualityStandard))
	b.grading(t.GradingRules)

	b.add(Heading{Text: w.articles[1]})
	b.para(w.totalQty, w.qty(t.TotalQuantity, unit), w.pct(t.ToleranceBps))
	var area int64
	for _, a := range t.Allocations {
		area += a.AreaM2
	}
	b.para(w.allocationsIn, len(t.Allocations), w.area(area))

	b.add(Heading{Text: w.articles[2]})
	lots := Table{Columns: []Column{{w.lotCols[0], 1, "L"}, {w.lotCols[1], 2.2, "L"}, {w.lotCols[2], 3, "L"}, {w.lotCols[3], 1.6, "R"}}}
	for _, l := range t.Lots {
		lots.Rows = append(lots.Rows, []string{l.ID, w.window(l.Window.Start, l.Window.End), l.Place, w.qty(l.Quantity, unit)})
	}
	b.add(lots)

	b.add(Heading{Text: w.articles[3]})
	b.price(t.Price, unit)
	b.add(Heading{Text: w.articles[4]})
	b.para(w.payWithin, t.Payment.DaysAfterDelivery, or(w.methods[t.Payment.Method], t.Payment.Method))
	b.para("%s", w.payToHouse)
	b.add(Heading{Text: w.articles[5]})
	b.inputs(t.InputSupply)
	b.add(Heading{Text: w.articles[6]})
	b.duties(t.Obligations)
	b.add(Heading{Text: w.articles[7]})
	b.para(w.penalty, w.pct(t.Breach.PenaltyBps))
	if t.Breach.Damages != "" {
		b.para(w.damages, t.Breach.Damages)
	}
	b.add(Heading{Text: w.articles[8]}, Line{Text: w.fmIntro}, Bullets{Items: translate(t.ForceMajeureEvents, w.fmEvents)}, Line{Text: w.fmAfter})
	b.add(Heading{Text: w.articles[9]}, Line{Text: w.disputeIntro})
	for _, s := range numbered(translate(t.DisputeSteps, w.disputeSteps)) {
		b.add(Line{Text: s, Indent: 5})
	}
	b.add(Heading{Text: w.articles[10]})
	b.para(w.termPeriod, w.date(t.Period.Start), w.date(t.Period.End))
	if len(t.Seasons) > 0 {
		b.para(w.seasons, strings.Join(t.Seasons, ", "))
	}
	b.para("%s", w.amendRule)
	b.para("%s", w.liquidateRule)
	if ci := t.CoInvestment; ci != nil {
		b.para(w.coInvestment, w.money(ci.TotalValueVND), w.pct(ci.OwnerShareBps))
	}
	b.para("%s", w.annexIntegral)
	b.para(w.hashClause, in.TermsHash)
}

func productName(l Lang, p domain.ProductNames, id string) string {
	name := p.VI
	if l == English && p.EN != "" {
		name = p.EN
	}
	return or(name, id)
}

func (b *builder) grading(rules []domain.GradingRule) {
	w := b.w
	if len(rules) == 0 {
		b.para("%s", w.noGrading)
		return
	}
	t := Table{Columns: []Column{{w.gradeCols[0], 1, "L"}, {w.gradeCols[1], 4, "L"}, {w.gradeCols[2], 1.6, "R"}}}
	for _, g := range rules {
		t.Rows = append(t.Rows, []string{g.Grade, g.Criteria, w.signedPct(g.PriceAdjustmentBps)})
	}
	b.add(t)
}

func (b *builder) price(p domain.PriceTerms, unit string) {
	w := b.w
	u := or(unit, "—")
	switch p.Type {
	case domain.PriceFixed:
		b.para(w.priceFixed, w.money(p.FixedPriceVND), u)
	case domain.PriceFloorWithMarket:
		b.para(w.priceFloor, w.money(p.FloorPriceVND), u, p.MarketReference, w.pct(p.PremiumBps))
	case domain.PriceCostPlus:
		b.para(w.priceCost, w.money(p.CostPriceVND), u, w.pct(p.MarginBps))
	default:
		b.para("%s", p.Type)
	}
	b.para("%s", w.priceNote)
}

func (b *builder) inputs(in *domain.InputSupply) {
	w := b.w
	if in == nil || len(in.Items) == 0 {
		b.para("%s", w.noInputs)
		return
	}
	b.para("%s", w.inputCols)
	t := Table{Columns: []Column{{w.inputCol[0], 3, "L"}, {w.inputCol[1], 1.2, "R"}, {w.inputCol[2], 1, "L"}, {w.inputCol[3], 1.8, "R"}}}
	var total int64
	for _, it := range in.Items {
		t.Rows = append(t.Rows, []string{it.Description, w.num(it.Quantity), it.Unit, w.money(it.ValueVND)})
		total += it.ValueVND
	}
	t.Total = []string{w.total, "", "", w.money(total)}
	b.add(t)
	if in.RecoveredAtSettlement {
		b.para("%s", w.recovered)
	} else {
		b.para("%s", w.notRecovered)
	}
	if in.InterestRateBps > 0 {
		b.para(w.interest, w.pct(in.InterestRateBps))
	} else {
		b.para("%s", w.noInterest)
	}
}

func (b *builder) duties(o domain.Obligations) {
	w := b.w
	for _, d := range []struct {
		head  string
		items []string
	}{{w.dutiesBuyer, o.Buyer}, {w.dutiesProducer, o.Producer}, {w.dutiesHouses, o.Households}} {
		b.add(Line{Text: d.head, Style: Style{Italic: true}})
		if len(d.items) == 0 {
			b.add(Line{Text: w.dutiesLaw, Indent: 5})
			continue
		}
		b.add(Bullets{Items: d.items})
	}
	b.add(Line{Text: w.dutiesWitness, Style: Style{Italic: true}})
}

// contractSignatures are the buyer's, the producer's and the witness's blocks.
func (b *builder) contractSignatures(in ContractInput) {
	w, t, n := b.w, in.Terms, in.Names
	b.add(Gap{MM: 4})
	buyer := partyBox(w, w.buyerBox, or(n.Buyer.DisplayName, t.Buyer), n.Buyer.Representative, signatureOf(in.Signatures, domain.PartyBuyer, t.Buyer))
	producer := partyBox(w, w.producerBox, or(n.Producer.DisplayName, t.Producer), n.Producer.Representative, signatureOf(in.Signatures, domain.PartyProducer, t.Producer))
	b.add(Signatures{Heading: w.signHeading, Boxes: []SignBox{buyer, producer}})
	witness := SignBox{Title: w.witnessBox, Party: or(n.Witness.DisplayName, t.WitnessAuthority), Hint: w.hintWitness, Unsigned: w.unwitnessed}
	if in.Witness != nil && in.Witness.RejectionReason == "" {
		witness.Signed = []string{w.witnessedOnline, fmt.Sprintf(w.signedBy, in.Witness.Official), fmt.Sprintf(w.signedAt, w.when(in.Witness.Time))}
	}
	b.add(Signatures{Boxes: []SignBox{witness}})
}

func partyBox(w *words, title, party, representative string, s *domain.Signature) SignBox {
	box := SignBox{Title: title, Party: party, Hint: w.hintOrg, Name: representative, Unsigned: w.unsigned}
	if s != nil {
		box.Signed = []string{w.signedOnline, fmt.Sprintf(w.signedBy, s.Signer), fmt.Sprintf(w.signedAt, w.when(s.Time))}
	}
	return box
}

func signatureOf(sigs []domain.Signature, party, onBehalfOf string) *domain.Signature {
	for i := range sigs {
		if sigs[i].Party == party && sigs[i].OnBehalfOf == onBehalfOf {
			return &sigs[i]
		}
	}
	return nil
}

// annex lists the households: names, villages, allocations and how each signed.
func (b *builder) annex(in ContractInput) {
	w, t, n := b.w, in.Terms, in.Names
	b.add(PageBreak{}, Line{Text: w.annex, Style: Style{Bold: true, Align: "C"}}, Line{Text: w.annexTitle, Style: Style{Bold: true, Align: "C"}},
		Line{Text: fmt.Sprintf(w.annexOf, in.ID), Style: Style{Italic: true, Align: "C"}}, Gap{MM: 2})
	unit := n.Product.Unit
	c := w.annexCols
	tab := Table{Columns: []Column{{c[0], 0.9, "C"}, {c[1], 3.3, "L"}, {c[2], 1.7, "L"}, {c[3] + unitSuffix(unit), 1.4, "R"}, {c[4], 1.5, "R"}, {c[5], 3.4, "L"}}}
	var qty, area int64
	for i, a := range t.Allocations {
		h := n.Households[a.Household]
		tab.Rows = append(tab.Rows, []string{fmt.Sprint(i + 1), or(h.HeadName, a.Household), h.Village, w.num(a.Quantity), w.num(a.AreaM2), householdSigned(w, in.Signatures, a)})
		qty += a.Quantity
		area += a.AreaM2
	}
	tab.Total = []string{"", w.total, "", w.num(qty), w.num(area), ""}
	b.add(tab, Gap{MM: 2}, Line{Text: w.annexNote, Style: Style{Italic: true, Size: 10}})
}

func unitSuffix(unit string) string {
	if unit == "" {
		return ""
	}
	return " (" + unit + ")"
}

func householdSigned(w *words, sigs []domain.Signature, a domain.Allocation) string {
	s := signatureOf(sigs, domain.PartyHousehold, a.Household)
	switch {
	case s != nil && s.MandateReference != "":
		return fmt.Sprintf(w.annexMandate, s.MandateReference) + ", " + w.when(s.Time)
	case s != nil:
		return fmt.Sprintf(w.annexSigned, w.when(s.Time))
	}
	return w.annexBlank
}

// latest is the latest time the document shows (signatures, witness), else created.
func latest(created time.Time, sigs []domain.Signature, w *domain.Witness) time.Time {
	t := created
	for _, s := range sigs {
		if s.Time.After(t) {
			t = s.Time
		}
	}
	if w != nil && w.Time.After(t) {
		t = w.Time
	}
	return t
}

func contractName(w *words, id string, version int32) string {
	name := fmt.Sprintf(w.number, id)
	if version > 0 {
		name += " — " + fmt.Sprintf(w.amendmentN, version)
	}
	return name
}

func contractMark(w *words, in ContractInput) string {
	var marks []string
	if in.Lang == English {
		marks = append(marks, w.translationNote)
	}
	switch {
	case in.Pending:
		marks = append(marks, w.pendingAmendmentMark)
	case in.State == domain.StateDraft:
		marks = append(marks, w.draftMark)
	case in.State == domain.StateWitnessRejected:
		marks = append(marks, w.rejectedMark)
	case in.State == domain.StateCancelled:
		marks = append(marks, w.cancelledMark)
	case in.State == domain.StateTerminated:
		marks = append(marks, w.terminatedMark)
	}
	return strings.Join(marks, " · ")
}

// footer names the document, its terms hash and its verification page (printed without the
// query, which the QR code carries in full).
func footer(w *words, name, hash, url string) Footer {
	shown, _, _ := strings.Cut(url, "?")
	return Footer{Name: name, Hash: fmt.Sprintf(w.footerHash, hash), Page: w.footerPage, Verify: fmt.Sprintf(w.footerVerify, shown), URL: url}
}

func translate(keys []string, m map[string]string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = or(m[k], k)
	}
	return out
}

func numbered(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = fmt.Sprintf("%d. %s", i+1, s)
	}
	return out
}

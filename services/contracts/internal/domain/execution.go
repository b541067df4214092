package domain

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// UnitPrice resolves the price of one unit of a delivery: the contract's price terms (for
// FLOOR_WITH_MARKET, max(floor, market × (1 + premium)); for COST_PLUS, cost × (1 + margin)),
// then the grade's adjustment. marketVND is the market reference price of the delivery date
// (needed only for FLOOR_WITH_MARKET).
func UnitPrice(p PriceTerms, grading []GradingRule, grade string, marketVND int64) (int64, error) {
	base, err := basePrice(p, marketVND)
	if err != nil {
		return 0, err
	}
	if len(grading) == 0 {
		return base, nil
	}
	for _, g := range grading {
		if g.Grade == grade {
			return ApplyBps(base, g.PriceAdjustmentBps)
		}
	}
	return 0, fmt.Errorf("grade %q is not in the contract's grading rules", grade)
}

// basePrice is the unit price before the grade's adjustment.
func basePrice(p PriceTerms, marketVND int64) (int64, error) {
	switch p.Type {
	case PriceFixed:
		return p.FixedPriceVND, nil
	case PriceFloorWithMarket:
		if marketVND <= 0 {
			return 0, errors.New("a market reference price for the delivery date is required")
		}
		m, err := ApplyBps(marketVND, p.PremiumBps)
		if err != nil {
			return 0, err
		}
		return max(p.FloorPriceVND, m), nil
	case PriceCostPlus:
		return ApplyBps(p.CostPriceVND, p.MarginBps)
	}
	return 0, fmt.Errorf("unknown price type %q", p.Type)
}

// Line is a settlement line (one household, or the total).
type Line struct {
	Household         string
	Contracted        int64
	Delivered         int64
	Accepted          int64
	GrossVND          int64
	AdvancesVND       int64 // principal plus interest accrued to the recoveries
	InterestVND       int64
	RecoveredVND      int64
	OutstandingAdvVND int64
	PaidVND           int64
	BalanceVND        int64
}

// Statement is the settlement of a contract.
type Statement struct {
	Households []Line
	Total      Line
	// Recovered per delivery id.
	Recovered map[string]int64
}

// Balance returns household's balance (0 when it has no line).
func (st Statement) Balance(household string) int64 {
	var bal int64
	for _, l := range st.Households {
		if l.Household == household {
			bal = l.BalanceVND
		}
	}
	return bal
}

// Rounding documents the statement's money rules.
const Rounding = "integer VND; unit prices, percentages and interest rounded half away from zero to 1 đồng once per computation; interest is simple, on the outstanding principal, per day (actual/365)"

func days(from, to string) int64 {
	a, err1 := time.Parse(time.DateOnly, from)
	b, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || b.Before(a) {
		return 0
	}
	return int64(b.Sub(a).Hours() / 24)
}

// Settle computes the settlement. Deliveries are processed in date order; when inputs are
// recovered at settlement, each delivery's gross first repays the household's advances
// (oldest first: accrued interest, then principal), never more than is owed nor more than the
// delivery's gross. balance = gross − recovered − paid for every line, and the total line is
// the sum of the household lines.
func Settle(t Terms, advances []Advance, deliveries []Delivery, payments []Payment) (Statement, error) {
	l := newLedger(t)
	if err := l.advance(advances); err != nil {
		return Statement{}, err
	}
	st := Statement{Recovered: map[string]int64{}}
	if err := l.deliver(deliveries, st.Recovered); err != nil {
		return Statement{}, err
	}
	if err := l.pay(payments); err != nil {
		return Statement{}, err
	}
	if err := l.close(&st); err != nil {
		return Statement{}, err
	}
	return st, nil
}

// ledger accumulates the settlement lines, in the order households first appear.
type ledger struct {
	lines   map[string]*Line
	order   []string
	rate    int32 // interest on advances, bps per year
	recover bool  // advances are recovered from deliveries
	open    map[string][]*openAdvance
}

// openAdvance is an advance being repaid: what remains of it, and since when interest runs.
type openAdvance struct {
	Advance
	principal int64
	since     string
}

func newLedger(t Terms) *ledger {
	l := &ledger{lines: map[string]*Line{}, open: map[string][]*openAdvance{}}
	for _, a := range t.Allocations {
		l.line(a.Household).Contracted += a.Quantity
	}
	if t.InputSupply != nil {
		l.rate, l.recover = t.InputSupply.InterestRateBps, t.InputSupply.RecoveredAtSettlement
	}
	return l
}

func (l *ledger) line(h string) *Line {
	if ln, ok := l.lines[h]; ok {
		return ln
	}
	ln := &Line{Household: h}
	l.lines[h] = ln
	l.order = append(l.order, h)
	return ln
}

// advance books the advances, oldest first.
func (l *ledger) advance(advances []Advance) error {
	adv := append([]Advance(nil), advances...)
	sort.SliceStable(adv, func(i, j int) bool { return adv[i].Date < adv[j].Date })
	for _, a := range adv {
		if a.ValueVND < 0 {
			return errors.New("negative advance")
		}
		l.open[a.Household] = append(l.open[a.Household], &openAdvance{Advance: a, principal: a.ValueVND, since: a.Date})
		ln := l.line(a.Household)
		var err error
		if ln.AdvancesVND, err = Add(ln.AdvancesVND, a.ValueVND); err != nil {
			return err
		}
	}
	return nil
}

// deliver books the deliveries in date order, recovering advances from each when the terms
// say so (recovered per delivery id).
func (l *ledger) deliver(deliveries []Delivery, recovered map[string]int64) error {
	dl := append([]Delivery(nil), deliveries...)
	sort.SliceStable(dl, func(i, j int) bool { return dl[i].Date < dl[j].Date })
	for _, d := range dl {
		ln := l.line(d.Household)
		var err error
		if ln.Delivered, err = Add(ln.Delivered, d.Quantity); err != nil {
			return err
		}
		if ln.Accepted, err = Add(ln.Accepted, d.AcceptedQuantity); err != nil {
			return err
		}
		if ln.GrossVND, err = Add(ln.GrossVND, d.GrossVND); err != nil {
			return err
		}
		if l.recover {
			if err := l.recoverFrom(ln, d, recovered); err != nil {
				return err
			}
		}
	}
	return nil
}

// recoverFrom repays the household's open advances (oldest first) from delivery d's gross.
func (l *ledger) recoverFrom(ln *Line, d Delivery, recovered map[string]int64) error {
	room := d.GrossVND
	for _, a := range l.open[d.Household] {
		if room <= 0 {
			break
		}
		if a.principal <= 0 {
			continue
		}
		interest, err := l.interest(a, d.Date)
		if err != nil {
			return err
		}
		a.since = d.Date
		if interest > 0 {
			ln.InterestVND += interest
			ln.AdvancesVND += interest
		}
		owed := a.principal + interest
		take := min(room, owed)
		room -= take
		recovered[d.ID] += take
		ln.RecoveredVND += take
		// Interest first, then principal; unpaid interest is capitalised.
		a.principal = owed - take
	}
	return nil
}

// interest is the simple interest on a's outstanding principal from a.since to date.
func (l *ledger) interest(a *openAdvance, date string) (int64, error) {
	yearly, err := ShareBps(a.principal, l.rate)
	if err != nil {
		return 0, err
	}
	return MulDivRound(yearly, days(a.since, date), DaysPerYear)
}

func (l *ledger) pay(payments []Payment) error {
	for _, p := range payments {
		ln := l.line(p.Household)
		var err error
		if ln.PaidVND, err = Add(ln.PaidVND, p.AmountVND); err != nil {
			return err
		}
	}
	return nil
}

// close computes the balances and outstanding advances and adds up the total line.
func (l *ledger) close(st *Statement) error {
	for _, h := range l.order {
		ln := l.lines[h]
		var out int64
		for _, a := range l.open[h] {
			out += a.principal
		}
		ln.OutstandingAdvVND = out
		ln.BalanceVND = ln.GrossVND - ln.RecoveredVND - ln.PaidVND
		st.Households = append(st.Households, *ln)
		if err := st.Total.add(ln); err != nil {
			return err
		}
	}
	return nil
}

// add adds line o to t, field by field.
func (t *Line) add(o *Line) error {
	for _, p := range [][2]*int64{{&t.Contracted, &o.Contracted}, {&t.Delivered, &o.Delivered}, {&t.Accepted, &o.Accepted}, {&t.GrossVND, &o.GrossVND},
		{&t.AdvancesVND, &o.AdvancesVND}, {&t.InterestVND, &o.InterestVND}, {&t.RecoveredVND, &o.RecoveredVND}, {&t.OutstandingAdvVND, &o.OutstandingAdvVND},
		{&t.PaidVND, &o.PaidVND}, {&t.BalanceVND, &o.BalanceVND}} {
		var err error
		if *p[0], err = Add(*p[0], *p[1]); err != nil {
			return err
		}
	}
	return nil
}

// Penalty computes the breach penalty: the clause's share of the breached obligation's value,
// capped at MaxPenaltyBps (8%) whatever the clause says.
func Penalty(breachedVND int64, penaltyBps int32) (int64, error) {
	if breachedVND < 0 {
		return 0, errors.New("negative breached value")
	}
	return ShareBps(breachedVND, min(max(penaltyBps, 0), MaxPenaltyBps))
}

// WithinTolerance reports whether quantity does not exceed limit × (1 + tolerance).
func WithinTolerance(quantity, limit int64, toleranceBps int32) bool {
	cap, err := ApplyBps(limit, toleranceBps)
	return err == nil && quantity <= cap
}

// LotsDone reports whether every lot is delivered (within tolerance below its quantity) or
// excused.
func LotsDone(t Terms, deliveredByLot map[string]int64, excused []string) bool {
	ex := map[string]bool{}
	for _, l := range excused {
		ex[l] = true
	}
	for _, l := range t.Lots {
		if ex[l.ID] {
			continue
		}
		floor, err := ApplyBps(l.Quantity, -t.ToleranceBps)
		if err != nil || deliveredByLot[l.ID] < floor {
			return false
		}
	}
	return true
}

// Completes reports whether an ACTIVE contract is done: every lot delivered or excused, every
// balance paid and every advance recovered (st is its settlement over deliveries).
func (c *Contract) Completes(st Statement, deliveries []Delivery) bool {
	if c.State != StateActive {
		return false
	}
	byLot := map[string]int64{}
	for _, d := range deliveries {
		byLot[d.Lot] += d.Quantity
	}
	return LotsDone(c.Terms, byLot, c.ExcusedLots) && st.Total.BalanceVND == 0 && st.Total.OutstandingAdvVND == 0
}

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
	var base int64
	var err error
	switch p.Type {
	case PriceFixed:
		base = p.FixedPriceVND
	case PriceFloorWithMarket:
		if marketVND <= 0 {
			return 0, errors.New("a market reference price for the delivery date is required")
		}
		m, err := ApplyBps(marketVND, p.PremiumBps)
		if err != nil {
			return 0, err
		}
		base = max(p.FloorPriceVND, m)
	case PriceCostPlus:
		if base, err = ApplyBps(p.CostPriceVND, p.MarginBps); err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("unknown price type %q", p.Type)
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

// Advance is an input advance to a household.
type Advance struct {
	ID        string
	Household string
	Date      string
	ValueVND  int64
}

// DeliveryRecord is a delivery as settlement sees it.
type DeliveryRecord struct {
	ID               string
	Household        string
	Lot              string
	Date             string
	Quantity         int64
	AcceptedQuantity int64
	GrossVND         int64
}

// PaymentRecord is a payment attributed to a household.
type PaymentRecord struct {
	Household string
	AmountVND int64
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
func Settle(t Terms, advances []Advance, deliveries []DeliveryRecord, payments []PaymentRecord) (Statement, error) {
	lines := map[string]*Line{}
	order := []string{}
	line := func(h string) *Line {
		if l, ok := lines[h]; ok {
			return l
		}
		l := &Line{Household: h}
		lines[h] = l
		order = append(order, h)
		return l
	}
	for _, a := range t.Allocations {
		line(a.Household).Contracted += a.Quantity
	}
	var rate int32
	recover := false
	if t.InputSupply != nil {
		rate, recover = t.InputSupply.InterestRateBps, t.InputSupply.RecoveredAtSettlement
	}
	type open struct {
		Advance
		principal int64
		since     string
	}
	byHH := map[string][]*open{}
	adv := append([]Advance(nil), advances...)
	sort.SliceStable(adv, func(i, j int) bool { return adv[i].Date < adv[j].Date })
	for _, a := range adv {
		if a.ValueVND < 0 {
			return Statement{}, errors.New("negative advance")
		}
		byHH[a.Household] = append(byHH[a.Household], &open{Advance: a, principal: a.ValueVND, since: a.Date})
		l := line(a.Household)
		var err error
		if l.AdvancesVND, err = Add(l.AdvancesVND, a.ValueVND); err != nil {
			return Statement{}, err
		}
	}
	st := Statement{Recovered: map[string]int64{}}
	dl := append([]DeliveryRecord(nil), deliveries...)
	sort.SliceStable(dl, func(i, j int) bool { return dl[i].Date < dl[j].Date })
	for _, d := range dl {
		l := line(d.Household)
		var err error
		if l.Delivered, err = Add(l.Delivered, d.Quantity); err != nil {
			return Statement{}, err
		}
		if l.Accepted, err = Add(l.Accepted, d.AcceptedQuantity); err != nil {
			return Statement{}, err
		}
		if l.GrossVND, err = Add(l.GrossVND, d.GrossVND); err != nil {
			return Statement{}, err
		}
		if !recover {
			continue
		}
		room := d.GrossVND
		for _, a := range byHH[d.Household] {
			if room <= 0 {
				break
			}
			if a.principal <= 0 {
				continue
			}
			yearly, err := ShareBps(a.principal, rate)
			if err != nil {
				return Statement{}, err
			}
			interest, err := MulDivRound(yearly, days(a.since, d.Date), 365)
			if err != nil {
				return Statement{}, err
			}
			a.since = d.Date
			if interest > 0 {
				l.InterestVND += interest
				l.AdvancesVND += interest
			}
			owed := a.principal + interest
			take := min(room, owed)
			room -= take
			st.Recovered[d.ID] += take
			l.RecoveredVND += take
			// Interest first, then principal; unpaid interest is capitalised.
			a.principal = owed - take
		}
	}
	for _, p := range payments {
		l := line(p.Household)
		var err error
		if l.PaidVND, err = Add(l.PaidVND, p.AmountVND); err != nil {
			return Statement{}, err
		}
	}
	for _, h := range order {
		l := lines[h]
		var out int64
		for _, a := range byHH[h] {
			out += a.principal
		}
		l.OutstandingAdvVND = out
		l.BalanceVND = l.GrossVND - l.RecoveredVND - l.PaidVND
		st.Households = append(st.Households, *l)
		t := &st.Total
		for _, p := range [][2]*int64{{&t.Contracted, &l.Contracted}, {&t.Delivered, &l.Delivered}, {&t.Accepted, &l.Accepted}, {&t.GrossVND, &l.GrossVND},
			{&t.AdvancesVND, &l.AdvancesVND}, {&t.InterestVND, &l.InterestVND}, {&t.RecoveredVND, &l.RecoveredVND}, {&t.OutstandingAdvVND, &l.OutstandingAdvVND},
			{&t.PaidVND, &l.PaidVND}, {&t.BalanceVND, &l.BalanceVND}} {
			var err error
			if *p[0], err = Add(*p[0], *p[1]); err != nil {
				return Statement{}, err
			}
		}
	}
	return st, nil
}

// Penalty computes the breach penalty: the clause's share of the breached obligation's value,
// capped at 8% (800 bps) whatever the clause says.
func Penalty(breachedVND int64, penaltyBps int32) (int64, error) {
	if breachedVND < 0 {
		return 0, errors.New("negative breached value")
	}
	return ShareBps(breachedVND, min(max(penaltyBps, 0), 800))
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

package domain

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// HouseholdProfile is what the registry said about a household when the contract's terms were
// checked (create, update, submit, amendment): the figures reports break households down by.
type HouseholdProfile struct {
	Household      string `bson:"household"`
	Poverty        string `bson:"poverty"`
	EthnicMinority bool   `bson:"ethnic_minority"`
	WomenHeaded    bool   `bson:"women_headed"`
	ProvinceCode   string `bson:"province_code"`
}

// SetProfiles records the profiles of the households f describes, keeping those of the
// households of the terms and of a pending amendment (and no others).
func (c *Contract) SetProfiles(f Facts) {
	keep := map[string]bool{}
	for _, a := range c.Terms.Allocations {
		keep[a.Household] = true
	}
	if c.PendingAmendment != nil {
		for _, a := range c.PendingAmendment.Terms.Allocations {
			keep[a.Household] = true
		}
	}
	for h := range f.Households {
		keep[h] = true
	}
	byHH := map[string]HouseholdProfile{}
	for _, p := range c.Profiles {
		if keep[p.Household] {
			byHH[p.Household] = p
		}
	}
	for h, hf := range f.Households {
		if hf.Exists {
			byHH[h] = HouseholdProfile{Household: h, Poverty: hf.Poverty, EthnicMinority: hf.EthnicMinority, WomenHeaded: hf.WomenHeaded, ProvinceCode: hf.ProvinceCode}
		}
	}
	c.Profiles = c.Profiles[:0]
	for _, p := range byHH {
		c.Profiles = append(c.Profiles, p)
	}
	sort.Slice(c.Profiles, func(i, j int) bool { return c.Profiles[i].Household < c.Profiles[j].Household })
}

// InForce reports whether the contract was witnessed (its households take part).
func (c *Contract) InForce() bool { return slices.Contains(InForceStates, c.State) }

// ContractRecords are a contract's execution records.
type ContractRecords struct {
	Deliveries []Delivery
	Advances   []Advance
	Payments   []Payment
	Incidents  []Incident
}

// ContractRollup is what contract c, with its records, contributes to reports.
func ContractRollup(c *Contract, r ContractRecords) (Rollup, error) {
	st, err := Settle(c.Terms, r.Advances, r.Deliveries, r.Payments)
	if err != nil {
		return Rollup{}, err
	}
	b := rollupBuilder{c: c, dims: c.ReportDims(), flows: map[Month]*Figures{}}
	b.start, b.end = c.PeriodMonths()
	if err := b.contract(st); err != nil {
		return Rollup{}, err
	}
	for _, step := range []func() error{
		func() error { return b.deliveries(r.Deliveries, st.Recovered) },
		func() error { return b.payments(r.Deliveries, st.Recovered, r.Payments) },
		func() error { return b.advances(r.Advances) },
		func() error { return b.incidents(r.Incidents) },
	} {
		if err := step(); err != nil {
			return Rollup{}, err
		}
	}
	return b.rollup(), nil
}

// ReportDims are the dims of the contract's figures.
func (c *Contract) ReportDims() Dims {
	return Dims{Product: c.Terms.Product, Rulebook: c.Rulebook, Form: c.Terms.LinkageForm, Province: c.ProducerProvinceCode, Commune: c.ProducerCommuneCode}
}

// PeriodMonths are the first and last months of the contract's period; a contract without a
// valid period (a draft) is dated by the month it was created.
func (c *Contract) PeriodMonths() (Month, Month) {
	s, ok1 := MonthOf(c.Terms.Period.Start)
	e, ok2 := MonthOf(c.Terms.Period.End)
	if !ok1 || !ok2 || e < s {
		m := MonthOfTime(c.CreateTime)
		return m, m
	}
	return s, e
}

// rollupBuilder accumulates one contract's rollup.
type rollupBuilder struct {
	c          *Contract
	dims       Dims
	start, end Month
	stock      Figures
	flows      map[Month]*Figures
}

// flow returns the flow figures of the month of date ("" or malformed: the contract's first
// month).
func (b *rollupBuilder) flow(date string) *Figures {
	m, ok := MonthOf(date)
	if !ok {
		m = b.start
	}
	return b.flowAt(m)
}

func (b *rollupBuilder) flowAt(m Month) *Figures {
	f := b.flows[m]
	if f == nil {
		f = &Figures{}
		b.flows[m] = f
	}
	return f
}

// add adds v to figure i of f.
func add(f *Figures, i Fig, v int64) error { return addTo(&f[i], v) }

// contract sets the contract-level figures.
func (b *rollupBuilder) contract(st Statement) error {
	c, f := b.c, &b.stock
	f[FigContracts] = 1
	if i, ok := FigState(c.State); ok {
		f[i] = 1
	}
	if i, ok := FigForm(c.Terms.LinkageForm); ok {
		f[i] = 1
	}
	if !c.InForce() {
		return nil
	}
	f[FigInForce] = 1
	f[FigAllocations] = int64(len(c.Terms.Allocations))
	f[FigContractedQty] = c.Terms.TotalQuantity
	v, err := Mul(c.Terms.TotalQuantity, c.Terms.BasePrice())
	if err != nil {
		return err
	}
	f[FigContractedVND] = v
	f[FigOutstandingAdvanceVND] = st.Total.OutstandingAdvVND
	return nil
}

// BasePrice is the contract's price per unit before grades and market: the fixed price, the
// floor of a floor-with-market price, or cost plus margin (0 when the terms do not say).
func (t Terms) BasePrice() int64 {
	switch t.Price.Type {
	case PriceFixed:
		return t.Price.FixedPriceVND
	case PriceFloorWithMarket:
		return t.Price.FloorPriceVND
	case PriceCostPlus:
		p, err := ApplyBps(t.Price.CostPriceVND, t.Price.MarginBps)
		if err == nil {
			return p
		}
	}
	return 0
}

func (b *rollupBuilder) deliveries(ds []Delivery, recovered map[string]int64) error {
	for i := range ds {
		d := &ds[i]
		f := b.flow(d.Date)
		errs := []error{add(f, FigDeliveries, 1), add(f, FigDeliveredQty, d.Quantity), add(f, FigAcceptedQty, d.AcceptedQuantity),
			add(f, FigGrossVND, d.GrossVND), add(f, FigRecoveredVND, recovered[d.ID])}
		if d.MarketPriceVND > 0 {
			mv, err := Mul(d.AcceptedQuantity, d.MarketPriceVND)
			errs = append(errs, err, add(f, FigPricedQty, d.AcceptedQuantity), add(f, FigPricedVND, d.GrossVND), add(f, FigMarketVND, mv))
		}
		if err := firstErr(errs); err != nil {
			return err
		}
	}
	return nil
}

func firstErr(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *rollupBuilder) payments(ds []Delivery, recovered map[string]int64, ps []Payment) error {
	timing, err := PaymentTiming(b.c.Terms.Payment.DaysAfterDelivery, ds, recovered, ps)
	if err != nil {
		return err
	}
	for i := range ps {
		p := &ps[i]
		f, t := b.flow(p.Date), timing[p.ID]
		if err := firstErr([]error{add(f, FigPayments, 1), add(f, FigPaidVND, p.AmountVND), add(f, FigPaidOnTimeVND, t.OnTimeVND), add(f, FigPayDaysVND, t.DaysVND)}); err != nil {
			return err
		}
	}
	return nil
}

func (b *rollupBuilder) advances(as []Advance) error {
	for i := range as {
		f := b.flow(as[i].Date)
		if err := firstErr([]error{add(f, FigAdvances, 1), add(f, FigAdvancedVND, as[i].ValueVND)}); err != nil {
			return err
		}
	}
	return nil
}

func (b *rollupBuilder) incidents(is []Incident) error {
	for i := range is {
		in := &is[i]
		f := b.flowAt(MonthOfTime(in.CreateTime))
		errs := []error{add(f, FigIncidents, 1), add(f, FigPenaltyVND, in.PenaltyVND)}
		if cell, ok := FigIncident(in.Kind, in.ReportOutcome()); ok {
			errs = append(errs, add(f, cell, 1))
		}
		if err := firstErr(errs); err != nil {
			return err
		}
	}
	return nil
}

// rollup is the contract's rollup: its Start and End entries, its flows by month and, for a
// contract in force, its households.
func (b *rollupBuilder) rollup() Rollup {
	r := Rollup{Entries: []Entry{{Kind: EntryStart, Month: b.start, Dims: b.dims, Fig: b.stock}, {Kind: EntryEnd, Month: b.end, Dims: b.dims, Fig: b.stock}}}
	for m, f := range b.flows {
		if !f.Zero() {
			r.Entries = append(r.Entries, Entry{Kind: EntryFlow, Month: m, Dims: b.dims, Fig: *f})
		}
	}
	if b.c.InForce() {
		r.Participations = b.participations()
	}
	sortRollup(&r)
	return r
}

// participations are the contract's households (each once), with the profile recorded for
// them; a household without one is counted with an unknown status, living in the producer's
// province.
func (b *rollupBuilder) participations() []Participation {
	profiles := map[string]HouseholdProfile{}
	for _, p := range b.c.Profiles {
		profiles[p.Household] = p
	}
	var out []Participation
	seen := map[string]bool{}
	for _, a := range b.c.Terms.Allocations {
		if seen[a.Household] || a.Household == "" {
			continue
		}
		seen[a.Household] = true
		p := Participation{Household: a.Household, Contract: b.c.ID, Start: b.start, End: b.end, Dims: b.dims, Profile: Profile{HomeProvince: b.dims.Province}}
		if hp, ok := profiles[a.Household]; ok {
			p.Profile = Profile{Poverty: hp.Poverty, EthnicMinority: hp.EthnicMinority, WomenHeaded: hp.WomenHeaded, HomeProvince: hp.ProvinceCode}
			if p.HomeProvince == "" {
				p.HomeProvince = b.dims.Province
			}
		}
		out = append(out, p)
	}
	return out
}

// Timing is how a payment was paid against the deliveries it paid for.
type Timing struct {
	// OnTimeVND is the part paid within the contract's payment terms of its delivery.
	OnTimeVND int64
	// DaysVND is Σ part × days from its delivery's date to the payment's date.
	DaysVND int64
}

// PaymentTiming matches each household's payments (in date order) to what its deliveries are
// owed (gross less the advances recovered from them, in date order), first in first out, and
// reports per payment id how much of it was paid within termDays of the delivery it paid for
// and its amount × days. A payment dated before its delivery counts 0 days; an amount beyond
// what the deliveries are owed (the balance check never lets one through) counts as on time.
func PaymentTiming(termDays int32, ds []Delivery, recovered map[string]int64, ps []Payment) (map[string]Timing, error) {
	type owed struct {
		date string
		left int64
	}
	queues := map[string][]*owed{}
	dl := append([]Delivery(nil), ds...)
	sort.Slice(dl, func(i, j int) bool { return dateThenID(dl[i].Date, dl[i].ID, dl[j].Date, dl[j].ID) })
	for _, d := range dl {
		queues[d.Household] = append(queues[d.Household], &owed{date: d.Date, left: d.GrossVND - recovered[d.ID]})
	}
	pl := append([]Payment(nil), ps...)
	sort.Slice(pl, func(i, j int) bool { return dateThenID(pl[i].Date, pl[i].ID, pl[j].Date, pl[j].ID) })
	out := map[string]Timing{}
	for _, p := range pl {
		var t Timing
		amount, q := p.AmountVND, queues[p.Household]
		for amount > 0 && len(q) > 0 {
			take := min(amount, q[0].left)
			n := days(q[0].date, p.Date)
			dv, err := Mul(take, n)
			if err != nil {
				return nil, err
			}
			if err := firstErr([]error{addTo(&t.DaysVND, dv), onTime(&t, take, n <= int64(termDays))}); err != nil {
				return nil, err
			}
			amount -= take
			if q[0].left -= take; q[0].left <= 0 {
				q = q[1:]
			}
		}
		queues[p.Household] = q
		if err := addTo(&t.OnTimeVND, amount); err != nil {
			return nil, err
		}
		out[p.ID] = t
	}
	return out, nil
}

func onTime(t *Timing, amount int64, ok bool) error {
	if !ok {
		return nil
	}
	return addTo(&t.OnTimeVND, amount)
}

func dateThenID(d1, id1, d2, id2 string) bool {
	if d1 != d2 {
		return d1 < d2
	}
	return id1 < id2
}

// sortRollup puts a rollup in its canonical order.
func sortRollup(r *Rollup) {
	sort.Slice(r.Entries, func(i, j int) bool { return entryLess(&r.Entries[i], &r.Entries[j]) })
	slices.SortFunc(r.Participations, func(a, b Participation) int {
		return cmp.Or(cmp.Compare(a.Household, b.Household), cmp.Compare(a.Contract, b.Contract), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End),
			cmp.Compare(a.Dims.key(), b.Dims.key()), cmp.Compare(a.Gen, b.Gen), cmp.Compare(a.Poverty, b.Poverty), cmp.Compare(a.HomeProvince, b.HomeProvince),
			cmpBool(a.EthnicMinority, b.EthnicMinority), cmpBool(a.WomenHeaded, b.WomenHeaded))
	})
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func entryLess(a, b *Entry) bool {
	if a.Kind != b.Kind {
		return a.Kind < b.Kind
	}
	if a.Month != b.Month {
		return a.Month < b.Month
	}
	return a.Dims.key() < b.Dims.key()
}

func (d Dims) key() string {
	return strings.Join([]string{d.Product, d.Rulebook, d.Form, d.Province, d.Commune}, "\x00")
}

// Merge adds rollups: entries of equal kind, month and dims add up; participations are all
// kept (households are counted once when a report is computed).
func Merge(rs ...Rollup) (Rollup, error) {
	type key struct {
		kind  byte
		month Month
		dims  Dims
	}
	sums := map[key]*Entry{}
	var out Rollup
	for _, r := range rs {
		for i := range r.Entries {
			e := &r.Entries[i]
			k := key{e.Kind, e.Month, e.Dims}
			if s := sums[k]; s != nil {
				if err := s.Fig.Add(&e.Fig); err != nil {
					return Rollup{}, err
				}
				continue
			}
			c := *e
			sums[k] = &c
		}
		out.Participations = append(out.Participations, r.Participations...)
	}
	out.Entries = make([]Entry, 0, len(sums))
	for _, e := range sums {
		out.Entries = append(out.Entries, *e)
	}
	sortRollup(&out)
	return out, nil
}

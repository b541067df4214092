package domain

import (
	"sort"
)

// ReportQuery selects what a report counts: the months From..To (inclusive) and, where not
// empty, one product, rulebook, linkage form, province and commune (of the producer).
type ReportQuery struct {
	From, To Month
	Dims
}

// matches reports whether figures or households of dims d are counted.
func (q ReportQuery) matches(d *Dims) bool {
	return (q.Product == "" || q.Product == d.Product) && (q.Rulebook == "" || q.Rulebook == d.Rulebook) &&
		(q.Form == "" || q.Form == d.Form) && (q.Province == "" || q.Province == d.Province) && (q.Commune == "" || q.Commune == d.Commune)
}

// Households counts households taking part, each once: in total and by status. A household's
// status is the one recorded on the latest of its counted contracts (latest start, then
// contract name).
type Households struct {
	Total           int64
	Poor            int64
	NearPoor        int64
	RecentlyEscaped int64
	NonPoor         int64
	Unknown         int64 // no status recorded
	EthnicMinority  int64
	WomenHeaded     int64
}

func (h *Households) count(p Profile) {
	h.Total++
	switch p.Poverty {
	case "POOR":
		h.Poor++
	case "NEAR_POOR":
		h.NearPoor++
	case "RECENTLY_ESCAPED":
		h.RecentlyEscaped++
	case "NON_POOR":
		h.NonPoor++
	default:
		h.Unknown++
	}
	if p.EthnicMinority {
		h.EthnicMinority++
	}
	if p.WomenHeaded {
		h.WomenHeaded++
	}
}

func (h *Households) add(o Households) {
	h.Total += o.Total
	h.Poor += o.Poor
	h.NearPoor += o.NearPoor
	h.RecentlyEscaped += o.RecentlyEscaped
	h.NonPoor += o.NonPoor
	h.Unknown += o.Unknown
	h.EthnicMinority += o.EthnicMinority
	h.WomenHeaded += o.WomenHeaded
}

// ReportLine is a report's figures for one key (a total, an area, a product, a linkage form, a month).
type ReportLine struct {
	Key        string
	Fig        Figures
	Households Households
}

// Report is a computed report: the total and its breakdowns.
type Report struct {
	Total     ReportLine
	ByArea    []ReportLine // by the area level below the scope (see Tally)
	ByProduct []ReportLine
	ByForm    []ReportLine
	ByMonth   []ReportLine // every month of the period, in order
}

// Breakdowns a tally keeps.
const (
	ByTotal   = 1 << iota // the total
	ByArea                // areas
	ByProduct             // products
	ByForm                // linkage forms
	ByMonth               // months
	ByAll     = ByTotal | ByArea | ByProduct | ByForm | ByMonth
)

// Tally computes a report from rollups added one at a time (so a national report never holds
// every household at once). Area breakdowns are by commune, or by province when AreaProvince.
type Tally struct {
	q            ReportQuery
	areaProvince bool
	lines        map[int]map[string]*lineAcc
	// Contract-level figures for the month lines: Start entries by the month they start
	// counting (their first month, or the period's), End entries by the month they stop.
	monthStarts, monthEnds map[Month]*Figures
	err                    error
}

// lineAcc accumulates one line: flows, the contract-level figures of the contracts started by
// the period's end, and those of the contracts ended before its start (their difference counts
// the contracts overlapping the period).
type lineAcc struct {
	flow        Figures
	started     Figures
	endedBefore Figures
	households  Households
}

// NewTally starts a report for q.
func NewTally(q ReportQuery, areaProvince bool) *Tally {
	t := &Tally{q: q, areaProvince: areaProvince, lines: map[int]map[string]*lineAcc{}, monthStarts: map[Month]*Figures{}, monthEnds: map[Month]*Figures{}}
	for _, b := range []int{ByTotal, ByArea, ByProduct, ByForm, ByMonth} {
		t.lines[b] = map[string]*lineAcc{}
	}
	t.line(ByTotal, "")
	for m := q.From; m <= q.To; m++ {
		t.line(ByMonth, m.String())
	}
	return t
}

func (t *Tally) line(by int, key string) *lineAcc {
	l := t.lines[by][key]
	if l == nil {
		l = &lineAcc{}
		t.lines[by][key] = l
	}
	return l
}

func (t *Tally) area(d *Dims) string {
	if t.areaProvince {
		return d.Province
	}
	return d.Commune
}

// keyed are the lines (other than months) an item of dims d counts in, among breakdowns by.
func (t *Tally) keyed(by int, d *Dims) []*lineAcc {
	var out []*lineAcc
	for _, k := range []struct {
		by  int
		key string
	}{{ByTotal, ""}, {ByArea, t.area(d)}, {ByProduct, d.Product}, {ByForm, d.Form}} {
		if by&k.by != 0 {
			out = append(out, t.line(k.by, k.key))
		}
	}
	return out
}

// AddEntries counts entries in the breakdowns by.
func (t *Tally) AddEntries(entries []Entry, by int) {
	for i := range entries {
		e := &entries[i]
		if !t.q.matches(&e.Dims) {
			continue
		}
		switch e.Kind {
		case EntryFlow:
			t.addFlow(e, by)
		case EntryStart, EntryEnd:
			t.addContract(e, by)
		}
	}
}

func (t *Tally) addFlow(e *Entry, by int) {
	if e.Month < t.q.From || e.Month > t.q.To {
		return
	}
	lines := t.keyed(by, &e.Dims)
	if by&ByMonth != 0 {
		lines = append(lines, t.line(ByMonth, e.Month.String()))
	}
	for _, l := range lines {
		t.keep(l.flow.Add(&e.Fig))
	}
}

// addContract books a Start entry (a contract beginning in e.Month) or an End entry (a
// contract over after e.Month). A line counts the contracts overlapping the period: those
// started by its end less those ended before its start. A month line m counts those
// overlapping m: Start entries up to m less End entries before m.
func (t *Tally) addContract(e *Entry, by int) {
	if e.Month > t.q.To {
		return
	}
	for _, l := range t.keyed(by, &e.Dims) {
		switch {
		case e.Kind == EntryStart:
			t.keep(l.started.Add(&e.Fig))
		case e.Month < t.q.From:
			t.keep(l.endedBefore.Add(&e.Fig))
		}
	}
	if by&ByMonth == 0 {
		return
	}
	if e.Kind == EntryStart {
		t.keep(at(t.monthStarts, max(e.Month, t.q.From)).Add(&e.Fig))
	} else if e.Month+1 <= t.q.To {
		t.keep(at(t.monthEnds, max(e.Month+1, t.q.From)).Add(&e.Fig))
	}
}

func at(m map[Month]*Figures, k Month) *Figures {
	f := m[k]
	if f == nil {
		f = &Figures{}
		m[k] = f
	}
	return f
}

func (t *Tally) keep(err error) {
	if err != nil && t.err == nil {
		t.err = err
	}
}

// AddHouseholds counts the households of parts in the breakdowns by. Households are distinct
// within one call: callers pass all the participations of a set of households at once, and
// sets that share no household (the national partitions) in separate calls.
func (t *Tally) AddHouseholds(parts []Participation, by int) {
	latest := map[group]map[string]*Participation{}
	for i := range parts {
		p := &parts[i]
		if !t.q.matches(&p.Dims) || p.Start > t.q.To || p.End < t.q.From {
			continue
		}
		for _, g := range t.groups(p, by) {
			m := latest[g]
			if m == nil {
				m = map[string]*Participation{}
				latest[g] = m
			}
			if cur := m[p.Household]; cur == nil || later(p, cur) {
				m[p.Household] = p
			}
		}
	}
	for g, hs := range latest {
		var c Households
		for _, p := range hs {
			c.count(p.Profile)
		}
		t.line(g.by, g.key).households.add(c)
	}
}

// group is a line households are counted in.
type group struct {
	by  int
	key string
}

// groups are the lines (of breakdowns by) a participation counts in: the total, its area,
// product and linkage form, and every month of the period it overlaps.
func (t *Tally) groups(p *Participation, by int) []group {
	var out []group
	for _, g := range []group{{ByTotal, ""}, {ByArea, t.area(&p.Dims)}, {ByProduct, p.Product}, {ByForm, p.Form}} {
		if by&g.by != 0 {
			out = append(out, g)
		}
	}
	if by&ByMonth != 0 {
		for m := max(p.Start, t.q.From); m <= min(p.End, t.q.To); m++ {
			out = append(out, group{ByMonth, m.String()})
		}
	}
	return out
}

// later reports whether p is of a later contract than cur (latest start, then name): a
// household is counted with the status recorded on its latest contract.
func later(p, cur *Participation) bool {
	return cur.Start < p.Start || (cur.Start == p.Start && cur.Contract < p.Contract)
}

// Report is the computed report (ErrOverflow when a sum left int64).
func (t *Tally) Report() (Report, error) {
	if t.err != nil {
		return Report{}, t.err
	}
	var r Report
	var err error
	if r.Total, err = t.line(ByTotal, "").finish(); err != nil {
		return Report{}, err
	}
	for _, b := range []struct {
		by  int
		out *[]ReportLine
	}{{ByArea, &r.ByArea}, {ByProduct, &r.ByProduct}, {ByForm, &r.ByForm}} {
		if *b.out, err = t.finishAll(b.by); err != nil {
			return Report{}, err
		}
	}
	if r.ByMonth, err = t.months(); err != nil {
		return Report{}, err
	}
	return r, nil
}

// finish is the line's figures: flows, plus the contract-level figures of the contracts
// overlapping the period.
func (l *lineAcc) finish() (ReportLine, error) {
	out := ReportLine{Fig: l.flow, Households: l.households}
	if err := out.Fig.Add(&l.started); err != nil {
		return ReportLine{}, err
	}
	if err := out.Fig.Sub(&l.endedBefore); err != nil {
		return ReportLine{}, err
	}
	return out, nil
}

func (t *Tally) finishAll(by int) ([]ReportLine, error) {
	keys := make([]string, 0, len(t.lines[by]))
	for k := range t.lines[by] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]ReportLine, 0, len(keys))
	for _, k := range keys {
		l, err := t.lines[by][k].finish()
		if err != nil {
			return nil, err
		}
		if l.Fig.Zero() && l.Households == (Households{}) {
			continue // only contracts ended before the period
		}
		l.Key = k
		out = append(out, l)
	}
	return out, nil
}

// months are the month lines: a month's flows and households, and the contracts overlapping
// it (a running sum of Start less End entries).
func (t *Tally) months() ([]ReportLine, error) {
	var open Figures
	var out []ReportLine
	for m := t.q.From; m <= t.q.To; m++ {
		if f := t.monthStarts[m]; f != nil {
			if err := open.Add(f); err != nil {
				return nil, err
			}
		}
		if f := t.monthEnds[m]; f != nil {
			if err := open.Sub(f); err != nil {
				return nil, err
			}
		}
		l := t.line(ByMonth, m.String())
		line := ReportLine{Key: m.String(), Fig: l.flow, Households: l.households}
		if err := line.Fig.Add(&open); err != nil {
			return nil, err
		}
		out = append(out, line)
	}
	return out, nil
}

package transport_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// The oracle: every figure of a report computed directly from the records as the API returns
// them (contracts, deliveries, payments, advances, incidents, settlements) and the
// households' registry profiles, with none of the service's report code.

type record struct {
	c          *contractsv1.Contract
	province   string
	deliveries []*contractsv1.Delivery
	payments   []*contractsv1.Payment
	advances   []*contractsv1.InputAdvance
	incidents  []*contractsv1.Incident
	settlement *contractsv1.Settlement
}

// records reads every contract back, with its records, as an operator.
func (w *seasonWorld) records(t *testing.T) []*record {
	ctx := context.Background()
	cl := w.client(t, admin)
	province := map[string]string{}
	for _, a := range w.areas {
		province[a.commune] = a.province
	}
	var out []*record
	for _, name := range w.contracts {
		c, err := cl.GetContract(ctx, &contractsv1.GetContractRequest{Name: name})
		require.NoError(t, err)
		r := &record{c: c, province: province[c.ProducerCommuneCode]}
		ds, err := cl.ListDeliveries(ctx, &contractsv1.ListDeliveriesRequest{Parent: name, PageSize: 500})
		require.NoError(t, err)
		ps, err := cl.ListPayments(ctx, &contractsv1.ListPaymentsRequest{Parent: name, PageSize: 500})
		require.NoError(t, err)
		as, err := cl.ListInputAdvances(ctx, &contractsv1.ListInputAdvancesRequest{Parent: name, PageSize: 500})
		require.NoError(t, err)
		is, err := cl.ListIncidents(ctx, &contractsv1.ListIncidentsRequest{Parent: name, PageSize: 500})
		require.NoError(t, err)
		st, err := cl.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: name + "/settlement"})
		require.NoError(t, err)
		r.deliveries, r.payments, r.advances, r.incidents, r.settlement = ds.Deliveries, ps.Payments, as.InputAdvances, is.Incidents, st
		out = append(out, r)
	}
	return out
}

// oracleQuery is a report request and what it should count.
type oracleQuery struct {
	kind                                       string // national, province, commune, organization
	code                                       string // the province, commune or organisation
	from, to                                   string // months YYYY-MM
	product, rulebook, form, province, commune string // filter
}

func (q oracleQuery) filter() string {
	var terms []string
	for _, f := range []struct{ field, v string }{{"product", q.product}, {"rulebook", q.rulebook}, {"linkage_form", q.form}, {"province_code", q.province}, {"commune_code", q.commune}} {
		if f.v != "" {
			terms = append(terms, fmt.Sprintf("%s = %q", f.field, f.v))
		}
	}
	return strings.Join(terms, " AND ")
}

// figs are a line's figures by name (zeros left out).
type figs map[string]int64

// oracleReport is lines by key: "total", "area/{code}", "product/{name}", "form/{form}",
// "month/{YYYY-MM}".
type oracleReport map[string]figs

func monthIndex(date string) int {
	t, err := time.Parse("2006-01", date[:7])
	if err != nil {
		panic(err)
	}
	return t.Year()*12 + int(t.Month()) - 1
}

func monthName(m int) string { return fmt.Sprintf("%04d-%02d", m/12, m%12+1) }

var inForce = map[contractsv1.ContractState]bool{contractsv1.ContractState_CONTRACT_STATE_ACTIVE: true, contractsv1.ContractState_CONTRACT_STATE_SUSPENDED: true,
	contractsv1.ContractState_CONTRACT_STATE_COMPLETED: true, contractsv1.ContractState_CONTRACT_STATE_LIQUIDATED: true, contractsv1.ContractState_CONTRACT_STATE_TERMINATED: true}

type oracle struct {
	q        oracleQuery
	from, to int
	out      oracleReport
	hh       map[string]map[string]bool
	profiles map[string]*registryv1.Household
}

func computeOracle(recs []*record, profiles map[string]*registryv1.Household, q oracleQuery) oracleReport {
	o := &oracle{q: q, from: monthIndex(q.from), to: monthIndex(q.to), out: oracleReport{"total": figs{}}, hh: map[string]map[string]bool{}, profiles: profiles}
	for m := o.from; m <= o.to; m++ {
		o.out["month/"+monthName(m)] = figs{}
	}
	for _, r := range recs {
		if o.counts(r) {
			o.contract(r)
		}
	}
	o.finish()
	return o.out
}

// counts: the contract is in the scope and passes the filter.
func (o *oracle) counts(r *record) bool {
	c, q := r.c, o.q
	in := map[string]bool{"national": true, "province": r.province == q.code, "commune": c.ProducerCommuneCode == q.code,
		"organization": c.Terms.Buyer == q.code || c.Terms.Producer == q.code}[q.kind]
	form := strings.TrimPrefix(c.Terms.LinkageForm.String(), "LINKAGE_FORM_")
	return in && (q.product == "" || q.product == c.Terms.Product) && (q.rulebook == "" || q.rulebook == c.Rulebook) &&
		(q.form == "" || strings.TrimPrefix(q.form, "LINKAGE_FORM_") == form) && (q.province == "" || q.province == r.province) &&
		(q.commune == "" || q.commune == c.ProducerCommuneCode)
}

// lines are the keyed lines a record of r counts in.
func (o *oracle) lines(r *record) []string {
	area := r.c.ProducerCommuneCode
	if o.q.kind == "national" && o.q.province == "" && o.q.commune == "" {
		area = r.province
	}
	return []string{"total", "area/" + area, "product/" + r.c.Terms.Product, "form/" + strings.TrimPrefix(r.c.Terms.LinkageForm.String(), "LINKAGE_FORM_")}
}

func (o *oracle) add(line string, f figs) {
	if o.out[line] == nil {
		o.out[line] = figs{}
	}
	for k, v := range f {
		o.out[line][k] += v
	}
}

// dated adds f to the keyed lines and to the month of date, when date is in the period.
func (o *oracle) dated(r *record, m int, f figs) {
	if m < o.from || m > o.to {
		return
	}
	for _, l := range o.lines(r) {
		o.add(l, f)
	}
	o.add("month/"+monthName(m), f)
}

func (o *oracle) contract(r *record) {
	c := r.c
	start, end := monthIndex(c.Terms.Period.StartDate), monthIndex(c.Terms.Period.EndDate)
	if start <= o.to && end >= o.from {
		f := figs{"contracts": 1, "state." + strings.TrimPrefix(c.State.String(), "CONTRACT_STATE_"): 1, "form." + strings.TrimPrefix(c.Terms.LinkageForm.String(), "LINKAGE_FORM_"): 1}
		if inForce[c.State] {
			base := c.Terms.PriceTerms.FixedPriceVnd + c.Terms.PriceTerms.FloorPriceVnd
			f["in_force"], f["places"], f["contracted_qty"], f["contracted_vnd"] = 1, int64(len(c.Terms.Allocations)), c.Terms.TotalQuantity, c.Terms.TotalQuantity*base
			f["outstanding_adv"] = r.settlement.Total.AdvancesVnd - r.settlement.Total.RecoveredAdvancesVnd
		}
		lines := o.lines(r)
		for m := max(start, o.from); m <= min(end, o.to); m++ {
			lines = append(lines, "month/"+monthName(m))
		}
		for _, l := range lines {
			o.add(l, f)
			for _, a := range c.Terms.Allocations {
				if inForce[c.State] {
					if o.hh[l] == nil {
						o.hh[l] = map[string]bool{}
					}
					o.hh[l][a.Household] = true
				}
			}
		}
	}
	o.flows(r)
}

func (o *oracle) flows(r *record) {
	for _, d := range r.deliveries {
		f := figs{"deliveries": 1, "delivered_qty": d.Quantity, "accepted_qty": d.AcceptedQuantity, "gross": d.GrossAmountVnd, "recovered": d.RecoveredAdvanceVnd}
		if d.MarketPriceVnd > 0 {
			f["priced_qty"], f["priced_vnd"], f["market_vnd"] = d.AcceptedQuantity, d.GrossAmountVnd, d.AcceptedQuantity*d.MarketPriceVnd
		}
		o.dated(r, monthIndex(d.DeliveryDate), f)
	}
	timing := payTiming(r)
	for _, p := range r.payments {
		o.dated(r, monthIndex(p.PaymentDate), figs{"payments": 1, "paid": p.AmountVnd, "on_time": timing[p.Name][0], "pay_days": timing[p.Name][1]})
	}
	for _, a := range r.advances {
		o.dated(r, monthIndex(a.AdvanceDate), figs{"advances": 1, "advanced": a.ValueVnd})
	}
	vn := time.FixedZone("ICT", 7*3600)
	for _, i := range r.incidents {
		outcome := map[contractsv1.Incident_State]string{contractsv1.Incident_STATE_OPEN: "OPEN", contractsv1.Incident_STATE_MEDIATION: "MEDIATION"}[i.State]
		switch {
		case outcome != "":
		case i.Verification == contractsv1.Incident_VERIFICATION_ACCEPTED:
			outcome = "FORCE_MAJEURE_ACCEPTED"
		case i.Verification == contractsv1.Incident_VERIFICATION_REJECTED:
			outcome = "FORCE_MAJEURE_REJECTED"
		case i.PenaltyVnd > 0:
			outcome = "PENALISED"
		default:
			outcome = "RESOLVED"
		}
		o.dated(r, monthIndex(i.CreateTime.AsTime().In(vn).Format("2006-01")), figs{"incidents": 1, "inc." + strings.TrimPrefix(i.Kind.String(), "KIND_") + "." + outcome: 1, "penalties": i.PenaltyVnd})
	}
}

// payTiming matches each household's payments (by date, then name) to what its deliveries are
// owed (gross less recovered advances, by date, then name), first in first out: per payment,
// the amount paid within the payment terms and Σ amount × days.
func payTiming(r *record) map[string][2]int64 {
	type owed struct {
		date time.Time
		left int64
	}
	byDate := func(d1, n1, d2, n2 string) bool {
		if d1 != d2 {
			return d1 < d2
		}
		return n1 < n2
	}
	ds := append([]*contractsv1.Delivery(nil), r.deliveries...)
	sort.Slice(ds, func(i, j int) bool { return byDate(ds[i].DeliveryDate, ds[i].Name, ds[j].DeliveryDate, ds[j].Name) })
	queues := map[string][]*owed{}
	for _, d := range ds {
		t, _ := time.Parse(time.DateOnly, d.DeliveryDate)
		queues[d.Household] = append(queues[d.Household], &owed{t, d.GrossAmountVnd - d.RecoveredAdvanceVnd})
	}
	ps := append([]*contractsv1.Payment(nil), r.payments...)
	sort.Slice(ps, func(i, j int) bool { return byDate(ps[i].PaymentDate, ps[i].Name, ps[j].PaymentDate, ps[j].Name) })
	out := map[string][2]int64{}
	terms := int64(r.c.Terms.PaymentTerms.DaysAfterDelivery)
	for _, p := range ps {
		paid, _ := time.Parse(time.DateOnly, p.PaymentDate)
		left, q := p.AmountVnd, queues[p.Household]
		var onTime, days int64
		for left > 0 && len(q) > 0 {
			take := min(left, q[0].left)
			n := max(int64(0), int64(paid.Sub(q[0].date).Hours()/24))
			days += take * n
			if n <= terms {
				onTime += take
			}
			left -= take
			if q[0].left -= take; q[0].left <= 0 {
				q = q[1:]
			}
		}
		queues[p.Household] = q
		out[p.Name] = [2]int64{onTime + left, days}
	}
	return out
}

// finish counts the households of each line and adds the derived figures.
func (o *oracle) finish() {
	for l, set := range o.hh {
		f := figs{}
		for h := range set {
			p := o.profiles[h]
			f["hh.total"]++
			f["hh."+strings.ToLower(strings.TrimPrefix(p.PovertyStatus.String(), "POVERTY_STATUS_"))]++
			if p.EthnicMinority {
				f["hh.minority"]++
			}
			if p.HeadGender == registryv1.Gender_GENDER_FEMALE {
				f["hh.women"]++
			}
		}
		o.add(l, f)
	}
	for _, f := range o.out {
		if f["paid"] > 0 {
			f["on_time_bps"] = roundDiv(f["on_time"]*10_000, f["paid"])
			f["avg_days_e6"] = int64(math.Round(float64(f["pay_days"]) / float64(f["paid"]) * 1e6))
		}
		if f["priced_qty"] > 0 {
			f["avg_price"], f["avg_market"] = roundDiv(f["priced_vnd"], f["priced_qty"]), roundDiv(f["market_vnd"], f["priced_qty"])
		}
		for k, v := range f {
			if v == 0 {
				delete(f, k)
			}
		}
	}
	for k, f := range o.out {
		if len(f) == 0 && k != "total" && !strings.HasPrefix(k, "month/") {
			delete(o.out, k)
		}
	}
}

// roundDiv is a ÷ b rounded half away from zero (a, b ≥ 0).
func roundDiv(a, b int64) int64 { return (2*a + b) / (2 * b) }

// reportFigs is a report as the oracle writes it.
func reportFigs(r *contractsv1.ContractReport) oracleReport {
	out := oracleReport{"total": lineFigs(r.Total)}
	for _, g := range []struct {
		prefix string
		lines  []*contractsv1.ReportLine
	}{{"area/", r.ByArea}, {"product/", r.ByProduct}, {"form/", r.ByLinkageForm}, {"month/", r.ByMonth}} {
		for _, l := range g.lines {
			out[g.prefix+l.Key] = lineFigs(l.Figures)
		}
	}
	return out
}

func lineFigs(f *contractsv1.ReportFigures) figs {
	h := f.Households
	out := figs{"contracts": f.Contracts, "in_force": f.ContractsInForce, "places": f.HouseholdPlaces, "contracted_qty": f.ContractedQuantity, "contracted_vnd": f.ContractedValueVnd,
		"outstanding_adv": f.AdvancesOutstandingVnd, "deliveries": f.Deliveries, "delivered_qty": f.DeliveredQuantity, "accepted_qty": f.AcceptedQuantity, "gross": f.AcceptedValueVnd,
		"recovered": f.RecoveredVnd, "priced_qty": f.PricedQuantity, "priced_vnd": f.PricedValueVnd, "market_vnd": f.MarketValueVnd, "payments": f.Payments, "paid": f.PaidVnd,
		"on_time": f.PaidWithinTermsVnd, "pay_days": f.PaymentDaysVnd, "advances": f.Advances, "advanced": f.AdvancedVnd, "incidents": f.Incidents, "penalties": f.PenaltiesVnd,
		"on_time_bps": int64(f.PaidWithinTermsBps), "avg_days_e6": int64(math.Round(f.AverageDaysToPay * 1e6)), "avg_price": f.AveragePriceVnd, "avg_market": f.AverageMarketPriceVnd,
		"hh.total": h.GetTotal(), "hh.poor": h.GetPoor(), "hh.near_poor": h.GetNearPoor(), "hh.recently_escaped": h.GetRecentlyEscaped(), "hh.non_poor": h.GetNonPoor(),
		"hh.unknown": h.GetUnknownStatus(), "hh.minority": h.GetEthnicMinority(), "hh.women": h.GetWomenHeaded()}
	for _, s := range f.ContractsByState {
		out["state."+strings.TrimPrefix(s.State.String(), "CONTRACT_STATE_")] += s.Count
	}
	for _, s := range f.ContractsByLinkageForm {
		out["form."+strings.TrimPrefix(s.LinkageForm.String(), "LINKAGE_FORM_")] += s.Count
	}
	for _, i := range f.IncidentsByOutcome {
		out["inc."+strings.TrimPrefix(i.Kind.String(), "KIND_")+"."+strings.TrimPrefix(i.Outcome.String(), "INCIDENT_OUTCOME_")] += i.Count
	}
	for k, v := range out {
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}

package dataset

import (
	"fmt"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// firstMonth is the first month contracts start in: June 2025 (periods run into 2027).
var firstMonth, _ = domain.MonthOf("2025-06")

func dateIn(m domain.Month, day int) string { return fmt.Sprintf("%s-%02d", m.String(), day) }

func timeOf(date string) time.Time {
	t, _ := time.Parse(time.DateOnly, date)
	return t.Add(3 * time.Hour).UTC() // 10:00 in Vietnam
}

// contract draws contract k and, when in force, its records.
func (g *generator) contract(k int) (*domain.Contract, domain.ContractRecords) {
	w, r := g.w, g.w.r
	producer := r.IntN(w.s.Producers)
	commune := w.producerAt[producer]
	start := firstMonth + domain.Month(r.IntN(16))
	end := start + domain.Month(2+r.IntN(7))
	t := domain.Terms{Buyer: buyerName(r.IntN(w.s.Buyers)), Producer: producerName(producer), WitnessAuthority: fmt.Sprintf("authorities/ubnd-%s", CommuneCode(commune)),
		LinkageForm: domain.LinkageForms[r.IntN(len(domain.LinkageForms))], Product: products[r.IntN(len(products))], QualityStandard: "standards/VIETGAP",
		GradingRules: []domain.GradingRule{{Grade: "A"}, {Grade: "B", PriceAdjustmentBps: -1000}}, ToleranceBps: 500,
		Payment: domain.PaymentTerms{DaysAfterDelivery: int32(7 + r.IntN(24)), Method: "BANK_TRANSFER"}, Breach: domain.Breach{PenaltyBps: 800, Damages: "Thiệt hại thực tế"},
		Period: domain.DateWindow{Start: dateIn(start, 1), End: dateIn(end, 28)}}
	if r.IntN(10) < 3 {
		t.Price = domain.PriceTerms{Type: domain.PriceFloorWithMarket, FloorPriceVND: int64(25_000 + 1_000*r.IntN(40)), MarketReference: "gia-" + t.Product, PremiumBps: 500}
	} else {
		t.Price = domain.PriceTerms{Type: domain.PriceFixed, FixedPriceVND: int64(30_000 + 1_000*r.IntN(60))}
	}
	if t.LinkageForm == "INPUT_SUPPLY_AND_PURCHASE" || t.LinkageForm == "FULL_CHAIN" {
		t.InputSupply = &domain.InputSupply{Items: []domain.InputItem{{Description: "Phân bón", Quantity: 10, Unit: "bao", ValueVND: 5_000_000}}, RecoveredAtSettlement: true, InterestRateBps: 600}
	}
	var profiles []domain.HouseholdProfile
	pool := w.byCommune[commune]
	for _, i := range r.Perm(len(pool))[:min(w.s.Allocations, len(pool))] {
		h := pool[i]
		per := int64(500 + r.IntN(1500))
		t.Allocations = append(t.Allocations, domain.Allocation{Household: householdName(h), Quantity: per, AreaM2: per * 5})
		t.TotalQuantity += per
		profiles = append(profiles, w.profiles[h])
	}
	t.Lots = []domain.Lot{{ID: "lot-1", Window: t.Period, Place: "Kho", Quantity: t.TotalQuantity}}
	created := timeOf(t.Period.Start).Add(-10 * 24 * time.Hour)
	c := &domain.Contract{ID: fmt.Sprintf("k%06d", k), DisplayName: fmt.Sprintf("Hợp đồng liên kết %d", k), Rulebook: rulebookBy.pick(r), RulebookVersion: "2026.1",
		State: g.states[k], ProducerCommuneCode: CommuneCode(commune), ProducerProvinceCode: ProvinceCode(w.s.ProvinceOf(commune)), Profiles: profiles,
		CreateTime: created, UpdateTime: created, Version: 1, Signatures: []domain.Signature{}, PendingEvents: []domain.Event{}}
	c.SetTerms(t)
	if !c.InForce() {
		return c, domain.ContractRecords{}
	}
	return c, g.records(c, start, end, g.deliveriesFor[k])
}

// records draws a contract's advances, n deliveries, payments and incidents.
func (g *generator) records(c *domain.Contract, start, end domain.Month, n int) domain.ContractRecords {
	r, t := g.w.r, &c.Terms
	var out domain.ContractRecords
	if t.InputSupply != nil {
		for _, a := range t.Allocations {
			if r.IntN(10) < 3 {
				date := dateIn(start, 5)
				out.Advances = append(out.Advances, domain.Advance{ID: g.id("a"), Contract: c.ID, Household: a.Household, Date: date, Description: "Phân bón",
					ValueVND: int64(200_000 + 100_000*r.IntN(18)), CreateTime: timeOf(date)})
			}
		}
	}
	per := max(1, (n+len(t.Allocations)-1)/len(t.Allocations)) // deliveries per household
	for i := range n {
		a := t.Allocations[i%len(t.Allocations)]
		q := 1 + r.Int64N(max(1, a.Quantity*9/10/int64(per)))
		d := domain.DeliveryInput{Household: a.Household, Lot: "lot-1", Date: dateIn(start+domain.Month(r.IntN(int(end-start)+1)), 1+r.IntN(28)), Quantity: q, AcceptedQuantity: q - r.Int64N(q/10+1), Grade: "A"}
		var market int64
		if t.Price.Type == domain.PriceFloorWithMarket {
			market = int64(24_000 + 1_000*r.IntN(40))
		}
		unit, gross, _ := t.PriceDelivery(d, market)
		del := domain.NewDelivery(g.id("d"), c.ID, d, market, unit, gross)
		del.CreateTime = timeOf(d.Date)
		out.Deliveries = append(out.Deliveries, *del)
	}
	g.payments(c, &out)
	g.incidents(c, start, &out)
	return out
}

// payments pay about half of the deliveries, within 40 days, never beyond what is owed.
func (g *generator) payments(c *domain.Contract, out *domain.ContractRecords) {
	r := g.w.r
	st, err := domain.Settle(c.Terms, out.Advances, out.Deliveries, nil)
	if err != nil {
		return
	}
	for _, d := range out.Deliveries {
		owed := d.GrossVND - st.Recovered[d.ID]
		if owed <= 0 || r.IntN(2) == 0 {
			continue
		}
		day := timeOf(d.Date).AddDate(0, 0, r.IntN(41)).Format(time.DateOnly)
		out.Payments = append(out.Payments, domain.Payment{ID: g.id("p"), Contract: c.ID, Payee: d.Household, Household: d.Household,
			AmountVND: max(1, owed*int64(50+r.IntN(51))/100), Method: "BANK_TRANSFER", Date: day, CreateTime: timeOf(day)})
	}
}

// incidents open one incident under a tenth of the contracts, in every kind and outcome.
func (g *generator) incidents(c *domain.Contract, start domain.Month, out *domain.ContractRecords) {
	r := g.w.r
	if r.IntN(10) != 0 {
		return
	}
	kind := domain.IncidentKinds[r.IntN(len(domain.IncidentKinds))]
	created := timeOf(dateIn(start+1, 10))
	i := domain.Incident{ID: g.id("i"), Contract: c.ID, Kind: kind, State: domain.IncidentOpen, Description: "Sự vụ", BreachingParty: c.Terms.Producer,
		BreachedValueVND: int64(1_000_000 * (1 + r.IntN(20))), Reporter: "users/x", CreateTime: created, UpdateTime: created, Version: 1}
	switch r.IntN(4) {
	case 1:
		i.State = domain.IncidentMediation
	case 2:
		if kind == domain.IncidentForceMajeure {
			i.Verify(r.IntN(2) == 0, "")
		} else {
			_ = i.Resolve("Hai bên thống nhất", r.IntN(2) == 0, c.Terms.Breach.PenaltyBps)
		}
	}
	out.Incidents = append(out.Incidents, i)
}

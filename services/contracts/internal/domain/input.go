package domain

import (
	"fmt"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// CheckInput reports structurally invalid terms: unknown enum values, negative numbers,
// oversized text or lists, malformed resource names. prefix is the request path of the terms.
// Completeness and legal rules are the rulebook's job and may be unmet in a draft.
func CheckInput(v *apierr.Violations, prefix string, t Terms) {
	in := inputCheck{v: v, prefix: prefix}
	in.parties(t)
	in.enums(t)
	in.numbers(t)
	in.allocations(t.Allocations)
	in.lots(t.Lots)
	in.steps(t)
	in.lists(t)
	in.inputSupply(t.InputSupply)
}

// inputCheck records violations under the request path prefix.
type inputCheck struct {
	v      *apierr.Violations
	prefix string
}

func (in inputCheck) add(field, rule, format string, args ...any) {
	in.v.Add(in.prefix+"."+field, rule, format, args...)
}

func (in inputCheck) name(field, value, collection string) {
	if value != "" && (!strings.HasPrefix(value, collection+"/") || strings.Count(value, "/") != 1 || len(value) > MaxResourceName) {
		in.add(field, "RESOURCE_NAME", "must be %s/{id}", collection)
	}
}

func (in inputCheck) text(field, s string) { in.v.Text(in.prefix+"."+field, s, false, MaxText) }

func (in inputCheck) enum(field, val string, set []string) {
	if val != "" && !oneOf(val, set...) {
		in.add(field, "ENUM_VALUE", "unknown value %q", val)
	}
}

func (in inputCheck) number(field string, n int64) {
	if n < 0 || n > maxInputNumber {
		in.add(field, "RANGE", "must be between 0 and %d", int64(maxInputNumber))
	}
}

func (in inputCheck) quantity(field string, n int64) {
	if n < 0 || n > MaxQuantity {
		in.add(field, "RANGE", "must be between 0 and %d", int64(MaxQuantity))
	}
}

func (in inputCheck) items(field string, n, max int) {
	if n > max {
		in.add(field, "MAX_ITEMS", "at most %d items", max)
	}
}

func (in inputCheck) parties(t Terms) {
	in.name("buyer", t.Buyer, "organizations")
	in.name("producer", t.Producer, "organizations")
	in.name("witness_authority", t.WitnessAuthority, "authorities")
	in.name("product", t.Product, "products")
	in.name("quality_standard", t.QualityStandard, "standards")
}

func (in inputCheck) enums(t Terms) {
	in.enum("linkage_form", t.LinkageForm, LinkageForms)
	in.enum("price_terms.type", t.Price.Type, PriceTypes)
	in.enum("payment_terms.method", t.Payment.Method, PaymentMethods)
}

func (in inputCheck) steps(t Terms) {
	for i, e := range t.ForceMajeureEvents {
		in.enum(fmt.Sprintf("force_majeure_events[%d]", i), e, ForceMajeureEvents)
	}
	for i, s := range t.DisputeSteps {
		in.enum(fmt.Sprintf("dispute_resolution.steps[%d]", i), s, DisputeSteps)
	}
}

func (in inputCheck) numbers(t Terms) {
	in.quantity("total_quantity", t.TotalQuantity)
	for _, f := range []struct {
		n string
		x int64
	}{{"price_terms.fixed_price_vnd", t.Price.FixedPriceVND}, {"price_terms.floor_price_vnd", t.Price.FloorPriceVND}, {"price_terms.cost_price_vnd", t.Price.CostPriceVND}, {"tolerance_bps", int64(t.ToleranceBps)}, {"price_terms.premium_bps", int64(t.Price.PremiumBps)}, {"price_terms.margin_bps", int64(t.Price.MarginBps)}, {"payment_terms.days_after_delivery", int64(t.Payment.DaysAfterDelivery)}, {"breach.penalty_bps", int64(t.Breach.PenaltyBps)}} {
		in.number(f.n, f.x)
	}
	in.text("price_terms.market_reference", t.Price.MarketReference)
	in.text("breach.damages", t.Breach.Damages)
}

func (in inputCheck) allocations(as []Allocation) {
	if len(as) > MaxAllocations {
		in.add("allocations", "MAX_ITEMS", "at most %d allocations", MaxAllocations)
	}
	for i, a := range as {
		in.name(fmt.Sprintf("allocations[%d].household", i), a.Household, "households")
		if a.Household == "" {
			in.add(fmt.Sprintf("allocations[%d].household", i), "REQUIRED", "is required")
		}
		in.quantity(fmt.Sprintf("allocations[%d].quantity", i), a.Quantity)
		in.number(fmt.Sprintf("allocations[%d].area_m2", i), a.AreaM2)
		in.plots(i, a)
	}
}

// plots: at most MaxAllocationPlots, each households/{h}/plots/{p} of the allocation's
// household.
func (in inputCheck) plots(i int, a Allocation) {
	if len(a.Plots) > MaxAllocationPlots {
		in.add(fmt.Sprintf("allocations[%d].plots", i), "MAX_ITEMS", "at most %d plots", MaxAllocationPlots)
	}
	for j, p := range a.Plots {
		household, _, ok := strings.Cut(p, "/plots/")
		if !ok || household != a.Household || strings.Count(p, "/") != 3 || len(p) > MaxResourceName {
			in.add(fmt.Sprintf("allocations[%d].plots[%d]", i, j), "RESOURCE_NAME", "must be %s/plots/{plot}, a plot of the allocation's household", a.Household)
		}
	}
}

func (in inputCheck) lots(ls []Lot) {
	if len(ls) > MaxLots {
		in.add("lots", "MAX_ITEMS", "at most %d lots", MaxLots)
	}
	for i, l := range ls {
		in.text(fmt.Sprintf("lots[%d].place", i), l.Place)
		if len(l.ID) > MaxLotID {
			in.add(fmt.Sprintf("lots[%d].id", i), "MAX_LENGTH", "at most %d characters", MaxLotID)
		}
		in.quantity(fmt.Sprintf("lots[%d].quantity", i), l.Quantity)
	}
}

func (in inputCheck) lists(t Terms) {
	for _, l := range []struct {
		n  string
		xs []string
	}{{"obligations.buyer", t.Obligations.Buyer}, {"obligations.producer", t.Obligations.Producer}, {"obligations.households", t.Obligations.Households}, {"seasons", t.Seasons}} {
		in.items(l.n, len(l.xs), MaxListItems)
		for i, s := range l.xs {
			in.text(fmt.Sprintf("%s[%d]", l.n, i), s)
		}
	}
	in.items("grading_rules", len(t.GradingRules), MaxListItems)
}

func (in inputCheck) inputSupply(is *InputSupply) {
	if is == nil {
		return
	}
	in.items("input_supply.items", len(is.Items), MaxListItems)
	for i, it := range is.Items {
		in.text(fmt.Sprintf("input_supply.items[%d].description", i), it.Description)
		in.number(fmt.Sprintf("input_supply.items[%d].value_vnd", i), it.ValueVND)
	}
}

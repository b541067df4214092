package domain

import (
	"fmt"
	"slices"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

type finding struct{ field, detail string }

type check func(t Terms, f Facts, p map[string]int64) []finding

func one(field, detail string) []finding {
	return []finding{{field: field, detail: detail}}
}

// Linkage forms, payment methods, force-majeure events and dispute steps.
var (
	LinkageForms        = []string{"INPUT_SUPPLY_AND_PURCHASE", "PURCHASE_ONLY", "FULL_CHAIN", "SERVICES_AND_PURCHASE"}
	PriceTypes          = []string{PriceFixed, PriceFloorWithMarket, PriceCostPlus}
	PaymentMethods      = []string{"BANK_TRANSFER", "CASH", "MOBILE_MONEY"}
	ForceMajeureEvents  = []string{"NATURAL_DISASTER", "EPIDEMIC", "EXTREME_WEATHER", "FIRE", "POLICY_CHANGE"}
	DisputeSteps        = []string{"NEGOTIATION", "COMMUNE_MEDIATION", "COURT", "ARBITRATION"}
	producerKinds       = []string{"COOPERATIVE", "UNION_OF_COOPERATIVES", "COOPERATIVE_GROUP", "PRODUCTION_GROUP"}
	buyerKinds          = []string{"BUSINESS", "COOPERATIVE"}
	householdPovertyNon = "NON_POOR"
)

// plotFindings: every plot an allocation names exists and is its household's.
func plotFindings(i int, a Allocation, f Facts) []finding {
	var out []finding
	for j, p := range a.Plots {
		if pf, ok := f.Plots[p]; !ok || pf.Household != a.Household {
			out = append(out, finding{fmt.Sprintf("terms.allocations[%d].plots[%d]", i, j), p + " is not a recorded plot of " + a.Household})
		}
	}
	return out
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

var checks = map[string]check{
	"D98-PARTIES": func(t Terms, f Facts, _ map[string]int64) []finding {
		var out []finding
		switch {
		case t.Buyer == "":
			out = append(out, finding{"terms.buyer", "buyer is required"})
		case f.Buyer == nil:
			out = append(out, finding{"terms.buyer", t.Buyer + " does not exist"})
		case f.Buyer.State != "ACTIVE":
			out = append(out, finding{"terms.buyer", t.Buyer + " is not active"})
		case !slices.Contains(buyerKinds, f.Buyer.Kind):
			out = append(out, finding{"terms.buyer", "the buyer must be a business or a cooperative"})
		}
		switch {
		case t.Producer == "":
			out = append(out, finding{"terms.producer", "producer is required"})
		case f.Producer == nil:
			out = append(out, finding{"terms.producer", t.Producer + " does not exist"})
		case f.Producer.State != "ACTIVE":
			out = append(out, finding{"terms.producer", t.Producer + " is not active"})
		case !slices.Contains(producerKinds, f.Producer.Kind):
			out = append(out, finding{"terms.producer", "the producer must be a cooperative, union of cooperatives, cooperative group or production group"})
		}
		if t.Buyer != "" && t.Buyer == t.Producer {
			out = append(out, finding{"terms.producer", "buyer and producer must differ"})
		}
		return out
	},
	"D98-WITNESS": func(t Terms, f Facts, _ map[string]int64) []finding {
		switch {
		case t.WitnessAuthority == "":
			return one("", "witness authority is required")
		case f.Witness == nil:
			return one("", t.WitnessAuthority+" does not exist")
		case f.Witness.Kind != "COMMUNE_PEOPLES_COMMITTEE":
			return one("", "the witness must be a commune People's Committee")
		case f.Producer != nil && f.Witness.AdminAreaCode != f.Producer.CommuneCode:
			return one("", fmt.Sprintf("the witness governs commune %s but the producer is in commune %s", f.Witness.AdminAreaCode, f.Producer.CommuneCode))
		}
		return nil
	},
	"D98-LINKAGE-FORM": func(t Terms, _ Facts, _ map[string]int64) []finding {
		if !slices.Contains(LinkageForms, t.LinkageForm) {
			return one("", "linkage form is required")
		}
		return nil
	},
	"D98-PRODUCT": func(t Terms, f Facts, _ map[string]int64) []finding {
		if t.Product == "" {
			return one("", "product is required")
		}
		if f.Product == nil {
			return one("", t.Product+" does not exist")
		}
		return nil
	},
	"D98-STANDARD": func(t Terms, f Facts, _ map[string]int64) []finding {
		if t.QualityStandard == "" {
			return one("", "quality standard is required")
		}
		if !f.Standard {
			return one("", t.QualityStandard+" does not exist")
		}
		return nil
	},
	"D98-GRADING": func(t Terms, f Facts, p map[string]int64) []finding {
		if len(t.GradingRules) == 0 {
			return one("", "at least one grading rule is required")
		}
		var out []finding
		seen := map[string]bool{}
		for i, g := range t.GradingRules {
			fld := fmt.Sprintf("terms.grading_rules[%d]", i)
			if seen[g.Grade] {
				out = append(out, finding{fld + ".grade", "grade " + g.Grade + " appears twice"})
			}
			seen[g.Grade] = true
			if f.Product != nil && !slices.Contains(f.Product.Grades, g.Grade) {
				out = append(out, finding{fld + ".grade", fmt.Sprintf("grade %q is not a grade of the product (grades: %v)", g.Grade, f.Product.Grades)})
			}
			if a := int64(g.PriceAdjustmentBps); a < -p["max_adjustment_bps"] || a > p["max_adjustment_bps"] {
				out = append(out, finding{fld + ".price_adjustment_bps", fmt.Sprintf("must be within ±%d bps", p["max_adjustment_bps"])})
			}
		}
		return out
	},
	"D98-QUANTITY": func(t Terms, _ Facts, p map[string]int64) []finding {
		var out []finding
		if t.TotalQuantity <= 0 {
			out = append(out, finding{"terms.total_quantity", "must be positive"})
		}
		if t.ToleranceBps < 0 || int64(t.ToleranceBps) > p["max_tolerance_bps"] {
			out = append(out, finding{"terms.tolerance_bps", fmt.Sprintf("must be between 0 and %d bps", p["max_tolerance_bps"])})
		}
		return out
	},
	"D98-ALLOCATION-SUM": func(t Terms, _ Facts, _ map[string]int64) []finding {
		if len(t.Allocations) == 0 {
			return one("", "at least one household allocation is required")
		}
		var out []finding
		var sum int64
		var err error
		seen := map[string]bool{}
		for i, a := range t.Allocations {
			fld := fmt.Sprintf("terms.allocations[%d]", i)
			if seen[a.Household] {
				out = append(out, finding{fld + ".household", a.Household + " is allocated twice"})
			}
			seen[a.Household] = true
			if a.Quantity <= 0 {
				out = append(out, finding{fld + ".quantity", "must be positive"})
				continue
			}
			if a.AreaM2 < 0 {
				out = append(out, finding{fld + ".area_m2", "must not be negative"})
			}
			if sum, err = Add(sum, a.Quantity); err != nil {
				return append(out, finding{"terms.allocations", "allocations overflow"})
			}
		}
		if sum != t.TotalQuantity {
			out = append(out, finding{"terms.allocations", fmt.Sprintf("allocations add up to %d, total quantity is %d", sum, t.TotalQuantity)})
		}
		return out
	},
	"D98-HOUSEHOLDS": func(t Terms, f Facts, _ map[string]int64) []finding {
		var out []finding
		for i, a := range t.Allocations {
			fld := fmt.Sprintf("terms.allocations[%d].household", i)
			h := f.Households[a.Household]
			switch {
			case !h.Exists:
				out = append(out, finding{fld, a.Household + " does not exist"})
			case !h.ActiveMember:
				out = append(out, finding{fld, a.Household + " is not an active member of the producer"})
			case !h.Eligible:
				out = append(out, finding{fld, a.Household + " has not consented to data processing"})
			}
			if a.Mandate != nil && (a.Mandate.Reference == "" || !apierr.ValidDate(a.Mandate.Date)) {
				out = append(out, finding{fmt.Sprintf("terms.allocations[%d].mandate", i), "a mandate needs a reference and a date"})
			}
			out = append(out, plotFindings(i, a, f)...)
		}
		return out
	},
	"D98-LOTS": func(t Terms, _ Facts, _ map[string]int64) []finding {
		if len(t.Lots) == 0 {
			return one("", "at least one delivery lot is required")
		}
		var out []finding
		var sum int64
		var err error
		seen := map[string]bool{}
		for i, l := range t.Lots {
			fld := fmt.Sprintf("terms.lots[%d]", i)
			if l.ID == "" || seen[l.ID] {
				out = append(out, finding{fld + ".id", "lot ids must be present and unique"})
			}
			seen[l.ID] = true
			if l.Place == "" {
				out = append(out, finding{fld + ".place", "delivery place is required"})
			}
			s, okS := parseDate(l.Window.Start)
			e, okE := parseDate(l.Window.End)
			if !okS || !okE {
				out = append(out, finding{fld + ".window", "start and end must be dates YYYY-MM-DD"})
			} else if e.Before(s) {
				out = append(out, finding{fld + ".window", "end is before start"})
			}
			if l.Quantity <= 0 {
				out = append(out, finding{fld + ".quantity", "must be positive"})
				continue
			}
			if sum, err = Add(sum, l.Quantity); err != nil {
				return append(out, finding{"terms.lots", "lot quantities overflow"})
			}
		}
		if sum != t.TotalQuantity {
			out = append(out, finding{"terms.lots", fmt.Sprintf("lots add up to %d, total quantity is %d", sum, t.TotalQuantity)})
		}
		return out
	},
	"D98-LOTS-IN-PERIOD": func(t Terms, _ Facts, _ map[string]int64) []finding {
		ps, ok1 := parseDate(t.Period.Start)
		pe, ok2 := parseDate(t.Period.End)
		if !ok1 || !ok2 {
			return nil // reported by D98-PERIOD
		}
		var out []finding
		for i, l := range t.Lots {
			s, okS := parseDate(l.Window.Start)
			e, okE := parseDate(l.Window.End)
			if okS && okE && (s.Before(ps) || e.After(pe)) {
				out = append(out, finding{fmt.Sprintf("terms.lots[%d].window", i), fmt.Sprintf("%s..%s is outside the period %s..%s", l.Window.Start, l.Window.End, t.Period.Start, t.Period.End)})
			}
		}
		return out
	},
	"D98-PERIOD": func(t Terms, _ Facts, p map[string]int64) []finding {
		s, ok1 := parseDate(t.Period.Start)
		e, ok2 := parseDate(t.Period.End)
		switch {
		case !ok1 || !ok2:
			return one("", "start and end must be dates YYYY-MM-DD")
		case e.Before(s):
			return one("", "end is before start")
		case e.Sub(s) > time.Duration(p["max_days"])*24*time.Hour:
			return one("", fmt.Sprintf("longer than %d days", p["max_days"]))
		}
		return nil
	},
	"D98-PRICE": func(t Terms, _ Facts, p map[string]int64) []finding {
		pr := t.Price
		max := p["max_price_vnd"]
		bad := func(field string, v int64) []finding {
			if v <= 0 || v > max {
				return one("terms.price_terms."+field, fmt.Sprintf("must be between 1 and %d VND per unit", max))
			}
			return nil
		}
		switch pr.Type {
		case PriceFixed:
			return bad("fixed_price_vnd", pr.FixedPriceVND)
		case PriceFloorWithMarket:
			out := bad("floor_price_vnd", pr.FloorPriceVND)
			if pr.MarketReference == "" {
				out = append(out, finding{"terms.price_terms.market_reference", "market reference is required"})
			}
			if pr.PremiumBps < 0 || int64(pr.PremiumBps) > p["max_premium_bps"] {
				out = append(out, finding{"terms.price_terms.premium_bps", fmt.Sprintf("must be between 0 and %d bps", p["max_premium_bps"])})
			}
			return out
		case PriceCostPlus:
			out := bad("cost_price_vnd", pr.CostPriceVND)
			if pr.MarginBps < 0 || int64(pr.MarginBps) > p["max_premium_bps"] {
				out = append(out, finding{"terms.price_terms.margin_bps", fmt.Sprintf("must be between 0 and %d bps", p["max_premium_bps"])})
			}
			return out
		}
		return one("terms.price_terms.type", "price type is required (FIXED, FLOOR_WITH_MARKET or COST_PLUS)")
	},
	"D98-PAYMENT": func(t Terms, _ Facts, p map[string]int64) []finding {
		var out []finding
		if t.Payment.DaysAfterDelivery < 0 || int64(t.Payment.DaysAfterDelivery) > p["max_days"] {
			out = append(out, finding{"terms.payment_terms.days_after_delivery", fmt.Sprintf("must be between 0 and %d days", p["max_days"])})
		}
		if !slices.Contains(PaymentMethods, t.Payment.Method) {
			out = append(out, finding{"terms.payment_terms.method", "payment method is required"})
		}
		return out
	},
	"D98-INPUTS": func(t Terms, _ Facts, p map[string]int64) []finding {
		needs := t.LinkageForm == "INPUT_SUPPLY_AND_PURCHASE" || t.LinkageForm == "FULL_CHAIN"
		is := t.InputSupply
		if is == nil || len(is.Items) == 0 {
			if needs {
				return one("", "this linkage form supplies inputs: list them")
			}
			return nil
		}
		var out []finding
		for i, it := range is.Items {
			fld := fmt.Sprintf("terms.input_supply.items[%d]", i)
			if it.Description == "" {
				out = append(out, finding{fld + ".description", "is required"})
			}
			if it.ValueVND <= 0 || it.ValueVND > MaxValueVND || it.Quantity < 0 {
				out = append(out, finding{fld + ".value_vnd", "value must be positive and quantity not negative"})
			}
		}
		if is.InterestRateBps < 0 || int64(is.InterestRateBps) > p["max_interest_bps"] {
			out = append(out, finding{"terms.input_supply.interest_rate_bps", fmt.Sprintf("must be between 0 and %d bps", p["max_interest_bps"])})
		}
		return out
	},
	"D98-OBLIGATIONS": func(t Terms, _ Facts, _ map[string]int64) []finding {
		var out []finding
		if len(t.Obligations.Buyer) == 0 {
			out = append(out, finding{"terms.obligations.buyer", "the buyer's obligations are required"})
		}
		if len(t.Obligations.Producer) == 0 {
			out = append(out, finding{"terms.obligations.producer", "the producer's obligations are required"})
		}
		return out
	},
	"D98-PENALTY-CAP": func(t Terms, _ Facts, p map[string]int64) []finding {
		var out []finding
		if t.Breach.PenaltyBps < 0 || int64(t.Breach.PenaltyBps) > p["max_penalty_bps"] {
			out = append(out, finding{"terms.breach.penalty_bps", fmt.Sprintf("%d bps is outside 0..%d bps", t.Breach.PenaltyBps, p["max_penalty_bps"])})
		}
		if t.Breach.Damages == "" {
			out = append(out, finding{"terms.breach.damages", "how damages are assessed is required"})
		}
		return out
	},
	"D98-FORCE-MAJEURE": func(t Terms, _ Facts, _ map[string]int64) []finding {
		if len(t.ForceMajeureEvents) == 0 {
			return one("", "list at least one force-majeure event")
		}
		for _, e := range t.ForceMajeureEvents {
			if !slices.Contains(ForceMajeureEvents, e) {
				return one("", "unknown force-majeure event "+e)
			}
		}
		return nil
	},
	"D98-DISPUTE": func(t Terms, _ Facts, _ map[string]int64) []finding {
		s := t.DisputeSteps
		if len(s) != 3 || s[0] != "NEGOTIATION" || s[1] != "COMMUNE_MEDIATION" || (s[2] != "COURT" && s[2] != "ARBITRATION") {
			return one("terms.dispute_resolution.steps", "steps must be NEGOTIATION, COMMUNE_MEDIATION, then COURT or ARBITRATION")
		}
		return nil
	},
	"SEDEMA-NONPOOR-SHARE": func(t Terms, f Facts, p map[string]int64) []finding {
		if len(t.Allocations) == 0 {
			return nil
		}
		nonPoor := 0
		for _, a := range t.Allocations {
			if h, ok := f.Households[a.Household]; ok && h.Poverty == householdPovertyNon {
				nonPoor++
			}
		}
		if int64(nonPoor)*WholeBps > p["max_non_poor_share_bps"]*int64(len(t.Allocations)) {
			return one("", fmt.Sprintf("%d of %d households are non-poor, above %d bps", nonPoor, len(t.Allocations), p["max_non_poor_share_bps"]))
		}
		return nil
	},
	"SEDEMA-OWNER-SHARE": func(t Terms, _ Facts, p map[string]int64) []finding {
		ci := t.CoInvestment
		if ci == nil || ci.TotalValueVND <= 0 {
			return one("terms.co_investment", "the co-investment (total value and owner share) is required")
		}
		if int64(ci.OwnerShareBps) < p["min_owner_share_bps"] || ci.OwnerShareBps > WholeBps {
			return one("", fmt.Sprintf("owner share %d bps is below %d bps", ci.OwnerShareBps, p["min_owner_share_bps"]))
		}
		return nil
	},
}

package domain

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Structural limits on contract input (what a client can send at all; completeness and legal
// rules are the rulebook's job and may be unmet in a draft).
const (
	MaxAllocations = 5000
	MaxLots        = 200
	MaxListItems   = 100
	MaxText        = 2000
	MaxQuantity    = 1_000_000_000_000 // product units
)

// CheckInput reports structurally invalid terms: unknown enum values, negative numbers,
// oversized text or lists, malformed resource names. prefix is the request path of the terms.
func CheckInput(v *apierr.Violations, prefix string, t Terms) {
	name := func(field, value, collection string) {
		if value != "" && (!strings.HasPrefix(value, collection+"/") || strings.Count(value, "/") != 1 || len(value) > 200) {
			v.Add(prefix+"."+field, "RESOURCE_NAME", "must be %s/{id}", collection)
		}
	}
	text := func(field, s string) {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxText {
			v.Add(prefix+"."+field, "MAX_LENGTH", "must be valid UTF-8 of at most %d characters", MaxText)
		}
	}
	enum := func(field, val string, set []string) {
		if val != "" && !in(val, set) {
			v.Add(prefix+"."+field, "ENUM_VALUE", "unknown value %q", val)
		}
	}
	nonNeg := func(field string, n int64) {
		if n < 0 || n > MaxQuantity*1000 {
			v.Add(prefix+"."+field, "RANGE", "must be between 0 and %d", int64(MaxQuantity*1000))
		}
	}
	name("buyer", t.Buyer, "organizations")
	name("producer", t.Producer, "organizations")
	name("witness_authority", t.WitnessAuthority, "authorities")
	name("product", t.Product, "products")
	name("quality_standard", t.QualityStandard, "standards")
	enum("linkage_form", t.LinkageForm, LinkageForms)
	enum("price_terms.type", t.Price.Type, []string{PriceFixed, PriceFloorWithMarket, PriceCostPlus})
	enum("payment_terms.method", t.Payment.Method, PaymentMethods)
	if t.TotalQuantity < 0 || t.TotalQuantity > MaxQuantity {
		v.Add(prefix+".total_quantity", "RANGE", "must be between 0 and %d", int64(MaxQuantity))
	}
	for _, f := range []struct {
		n string
		x int64
	}{{"price_terms.fixed_price_vnd", t.Price.FixedPriceVND}, {"price_terms.floor_price_vnd", t.Price.FloorPriceVND}, {"price_terms.cost_price_vnd", t.Price.CostPriceVND}, {"tolerance_bps", int64(t.ToleranceBps)}, {"price_terms.premium_bps", int64(t.Price.PremiumBps)}, {"price_terms.margin_bps", int64(t.Price.MarginBps)}, {"payment_terms.days_after_delivery", int64(t.Payment.DaysAfterDelivery)}, {"breach.penalty_bps", int64(t.Breach.PenaltyBps)}} {
		nonNeg(f.n, f.x)
	}
	text("price_terms.market_reference", t.Price.MarketReference)
	text("breach.damages", t.Breach.Damages)
	if len(t.Allocations) > MaxAllocations {
		v.Add(prefix+".allocations", "MAX_ITEMS", "at most %d allocations", MaxAllocations)
	}
	for i, a := range t.Allocations {
		name(fmt.Sprintf("allocations[%d].household", i), a.Household, "households")
		if a.Household == "" {
			v.Add(fmt.Sprintf("%s.allocations[%d].household", prefix, i), "REQUIRED", "is required")
		}
		if a.Quantity < 0 || a.Quantity > MaxQuantity {
			v.Add(fmt.Sprintf("%s.allocations[%d].quantity", prefix, i), "RANGE", "must be between 0 and %d", int64(MaxQuantity))
		}
		nonNeg(fmt.Sprintf("allocations[%d].area_m2", i), a.AreaM2)
	}
	if len(t.Lots) > MaxLots {
		v.Add(prefix+".lots", "MAX_ITEMS", "at most %d lots", MaxLots)
	}
	for i, l := range t.Lots {
		text(fmt.Sprintf("lots[%d].place", i), l.Place)
		if len(l.ID) > 64 {
			v.Add(fmt.Sprintf("%s.lots[%d].id", prefix, i), "MAX_LENGTH", "at most 64 characters")
		}
		if l.Quantity < 0 || l.Quantity > MaxQuantity {
			v.Add(fmt.Sprintf("%s.lots[%d].quantity", prefix, i), "RANGE", "must be between 0 and %d", int64(MaxQuantity))
		}
	}
	for i, e := range t.ForceMajeureEvents {
		enum(fmt.Sprintf("force_majeure_events[%d]", i), e, ForceMajeureEvents)
	}
	for i, s := range t.DisputeSteps {
		enum(fmt.Sprintf("dispute_resolution.steps[%d]", i), s, []string{"NEGOTIATION", "COMMUNE_MEDIATION", "COURT", "ARBITRATION"})
	}
	for _, l := range []struct {
		n  string
		xs []string
	}{{"obligations.buyer", t.Obligations.Buyer}, {"obligations.producer", t.Obligations.Producer}, {"obligations.households", t.Obligations.Households}, {"seasons", t.Seasons}} {
		if len(l.xs) > MaxListItems {
			v.Add(prefix+"."+l.n, "MAX_ITEMS", "at most %d items", MaxListItems)
		}
		for i, s := range l.xs {
			text(fmt.Sprintf("%s[%d]", l.n, i), s)
		}
	}
	if len(t.GradingRules) > MaxListItems {
		v.Add(prefix+".grading_rules", "MAX_ITEMS", "at most %d items", MaxListItems)
	}
	if is := t.InputSupply; is != nil {
		if len(is.Items) > MaxListItems {
			v.Add(prefix+".input_supply.items", "MAX_ITEMS", "at most %d items", MaxListItems)
		}
		for i, it := range is.Items {
			text(fmt.Sprintf("input_supply.items[%d].description", i), it.Description)
			nonNeg(fmt.Sprintf("input_supply.items[%d].value_vnd", i), it.ValueVND)
		}
	}
}

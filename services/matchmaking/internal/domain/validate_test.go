package domain

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
)

// rules returns the field → rule of an INVALID_ARGUMENT error's violations, after checking its
// code and reason.
func rules(t *testing.T, err error) map[string]string {
	t.Helper()
	require.Equal(t, codes.InvalidArgument, status.Code(err), "%v", err)
	require.Equal(t, "INVALID_ARGUMENT", apierr.Reason(err))
	out := map[string]string{}
	for _, fv := range apierr.FieldViolations(err) {
		out[fv.Field] = fv.Reason
	}
	return out
}

// violations runs check on fresh Violations and returns its rules (none: an empty map).
func violations(t *testing.T, check func(v *apierr.Violations)) map[string]string {
	t.Helper()
	var v apierr.Violations
	check(&v)
	if v.Empty() {
		return map[string]string{}
	}
	return rules(t, v.Err())
}

func validDemand() Demand {
	return Demand{Buyer: "organizations/b", Product: "products/p", Quantity: 1000, MinLotQuantity: 100,
		DeliveryWindow: Window{"2026-06-01", "2026-06-30"}, DeliveryPlace: "Kho", Price: Price{Type: PriceFixed, FixedPriceVND: 40000}}
}

func TestDemandValidate(t *testing.T) {
	d := validDemand()
	require.Empty(t, violations(t, d.Validate))
	for name, tc := range map[string]struct {
		change      func(d *Demand)
		field, rule string
	}{
		"quantity zero":         {func(d *Demand) { d.Quantity, d.MinLotQuantity = 0, 0 }, "demand.quantity", "RANGE"},
		"quantity too large":    {func(d *Demand) { d.Quantity = MaxQuantity + 1 }, "demand.quantity", "RANGE"},
		"lot above quantity":    {func(d *Demand) { d.MinLotQuantity = 1001 }, "demand.min_lot_quantity", "RANGE"},
		"negative lot":          {func(d *Demand) { d.MinLotQuantity = -1 }, "demand.min_lot_quantity", "RANGE"},
		"window reversed":       {func(d *Demand) { d.DeliveryWindow = Window{"2026-07-01", "2026-06-01"} }, "demand.delivery_window", "DATE_WINDOW"},
		"window not dates":      {func(d *Demand) { d.DeliveryWindow = Window{"June", "July"} }, "demand.delivery_window", "DATE_WINDOW"},
		"poor share above 100%": {func(d *Demand) { d.MinPoorShareBps = MaxBps + 1 }, "demand.inclusion.min_poor_share_bps", "RANGE"},
		"place too long":        {func(d *Demand) { d.DeliveryPlace = strings.Repeat("ư", apierr.MaxLineText+1) }, "demand.delivery_place", "MAX_LENGTH"},
		"assistance too long":   {func(d *Demand) { d.TechnicalAssistance = strings.Repeat("a", apierr.MaxLongText+1) }, "demand.technical_assistance", "MAX_LENGTH"},
		"too many inputs":       {func(d *Demand) { d.InputsOffered = make([]string, MaxInputsOffered+1) }, "demand.inputs_offered", "MAX_ITEMS"},
		"no price type":         {func(d *Demand) { d.Price = Price{FixedPriceVND: 40000} }, "demand.price_terms.type", "ENUM_VALUE"},
		"zero price":            {func(d *Demand) { d.Price = Price{Type: PriceFixed} }, "demand.price_terms", "PRICE_RANGE"},
		"price above the cap":   {func(d *Demand) { d.Price = Price{Type: PriceFloorWithMarket, FloorPriceVND: MaxPriceVND + 1} }, "demand.price_terms", "PRICE_RANGE"},
		"premium above 100%":    {func(d *Demand) { d.Price.PremiumBps = MaxBps + 1 }, "demand.price_terms", "PRICE_RANGE"},
		"negative margin":       {func(d *Demand) { d.Price = Price{Type: PriceCostPlus, CostPriceVND: 30000, MarginBps: -1} }, "demand.price_terms", "PRICE_RANGE"},
	} {
		t.Run(name, func(t *testing.T) {
			d := validDemand()
			tc.change(&d)
			require.Equal(t, map[string]string{tc.field: tc.rule}, violations(t, d.Validate))
		})
	}
}

func validOffer() Offer {
	return Offer{Producer: "organizations/c", Product: "products/p", Quantity: 1000, HarvestWindow: Window{"2026-05-01", "2026-07-31"}, MinPriceVND: 36000}
}

func TestOfferValidate(t *testing.T) {
	o := validOffer()
	require.Empty(t, violations(t, o.Validate))
	for name, tc := range map[string]struct {
		change      func(o *Offer)
		field, rule string
	}{
		"negative quantity":       {func(o *Offer) { o.Quantity = -1 }, "offer.quantity", "RANGE"},
		"negative price":          {func(o *Offer) { o.MinPriceVND = -5 }, "offer.min_price_vnd", "RANGE"},
		"price above the cap":     {func(o *Offer) { o.MinPriceVND = MaxPriceVND + 1 }, "offer.min_price_vnd", "RANGE"},
		"window reversed":         {func(o *Offer) { o.HarvestWindow = Window{"2026-06-30", "2026-06-01"} }, "offer.harvest_window", "DATE_WINDOW"},
		"too many households":     {func(o *Offer) { o.Households = make([]string, MaxOfferHouseholds+1) }, "offer.households", "MAX_ITEMS"},
		"too many certifications": {func(o *Offer) { o.Certifications = make([]string, MaxCertifications+1) }, "offer.certifications", "MAX_ITEMS"},
	} {
		t.Run(name, func(t *testing.T) {
			o := validOffer()
			tc.change(&o)
			require.Equal(t, map[string]string{tc.field: tc.rule}, violations(t, o.Validate))
		})
	}
}

func TestDistinctHouseholds(t *testing.T) {
	o := Offer{Households: []string{"households/a", "households/b", "households/a", "organizations/x"}}
	var ok []int
	got := violations(t, func(v *apierr.Violations) { ok = o.DistinctHouseholds(v) })
	require.Equal(t, map[string]string{"offer.households[2]": "HOUSEHOLD_MEMBER", "offer.households[3]": "HOUSEHOLD_MEMBER"}, got)
	require.Equal(t, []int{0, 1}, ok, "the well-formed first occurrences remain to be checked")
}

func TestProposalAndReasonChecks(t *testing.T) {
	require.Empty(t, violations(t, func(v *apierr.Violations) { ValidateProposal(v, 10, "Mời hợp tác") }))
	require.Equal(t, map[string]string{"proposal.quantity": "RANGE"}, violations(t, func(v *apierr.Violations) { ValidateProposal(v, 0, "") }))
	require.Equal(t, map[string]string{"proposal.quantity": "RANGE"}, violations(t, func(v *apierr.Violations) { ValidateProposal(v, MaxQuantity+1, "") }))
	require.Equal(t, map[string]string{"proposal.message": "MAX_LENGTH"}, violations(t, func(v *apierr.Violations) {
		ValidateProposal(v, 10, strings.Repeat("x", apierr.MaxLongText+1))
	}))
	require.Equal(t, map[string]string{"reason": "MAX_LENGTH"}, violations(t, func(v *apierr.Violations) { ValidateReason(v, strings.Repeat("x", apierr.MaxLongText+1)) }))
}

func TestMatchCandidates(t *testing.T) {
	n, err := MatchCandidates(0)
	require.NoError(t, err)
	require.Equal(t, DefaultMatchCandidates, n)
	n, err = MatchCandidates(MaxMatchCandidates)
	require.NoError(t, err)
	require.Equal(t, MaxMatchCandidates, n)
	for _, bad := range []int32{-1, MaxMatchCandidates + 1} {
		_, err := MatchCandidates(bad)
		require.Equal(t, map[string]string{"max_candidates": "RANGE"}, rules(t, err), bad)
	}
}

func TestUpdateMasks(t *testing.T) {
	require.NoError(t, CheckDemandMask([]string{"quantity", "inclusion"}))
	require.NoError(t, CheckOfferMask([]string{"harvest_window", "min_price_vnd"}))
	require.Equal(t, map[string]string{"update_mask": "REQUIRED"}, rules(t, CheckDemandMask(nil)))
	require.Equal(t, map[string]string{"update_mask": "UPDATE_MASK_PATH"}, rules(t, CheckDemandMask([]string{"quantity", "buyer"})))
	require.Equal(t, map[string]string{"update_mask": "UPDATE_MASK_PATH"}, rules(t, CheckOfferMask([]string{"households"})))
	require.Equal(t, map[string]string{"update_mask": "REQUIRED"}, rules(t, CheckOfferMask([]string{})))
}

package domain

import (
	"slices"
	"strconv"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Request validation: what a demand, an offer or a proposal may hold, whoever sends it. The
// checks that need another service (a product, a commune, a membership) are the usecase
// layer's; these are the ones that need nothing but the request.

// Limits of matchmaking requests, in one place.
const (
	// MaxQuantity bounds the quantity of a demand, an offer or a proposal (units).
	MaxQuantity = 1_000_000_000_000
	// MaxPriceVND bounds a price per unit (VND).
	MaxPriceVND = 1_000_000_000_000
	// MaxBps is 100% in basis points: the most a share, a premium or a margin may be.
	MaxBps = 10_000
	// MaxInputsOffered bounds the inputs a demand lists.
	MaxInputsOffered = 50
	// MaxOfferHouseholds bounds the households behind one offer.
	MaxOfferHouseholds = 5000
	// MaxCertifications bounds the certifications of one offer.
	MaxCertifications = 20
	// MaxMatchCandidates bounds the candidates one match returns; DefaultMatchCandidates is
	// what a match returns when the request names no number.
	MaxMatchCandidates     = 500
	DefaultMatchCandidates = 20
	// MaxBatchDemands bounds the demands of one batch allocation.
	MaxBatchDemands = 5000
)

// Validate checks the demand's own fields, on create and on update alike.
func (d *Demand) Validate(v *apierr.Violations) {
	v.Check(d.Quantity > 0 && d.Quantity <= MaxQuantity, "demand.quantity", "RANGE", "must be between 1 and %d", int64(MaxQuantity))
	v.Check(d.MinLotQuantity >= 0 && d.MinLotQuantity <= d.Quantity, "demand.min_lot_quantity", "RANGE", "must be between 0 and the quantity")
	d.DeliveryWindow.check(v, "demand.delivery_window")
	v.Check(d.MinPoorShareBps >= 0 && d.MinPoorShareBps <= MaxBps, "demand.inclusion.min_poor_share_bps", "RANGE", "must be between 0 and %d", MaxBps)
	v.Text("demand.delivery_place", d.DeliveryPlace, false, apierr.MaxLineText)
	v.Text("demand.technical_assistance", d.TechnicalAssistance, false, apierr.MaxLongText)
	v.Check(len(d.InputsOffered) <= MaxInputsOffered, "demand.inputs_offered", "MAX_ITEMS", "at most %d items", MaxInputsOffered)
	d.Price.check(v, "demand.price_terms")
}

// check: a known price type, a positive reference price per unit within MaxPriceVND, and a
// premium and margin within 0–MaxBps.
func (p Price) check(v *apierr.Violations, field string) {
	switch p.Type {
	case PriceFixed, PriceFloorWithMarket, PriceCostPlus:
		ref := p.ReferenceVND()
		v.Check(ref > 0 && ref <= MaxPriceVND && p.PremiumBps >= 0 && p.PremiumBps <= MaxBps && p.MarginBps >= 0 && p.MarginBps <= MaxBps,
			field, "PRICE_RANGE", "prices must be positive VND per unit and premium/margin between 0 and %d bps", MaxBps)
	default:
		v.Add(field+".type", "ENUM_VALUE", "must be PRICE_TYPE_FIXED, PRICE_TYPE_FLOOR_WITH_MARKET or PRICE_TYPE_COST_PLUS")
	}
}

// check: both bounds are dates and the window does not end before it starts.
func (w Window) check(v *apierr.Violations, field string) {
	if _, _, ok := w.Days(); !ok {
		v.Add(field, "DATE_WINDOW", "start_date and end_date must be dates YYYY-MM-DD with start ≤ end")
	}
}

// Validate checks the offer's own fields, on create and on update alike.
func (o *Offer) Validate(v *apierr.Violations) {
	v.Check(o.Quantity > 0 && o.Quantity <= MaxQuantity, "offer.quantity", "RANGE", "must be between 1 and %d", int64(MaxQuantity))
	v.Check(o.MinPriceVND >= 0 && o.MinPriceVND <= MaxPriceVND, "offer.min_price_vnd", "RANGE", "must be between 0 and 10^12 VND per unit")
	o.HarvestWindow.check(v, "offer.harvest_window")
	v.Check(len(o.Households) <= MaxOfferHouseholds, "offer.households", "MAX_ITEMS", "at most %d households", MaxOfferHouseholds)
	v.Check(len(o.Certifications) <= MaxCertifications, "offer.certifications", "MAX_ITEMS", "at most %d certifications", MaxCertifications)
}

// HouseholdField is the request field of an offer's i-th household.
func HouseholdField(i int) string { return "offer.households[" + strconv.Itoa(i) + "]" }

// CertificationField is the request field of an offer's i-th certification.
func CertificationField(i int) string { return "offer.certifications[" + strconv.Itoa(i) + "]" }

// DistinctHouseholds checks that the offer's households are distinct households/{id} names
// (rule HOUSEHOLD_MEMBER, like a household that is no member) and returns the indexes of
// those that are, whose membership remains to be checked.
func (o *Offer) DistinctHouseholds(v *apierr.Violations) []int {
	seen := map[string]bool{}
	var ok []int
	for i, h := range o.Households {
		if seen[h] || !strings.HasPrefix(h, "households/") {
			v.Add(HouseholdField(i), "HOUSEHOLD_MEMBER", "households must be distinct households/{id} names")
			continue
		}
		seen[h] = true
		ok = append(ok, i)
	}
	return ok
}

// ValidateProposal checks a proposal's quantity and message.
func ValidateProposal(v *apierr.Violations, quantity int64, message string) {
	v.Text("proposal.message", message, false, apierr.MaxLongText)
	v.Check(quantity > 0 && quantity <= MaxQuantity, "proposal.quantity", "RANGE", "must be positive")
}

// ValidateReason checks the reason given for declining or cancelling a proposal.
func ValidateReason(v *apierr.Violations, reason string) {
	v.Text("reason", reason, false, apierr.MaxLongText)
}

// MatchCandidates returns how many candidates a match returns for a request of n (0: the
// default), or INVALID_ARGUMENT on max_candidates.
func MatchCandidates(n int32) (int, error) {
	if n < 0 || n > MaxMatchCandidates {
		return 0, apierr.Field("max_candidates", "RANGE", "must be between 0 and %d", MaxMatchCandidates)
	}
	if n == 0 {
		return DefaultMatchCandidates, nil
	}
	return int(n), nil
}

// Paths an update may name, with the hint given for the others.
var (
	demandPaths = []string{"quantity", "min_lot_quantity", "delivery_window", "delivery_place", "price_terms", "inputs_offered", "technical_assistance", "inclusion"}
	offerPaths  = []string{"quantity", "harvest_window", "min_price_vnd"}
)

// CheckDemandMask checks an update mask of a demand: at least one path, each updatable.
func CheckDemandMask(paths []string) error {
	return checkMask(paths, demandPaths, "immutable or output only")
}

// CheckOfferMask checks an update mask of an offer: at least one path, each updatable.
func CheckOfferMask(paths []string) error {
	return checkMask(paths, offerPaths, "post a new offer to change product, households or certifications")
}

func checkMask(paths, updatable []string, hint string) error {
	var v apierr.Violations
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update")
	}
	for _, path := range paths {
		if !slices.Contains(updatable, path) {
			v.Add("update_mask", "UPDATE_MASK_PATH", "%q cannot be updated (%s)", path, hint)
		}
	}
	return v.Err()
}

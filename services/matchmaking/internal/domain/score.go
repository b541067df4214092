package domain

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Matching: the hard constraints an offer must pass for a demand, and the score that ranks
// the offers that pass them.

// Constants of matching.
const (
	// PoorGroupShare: an offer is from a poor group when at least this share of its
	// households are poor or near-poor; its units then count toward a demand's inclusion share.
	PoorGroupShare = 0.5
	// UnknownDistanceKm is the distance assumed when a commune's location is unknown: far.
	UnknownDistanceKm = 500
	// NeutralRecord is the delivery record of a producer without history, or whose history
	// cannot be read.
	NeutralRecord = 0.5
	// SatisfyingStandardFit is the standard fit of an offer that holds a standard satisfying
	// the required one (holding the required one itself fits 1).
	SatisfyingStandardFit = 0.8
)

// IsPoorGroup reports whether an offer whose households have this poor or near-poor share is
// from a poor group.
func IsPoorGroup(poorShare float64) bool { return poorShare >= PoorGroupShare }

// Compatible applies the hard constraints that need nothing but the demand and the offer: the
// same product, an open offer with capacity left, a harvest window overlapping the delivery
// window. The standard (StandardFit > 0) is the other one.
func Compatible(d *Demand, o *Offer) bool {
	if o.Product != d.Product || o.State != OfferOpen || o.Available() <= 0 {
		return false
	}
	_, days := Overlap(d.DeliveryWindow, o.HarvestWindow)
	return days > 0
}

// StandardFit: 1 when the offer holds the required standard, SatisfyingStandardFit when it
// holds one that satisfies it (satisfies lists the standards a certificate satisfies, itself
// included), 0 when neither (a hard-constraint failure). No requirement: 1.
func StandardFit(required string, certs []string, satisfies func(string) []string) float64 {
	if required == "" {
		return 1
	}
	best := 0.0
	for _, c := range certs {
		if c == required {
			return 1
		}
		if slices.Contains(satisfies(c), required) {
			best = SatisfyingStandardFit
		}
	}
	return best
}

// UnitCost is what a unit costs the buyer from this offer: the producer's asking price (or
// the buyer's offered price, when higher — the buyer pays at least that) plus transport over
// km at vndPerUnitKm.
func UnitCost(d *Demand, o *Offer, km float64, vndPerUnitKm int64) int64 {
	price := max(o.MinPriceVND, d.Price.ReferenceVND())
	return price + int64(math.Round(km*float64(vndPerUnitKm)))
}

// Weights of the soft criteria (they need not sum to 100; the score is normalised).
type Weights struct {
	Distance, Standard, Window, Price, Capacity, Record, Inclusion float64
}

// DefaultWeights favour price and distance, then standard and window fit.
var DefaultWeights = Weights{Distance: 20, Standard: 15, Window: 15, Price: 20, Capacity: 10, Record: 10, Inclusion: 10}

// ParseWeights reads "distance=20,price=30,..." (unnamed criteria keep their defaults).
func ParseWeights(s string) (Weights, error) {
	w := DefaultWeights
	if strings.TrimSpace(s) == "" {
		return w, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		var f float64
		if _, err := fmt.Sscanf(v, "%g", &f); !ok || err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return w, fmt.Errorf("weight %q: want name=non-negative number", kv)
		}
		switch k {
		case "distance":
			w.Distance = f
		case "standard":
			w.Standard = f
		case "window":
			w.Window = f
		case "price":
			w.Price = f
		case "capacity":
			w.Capacity = f
		case "record":
			w.Record = f
		case "inclusion":
			w.Inclusion = f
		default:
			return w, fmt.Errorf("unknown weight %q", k)
		}
	}
	return w, nil
}

// OfferFacts are what the scorer knows about an offer beyond the offer itself.
type OfferFacts struct {
	DistanceKm     float64
	StandardFit    float64 // see StandardFit
	PoorShare      float64 // share of the offer's households that are poor or near-poor
	MinorityShare  float64
	WomenLed       bool
	DeliveryRecord float64 // see DeliveryRecord
}

// Fulfilment is one ended contract's delivery outcome: quantity contracted, quantity the buyer
// accepted (delivered minus rejected).
type Fulfilment struct {
	Contracted, Accepted int64
}

// DeliveryRecord scores a producer's past contracts in [0, 1]: the mean fulfilment
// min(1, accepted / contracted) of its ended contracts, shrunk toward a neutral 0.5 by a prior
// worth one contract, so a producer without history scores 0.5 and one contract does not
// decide everything. Contracts with nothing contracted are ignored.
func DeliveryRecord(fs []Fulfilment) float64 {
	sum, n := NeutralRecord, 1.0
	for _, f := range fs {
		if f.Contracted <= 0 {
			continue
		}
		sum += min(1, float64(max(f.Accepted, 0))/float64(f.Contracted))
		n++
	}
	return sum / n
}

// Breakdown explains a score; each component is in [0, 1].
type Breakdown struct {
	DistanceKm                                                                  float64
	Distance, StandardFit, WindowOverlap, PriceFit, Capacity, Record, Inclusion float64
	Explanation                                                                 []string
}

// Score rates offer o for demand d (after the hard constraints) on a 0–100 scale.
func Score(d *Demand, o *Offer, f OfferFacts, w Weights) (float64, Breakdown) {
	b := Breakdown{DistanceKm: f.DistanceKm}
	b.Distance = 1 / (1 + f.DistanceKm/100) // 0 km → 1, 100 km → 0.5, 300 km → 0.25
	b.StandardFit = f.StandardFit
	_, days := Overlap(d.DeliveryWindow, o.HarvestWindow)
	if _, _, ok := d.DeliveryWindow.Days(); ok {
		ds, de, _ := d.DeliveryWindow.Days()
		total := int(de.Sub(ds).Hours()/24) + 1
		b.WindowOverlap = math.Min(1, float64(days)/float64(total))
	}
	ref := d.Price.ReferenceVND()
	switch {
	case ref <= 0 || o.MinPriceVND <= 0:
		b.PriceFit = 0.5
	case o.MinPriceVND <= ref:
		b.PriceFit = 1
	default:
		b.PriceFit = math.Max(0, 1-float64(o.MinPriceVND-ref)/(0.2*float64(ref))) // 20% above → 0
	}
	if open := d.Open(); open > 0 {
		b.Capacity = math.Min(1, float64(o.Available())/float64(open))
	}
	b.Record = f.DeliveryRecord
	inc := f.PoorShare
	if d.PreferWomenLed && f.WomenLed {
		inc = math.Min(1, inc+0.3)
	}
	if d.PreferEthnicMinority {
		inc = math.Min(1, inc+0.3*f.MinorityShare)
	}
	b.Inclusion = inc
	sum := w.Distance + w.Standard + w.Window + w.Price + w.Capacity + w.Record + w.Inclusion
	if sum == 0 {
		return 0, b
	}
	score := 100 * (w.Distance*b.Distance + w.Standard*b.StandardFit + w.Window*b.WindowOverlap + w.Price*b.PriceFit + w.Capacity*b.Capacity + w.Record*b.Record + w.Inclusion*b.Inclusion) / sum
	b.Explanation = []string{
		fmt.Sprintf("distance: %.0f km between commune centroids → %.2f", f.DistanceKm, b.Distance),
		fmt.Sprintf("standard: %.2f (1 = holds the required standard)", b.StandardFit),
		fmt.Sprintf("window: harvest overlaps %d day(s) of the delivery window → %.2f", days, b.WindowOverlap),
		fmt.Sprintf("price: asks %d VND/unit against %d offered → %.2f", o.MinPriceVND, ref, b.PriceFit),
		fmt.Sprintf("capacity: %d available for %d open → %.2f", o.Available(), d.Open(), b.Capacity),
		fmt.Sprintf("delivery record: %.2f", b.Record),
		fmt.Sprintf("inclusion: %.0f%% poor/near-poor households, women-led %v → %.2f", 100*f.PoorShare, f.WomenLed, b.Inclusion),
	}
	return math.Round(score*100) / 100, b
}

// DistanceKm is the great-circle distance between two points (haversine).
func DistanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

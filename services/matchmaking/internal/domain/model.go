package domain

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// States.
const (
	DemandOpen               = "OPEN"
	DemandPartiallyAllocated = "PARTIALLY_ALLOCATED"
	DemandFilled             = "FILLED"
	DemandClosed             = "CLOSED"
	DemandCancelled          = "CANCELLED"
	OfferOpen                = "OPEN"
	OfferExhausted           = "EXHAUSTED"
	OfferWithdrawn           = "WITHDRAWN"
	ProposalPending          = "PENDING"
	ProposalAccepted         = "ACCEPTED"
	ProposalDeclined         = "DECLINED"
	ProposalCancelled        = "CANCELLED"
)

// Window is an inclusive date range.
type Window struct {
	Start string `bson:"start"`
	End   string `bson:"end"`
}

// Days returns the window's bounds as dates.
func (w Window) Days() (time.Time, time.Time, bool) {
	s, err1 := time.Parse(time.DateOnly, w.Start)
	e, err2 := time.Parse(time.DateOnly, w.End)
	return s, e, err1 == nil && err2 == nil && !e.Before(s)
}

// Overlap returns the overlapping window and its length in days (0 when disjoint).
func Overlap(a, b Window) (Window, int) {
	as, ae, ok1 := a.Days()
	bs, be, ok2 := b.Days()
	if !ok1 || !ok2 {
		return Window{}, 0
	}
	s, e := as, ae
	if bs.After(s) {
		s = bs
	}
	if be.Before(e) {
		e = be
	}
	if e.Before(s) {
		return Window{}, 0
	}
	return Window{Start: s.Format(time.DateOnly), End: e.Format(time.DateOnly)}, int(e.Sub(s).Hours()/24) + 1
}

// Price is the demand's price offer (as in contracts).
type Price struct {
	Type            string `bson:"type"`
	FixedPriceVND   int64  `bson:"fixed_price_vnd,omitempty"`
	FloorPriceVND   int64  `bson:"floor_price_vnd,omitempty"`
	MarketReference string `bson:"market_reference,omitempty"`
	PremiumBps      int32  `bson:"premium_bps,omitempty"`
	CostPriceVND    int64  `bson:"cost_price_vnd,omitempty"`
	MarginBps       int32  `bson:"margin_bps,omitempty"`
}

// ReferenceVND is the per-unit price the buyer commits to at least: the fixed price, the
// floor, or cost plus margin.
func (p Price) ReferenceVND() int64 {
	switch p.Type {
	case "FIXED":
		return p.FixedPriceVND
	case "FLOOR_WITH_MARKET":
		return p.FloorPriceVND
	case "COST_PLUS":
		return p.CostPriceVND + p.CostPriceVND*int64(p.MarginBps)/10000
	}
	return 0
}

// Demand is a business's purchase demand.
type Demand struct {
	ID                   string    `bson:"_id"`
	Buyer                string    `bson:"buyer"`
	Product              string    `bson:"product"`
	RequiredStandard     string    `bson:"required_standard,omitempty"`
	Quantity             int64     `bson:"quantity"`
	MinLotQuantity       int64     `bson:"min_lot_quantity"`
	DeliveryWindow       Window    `bson:"delivery_window"`
	DeliveryCommuneCode  string    `bson:"delivery_commune_code"`
	DeliveryPlace        string    `bson:"delivery_place,omitempty"`
	ProvinceCode         string    `bson:"province_code"`
	Price                Price     `bson:"price"`
	InputsOffered        []string  `bson:"inputs_offered,omitempty"`
	TechnicalAssistance  string    `bson:"technical_assistance,omitempty"`
	MinPoorShareBps      int32     `bson:"min_poor_share_bps"`
	PreferWomenLed       bool      `bson:"prefer_women_led"`
	PreferEthnicMinority bool      `bson:"prefer_ethnic_minority"`
	AllocatedQuantity    int64     `bson:"allocated_quantity"` // Σ committed holds
	ReservedQuantity     int64     `bson:"reserved_quantity"`  // Σ pending holds
	Holds                Ledger    `bson:"holds,omitempty"`
	PendingHolds         int       `bson:"pending_holds"`
	State                string    `bson:"state"`
	CreateTime           time.Time `bson:"create_time"`
	UpdateTime           time.Time `bson:"update_time"`
	Version              int64     `bson:"version"`
}

// Hold is one proposal's claim on an offer's capacity or a demand's quantity.
type Hold struct {
	Quantity int64 `bson:"quantity"`
	// Committed: the proposal was accepted (capacity committed, demand allocated).
	Committed bool      `bson:"committed"`
	Time      time.Time `bson:"time"`
}

// Ledger holds the claims on an offer or a demand, by proposal id. Every operation is
// idempotent for a given proposal, so a flow interrupted between documents converges when it
// is retried or reconciled against the proposal, which is the source of truth.
type Ledger map[string]Hold

// Reserve places a pending hold for proposal pid; it reports false if pid already holds.
func (l *Ledger) Reserve(pid string, q int64, now time.Time) bool {
	if _, ok := (*l)[pid]; ok {
		return false
	}
	if *l == nil {
		*l = Ledger{}
	}
	(*l)[pid] = Hold{Quantity: q, Time: now.UTC()}
	return true
}

// Commit marks pid's hold committed (placing it if missing); it reports whether it changed.
func (l *Ledger) Commit(pid string, q int64, now time.Time) bool {
	if h, ok := (*l)[pid]; ok && h.Committed {
		return false
	}
	if *l == nil {
		*l = Ledger{}
	}
	h, ok := (*l)[pid]
	if !ok {
		h = Hold{Quantity: q, Time: now.UTC()}
	}
	h.Committed = true
	(*l)[pid] = h
	return true
}

// Release drops pid's pending hold; committed holds stay. It reports whether it changed.
func (l Ledger) Release(pid string) bool {
	if h, ok := l[pid]; ok && !h.Committed {
		delete(l, pid)
		return true
	}
	return false
}

// Totals sums the pending and the committed holds and counts the pending ones.
func (l Ledger) Totals() (pending, committed int64, npending int) {
	for _, h := range l {
		if h.Committed {
			committed += h.Quantity
		} else {
			pending += h.Quantity
			npending++
		}
	}
	return pending, committed, npending
}

// Recount derives the demand's reserved and allocated quantities from its holds.
func (d *Demand) Recount() {
	d.ReservedQuantity, d.AllocatedQuantity, d.PendingHolds = d.Holds.Totals()
}

// Recount derives the offer's reserved and committed quantities from its holds.
func (o *Offer) Recount() {
	o.ReservedQuantity, o.CommittedQuantity, o.PendingHolds = o.Holds.Totals()
}

// Open is the quantity still to be proposed.
func (d *Demand) Open() int64 { return d.Quantity - d.AllocatedQuantity - d.ReservedQuantity }

// Offer is a producer organisation's supply offer.
type Offer struct {
	ID                string   `bson:"_id"`
	Producer          string   `bson:"producer"`
	Product           string   `bson:"product"`
	Quantity          int64    `bson:"quantity"`
	HarvestWindow     Window   `bson:"harvest_window"`
	Certifications    []string `bson:"certifications,omitempty"`
	MinPriceVND       int64    `bson:"min_price_vnd"`
	Households        []string `bson:"households,omitempty"`
	CommuneCode       string   `bson:"commune_code"`
	ProvinceCode      string   `bson:"province_code"`
	ReservedQuantity  int64    `bson:"reserved_quantity"`  // Σ pending holds
	CommittedQuantity int64    `bson:"committed_quantity"` // Σ committed holds
	Holds             Ledger   `bson:"holds,omitempty"`
	PendingHolds      int      `bson:"pending_holds"`
	// Shares of the offer's households that are poor or near-poor, and of ethnic-minority
	// households, taken from the registry when the offer is posted (its households cannot
	// change afterwards). SharesKnown is false for offers stored before they were recorded.
	PoorShare     float64   `bson:"poor_share"`
	MinorityShare float64   `bson:"minority_share"`
	SharesKnown   bool      `bson:"shares_known"`
	State         string    `bson:"state"`
	CreateTime    time.Time `bson:"create_time"`
	UpdateTime    time.Time `bson:"update_time"`
	Version       int64     `bson:"version"`
}

// Available is what can still be proposed.
func (o *Offer) Available() int64 { return o.Quantity - o.ReservedQuantity - o.CommittedQuantity }

// Proposal is a buyer's invitation to an offer.
type Proposal struct {
	ID         string    `bson:"_id"`
	Demand     string    `bson:"demand"`
	Offer      string    `bson:"offer"`
	Buyer      string    `bson:"buyer"`
	Producer   string    `bson:"producer"`
	Quantity   int64     `bson:"quantity"`
	Message    string    `bson:"message,omitempty"`
	State      string    `bson:"state"`
	Contract   string    `bson:"contract,omitempty"`
	Reason     string    `bson:"reason,omitempty"`
	CreateTime time.Time `bson:"create_time"`
	UpdateTime time.Time `bson:"update_time"`
	Version    int64     `bson:"version"`
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
	StandardFit    float64 // 1 holds the required standard itself, 0.8 a standard that satisfies it, 1 when none required
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
	sum, n := 0.5, 1.0
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

// ValidDate reports whether s is a date "YYYY-MM-DD".
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

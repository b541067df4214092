package domain

import (
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

// Months returns the months ("2006-01") the window touches, in order; none for a malformed
// window, and the first maxWindowMonths of a longer one.
func (w Window) Months() []string {
	s, e, ok := w.Days()
	if !ok {
		return nil
	}
	var out []string
	for m := time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(e) && len(out) < maxWindowMonths; m = m.AddDate(0, 1, 0) {
		out = append(out, m.Format("2006-01"))
	}
	return out
}

// maxWindowMonths bounds Months: ten years, far beyond any harvest or delivery season.
const maxWindowMonths = 120

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

// Price types (as in contracts).
const (
	PriceFixed           = "FIXED"
	PriceFloorWithMarket = "FLOOR_WITH_MARKET"
	PriceCostPlus        = "COST_PLUS"
)

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
	case PriceFixed:
		return p.FixedPriceVND
	case PriceFloorWithMarket:
		return p.FloorPriceVND
	case PriceCostPlus:
		return p.CostPriceVND + p.CostPriceVND*int64(p.MarginBps)/MaxBps
	}
	return 0
}

// Demand is a business's purchase demand.
type Demand struct {
	ID                   string   `bson:"_id"`
	Buyer                string   `bson:"buyer"`
	Product              string   `bson:"product"`
	RequiredStandard     string   `bson:"required_standard,omitempty"`
	Quantity             int64    `bson:"quantity"`
	MinLotQuantity       int64    `bson:"min_lot_quantity"`
	DeliveryWindow       Window   `bson:"delivery_window"`
	DeliveryCommuneCode  string   `bson:"delivery_commune_code"`
	DeliveryPlace        string   `bson:"delivery_place,omitempty"`
	ProvinceCode         string   `bson:"province_code"`
	Price                Price    `bson:"price"`
	InputsOffered        []string `bson:"inputs_offered,omitempty"`
	TechnicalAssistance  string   `bson:"technical_assistance,omitempty"`
	MinPoorShareBps      int32    `bson:"min_poor_share_bps"`
	PreferWomenLed       bool     `bson:"prefer_women_led"`
	PreferEthnicMinority bool     `bson:"prefer_ethnic_minority"`
	AllocatedQuantity    int64    `bson:"allocated_quantity"` // Σ committed holds
	ReservedQuantity     int64    `bson:"reserved_quantity"`  // Σ pending holds
	Holds                Ledger   `bson:"holds,omitempty"`
	PendingHolds         int      `bson:"pending_holds"`
	// HoldsPending is PendingHolds > 0, stored (by storage) as an equality the reconciler
	// finds such documents by.
	HoldsPending bool      `bson:"holds_pending,omitempty"`
	State        string    `bson:"state"`
	CreateTime   time.Time `bson:"create_time"`
	UpdateTime   time.Time `bson:"update_time"`
	Version      int64     `bson:"version"`
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
	HoldsPending      bool     `bson:"holds_pending,omitempty"` // see Demand.HoldsPending
	// HarvestMonths are the months ("2026-06") the harvest window touches, stored (by
	// storage) so that the offers of a demand's months are found by equality on an index.
	HarvestMonths []string `bson:"harvest_months,omitempty"`
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
	// HouseholdsWithheld counts the households behind the offer that are not shown to this
	// caller (set when reading, never stored).
	HouseholdsWithheld int `bson:"-"`
}

// Available is what can still be proposed.
func (o *Offer) Available() int64 { return o.Quantity - o.ReservedQuantity - o.CommittedQuantity }

// Proposal is a buyer's invitation to an offer.
type Proposal struct {
	ID       string `bson:"_id"`
	Demand   string `bson:"demand"`
	Offer    string `bson:"offer"`
	Buyer    string `bson:"buyer"`
	Producer string `bson:"producer"`
	// PartyIndex are the buyer and the producer (Parties), stored (by storage) so that a
	// party's proposals are one equality on an index.
	PartyIndex []string  `bson:"parties"`
	Quantity   int64     `bson:"quantity"`
	Message    string    `bson:"message,omitempty"`
	State      string    `bson:"state"`
	Contract   string    `bson:"contract,omitempty"`
	Reason     string    `bson:"reason,omitempty"`
	CreateTime time.Time `bson:"create_time"`
	UpdateTime time.Time `bson:"update_time"`
	Version    int64     `bson:"version"`
	// NoticeSeq numbers the proposal's partner events; PendingNotices is their outbox (see
	// notices.go).
	NoticeSeq      int64    `bson:"notice_seq"`
	PendingNotices []Notice `bson:"pending_notices,omitempty"`
}

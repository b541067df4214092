package domain

import (
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Execution records live next to the contract, each in its own collection (a contract document
// must not grow without bound); bson tags are the stored field names.

// States of a delivery.
const (
	DeliveryRecorded  = "RECORDED"
	DeliveryConfirmed = "CONFIRMED"
	DeliveryDisputed  = "DISPUTED"
)

// Delivery is what the buyer received from a household for a lot, priced under the contract.
type Delivery struct {
	ID               string    `bson:"_id"`
	Contract         string    `bson:"contract"`
	Household        string    `bson:"household"`
	Lot              string    `bson:"lot"`
	Date             string    `bson:"date"`
	Quantity         int64     `bson:"quantity"`
	Grade            string    `bson:"grade"`
	AcceptedQuantity int64     `bson:"accepted_quantity"`
	RejectedQuantity int64     `bson:"rejected_quantity"`
	RejectionReason  string    `bson:"rejection_reason,omitempty"`
	MarketPriceVND   int64     `bson:"market_price_vnd,omitempty"`
	UnitPriceVND     int64     `bson:"unit_price_vnd"`
	GrossVND         int64     `bson:"gross_vnd"`
	State            string    `bson:"state"`
	DisputeReason    string    `bson:"dispute_reason,omitempty"`
	CreateTime       time.Time `bson:"create_time"`
	Version          int64     `bson:"version"`
}

// Advance is an input advance to a household, recovered from its deliveries when the terms
// say so.
type Advance struct {
	ID          string    `bson:"_id"`
	Contract    string    `bson:"contract"`
	Household   string    `bson:"household"`
	Date        string    `bson:"date"`
	Description string    `bson:"description"`
	ValueVND    int64     `bson:"value_vnd"`
	CreateTime  time.Time `bson:"create_time"`
}

// Payment is money paid for a household, to it or to its producer organisation.
type Payment struct {
	ID         string    `bson:"_id"`
	Contract   string    `bson:"contract"`
	Payee      string    `bson:"payee"`
	Household  string    `bson:"household"`
	AmountVND  int64     `bson:"amount_vnd"`
	Method     string    `bson:"method"`
	Reference  string    `bson:"reference,omitempty"`
	Date       string    `bson:"date"`
	CreateTime time.Time `bson:"create_time"`
}

// MarketPrice is one day's market reference price (from official bulletins).
type MarketPrice struct {
	ID        string `bson:"_id"` // reference/date
	Reference string `bson:"reference"`
	Date      string `bson:"date"`
	PriceVND  int64  `bson:"price_vnd"`
	Source    string `bson:"source,omitempty"`
}

// MarketPriceID is the id of the price of reference on date.
func MarketPriceID(reference, date string) string { return reference + "/" + date }

// CheckMarketPrice validates a market price (field paths under "market_price.").
func CheckMarketPrice(v *apierr.Violations, mp MarketPrice) {
	v.Text("market_price.reference", mp.Reference, true, apierr.MaxShortText)
	v.Date("market_price.price_date", mp.Date, true)
	v.Check(mp.PriceVND > 0 && mp.PriceVND <= MaxPriceVND, "market_price.price_vnd", "RANGE", "must be positive")
	v.Text("market_price.source", mp.Source, false, apierr.MaxLineText)
}

package storage

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Execution records live in their own collections (a contract document must not grow without
// bound), keyed by contract and paged.

// Delivery as stored.
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

// Advance as stored.
type Advance struct {
	ID          string    `bson:"_id"`
	Contract    string    `bson:"contract"`
	Household   string    `bson:"household"`
	Date        string    `bson:"date"`
	Description string    `bson:"description"`
	ValueVND    int64     `bson:"value_vnd"`
	CreateTime  time.Time `bson:"create_time"`
}

// Payment as stored.
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

// Incident as stored.
type Incident struct {
	ID                 string    `bson:"_id"`
	Contract           string    `bson:"contract"`
	Kind               string    `bson:"kind"`
	State              string    `bson:"state"`
	Description        string    `bson:"description"`
	ForceMajeureEvent  string    `bson:"force_majeure_event,omitempty"`
	AffectedLots       []string  `bson:"affected_lots,omitempty"`
	AffectedHouseholds []string  `bson:"affected_households,omitempty"`
	SuspendContract    bool      `bson:"suspend_contract"`
	Verification       string    `bson:"verification,omitempty"`
	BreachingParty     string    `bson:"breaching_party,omitempty"`
	BreachedValueVND   int64     `bson:"breached_value_vnd"`
	PenaltyVND         int64     `bson:"penalty_vnd"`
	Outcome            string    `bson:"outcome,omitempty"`
	Reporter           string    `bson:"reporter"`
	CreateTime         time.Time `bson:"create_time"`
	UpdateTime         time.Time `bson:"update_time"`
	Version            int64     `bson:"version"`
}

// MarketPrice is one day's reference price; _id is reference/date.
type MarketPrice struct {
	ID        string `bson:"_id"`
	Reference string `bson:"reference"`
	Date      string `bson:"date"`
	PriceVND  int64  `bson:"price_vnd"`
	Source    string `bson:"source,omitempty"`
}

// Execution holds the execution collections.
type Execution struct {
	Deliveries   mongostore.Repo[Delivery]
	Advances     mongostore.Repo[Advance]
	Payments     mongostore.Repo[Payment]
	Incidents    mongostore.Repo[Incident]
	MarketPrices mongostore.Repo[MarketPrice]
}

// NewExecution returns the execution store over db and creates its indexes.
func NewExecution(ctx context.Context, db *mongo.Database) (*Execution, error) {
	e := &Execution{
		Deliveries:   mongostore.NewRepo[Delivery](db, "deliveries"),
		Advances:     mongostore.NewRepo[Advance](db, "input_advances"),
		Payments:     mongostore.NewRepo[Payment](db, "payments"),
		Incidents:    mongostore.NewRepo[Incident](db, "incidents"),
		MarketPrices: mongostore.NewRepo[MarketPrice](db, "market_prices"),
	}
	for _, c := range []*mongo.Collection{e.Deliveries.C, e.Advances.C, e.Payments.C, e.Incidents.C} {
		if err := mongostore.EnsureIndexes(ctx, c, idx("contract")); err != nil {
			return nil, err
		}
	}
	return e, mongostore.EnsureIndexes(ctx, e.MarketPrices.C, idx("reference", "date"))
}

// All returns every record of a contract (for settlement), bounded.
func All[T any](ctx context.Context, r mongostore.Repo[T], contract string) ([]T, error) {
	items, _, err := r.List(ctx, bson.D{{Key: "contract", Value: contract}}, "", 1_000_000)
	return items, err
}

// Package storage keeps contracts, their audit events and their execution records in MongoDB
// (or the embedded store). Every query of the contracts service is a typed method here.
//
// There are no multi-document transactions (the embedded store has none, and the design must
// work on both), so every state change is one conditional replace of the contract document
// (matched on _id and version). Audit events use an outbox: the same replace records the new
// head of the hash chain and the new events in pending_events; the events are then inserted into
// the contract_events collection under deterministic ids (idempotent) and the outbox is cleared.
// Any later reader or writer flushes a leftover outbox first, so a crash between the two steps
// loses nothing and the chain stays gap-free.
//
// A record whose checks must be atomic with the contract (a delivery against the tolerance, a
// payment against the balance) travels in its event (see DeliveryRecorded, PaymentRecorded):
// it is decided in the contract's conditional replace, and the flush writes it (idempotently)
// before it moves the event, so it cannot be lost.
package storage

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// Store holds the contracts service's collections.
type Store struct {
	db         *mongo.Database
	contracts  mongostore.Repo[domain.Contract]
	events     mongostore.Repo[eventDoc]
	deliveries mongostore.Repo[domain.Delivery]
	advances   mongostore.Repo[domain.Advance]
	payments   mongostore.Repo[domain.Payment]
	incidents  mongostore.Repo[domain.Incident]
	prices     mongostore.Repo[domain.MarketPrice]
	documents  mongostore.Repo[domain.IssuedDocument]
	// Report rollups (reports.go).
	reportContracts mongostore.Repo[reportContractDoc]
	areaNodes       mongostore.Repo[reportNodeDoc]
	orgNodes        mongostore.Repo[reportNodeDoc]
	partitions      mongostore.Repo[reportNodeDoc]
	worklist        mongostore.Repo[workDoc]
}

// New returns the store over db.
func New(db *mongo.Database) *Store {
	return &Store{
		db:         db,
		contracts:  mongostore.NewRepo[domain.Contract](db, contractsCollection),
		events:     mongostore.NewRepo[eventDoc](db, eventsCollection),
		deliveries: mongostore.NewRepo[domain.Delivery](db, deliveriesCollection),
		advances:   mongostore.NewRepo[domain.Advance](db, advancesCollection),
		payments:   mongostore.NewRepo[domain.Payment](db, paymentsCollection),
		incidents:  mongostore.NewRepo[domain.Incident](db, incidentsCollection),
		prices:     mongostore.NewRepo[domain.MarketPrice](db, marketPricesCollection),
		documents:  mongostore.NewRepo[domain.IssuedDocument](db, documentsCollection),

		reportContracts: mongostore.NewRepo[reportContractDoc](db, reportContractsCollection),
		areaNodes:       mongostore.NewRepo[reportNodeDoc](db, reportAreasCollection),
		orgNodes:        mongostore.NewRepo[reportNodeDoc](db, reportOrgsCollection),
		partitions:      mongostore.NewRepo[reportNodeDoc](db, reportHouseholdsCollection),
		worklist:        mongostore.NewRepo[workDoc](db, reportWorklistCollection),
	}
}

// EnsureIndexes creates the declared indexes (Collections); idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	return mongostore.EnsureCollections(ctx, s.db, Collections())
}

// Page is a keyset page: up to Limit documents with _id after After.
type Page struct {
	After string
	Limit int
}

// maxRecords bounds the records of one contract read at once (settlement, tolerance).
const maxRecords = 1_000_000

// Migrate brings what earlier versions stored up to date, once per database: contracts get
// their parties, the field a party's listing filters on.
func (s *Store) Migrate(ctx context.Context) error {
	return mongostore.Backfill(ctx, s.db, "contracts-parties-1", contractsCollection, func(d bson.Raw) (bson.D, error) {
		if _, ok := d.Lookup("parties").ArrayOK(); ok {
			return nil, nil
		}
		buyer, _ := d.Lookup("terms", "buyer").StringValueOK()
		producer, _ := d.Lookup("terms", "producer").StringValueOK()
		return bson.D{{Key: "parties", Value: domain.PartiesOf(domain.Terms{Buyer: buyer, Producer: producer})}}, nil
	})
}

package storage

import (
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Collection names.
const (
	contractsCollection    = "contracts"
	eventsCollection       = "contract_events"
	deliveriesCollection   = "deliveries"
	advancesCollection     = "input_advances"
	paymentsCollection     = "payments"
	incidentsCollection    = "incidents"
	marketPricesCollection = "market_prices"
	documentsCollection    = "issued_documents"
)

// Collections declares the contracts service's collections and the indexes their queries use:
// contracts are listed by party, producer area, household and state, and found by a leftover
// outbox; events and execution records by contract (in _id order), events also while unsent;
// market prices by reference and date; issued documents by id; report rollups of contracts by
// province and organisation (a node's rebuild) and by flag, report nodes by flag (the
// refresher's sweep); the report worklist is read whole (it holds what is not rebuilt yet).
func Collections() []mongostore.Collection {
	byContract := []mongo.IndexModel{mongostore.Index("contract")}
	return []mongostore.Collection{
		{Name: contractsCollection, Indexes: []mongo.IndexModel{
			mongostore.Index("terms.buyer"), mongostore.Index("terms.producer"), mongostore.Index("producer_commune_code"),
			mongostore.Index("producer_province_code"), mongostore.Index("households"), mongostore.Index("state"),
			mongostore.Index("pending_events.seq"),
		}},
		// Events are paged by contract in _id order; the documents read only some types
		// (witnessed versions, settlement acknowledgements); the partner-event feed reads the
		// unsent ones.
		{Name: eventsCollection, Indexes: []mongo.IndexModel{mongostore.Index("contract", "seq"), mongostore.Index("contract", "type"), mongostore.Index("unsent", "_id")}},
		{Name: deliveriesCollection, Indexes: byContract},
		{Name: advancesCollection, Indexes: byContract},
		{Name: paymentsCollection, Indexes: byContract},
		{Name: incidentsCollection, Indexes: byContract},
		{Name: marketPricesCollection, Indexes: []mongo.IndexModel{mongostore.Index("reference", "date")}},
		// Issued documents are read by _id (contract/sha256) only.
		{Name: documentsCollection},
		{Name: reportContractsCollection, Indexes: []mongo.IndexModel{mongostore.Index("province"), mongostore.Index("orgs"), mongostore.Index("todo")}},
		{Name: reportAreasCollection, Indexes: []mongo.IndexModel{mongostore.Index("dirty")}},
		{Name: reportOrgsCollection, Indexes: []mongo.IndexModel{mongostore.Index("dirty")}},
		{Name: reportHouseholdsCollection, Bounded: true}, // 64 partitions, read by _id and whole
		{Name: reportWorklistCollection, Bounded: true},   // read whole: what is marked and not rebuilt yet
		{Name: datasetCollection, Bounded: true},          // the marker of a generated dataset (by _id)
	}
}

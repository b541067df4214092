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

// Collections declares the contracts service's collections and the indexes their queries use.
// Listings page in _id order within a scope, so each index is (scope, _id) — an equality, then
// the sort (MongoDB's equality–sort–range rule): contracts by party, producer commune or
// province, household, state, product and witness, and found by a leftover outbox; events and
// execution records by contract (an event's _id sorts by sequence), events also while unsent;
// market prices by reference and by date; issued documents by _id; report rollups of contracts
// by province and organisation (a node's rebuild) and by flag, report nodes by flag (the
// refresher's sweep); the report worklist is read whole (it holds what is not rebuilt yet).
func Collections() []mongostore.Collection {
	ix := mongostore.Index
	byContract := []mongo.IndexModel{ix("contract", "_id")}
	return []mongostore.Collection{
		{Name: contractsCollection, Indexes: []mongo.IndexModel{
			ix("parties", "_id"), ix("producer_commune_code", "_id"), ix("producer_province_code", "_id"), ix("households", "_id"),
			ix("state", "_id"), ix("terms.product", "_id"), ix("terms.witness_authority", "_id"), ix("pending_events.seq"),
		}},
		// Events are paged by contract in _id order (the documents read some types of a
		// contract's); the partner-event feed reads the unsent ones.
		{Name: eventsCollection, Indexes: []mongo.IndexModel{ix("contract", "_id"), ix("unsent", "_id")}},
		{Name: deliveriesCollection, Indexes: byContract},
		{Name: advancesCollection, Indexes: byContract},
		{Name: paymentsCollection, Indexes: byContract},
		{Name: incidentsCollection, Indexes: byContract},
		{Name: marketPricesCollection, Indexes: []mongo.IndexModel{ix("reference", "_id"), ix("date", "_id")}},
		// Issued documents are read by _id (contract/sha256) only.
		{Name: documentsCollection},
		{Name: reportContractsCollection, Indexes: []mongo.IndexModel{ix("province"), ix("orgs"), ix("todo")}},
		{Name: reportAreasCollection, Indexes: []mongo.IndexModel{ix("dirty")}, Bounded: true}, // one node per province, read whole by a national report
		{Name: reportOrgsCollection, Indexes: []mongo.IndexModel{ix("dirty")}},
		{Name: reportHouseholdsCollection, Bounded: true}, // 64 partitions, read by _id and whole
		{Name: reportWorklistCollection, Bounded: true},   // read whole: what is marked and not rebuilt yet
		{Name: datasetCollection, Bounded: true},          // the marker of a generated dataset (by _id)
		mongostore.MigrationsDeclaration,
	}
}

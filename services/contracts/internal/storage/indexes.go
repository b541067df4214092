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
)

// Collections declares the contracts service's collections and the indexes their queries use:
// contracts are listed by party, producer area, household and state; events and execution
// records by contract (in _id order); market prices by reference and date; report rollups of
// contracts by province and organisation (a node's rebuild) and by flag, report nodes by flag
// (the refresher's sweep); the report worklist is read whole (it holds what is not rebuilt yet).
func Collections() []mongostore.Collection {
	byContract := []mongo.IndexModel{mongostore.Index("contract")}
	return []mongostore.Collection{
		{Name: contractsCollection, Indexes: []mongo.IndexModel{
			mongostore.Index("terms.buyer"), mongostore.Index("terms.producer"), mongostore.Index("producer_commune_code"),
			mongostore.Index("producer_province_code"), mongostore.Index("households"), mongostore.Index("state"),
		}},
		{Name: eventsCollection, Indexes: []mongo.IndexModel{mongostore.Index("contract", "seq")}},
		{Name: deliveriesCollection, Indexes: byContract},
		{Name: advancesCollection, Indexes: byContract},
		{Name: paymentsCollection, Indexes: byContract},
		{Name: incidentsCollection, Indexes: byContract},
		{Name: marketPricesCollection, Indexes: []mongo.IndexModel{mongostore.Index("reference", "date")}},
		{Name: reportContractsCollection, Indexes: []mongo.IndexModel{mongostore.Index("province"), mongostore.Index("orgs"), mongostore.Index("todo")}},
		{Name: reportAreasCollection, Indexes: []mongo.IndexModel{mongostore.Index("dirty")}},
		{Name: reportOrgsCollection, Indexes: []mongo.IndexModel{mongostore.Index("dirty")}},
		{Name: reportWorklistCollection, Bounded: true}, // read whole: what is marked and not rebuilt yet
		{Name: datasetCollection, Bounded: true},        // the marker of a generated dataset (by _id)
	}
}

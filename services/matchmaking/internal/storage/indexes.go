package storage

import (
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Collection names.
const (
	demandsCollection   = "demands"
	offersCollection    = "offers"
	proposalsCollection = "proposals"
	noticesCollection   = "proposal_events"
)

// candidateIndex serves a demand's candidate offers: one month of its window, in _id order.
var candidateIndex = mongostore.Index("product", "state", "harvest_months", "_id")

// Collections declares matchmaking's collections and the indexes its queries use: each listing
// pages in _id order within a scope, so each index is (scope, _id) — an equality, then the
// sort (MongoDB's equality–sort–range rule).
func Collections() []mongostore.Collection {
	ix := mongostore.Index
	return []mongostore.Collection{
		// ListDemands (buyer, product, province_code, state), OpenDemands (state),
		// DemandsWithPendingHolds (holds_pending);
		// DemandsForReport (province_code or buyer, then the create_time range; create_time
		// alone for a national report).
		{Name: demandsCollection, Indexes: []mongo.IndexModel{ix("buyer", "_id"), ix("product", "_id"), ix("province_code", "_id"), ix("state", "_id"), ix("holds_pending", "_id"),
			ix("create_time")}},
		// ListOffers (producer, product, province_code, state), CandidateOffers (product, state,
		// one month of the demand's window), OffersWithPendingHolds (holds_pending).
		{Name: offersCollection, Indexes: []mongo.IndexModel{ix("producer", "_id"), ix("product", "_id"), ix("province_code", "_id"), ix("state", "_id"),
			candidateIndex, ix("holds_pending", "_id")}},
		// ListProposals (demand; a party; offer, state), PendingProposals (demand, state),
		// FlushStaleNotices (pending_notices.seq).
		{Name: proposalsCollection, Indexes: []mongo.IndexModel{ix("demand", "_id"), ix("parties", "_id"), ix("offer", "_id"), ix("state", "_id"), ix("pending_notices.seq")}},
		// UnsentNotices (unsent, in _id order).
		{Name: noticesCollection, Indexes: []mongo.IndexModel{ix("unsent", "_id")}},
		mongostore.MigrationsDeclaration,
	}
}

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

// Collections declares matchmaking's collections and the indexes its queries use.
func Collections() []mongostore.Collection {
	return []mongostore.Collection{
		// ListDemands (product, province_code, state, buyer), OpenDemands (state),
		// DemandsWithPendingHolds; DemandsForReport (province_code, delivery_commune_code or
		// buyer, then create_time; create_time).
		{Name: demandsCollection, Indexes: []mongo.IndexModel{mongostore.Index("product", "state"), mongostore.Index("province_code", "create_time"), mongostore.Index("buyer", "create_time"),
			mongostore.Index("pending_holds"), mongostore.Index("delivery_commune_code", "create_time"), mongostore.Index("create_time")}},
		// ListOffers (product, province_code, state, producer), OpenOffers (product, state),
		// OffersWithPendingHolds.
		{Name: offersCollection, Indexes: []mongo.IndexModel{mongostore.Index("product", "state"), mongostore.Index("province_code"), mongostore.Index("producer"), mongostore.Index("pending_holds")}},
		// ListProposals (demand; buyer or producer), PendingProposals (demand, state).
		// (and StaleNoticeOutboxes: pending_notices).
		{Name: proposalsCollection, Indexes: []mongo.IndexModel{mongostore.Index("demand"), mongostore.Index("offer"), mongostore.Index("producer", "state"), mongostore.Index("buyer"), mongostore.Index("pending_notices.seq")}},
		// UnsentNotices (unsent, in _id order).
		{Name: noticesCollection, Indexes: []mongo.IndexModel{mongostore.Index("unsent", "_id")}},
	}
}

package storage

import (
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Collection names.
const (
	callsCollection    = "calls"
	projectsCollection = "projects"
	eventsCollection   = "support_events"
)

// Collections declares the support service's collections and the indexes its queries use.
// Listings page in _id order within a scope, so each index is (scope, _id) — an equality, then
// the sort (MongoDB's equality–sort–range rule): calls by state (the published ones),
// programme, investor, investor area and province (officials' scopes) and council member;
// projects by call (reports, council scope), owner, investor area, province, state, programme
// and type; events by subject (their _id sorts by sequence).
func Collections() []mongostore.Collection {
	ix := mongostore.Index
	return []mongostore.Collection{
		{Name: callsCollection, Indexes: []mongo.IndexModel{
			ix("state", "_id"), ix("programme", "_id"), ix("investor", "_id"), ix("investor_area_code", "_id"),
			ix("investor_province_code", "_id"), ix("council_members", "_id"),
		}},
		{Name: projectsCollection, Indexes: []mongo.IndexModel{
			ix("call", "_id"), ix("owner", "_id"), ix("investor_area_code", "_id"),
			ix("investor_province_code", "_id"), ix("state", "_id"), ix("programme", "_id"), ix("proposal.type", "_id"),
		}},
		{Name: eventsCollection, Indexes: []mongo.IndexModel{ix("subject", "_id")}},
	}
}

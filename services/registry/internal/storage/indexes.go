package storage

import (
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Collection names.
const (
	collOrganizations  = "organizations"
	collHouseholds     = "households"
	collMemberships    = "memberships"
	collAuthorities    = "authorities"
	collAdminAreas     = "admin_areas"
	collProducts       = "products"
	collStandards      = "standards"
	collAPIKeys        = "api_keys"
	collClaims         = "claims"
	collUsers          = "users"
	collGrants         = "grants"
	collReferenceMeta  = "reference_meta"
	collParties        = "contract_parties"
	collPlots          = "plots"
	collCertifications = "certifications"
)

// Collections declares the registry's collections and the indexes its queries use. Listings
// page in _id order within a scope, so each scope's index is (scope, _id): an equality, then
// the sort (MongoDB's equality–sort–range rule; the embedded store's PostgreSQL handler pushes
// the equality down). Unique values (national ID numbers, tax codes, OpenID identities) are
// found through their claims, by _id. A name search (name_keys, a prefix: a range) is made
// within a scope (SCOPE_REQUIRED otherwise), whose index serves it.
func Collections() []mongostore.Collection {
	ix := mongostore.Index
	return []mongostore.Collection{
		{Name: collOrganizations, Indexes: []mongo.IndexModel{ix("commune_code", "_id"), ix("province_code", "_id"), ix("kind", "_id"), ix("state", "_id")}},
		{Name: collHouseholds, Indexes: []mongo.IndexModel{ix("commune_code", "_id"), ix("province_code", "_id"), ix("poverty_status", "_id")}},
		{Name: collMemberships, Indexes: []mongo.IndexModel{ix("organization", "_id"), ix("household", "_id")}},
		{Name: collAuthorities, Indexes: []mongo.IndexModel{ix("admin_area_code", "_id"), ix("kind", "_id")}},
		// The official units (34 provinces, 3,321 communes, and those retired since): a few
		// thousand documents fixed by law, read whole when the reference data is loaded at
		// start; the indexes serve the usual listings (a province's communes, a level).
		{Name: collAdminAreas, Bounded: true, Indexes: []mongo.IndexModel{ix("parent_code", "_id"), ix("level", "_id"), ix("retired")}},
		{Name: collReferenceMeta}, // read by _id only
		{Name: collPlots, Indexes: []mongo.IndexModel{ix("household", "_id")}}, // listed by household only
		// Certifications of every organisation (organizations/-) by standard, product or state, and
		// those expiring soon (state, then _id, then the valid_until range).
		{Name: collCertifications, Indexes: []mongo.IndexModel{ix("organization", "_id"), ix("standard", "_id"), ix("products", "_id"), ix("state", "_id", "valid_until")}},
		{Name: collProducts, Bounded: true},
		{Name: collStandards, Bounded: true},
		{Name: collAPIKeys, Indexes: []mongo.IndexModel{ix("organization", "_id"), mongostore.UniqueIndex("prefix")}},
		{Name: collClaims}, // read by _id only
		{Name: collUsers},  // read by _id only (identities through their claims)
		{Name: collGrants, Indexes: []mongo.IndexModel{ix("user", "_id"), ix("organization", "_id"), ix("authority", "_id")}},
		{Name: collParties, Indexes: []mongo.IndexModel{ix("parties", "_id")}}, // multikey: the contracts a party is in
		mongostore.MigrationsDeclaration,
	}
}

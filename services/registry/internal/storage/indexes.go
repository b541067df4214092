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

// Collections declares the registry's collections and the indexes its queries use.
func Collections() []mongostore.Collection {
	ix := mongostore.Index
	return []mongostore.Collection{
		{Name: collOrganizations, Indexes: []mongo.IndexModel{ix("kind"), ix("address.commune_code"), ix("address.province_code"), ix("tax_code"), ix("name_keys")}},
		{Name: collHouseholds, Indexes: []mongo.IndexModel{ix("commune_code"), ix("province_code"), ix("poverty_status"), ix("national_id_hash"), ix("name_keys")}},
		{Name: collMemberships, Indexes: []mongo.IndexModel{ix("organization"), ix("household")}},
		{Name: collAuthorities, Indexes: []mongo.IndexModel{ix("admin_area_code"), ix("kind")}},
		{Name: collAdminAreas, Indexes: []mongo.IndexModel{ix("level"), ix("parent_code"), ix("retired")}},
		{Name: collReferenceMeta}, // read by _id only
		{Name: collPlots, Indexes: []mongo.IndexModel{ix("household"), ix("products")}},
		{Name: collCertifications, Indexes: []mongo.IndexModel{ix("organization"), ix("state", "valid_until"), ix("standard")}},
		{Name: collProducts, Bounded: true},
		{Name: collStandards, Bounded: true},
		{Name: collAPIKeys, Indexes: []mongo.IndexModel{ix("organization"), mongostore.UniqueIndex("prefix")}},
		{Name: collClaims}, // read by _id only
		{Name: collUsers, Indexes: []mongo.IndexModel{ix("identity_keys")}},
		{Name: collGrants, Indexes: []mongo.IndexModel{ix("user"), ix("organization"), ix("authority")}},
		{Name: collParties, Indexes: []mongo.IndexModel{ix("parties")}}, // multikey: the contracts a party is in
	}
}

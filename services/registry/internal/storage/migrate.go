package storage

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// ClaimKey is the _id of the claim on a value of a kind ("national_id", "tax_code",
// "identity").
func ClaimKey(kind, value string) string { return kind + "/" + value }

// Migrate brings what earlier versions stored up to date, once per database: the unique
// values registered before claims existed get their claims (so a value's holder is always
// found by its claim), organisations and households written before names were indexed get
// their name keys, and organisations the top-level area fields their listings filter on.
func (s *Store) Migrate(ctx context.Context) error {
	db := s.Orgs.repo.C.Database()
	claim := func(kind, field string) func(bson.Raw) (bson.D, error) {
		return func(d bson.Raw) (bson.D, error) { return nil, s.claimValues(ctx, kind, d, field) }
	}
	for _, m := range []struct {
		name, coll string
		fn         func(bson.Raw) (bson.D, error)
	}{
		{"registry-claims-national-id-1", collHouseholds, claim("national_id", "national_id_hash")},
		{"registry-claims-tax-code-1", collOrganizations, claim("tax_code", "tax_code")},
		{"registry-claims-identity-1", collUsers, claim("identity", "identity_keys")},
		{"registry-name-keys-organization-1", collOrganizations, nameKeys("display_name")},
		{"registry-name-keys-household-1", collHouseholds, nameKeys("head_name")},
		{"registry-organization-area-1", collOrganizations, organizationArea},
	} {
		if err := mongostore.Backfill(ctx, db, m.name, m.coll, m.fn); err != nil {
			return err
		}
	}
	return nil
}

// claimValues claims, for the document d, the values of a kind it holds in field (a string or
// an array of strings). A value held twice before claims: the first document keeps it.
func (s *Store) claimValues(ctx context.Context, kind string, d bson.Raw, field string) error {
	id, _ := d.Lookup("_id").StringValueOK()
	for _, value := range stringsOf(d.Lookup(field)) {
		if value == "" {
			continue
		}
		key := ClaimKey(kind, value)
		if _, _, err := s.Claims.Insert(ctx, key, &domain.Claim{ID: key, Owner: id, Time: mongostore.Now(), Version: 1}); err != nil {
			return err
		}
	}
	return nil
}

// stringsOf is a string value, or the strings of an array.
func stringsOf(v bson.RawValue) []string {
	switch v.Type {
	case bson.TypeString:
		return []string{v.StringValue()}
	case bson.TypeArray:
		var out []string
		vals, _ := v.Array().Values()
		for _, x := range vals {
			if s, ok := x.StringValueOK(); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// organizationArea copies an organisation's area to the top level, where its listings filter.
func organizationArea(d bson.Raw) (bson.D, error) {
	if _, ok := d.Lookup("province_code").StringValueOK(); ok {
		return nil, nil
	}
	commune, _ := d.Lookup("address", "commune_code").StringValueOK()
	province, _ := d.Lookup("address", "province_code").StringValueOK()
	return bson.D{{Key: "commune_code", Value: commune}, {Key: "province_code", Value: province}}, nil
}

package storage

import (
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/registry/internal/domain"
)

// nameKeys is the migration (see Migrate) that gives the organisations and households written
// before names were indexed for searches without diacritics their name keys, from the name in
// field.
func nameKeys(field string) func(bson.Raw) (bson.D, error) {
	return func(d bson.Raw) (bson.D, error) {
		if _, err := d.LookupErr("name_keys"); err == nil {
			return nil, nil
		}
		name, _ := d.Lookup(field).StringValueOK()
		keys := domain.NameKeys(name)
		if keys == nil {
			return nil, nil
		}
		return bson.D{{Key: "name_keys", Value: keys}}, nil
	}
}

package storage

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/registry/internal/domain"
)

// BackfillNameKeys gives the organisations and households written before names were indexed
// for searches without diacritics their name keys; it returns how many it updated. Once every
// document has keys, a start costs one indexed query per collection.
func (s *Store) BackfillNameKeys(ctx context.Context) (int, error) {
	n := 0
	missing := bson.D{{Key: "name_keys", Value: bson.D{{Key: "$exists", Value: false}}}}
	set := func(keys []string) bson.D {
		return bson.D{{Key: "$set", Value: bson.D{{Key: "name_keys", Value: keys}}}}
	}
	for _, q := range []struct {
		c      *mongo.Collection
		name   string
		update func(ctx context.Context, id string, cond, update bson.D) (bool, error)
	}{{s.Orgs.repo.C, "display_name", s.Orgs.repo.UpdateIf}, {s.Households.repo.C, "head_name", s.Households.repo.UpdateIf}} {
		cur, err := q.c.Find(ctx, missing,
			options.Find().SetProjection(bson.D{{Key: q.name, Value: 1}}))
		if err != nil {
			return n, fmt.Errorf("backfill name keys: %w", err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			return n, fmt.Errorf("backfill name keys: %w", err)
		}
		for _, d := range docs {
			name, _ := d[q.name].(string)
			keys := domain.NameKeys(name)
			if keys == nil {
				continue
			}
			id, _ := d["_id"].(string)
			if _, err := q.update(ctx, id, missing, set(keys)); err != nil {
				return n, fmt.Errorf("backfill name keys: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// Package storage keeps demands, offers and proposals in MongoDB (or the embedded store).
package storage

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// Store holds the collections.
type Store struct {
	Demands   mongostore.Repo[domain.Demand]
	Offers    mongostore.Repo[domain.Offer]
	Proposals mongostore.Repo[domain.Proposal]
}

// New returns the store over db.
func New(db *mongo.Database) *Store {
	return &Store{
		Demands:   mongostore.NewRepo[domain.Demand](db, "demands"),
		Offers:    mongostore.NewRepo[domain.Offer](db, "offers"),
		Proposals: mongostore.NewRepo[domain.Proposal](db, "proposals"),
	}
}

func idx(keys ...string) mongo.IndexModel {
	d := bson.D{}
	for _, k := range keys {
		d = append(d, bson.E{Key: k, Value: 1})
	}
	return mongo.IndexModel{Keys: d}
}

// EnsureIndexes creates the indexes; idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	if err := mongostore.EnsureIndexes(ctx, s.Demands.C, idx("product", "state"), idx("province_code"), idx("buyer"), idx("pending_holds")); err != nil {
		return err
	}
	if err := mongostore.EnsureIndexes(ctx, s.Offers.C, idx("product", "state"), idx("province_code"), idx("producer"), idx("pending_holds")); err != nil {
		return err
	}
	return mongostore.EnsureIndexes(ctx, s.Proposals.C, idx("demand"), idx("offer"), idx("producer", "state"))
}

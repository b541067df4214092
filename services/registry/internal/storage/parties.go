package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// contractParties is who is party to one contract (the contracts service records it), so that
// the parties of a contract may see each other's contact details.
type contractParties struct {
	Contract   string    `bson:"_id"`
	Parties    []string  `bson:"parties"`
	UpdateTime time.Time `bson:"update_time"`
}

// RecordContractParties sets the parties of contract (an idempotent upsert).
func (s *Store) RecordContractParties(ctx context.Context, contract string, parties []string, now time.Time) error {
	_, err := s.db.Collection(collParties).ReplaceOne(ctx, bson.D{{Key: "_id", Value: contract}},
		contractParties{Contract: contract, Parties: parties, UpdateTime: now}, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("record contract parties: %w", err)
	}
	return nil
}

// Counterparties returns which of others share a contract with party.
func (s *Store) Counterparties(ctx context.Context, party string, others []string) (map[string]bool, error) {
	out := map[string]bool{}
	if party == "" || len(others) == 0 {
		return out, nil
	}
	// Served by the multikey index on parties (equality on party), then filtered.
	f := bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "parties", Value: party}}, bson.D{{Key: "parties", Value: bson.D{{Key: "$in", Value: others}}}}}}}
	cur, err := s.db.Collection(collParties).Find(ctx, f, options.Find().SetProjection(bson.D{{Key: "parties", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("counterparties: %w", err)
	}
	var docs []contractParties
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("counterparties: %w", err)
	}
	want := map[string]bool{}
	for _, o := range others {
		want[o] = true
	}
	for _, d := range docs {
		for _, p := range d.Parties {
			if want[p] && p != party {
				out[p] = true
			}
		}
	}
	return out, nil
}

// ContractParties returns the parties recorded for contract (nil when none are).
func (s *Store) ContractParties(ctx context.Context, contract string) ([]string, error) {
	var d contractParties
	err := s.db.Collection(collParties).FindOne(ctx, bson.D{{Key: "_id", Value: contract}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("contract parties: %w", err)
	}
	return d.Parties, nil
}

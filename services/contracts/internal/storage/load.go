package storage

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// Bulk loading, for the synthetic dataset generator (internal/dataset) and nothing else: it
// writes records and their report rollups as the service would have left them (rollups built,
// nothing marked), many documents per round trip.

// datasetCollection holds the marker of a generated dataset.
const datasetCollection = "dataset"

// Dataset is one batch of generated records.
type Dataset struct {
	Contracts  []domain.Contract
	Deliveries []domain.Delivery
	Payments   []domain.Payment
	Advances   []domain.Advance
	Incidents  []domain.Incident
}

// LoadRecords inserts a batch of generated records.
func (s *Store) LoadRecords(ctx context.Context, d Dataset) error {
	for _, c := range []struct {
		coll *mongo.Collection
		docs []any
	}{{s.contracts.C, anys(d.Contracts)}, {s.deliveries.C, anys(d.Deliveries)}, {s.payments.C, anys(d.Payments)}, {s.advances.C, anys(d.Advances)}, {s.incidents.C, anys(d.Incidents)}} {
		if err := insertAll(ctx, c.coll, c.docs); err != nil {
			return err
		}
	}
	return nil
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i := range xs {
		out[i] = &xs[i]
	}
	return out
}

func insertAll(ctx context.Context, c *mongo.Collection, docs []any) error {
	const batch = 1000
	for len(docs) > 0 {
		n := min(batch, len(docs))
		if _, err := c.InsertMany(ctx, docs[:n], options.InsertMany().SetOrdered(false)); err != nil {
			return fmt.Errorf("load %s: %w", c.Name(), err)
		}
		docs = docs[n:]
	}
	return nil
}

// LoadedReport is a contract's report rollup as the refresher would have stored it.
type LoadedReport struct {
	Contract string
	ReportBuild
}

// LoadReports inserts built contract rollups (gen = built = 1, nothing pending).
func (s *Store) LoadReports(ctx context.Context, rs []LoadedReport, now time.Time) error {
	docs := make([]any, len(rs))
	for i, r := range rs {
		docs[i] = &reportContractDoc{ID: r.Contract, Gen: 1, Built: 1, Province: r.Province, Orgs: nonNil(r.Orgs), Nodes: nonNil(r.Nodes), Buckets: nonNil(r.Buckets),
			PendingNodes: []string{}, PendingBuckets: []string{}, Data: domain.EncodeRollup(r.Rollup), BuildTime: now}
	}
	return insertAll(ctx, s.reportContracts.C, docs)
}

// LoadNode inserts a built node or household partition.
func (s *Store) LoadNode(ctx context.Context, node string, r domain.Rollup, now time.Time) error {
	_, err := s.nodes(node).C.InsertOne(ctx, &reportNodeDoc{ID: node, Gen: 1, Built: 1, Data: domain.EncodeRollup(r), BuildTime: now, Version: 1})
	return wrap("load "+node, err)
}

// Loaded reports whether a generated dataset named name is in the store (its marker).
func (s *Store) Loaded(ctx context.Context, name string) (bool, error) {
	n, err := s.db.Collection(datasetCollection).CountDocuments(ctx, bson.D{{Key: "_id", Value: name}})
	return n > 0, wrap("dataset marker", err)
}

// MarkLoaded records that the dataset named name was loaded completely.
func (s *Store) MarkLoaded(ctx context.Context, name string, now time.Time) error {
	_, err := s.db.Collection(datasetCollection).InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "time", Value: now}})
	return wrap("dataset marker", err)
}

// ScanDeliveries reads every delivery of the store, whole, in one pass (what a report computed
// from history would have to do; the benchmarks compare the reports with it), and returns how
// many there are and their total accepted quantity.
func (s *Store) ScanDeliveries(ctx context.Context) (n, accepted int64, err error) {
	cur, err := s.deliveries.C.Find(ctx, bson.D{})
	if err != nil {
		return 0, 0, wrap("scan deliveries", err)
	}
	defer func() { _ = cur.Close(ctx) }()
	for cur.Next(ctx) {
		var d domain.Delivery
		if err := cur.Decode(&d); err != nil {
			return 0, 0, wrap("scan deliveries", err)
		}
		n++
		accepted += d.AcceptedQuantity
	}
	return n, accepted, wrap("scan deliveries", cur.Err())
}

// DropDataset removes every collection of the contracts service (a generator starting over).
func (s *Store) DropDataset(ctx context.Context) error {
	names, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return wrap("list collections", err)
	}
	for _, n := range names {
		if strings.HasPrefix(n, "system.") {
			continue
		}
		if err := s.db.Collection(n).Drop(ctx); err != nil {
			return wrap("drop "+n, err)
		}
	}
	return nil
}

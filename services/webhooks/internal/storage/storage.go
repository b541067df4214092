// Package storage keeps the webhooks service's documents: webhooks, deliveries (one per event
// and webhook), streams (one per webhook and subject: the unit of ordering, scheduling and
// leasing) and leases (one per event source). Every write is a single-document operation,
// conditional where two processes may race, so that several dispatcher replicas share the work
// on MongoDB and on the embedded store alike (no transactions, no change streams).
package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// Collection names.
const (
	webhooksCollection   = "webhooks"
	deliveriesCollection = "webhook_deliveries"
	streamsCollection    = "webhook_streams"
	leasesCollection     = "webhook_leases"
)

// Collections declares the collections and the indexes their queries use, each with the
// query's equalities, then its sort, then its ranges (MongoDB's equality–sort–range rule; the
// index coverage test checks them): webhooks by organisation in _id order; deliveries by
// webhook and subject in position order (the head of a stream), by webhook newest first
// (listing), by webhook and event time (replay of a range, other subjects than one), and by
// state and creation time (retention); streams by due time and lease (scheduling) and by
// webhook.
func Collections() []mongostore.Collection {
	return []mongostore.Collection{
		{Name: webhooksCollection, Indexes: []mongo.IndexModel{mongostore.Index("organization", "_id")}},
		{Name: deliveriesCollection, Indexes: []mongo.IndexModel{
			mongostore.Index("webhook", "subject", "state", "position", "_id"),
			{Keys: bson.D{{Key: "webhook", Value: 1}, {Key: "create_time", Value: -1}, {Key: "_id", Value: -1}}},
			mongostore.Index("webhook", "event_time", "_id", "subject"),
			mongostore.Index("state", "create_time"),
		}},
		{Name: streamsCollection, Indexes: []mongo.IndexModel{mongostore.Index("due_time", "lease_until"), mongostore.Index("webhook")}},
		{Name: leasesCollection, Bounded: true},
	}
}

// Store holds the collections.
type Store struct {
	db         *mongo.Database
	webhooks   mongostore.Repo[domain.Webhook]
	deliveries mongostore.Repo[domain.Delivery]
	streams    mongostore.Repo[Stream]
	leases     mongostore.Repo[lease]
}

// New returns the store over db.
func New(db *mongo.Database) *Store {
	return &Store{
		db:         db,
		webhooks:   mongostore.NewRepo[domain.Webhook](db, webhooksCollection),
		deliveries: mongostore.NewRepo[domain.Delivery](db, deliveriesCollection),
		streams:    mongostore.NewRepo[Stream](db, streamsCollection),
		leases:     mongostore.NewRepo[lease](db, leasesCollection),
	}
}

// EnsureIndexes creates the declared indexes; idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	return mongostore.EnsureCollections(ctx, s.db, Collections())
}

// Webhooks.

// InsertWebhook stores w; an existing webhook of the same name (a retried create) is returned
// instead, with created false.
func (s *Store) InsertWebhook(ctx context.Context, w *domain.Webhook) (*domain.Webhook, bool, error) {
	stored, created, err := s.webhooks.Insert(ctx, w.Name, w)
	if err != nil {
		return nil, false, fmt.Errorf("insert webhook: %w", err)
	}
	return stored, created, nil
}

// GetWebhook returns a webhook, or nil.
func (s *Store) GetWebhook(ctx context.Context, name string) (*domain.Webhook, error) {
	w, err := s.webhooks.Get(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("get webhook: %w", err)
	}
	return w, nil
}

// ListWebhooks returns a page of an organisation's webhooks (by name), and whether more follow.
func (s *Store) ListWebhooks(ctx context.Context, org, after string, limit int) ([]domain.Webhook, bool, error) {
	items, more, err := s.webhooks.List(ctx, bson.D{{Key: "organization", Value: org}}, after, limit)
	if err != nil {
		return nil, false, fmt.Errorf("list webhooks: %w", err)
	}
	return items, more, nil
}

// CountWebhooks counts an organisation's webhooks.
func (s *Store) CountWebhooks(ctx context.Context, org string) (int64, error) {
	n, err := s.webhooks.C.CountDocuments(ctx, bson.D{{Key: "organization", Value: org}})
	if err != nil {
		return 0, fmt.Errorf("count webhooks: %w", err)
	}
	return n, nil
}

// WebhooksOf returns every webhook of the organisations (the receivers of an event).
func (s *Store) WebhooksOf(ctx context.Context, orgs []string) ([]domain.Webhook, error) {
	if len(orgs) == 0 {
		return nil, nil
	}
	cur, err := s.webhooks.C.Find(ctx, bson.D{{Key: "organization", Value: bson.D{{Key: "$in", Value: orgs}}}})
	if err != nil {
		return nil, fmt.Errorf("webhooks of organisations: %w", err)
	}
	var out []domain.Webhook
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("webhooks of organisations: %w", err)
	}
	return out, nil
}

// ReplaceWebhook stores w if the stored webhook is still at version prev (w carries the next
// version); false when it moved on or is gone.
func (s *Store) ReplaceWebhook(ctx context.Context, w *domain.Webhook, prev int64) (bool, error) {
	ok, err := s.webhooks.Replace(ctx, w.Name, prev, w)
	if err != nil {
		return false, fmt.Errorf("replace webhook: %w", err)
	}
	return ok, nil
}

// DeleteWebhook removes a webhook at version (0: any), then its streams and deliveries. A
// crash in between leaves orphans that the dispatcher removes when it meets them.
func (s *Store) DeleteWebhook(ctx context.Context, name string, version int64) (bool, error) {
	ok, err := s.webhooks.Delete(ctx, name, version)
	if err != nil || !ok {
		return false, wrap("delete webhook", err)
	}
	return true, s.deleteOrphans(ctx, name)
}

func (s *Store) deleteOrphans(ctx context.Context, webhook string) error {
	f := bson.D{{Key: "webhook", Value: webhook}}
	if _, err := s.streams.C.DeleteMany(ctx, f); err != nil {
		return fmt.Errorf("delete streams: %w", err)
	}
	if _, err := s.deliveries.C.DeleteMany(ctx, f); err != nil {
		return fmt.Errorf("delete deliveries: %w", err)
	}
	return nil
}

// RecordFailure counts a failed attempt of webhook name at now (starting its failing period
// if none runs) and returns the webhook as it now is (nil when it is gone).
func (s *Store) RecordFailure(ctx context.Context, name string, now time.Time) (*domain.Webhook, error) {
	_, err := s.webhooks.UpdateIf(ctx, name, nil, bson.D{
		{Key: "$inc", Value: bson.D{{Key: "failures", Value: 1}}},
		{Key: "$min", Value: bson.D{{Key: "failing_since", Value: now.UTC()}}},
	})
	if err != nil {
		return nil, fmt.Errorf("record failure: %w", err)
	}
	return s.GetWebhook(ctx, name)
}

// ClearFailures ends webhook name's failing period (a success).
func (s *Store) ClearFailures(ctx context.Context, name string) error {
	_, err := s.webhooks.UpdateIf(ctx, name, bson.D{{Key: "failures", Value: bson.D{{Key: "$gt", Value: 0}}}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "failures", Value: 0}}},
		{Key: "$unset", Value: bson.D{{Key: "failing_since", Value: ""}}},
	})
	return wrap("clear failures", err)
}

// DisableWebhook disables an ACTIVE webhook for reason; false when it was not ACTIVE (another
// process got there first, or the organisation did).
func (s *Store) DisableWebhook(ctx context.Context, name, reason string, now time.Time) (bool, error) {
	ok, err := s.webhooks.UpdateIf(ctx, name, bson.D{{Key: "state", Value: domain.StateActive}}, bson.D{
		{Key: "$set", Value: bson.D{{Key: "state", Value: domain.StateDisabled}, {Key: "disabled_reason", Value: reason},
			{Key: "disable_time", Value: now.UTC()}, {Key: "update_time", Value: now.UTC()}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
	})
	return ok, wrap("disable webhook", err)
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// notFound reports the driver's "no document".
func notFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// The partner-event feed: the outbox's second reader. Every event the flush moves into
// contract_events is marked unsent, with the contract as its write left it (After). The
// webhooks service pulls unsent events in _id order — by contract, then sequence, so a
// contract's events come in order, each after all earlier ones (the flush inserts a contract's
// events in sequence, and an event is only appended once the earlier ones are flushed) — and
// acknowledges them once queued for the webhooks; acknowledged events are not returned again.
// Events written before the feed existed carry no mark and are never sent.

// FeedEvent is an unsent event and the contract as its write left it.
type FeedEvent struct {
	ID    string
	Event domain.Event
	After domain.Snapshot
}

// UnsentEvents returns up to limit unsent events, by contract and sequence.
func (s *Store) UnsentEvents(ctx context.Context, limit int) ([]FeedEvent, error) {
	cur, err := s.events.C.Find(ctx, bson.D{{Key: "unsent", Value: true}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("unsent events: %w", err)
	}
	var docs []eventDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("unsent events: %w", err)
	}
	out := make([]FeedEvent, len(docs))
	for i, d := range docs {
		out[i] = FeedEvent{ID: d.ID, Event: d.Event}
		if d.After != nil {
			out[i].After = *d.After
		}
	}
	return out, nil
}

// AckEvents marks events as sent.
func (s *Store) AckEvents(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.events.C.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "unsent", Value: true}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "unsent", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("ack events: %w", err)
	}
	return nil
}

// FlushStale flushes up to limit contracts whose outbox was left behind (a process died
// between a contract's write and the flush) and not touched since before, so that their
// events reach the feed without waiting for the contract's next reader. It returns how many
// it flushed.
func (s *Store) FlushStale(ctx context.Context, before time.Time, limit int) (int, error) {
	cur, err := s.contracts.C.Find(ctx, bson.D{
		{Key: "pending_events.seq", Value: bson.D{{Key: "$gt", Value: 0}}},
		{Key: "update_time", Value: bson.D{{Key: "$lt", Value: before.UTC()}}},
	}, options.Find().SetLimit(int64(limit)).SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, fmt.Errorf("stale outboxes: %w", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, fmt.Errorf("stale outboxes: %w", err)
	}
	for _, c := range ids {
		if _, err := s.GetContract(ctx, c.ID); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

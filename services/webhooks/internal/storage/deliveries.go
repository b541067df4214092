package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// InsertDelivery queues d; false when it is queued already (the same event ingested again).
func (s *Store) InsertDelivery(ctx context.Context, d *domain.Delivery) (bool, error) {
	_, created, err := s.deliveries.Insert(ctx, d.Name, d)
	if err != nil {
		return false, fmt.Errorf("insert delivery: %w", err)
	}
	return created, nil
}

// GetDelivery returns a delivery, or nil.
func (s *Store) GetDelivery(ctx context.Context, name string) (*domain.Delivery, error) {
	d, err := s.deliveries.Get(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("get delivery: %w", err)
	}
	return d, nil
}

// HeadDelivery returns the PENDING delivery of webhook's subject with the lowest position, or
// nil: the queue of the subject's stream, found by a query (the dispatcher's check before it
// removes a stream whose queue is empty).
func (s *Store) HeadDelivery(ctx context.Context, webhook, subject string) (*domain.Delivery, error) {
	var d domain.Delivery
	err := s.deliveries.C.FindOne(ctx,
		bson.D{{Key: "webhook", Value: webhook}, {Key: "subject", Value: subject}, {Key: "state", Value: domain.DeliveryPending}},
		options.FindOne().SetSort(bson.D{{Key: "position", Value: 1}, {Key: "_id", Value: 1}})).Decode(&d)
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("head delivery: %w", err)
	}
	return &d, nil
}

// SaveAttempt stores the outcome of an attempt on d. The dispatcher calls it only while it
// holds d's stream (Renew just before): the lease, not a condition on the delivery, fences
// it, so the write is by _id alone.
func (s *Store) SaveAttempt(ctx context.Context, d *domain.Delivery) error {
	set := bson.D{
		{Key: "state", Value: d.State}, {Key: "attempts", Value: d.Attempts}, {Key: "next_attempt_time", Value: d.NextAttempt},
		{Key: "last_status", Value: d.LastStatus}, {Key: "last_error", Value: d.LastError}, {Key: "history", Value: d.History},
	}
	if d.DeliverTime != nil {
		set = append(set, bson.E{Key: "deliver_time", Value: *d.DeliverTime})
	}
	_, err := s.deliveries.UpdateIf(ctx, d.Name, nil, bson.D{{Key: "$set", Value: set}})
	return wrap("save attempt", err)
}

// ReplayDelivery queues d again (d as changed by Replay).
func (s *Store) ReplayDelivery(ctx context.Context, d *domain.Delivery) error {
	_, err := s.deliveries.UpdateIf(ctx, d.Name, nil, bson.D{
		{Key: "$set", Value: bson.D{{Key: "state", Value: d.State}, {Key: "attempts", Value: 0}, {Key: "next_attempt_time", Value: d.NextAttempt}, {Key: "replays", Value: d.Replays}}},
		{Key: "$unset", Value: bson.D{{Key: "deliver_time", Value: ""}}},
	})
	return wrap("replay delivery", err)
}

// DeliveryCursor is where a newest-first listing of deliveries resumes.
type DeliveryCursor struct {
	CreateTime time.Time
	Name       string
}

// DeliveryQuery selects a page of a webhook's deliveries, newest first.
type DeliveryQuery struct {
	Webhook string
	// Conditions on state and event_type, values as stored.
	Conditions []aip.Condition
	After      *DeliveryCursor
	Limit      int
}

// ListDeliveries returns a page of a webhook's deliveries, newest first, and whether more
// follow.
func (s *Store) ListDeliveries(ctx context.Context, q DeliveryQuery) ([]domain.Delivery, bool, error) {
	f := bson.D{{Key: "webhook", Value: q.Webhook}}
	for _, c := range q.Conditions {
		var val any = c.Value
		if c.Op == "!=" {
			val = bson.D{{Key: "$ne", Value: c.Value}}
		}
		f = append(f, bson.E{Key: c.Field, Value: val})
	}
	if q.After != nil {
		f = append(f, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "create_time", Value: bson.D{{Key: "$lt", Value: q.After.CreateTime}}}},
			bson.D{{Key: "create_time", Value: q.After.CreateTime}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: q.After.Name}}}},
		}})
	}
	cur, err := s.deliveries.C.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "create_time", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(q.Limit+1)))
	if err != nil {
		return nil, false, fmt.Errorf("list deliveries: %w", err)
	}
	var out []domain.Delivery
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, fmt.Errorf("list deliveries: %w", err)
	}
	more := len(out) > q.Limit
	if more {
		out = out[:q.Limit]
	}
	return out, more, nil
}

// DeliveriesBetween returns up to limit deliveries of webhook whose event happened in
// [start, end), oldest event first (test deliveries excluded), and whether more follow.
func (s *Store) DeliveriesBetween(ctx context.Context, webhook string, start, end time.Time, limit int) ([]domain.Delivery, bool, error) {
	f := bson.D{{Key: "webhook", Value: webhook}, {Key: "subject", Value: bson.D{{Key: "$ne", Value: domain.TestSubject}}},
		{Key: "event_time", Value: bson.D{{Key: "$gte", Value: start.UTC()}, {Key: "$lt", Value: end.UTC()}}}}
	cur, err := s.deliveries.C.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "event_time", Value: 1}, {Key: "_id", Value: 1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, false, fmt.Errorf("deliveries in range: %w", err)
	}
	var out []domain.Delivery
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, fmt.Errorf("deliveries in range: %w", err)
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// DeleteFinishedBefore removes DELIVERED and FAILED deliveries created before t (retention);
// PENDING ones are never removed. It returns how many went.
func (s *Store) DeleteFinishedBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.deliveries.C.DeleteMany(ctx, bson.D{
		{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{domain.DeliveryDelivered, domain.DeliveryFailed}}}},
		{Key: "create_time", Value: bson.D{{Key: "$lt", Value: t.UTC()}}},
	})
	if err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	return res.DeletedCount, nil
}

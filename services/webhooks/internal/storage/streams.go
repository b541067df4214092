package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// Stream is the schedule of one webhook's deliveries about one subject. Its deliveries are sent
// one at a time, in position order, by the dispatcher that holds its lease.
//
//   - DueTime: when the stream has work (a new delivery, a retry, a replay); far in the future
//     while its webhook is disabled. A stream without work is removed (Retire).
//   - Version: incremented by every change of its work (Touch), so that a dispatcher parks an
//     idle stream only if nothing arrived since it looked (no lost wake-up).
//   - LeaseOwner, LeaseUntil: the dispatcher working on it, and until when. A dispatcher that
//     dies stops renewing; when the lease runs out another takes the stream over and sends
//     its head delivery again (at least once, same webhook-id).
//   - Pending: its PENDING deliveries as queue entries (Entry: position, then name), so the
//     head is the smallest and the dispatcher reaches deliveries by _id only — what every
//     store, the embedded one included, answers without scanning a collection.
type Stream struct {
	ID         string    `bson:"_id"`
	Webhook    string    `bson:"webhook"`
	Subject    string    `bson:"subject"`
	Pending    []string  `bson:"pending"`
	DueTime    time.Time `bson:"due_time"`
	Version    int64     `bson:"version"`
	LeaseOwner string    `bson:"lease_owner"`
	LeaseUntil time.Time `bson:"lease_until"`
}

// StreamID is the id of webhook's stream of subject.
func StreamID(webhook, subject string) string { return webhook + "|" + subject }

// Never is the due time of a stream without work.
var Never = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

var epoch = time.Unix(0, 0).UTC()

// Entry is the queue entry of a delivery: its position (zero-padded, so entries sort by it),
// then its name.
func Entry(d *domain.Delivery) string { return fmt.Sprintf("%020d|%s", d.Position, d.Name) }

// EntryName is the delivery name of a queue entry.
func EntryName(entry string) string {
	_, name, _ := strings.Cut(entry, "|")
	return name
}

// Touch records new work on webhook's stream of subject (creating the stream): the entries of
// its new PENDING deliveries queued, due at now at the latest, version incremented. Call it
// after the deliveries are stored.
func (s *Store) Touch(ctx context.Context, webhook, subject string, now time.Time, entries ...string) error {
	update := bson.D{
		{Key: "$set", Value: bson.D{{Key: "webhook", Value: webhook}, {Key: "subject", Value: subject}}},
		{Key: "$min", Value: bson.D{{Key: "due_time", Value: now.UTC()}}},
		{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "lease_owner", Value: ""}, {Key: "lease_until", Value: epoch}}},
	}
	if len(entries) > 0 {
		update = append(update, bson.E{Key: "$addToSet", Value: bson.D{{Key: "pending", Value: bson.D{{Key: "$each", Value: entries}}}}})
	}
	return wrap("touch stream", s.streams.UpsertWith(ctx, StreamID(webhook, subject), update))
}

// Dequeue removes entry from stream id's queue (its delivery is no longer PENDING).
func (s *Store) Dequeue(ctx context.Context, id, entry string) error {
	_, err := s.streams.UpdateIf(ctx, id, nil, bson.D{{Key: "$pull", Value: bson.D{{Key: "pending", Value: entry}}}})
	return wrap("dequeue", err)
}

// Head is the smallest entry of st's queue ("" when empty).
func (st *Stream) Head() string {
	if len(st.Pending) == 0 {
		return ""
	}
	return slices.Min(st.Pending)
}

// TouchAll makes every stream of webhook due at now (enabled again, or replayed).
func (s *Store) TouchAll(ctx context.Context, webhook string, now time.Time) error {
	cur, err := s.streams.C.Find(ctx, bson.D{{Key: "webhook", Value: webhook}}, options.Find().SetProjection(bson.D{{Key: "subject", Value: 1}}))
	if err != nil {
		return fmt.Errorf("streams of webhook: %w", err)
	}
	var ss []Stream
	if err := cur.All(ctx, &ss); err != nil {
		return fmt.Errorf("streams of webhook: %w", err)
	}
	for _, st := range ss {
		if err := s.Touch(ctx, webhook, st.Subject, now); err != nil {
			return err
		}
	}
	return nil
}

// DueStreams returns up to limit streams due at now and not leased, most overdue first.
func (s *Store) DueStreams(ctx context.Context, now time.Time, limit int) ([]Stream, error) {
	cur, err := s.streams.C.Find(ctx, bson.D{
		{Key: "due_time", Value: bson.D{{Key: "$lte", Value: now.UTC()}}},
		{Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now.UTC()}}},
	}, options.Find().SetSort(bson.D{{Key: "due_time", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("due streams: %w", err)
	}
	var out []Stream
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("due streams: %w", err)
	}
	return out, nil
}

// Claim takes the lease of stream id for owner until until, if it is due and unleased at now;
// it returns the stream as claimed, or nil when another dispatcher has it.
func (s *Store) Claim(ctx context.Context, id, owner string, now, until time.Time) (*Stream, error) {
	ok, err := s.streams.UpdateIf(ctx, id, bson.D{
		{Key: "due_time", Value: bson.D{{Key: "$lte", Value: now.UTC()}}},
		{Key: "lease_until", Value: bson.D{{Key: "$lt", Value: now.UTC()}}},
	}, bson.D{{Key: "$set", Value: bson.D{{Key: "lease_owner", Value: owner}, {Key: "lease_until", Value: until.UTC()}}}})
	if err != nil || !ok {
		return nil, wrap("claim stream", err)
	}
	return s.stream(ctx, id, owner)
}

// Stream returns stream id as stored if owner holds its lease, else nil.
func (s *Store) stream(ctx context.Context, id, owner string) (*Stream, error) {
	st, err := s.streams.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get stream: %w", err)
	}
	if st == nil || st.LeaseOwner != owner {
		return nil, nil
	}
	return st, nil
}

// Reread returns stream id if owner still holds its lease (nil otherwise), with its current
// version.
func (s *Store) Reread(ctx context.Context, id, owner string) (*Stream, error) {
	return s.stream(ctx, id, owner)
}

// Renew extends owner's lease of stream id to until; false when owner lost it.
func (s *Store) Renew(ctx context.Context, id, owner string, until time.Time) (bool, error) {
	ok, err := s.streams.UpdateIf(ctx, id, bson.D{{Key: "lease_owner", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "lease_until", Value: until.UTC()}}}})
	return ok, wrap("renew lease", err)
}

// Park releases owner's lease of stream id and sets its next due time, provided no work
// arrived since version was read; false otherwise (look again).
func (s *Store) Park(ctx context.Context, id, owner string, version int64, due time.Time) (bool, error) {
	ok, err := s.streams.UpdateIf(ctx, id, bson.D{{Key: "lease_owner", Value: owner}, {Key: "version", Value: version}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "due_time", Value: due.UTC()}, {Key: "lease_owner", Value: ""}, {Key: "lease_until", Value: epoch}}}})
	return ok, wrap("park stream", err)
}

// Retire removes owner's stream id when no work arrived since version was read (it had none
// then); false otherwise (look again). The next delivery of its subject creates it anew
// (Touch), so the collection holds only streams with work, or of disabled webhooks.
func (s *Store) Retire(ctx context.Context, id, owner string, version int64) (bool, error) {
	ok, err := s.streams.DeleteIf(ctx, id, bson.D{{Key: "lease_owner", Value: owner}, {Key: "version", Value: version}})
	return ok, wrap("retire stream", err)
}

// Release gives up owner's lease of stream id, leaving it due at now (another dispatcher, or
// this one, carries on).
func (s *Store) Release(ctx context.Context, id, owner string, now time.Time) error {
	_, err := s.streams.UpdateIf(ctx, id, bson.D{{Key: "lease_owner", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "due_time", Value: now.UTC()}, {Key: "lease_owner", Value: ""}, {Key: "lease_until", Value: epoch}}}})
	return wrap("release stream", err)
}

// DropStream removes a stream whose webhook is gone, with its deliveries.
func (s *Store) DropStream(ctx context.Context, st *Stream) error {
	if _, err := s.deliveries.C.DeleteMany(ctx, bson.D{{Key: "webhook", Value: st.Webhook}, {Key: "subject", Value: st.Subject}}); err != nil {
		return fmt.Errorf("drop stream deliveries: %w", err)
	}
	_, err := s.streams.Delete(ctx, st.ID, 0)
	return wrap("drop stream", err)
}

// lease is a named lease (one per event source: one dispatcher pulls it at a time).
type lease struct {
	ID    string    `bson:"_id"`
	Owner string    `bson:"owner"`
	Until time.Time `bson:"until"`
}

// ClaimLease takes or renews lease id for owner until until; false when another owner holds
// it past now.
func (s *Store) ClaimLease(ctx context.Context, id, owner string, now, until time.Time) (bool, error) {
	ok, err := s.leases.UpdateIf(ctx, id, bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "owner", Value: owner}}, bson.D{{Key: "until", Value: bson.D{{Key: "$lt", Value: now.UTC()}}}},
	}}}, bson.D{{Key: "$set", Value: bson.D{{Key: "owner", Value: owner}, {Key: "until", Value: until.UTC()}}}})
	if err != nil || ok {
		return ok, wrap("claim lease", err)
	}
	_, created, err := s.leases.Insert(ctx, id, &lease{ID: id, Owner: owner, Until: until.UTC()})
	return created, wrap("claim lease", err)
}

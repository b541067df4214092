// Package storage keeps contracts and their audit events in MongoDB (or the embedded store).
//
// There are no multi-document transactions (the embedded store has none, and the design must
// work on both), so every state change is one conditional replace of the contract document
// (matched on _id and version). Audit events use an outbox: the same replace records the new
// head of the hash chain and the new events in pending_events; the events are then inserted into
// the contract_events collection under deterministic ids (idempotent) and the outbox is cleared.
// Any later reader or writer flushes a leftover outbox first, so a crash between the two steps
// loses nothing and the chain stays gap-free.
package storage

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// Store holds the contracts collections.
type Store struct {
	Contracts mongostore.Repo[domain.Contract]
	Events    mongostore.Repo[EventDoc]
	// Materialize, when set, is called for every outbox event before it is moved to the
	// events collection, to write (idempotently) the document the event stands for. A record
	// whose checks must be atomic with the contract (a payment against the balance) is written
	// this way: it is decided in the contract's conditional replace, carried by its event, and
	// cannot be lost, since any later reader or writer flushes the outbox first.
	Materialize func(ctx context.Context, e domain.Event) error
}

// EventDoc is an audit event as stored.
type EventDoc struct {
	ID           string `bson:"_id"`
	domain.Event `bson:",inline"`
}

// New returns the store over db.
func New(db *mongo.Database) *Store {
	return &Store{
		Contracts: mongostore.NewRepo[domain.Contract](db, "contracts"),
		Events:    mongostore.NewRepo[EventDoc](db, "contract_events"),
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
	if err := mongostore.EnsureIndexes(ctx, s.Contracts.C, idx("terms.buyer"), idx("terms.producer"), idx("producer_commune_code"), idx("producer_province_code"), idx("households"), idx("state")); err != nil {
		return err
	}
	return mongostore.EnsureIndexes(ctx, s.Events.C, idx("contract", "seq"))
}

// EventID is the deterministic id of event seq of a contract (sorts by seq).
func EventID(contract string, seq int64) string { return fmt.Sprintf("%s/%012d", contract, seq) }

// flush moves a contract's outbox into the events collection (idempotent) and clears it when
// the contract has not moved on meanwhile.
func (s *Store) flush(ctx context.Context, c *domain.Contract) error {
	if len(c.PendingEvents) == 0 {
		return nil
	}
	for _, e := range c.PendingEvents {
		if s.Materialize != nil {
			if err := s.Materialize(ctx, e); err != nil {
				return fmt.Errorf("materialize event %d: %w", e.Seq, err)
			}
		}
		if _, _, err := s.Events.Insert(ctx, EventID(c.ID, e.Seq), &EventDoc{ID: EventID(c.ID, e.Seq), Event: e}); err != nil {
			return fmt.Errorf("flush event %d: %w", e.Seq, err)
		}
	}
	if _, err := s.Contracts.UpdateIf(ctx, c.ID, bson.D{{Key: "version", Value: c.Version}}, bson.D{{Key: "$set", Value: bson.D{{Key: "pending_events", Value: bson.A{}}}}}); err != nil {
		return err
	}
	c.PendingEvents = nil
	return nil
}

// Create inserts a new contract (with its creation event in the outbox). If a contract with
// the same id exists (idempotent retry), that one is returned and created is false.
func (s *Store) Create(ctx context.Context, c *domain.Contract) (*domain.Contract, bool, error) {
	stored, created, err := s.Contracts.Insert(ctx, c.ID, c)
	if err != nil {
		return nil, false, err
	}
	return stored, created, s.flush(ctx, stored)
}

// Get returns a contract (nil when absent), flushing any leftover outbox.
func (s *Store) Get(ctx context.Context, id string) (*domain.Contract, error) {
	c, err := s.Contracts.Get(ctx, id)
	if err != nil || c == nil {
		return c, err
	}
	return c, s.flush(ctx, c)
}

// ErrConflict means the contract kept changing under a mutation (retries exhausted).
var ErrConflict = errors.New("contract modified concurrently")

// ErrNotFound means the contract does not exist.
var ErrNotFound = errors.New("contract not found")

// Mutate applies fn to the current contract and stores the result with one conditional
// replace; when another writer got there first, it re-reads and re-applies fn (which must
// decide from the contract it is given), up to a bound. Events appended by fn go through the
// outbox. fn's error aborts without writing; ErrUnchanged from fn means nothing to write.
func (s *Store) Mutate(ctx context.Context, id string, fn func(c *domain.Contract) error) (*domain.Contract, error) {
	// Writers of one contract in this process take turns (no wasted retries under a burst of
	// signatures); writers in other replicas are still arbitrated by the conditional replace,
	// retried with jittered back-off.
	m := &mutateStripes[maphash.String(stripeSeed, id)%uint64(len(mutateStripes))]
	m.Lock()
	defer m.Unlock()
	for attempt := 0; attempt < 20; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond):
			}
		}
		c, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, ErrNotFound
		}
		prev := c.Version
		if err := fn(c); err != nil {
			if errors.Is(err, ErrUnchanged) {
				return c, nil
			}
			return c, err
		}
		c.Version = prev + 1
		ok, err := s.Contracts.Replace(ctx, id, prev, c)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		return c, s.flush(ctx, c)
	}
	return nil, ErrConflict
}

var (
	mutateStripes [64]sync.Mutex
	stripeSeed    = maphash.MakeSeed()
)

// ErrUnchanged tells Mutate that fn decided there is nothing to write.
var ErrUnchanged = errors.New("unchanged")

// ListEvents returns up to limit events of a contract after sequence after, and whether more
// follow. It flushes the contract's outbox first so the log is complete.
func (s *Store) ListEvents(ctx context.Context, id string, after int64, limit int) ([]domain.Event, bool, error) {
	if _, err := s.Get(ctx, id); err != nil {
		return nil, false, err
	}
	afterID := ""
	if after > 0 {
		afterID = EventID(id, after)
	}
	docs, more, err := s.Events.List(ctx, bson.D{{Key: "contract", Value: id}}, afterID, limit)
	if err != nil {
		return nil, false, err
	}
	out := make([]domain.Event, len(docs))
	for i, d := range docs {
		out[i] = d.Event
	}
	return out, more, nil
}

// Package storage keeps calls, projects and their audit events in MongoDB (or the embedded
// store).
//
// There are no multi-document transactions (the embedded store has none, and the design must
// work on both), so every change of a call or project is one conditional replace of its
// document, matched on _id and version: of two writers that read the same version, exactly one
// succeeds; the other re-reads and decides again from the current document. Everything a
// disbursement decision depends on — the approved funding, the milestones and their states,
// the spending reports, the disbursements — lives in the project document, so the decision and
// its record are that one atomic write.
//
// Audit events use an outbox: the same replace records the new head of the hash chain and the
// new events in pending_events; the events are then inserted into the events collection under
// deterministic ids (idempotent) and the outbox is cleared. Any later reader or writer flushes a
// leftover outbox first, so a crash between the two steps loses nothing and the chain stays
// gap-free.
package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc/codes"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/support/internal/domain"
)

// Store holds the support collections.
type Store struct {
	calls    table[domain.Call, *domain.Call]
	projects table[domain.Project, *domain.Project]
	events   mongostore.Repo[eventDoc]
	db       *mongo.Database
}

// New returns the store over db.
func New(db *mongostore.Database) *Store {
	events := mongostore.NewRepo[eventDoc](db, eventsCollection)
	return &Store{
		calls:    table[domain.Call, *domain.Call]{repo: mongostore.NewRepo[domain.Call](db, callsCollection), events: events},
		projects: table[domain.Project, *domain.Project]{repo: mongostore.NewRepo[domain.Project](db, projectsCollection), events: events},
		events:   events,
		db:       db,
	}
}

// EnsureIndexes creates the declared indexes; idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	return mongostore.EnsureCollections(ctx, s.db, Collections())
}

// eventDoc is an audit event as stored; _id is "<subject>/<seq, 12 digits>" so that it sorts by
// sequence within a subject.
type eventDoc struct {
	ID           string    `bson:"_id"`
	Subject      string    `bson:"subject"`
	Seq          int64     `bson:"seq"`
	Type         string    `bson:"type"`
	Actor        string    `bson:"actor"`
	ActorRole    string    `bson:"actor_role"`
	Time         time.Time `bson:"time"`
	Payload      string    `bson:"payload"`
	PreviousHash string    `bson:"previous_hash"`
	Hash         string    `bson:"hash"`
}

func eventID(subject string, seq int64) string { return fmt.Sprintf("%s/%012d", subject, seq) }

func toDoc(e domain.Event) eventDoc {
	return eventDoc{ID: eventID(e.Contract, e.Seq), Subject: e.Contract, Seq: e.Seq, Type: e.Type, Actor: e.Actor, ActorRole: e.ActorRole,
		Time: e.Time, Payload: e.Payload, PreviousHash: e.PreviousHash, Hash: e.Hash}
}

func (d eventDoc) event() domain.Event {
	return domain.Event{Contract: d.Subject, Seq: d.Seq, Type: d.Type, Actor: d.Actor, ActorRole: d.ActorRole,
		Time: d.Time, Payload: d.Payload, PreviousHash: d.PreviousHash, Hash: d.Hash}
}

// record is a versioned document with an audit chain (a call or a project).
type record[T any] interface {
	*T
	Name() string
	Journal() *domain.Chain
	Revision() *int64
}

// table is a collection of records with the outbox and conditional-write logic.
type table[T any, P record[T]] struct {
	repo   mongostore.Repo[T]
	events mongostore.Repo[eventDoc]
}

// ErrUnchanged, returned by a mutation, means there is nothing to write: the current document
// is the answer (an idempotent retry).
var ErrUnchanged = errors.New("unchanged")

// maxAttempts bounds the re-reads of a mutation that keeps losing to other writers.
const maxAttempts = 20

// flush moves a record's outbox into the events collection (idempotent) and clears it when the
// record has not moved on meanwhile.
func (t table[T, P]) flush(ctx context.Context, id string, r P) error {
	j := r.Journal()
	if len(j.PendingEvents) == 0 {
		return nil
	}
	for _, e := range j.PendingEvents {
		d := toDoc(e)
		if _, _, err := t.events.Insert(ctx, d.ID, &d); err != nil {
			return fmt.Errorf("flush event %d of %s: %w", e.Seq, r.Name(), err)
		}
	}
	if _, err := t.repo.UpdateIf(ctx, id, bson.D{{Key: "version", Value: *r.Revision()}}, bson.D{{Key: "$set", Value: bson.D{{Key: "pending_events", Value: bson.A{}}}}}); err != nil {
		return fmt.Errorf("clear outbox of %s: %w", r.Name(), err)
	}
	j.PendingEvents = nil
	return nil
}

// insert stores a new record (its creation event in the outbox). A record with the same id
// (an idempotent retry) is returned instead, with created false.
func (t table[T, P]) insert(ctx context.Context, id string, r P) (P, bool, error) {
	stored, created, err := t.repo.Insert(ctx, id, (*T)(r))
	if err != nil {
		return nil, false, err
	}
	return P(stored), created, t.flush(ctx, id, P(stored))
}

// RequestKey is the key under which a record remembers a request it applied (AIP-155; "" when
// no request id was given): a name-based UUID of the method, the caller and the request id, so
// that it holds no NUL byte (a PostgreSQL-backed store refuses NUL in strings, and the write
// carrying the key would fail).
func RequestKey(method, subject, requestID string) string {
	if requestID == "" {
		return ""
	}
	return aip.IDForRequest("request\x00"+method+"\x00"+subject, requestID)
}

// legacyRequestKey is the RequestKey of a key stored in the old form (method NUL caller NUL
// request id); any other key is returned as it is.
func legacyRequestKey(k string) string {
	i := strings.LastIndexByte(k, 0)
	if i < 0 {
		return k
	}
	return aip.IDForRequest("request\x00"+k[:i], k[i+1:])
}

// get returns a record (nil when absent), flushing a leftover outbox. Request keys stored in
// their old NUL-joined form are read as the keys requests are now remembered by (a retry of a
// request applied before still finds it; the next write stores no NUL).
func (t table[T, P]) get(ctx context.Context, id string) (P, error) {
	r, err := t.repo.Get(ctx, id)
	if err != nil || r == nil {
		return nil, err
	}
	keys := P(r).Journal().Requests
	for i, k := range keys {
		keys[i] = legacyRequestKey(k)
	}
	return P(r), t.flush(ctx, id, P(r))
}

// mutate applies fn to the current record and stores the result with one conditional replace
// (matched on the version fn saw). When another writer got there first it re-reads and
// re-applies fn, which must decide from the record it is given, up to a bound with jittered
// back-off. fn's error aborts without writing; ErrUnchanged returns the record as it is. A
// missing record is (nil, nil).
func (t table[T, P]) mutate(ctx context.Context, id string, fn func(P) error) (P, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond):
			}
		}
		r, err := t.get(ctx, id)
		if err != nil || r == nil {
			return nil, err
		}
		prev := *r.Revision()
		if err := fn(r); err != nil {
			if errors.Is(err, ErrUnchanged) {
				return r, nil
			}
			return nil, err
		}
		*r.Revision() = prev + 1
		ok, err := t.repo.Replace(ctx, id, prev, (*T)(r))
		if err != nil {
			return nil, err
		}
		if ok {
			return r, t.flush(ctx, id, r)
		}
	}
	return nil, apierr.New(codes.Aborted, "CONCURRENT_MODIFICATION", "the resource is being modified concurrently; retry", nil)
}

// CreateCall inserts a new call; see table.insert.
func (s *Store) CreateCall(ctx context.Context, c *domain.Call) (*domain.Call, bool, error) {
	return s.calls.insert(ctx, c.ID, c)
}

// Call returns a call, or nil.
func (s *Store) Call(ctx context.Context, id string) (*domain.Call, error) {
	return s.calls.get(ctx, id)
}

// MutateCall changes a call with one conditional write; see table.mutate.
func (s *Store) MutateCall(ctx context.Context, id string, fn func(*domain.Call) error) (*domain.Call, error) {
	return s.calls.mutate(ctx, id, fn)
}

// CreateProject inserts a new project; see table.insert.
func (s *Store) CreateProject(ctx context.Context, p *domain.Project) (*domain.Project, bool, error) {
	return s.projects.insert(ctx, p.ID, p)
}

// Project returns a project, or nil.
func (s *Store) Project(ctx context.Context, id string) (*domain.Project, error) {
	return s.projects.get(ctx, id)
}

// MutateProject changes a project with one conditional write; see table.mutate.
func (s *Store) MutateProject(ctx context.Context, id string, fn func(*domain.Project) error) (*domain.Project, error) {
	return s.projects.mutate(ctx, id, fn)
}

// ReplaceProjectIf writes p over the stored project only if the stored one still has version
// (p's version must already be the next one); it reports whether it did. Tests use it to show
// that a stale writer loses.
func (s *Store) ReplaceProjectIf(ctx context.Context, version int64, p *domain.Project) (bool, error) {
	return s.projects.repo.Replace(ctx, p.ID, version, p)
}

// Events returns up to limit audit events of subject (a call's or project's name) after
// sequence after, oldest first, and whether more follow.
func (s *Store) Events(ctx context.Context, subject string, after int64, limit int) ([]domain.Event, bool, error) {
	afterID := ""
	if after > 0 {
		afterID = eventID(subject, after)
	}
	docs, more, err := s.events.List(ctx, bson.D{{Key: "subject", Value: subject}}, afterID, limit)
	if err != nil {
		return nil, false, err
	}
	out := make([]domain.Event, len(docs))
	for i, d := range docs {
		out[i] = d.event()
	}
	return out, more, nil
}

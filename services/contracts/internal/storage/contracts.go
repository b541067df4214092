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
	"google.golang.org/grpc/codes"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
)

// eventDoc is an audit event as stored. Unsent and After are not part of the audit record
// (nor of its hash): they feed the partner events (feed.go).
type eventDoc struct {
	ID           string `bson:"_id"`
	domain.Event `bson:",inline"`
	// Unsent marks an event not yet acknowledged by the webhooks service.
	Unsent bool `bson:"unsent,omitempty"`
	// After is the contract as the write that appended the event left it.
	After *domain.Snapshot `bson:"after,omitempty"`
}

// EventID is the deterministic id of event seq of a contract (sorts by seq).
func EventID(contract string, seq int64) string { return fmt.Sprintf("%s/%012d", contract, seq) }

// flush moves a contract's outbox into the events collection (idempotent), writing first the
// records the events carry, and clears it when the contract has not moved on meanwhile.
func (s *Store) flush(ctx context.Context, c *domain.Contract) error {
	if len(c.PendingEvents) == 0 {
		return nil
	}
	after := domain.SnapshotOf(c)
	for _, e := range c.PendingEvents {
		if err := s.materialize(ctx, e); err != nil {
			return fmt.Errorf("materialize event %d: %w", e.Seq, err)
		}
		if _, _, err := s.events.Insert(ctx, EventID(c.ID, e.Seq), &eventDoc{ID: EventID(c.ID, e.Seq), Event: e, Unsent: true, After: &after}); err != nil {
			return fmt.Errorf("flush event %d: %w", e.Seq, err)
		}
	}
	// The contract and the records its events carry are written: its report rollup is stale.
	if err := s.MarkReport(ctx, c.ID); err != nil {
		return err
	}
	if _, err := s.contracts.UpdateIf(ctx, c.ID, bson.D{{Key: "version", Value: c.Version}}, bson.D{{Key: "$set", Value: bson.D{{Key: "pending_events", Value: bson.A{}}}}}); err != nil {
		return fmt.Errorf("clear outbox: %w", err)
	}
	c.PendingEvents = nil
	return nil
}

// CreateContract inserts a new contract (with its creation event in the outbox). If a
// contract with the same id exists (an idempotent retry), that one is returned and created is
// false.
func (s *Store) CreateContract(ctx context.Context, c *domain.Contract) (stored *domain.Contract, created bool, err error) {
	stored, created, err = s.contracts.Insert(ctx, c.ID, c)
	if err != nil {
		return nil, false, fmt.Errorf("insert contract: %w", err)
	}
	return stored, created, s.flush(ctx, stored)
}

// GetContract returns a contract (nil when absent), flushing any leftover outbox. Request keys
// stored in their old NUL-joined form are read as the digests requests are now remembered by,
// so a retry of a request applied before still finds it, and the next write stores no NUL.
func (s *Store) GetContract(ctx context.Context, id string) (*domain.Contract, error) {
	c, err := s.contracts.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get contract: %w", err)
	}
	if c == nil {
		return nil, nil
	}
	aip.LegacyRequestKeys(c.RecentRequests)
	return c, s.flush(ctx, c)
}

// ErrUnchanged, returned by UpdateContract's fn, means there is nothing to write: the contract
// is returned as it is.
var ErrUnchanged = errors.New("unchanged")

// maxAttempts bounds how often UpdateContract re-reads and re-applies under contention.
const maxAttempts = 20

// UpdateContract applies fn to the current contract and stores the result with one
// conditional replace (the version increments); when another writer got there first, it
// re-reads and re-applies fn — which must decide from the contract it is given, and from
// records read inside it — up to a bound. Events fn appends go through the outbox. fn's error
// aborts without writing and is returned with the contract as read; ErrUnchanged from fn
// means nothing to write. A missing contract is NOT_FOUND; exhausted retries are ABORTED
// CONCURRENT_MODIFICATION.
func (s *Store) UpdateContract(ctx context.Context, id string, fn func(c *domain.Contract) error) (*domain.Contract, error) {
	// Writers of one contract in this process take turns (no wasted retries under a burst of
	// signatures); writers in other replicas are still arbitrated by the conditional replace,
	// retried with jittered back-off.
	m := &updateStripes[maphash.String(stripeSeed, id)%uint64(len(updateStripes))]
	m.Lock()
	defer m.Unlock()
	for attempt := 0; attempt < maxAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(rand.IntN(5*attempt)+1) * time.Millisecond):
			}
		}
		c, done, err := s.tryUpdate(ctx, id, fn)
		if done || err != nil {
			return c, err
		}
	}
	return nil, apierr.New(codes.Aborted, "CONCURRENT_MODIFICATION", domain.ContractName(id)+" is being modified concurrently; retry", nil)
}

// tryUpdate is one attempt of UpdateContract; done is false when another writer won.
func (s *Store) tryUpdate(ctx context.Context, id string, fn func(c *domain.Contract) error) (*domain.Contract, bool, error) {
	c, err := s.GetContract(ctx, id)
	if err != nil {
		return nil, true, err
	}
	if c == nil {
		return nil, true, apierr.NotFound(domain.ContractName(id))
	}
	prev := c.Version
	if err := fn(c); err != nil {
		if errors.Is(err, ErrUnchanged) {
			return c, true, nil
		}
		return c, true, err
	}
	c.Version = prev + 1
	ok, err := s.contracts.Replace(ctx, id, prev, c)
	if err != nil {
		return nil, true, fmt.Errorf("replace contract: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	return c, true, s.flush(ctx, c)
}

var (
	updateStripes [64]sync.Mutex
	stripeSeed    = maphash.MakeSeed()
)

// Visibility restricts a listing of contracts to those one caller may see.
type Visibility struct {
	By    VisibleBy
	Value string // the organisation, commune, province or household
}

// VisibleBy says how a listing is restricted.
type VisibleBy int

// How a listing is restricted.
const (
	VisibleAll         VisibleBy = iota // every contract
	VisibleToParty                      // the buyer or the producer is Value
	VisibleToCommune                    // the producer is in commune Value
	VisibleToProvince                   // the producer is in province Value
	VisibleToHousehold                  // household Value has an allocation
)

func (v Visibility) filter() bson.D {
	switch v.By {
	case VisibleToParty:
		return bson.D{{Key: "parties", Value: v.Value}}
	case VisibleToCommune:
		return bson.D{{Key: "producer_commune_code", Value: v.Value}}
	case VisibleToProvince:
		return bson.D{{Key: "producer_province_code", Value: v.Value}}
	case VisibleToHousehold:
		return bson.D{{Key: "households", Value: v.Value}}
	}
	return bson.D{}
}

// contractFilterFields are the fields a contract listing filters on, and where they are
// stored. A buyer or producer condition also narrows by parties, the party scope the store
// indexes and pushes down (see restrict).
var contractFilterFields = map[string]string{
	"state": "state", "buyer": "terms.buyer", "producer": "terms.producer", "product": "terms.product",
	"witness_authority": "terms.witness_authority", "commune_code": "producer_commune_code", "party": "parties",
}

// ContractFilterFields lists the fields ListContracts filters on, with the values of the
// enumerated ones.
func ContractFilterFields() []aip.FilterField {
	return []aip.FilterField{
		aip.OneOfEnum("state", "CONTRACT_STATE_", domain.StateDraft, domain.StatePendingSignatures, domain.StatePendingWitness, domain.StateActive,
			domain.StateCompleted, domain.StateLiquidated, domain.StateCancelled, domain.StateWitnessRejected, domain.StateSuspended, domain.StateTerminated),
		aip.AnyValue("buyer"), aip.AnyValue("producer"), aip.AnyValue("product"), aip.AnyValue("witness_authority"), aip.AnyValue("commune_code"),
	}
}

// ListContracts returns a page of the contracts v lets its caller see that match every
// condition (on ContractFilterFields, values as stored), and whether more follow.
func (s *Store) ListContracts(ctx context.Context, v Visibility, conds []aip.Condition, p Page) ([]domain.Contract, bool, error) {
	for _, c := range conds {
		if c.Op == "=" && (c.Field == "buyer" || c.Field == "producer") {
			conds = append(conds, aip.Condition{Field: "party", Op: "=", Value: c.Value})
		}
	}
	f := restrict(v.filter(), conds, contractFilterFields)
	items, more, err := s.contracts.List(ctx, f, p.After, p.Limit)
	if err != nil {
		return nil, false, fmt.Errorf("list contracts: %w", err)
	}
	return items, more, nil
}

// CountContracts counts the contracts in state.
func (s *Store) CountContracts(ctx context.Context, state string) (int64, error) {
	n, err := s.contracts.C.CountDocuments(ctx, bson.D{{Key: "state", Value: state}})
	if err != nil {
		return 0, fmt.Errorf("count contracts: %w", err)
	}
	return n, nil
}

// restrict adds conditions (field → stored field through fields) to filter, each at the top
// level where it is the first condition on its field — an equality there is what the
// embedded store pushes down (it pushes nothing inside $and or $or) — and in an $and
// otherwise, so that a condition on a field the filter already restricts (a commune official
// filtering on another commune) narrows the result instead of replacing the restriction.
func restrict(filter bson.D, conds []aip.Condition, fields map[string]string) bson.D {
	used := map[string]bool{}
	for _, e := range filter {
		used[e.Key] = true
	}
	and := bson.A{}
	for _, c := range conds {
		key := fields[c.Field]
		var val any = c.Value
		switch c.Op {
		case "!=":
			val = bson.D{{Key: "$ne", Value: c.Value}}
		case "in":
			val = bson.D{{Key: "$in", Value: c.Values}}
		}
		if used[key] {
			and = append(and, bson.D{{Key: key, Value: val}})
			continue
		}
		used[key] = true
		filter = append(filter, bson.E{Key: key, Value: val})
	}
	if len(and) > 0 {
		filter = append(filter, bson.E{Key: "$and", Value: and})
	}
	return filter
}

// ListEvents returns up to limit events of a contract after sequence after, and whether more
// follow. It flushes the contract's outbox first so the log is complete.
func (s *Store) ListEvents(ctx context.Context, id string, after int64, limit int) ([]domain.Event, bool, error) {
	if _, err := s.GetContract(ctx, id); err != nil {
		return nil, false, err
	}
	afterID := ""
	if after > 0 {
		afterID = EventID(id, after)
	}
	docs, more, err := s.events.List(ctx, bson.D{{Key: "contract", Value: id}}, afterID, limit)
	if err != nil {
		return nil, false, fmt.Errorf("list events: %w", err)
	}
	return eventsOf(docs), more, nil
}

// AuditEvents reads a contract's audit log as stored in the events collection, oldest first,
// and writes nothing (a leftover outbox is not flushed): what a verification tool checks.
func (s *Store) AuditEvents(ctx context.Context, id string) ([]domain.Event, error) {
	docs, _, err := s.events.List(ctx, bson.D{{Key: "contract", Value: id}}, "", maxRecords)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return eventsOf(docs), nil
}

func eventsOf(docs []eventDoc) []domain.Event {
	out := make([]domain.Event, len(docs))
	for i, d := range docs {
		out[i] = d.Event
	}
	return out
}

// EventsOfType returns a contract's events of the given types, oldest first (a leftover
// outbox is flushed first, so the latest events are included).
func (s *Store) EventsOfType(ctx context.Context, id string, types ...string) ([]domain.Event, error) {
	if _, err := s.GetContract(ctx, id); err != nil {
		return nil, err
	}
	f := bson.D{{Key: "contract", Value: id}, {Key: "type", Value: bson.D{{Key: "$in", Value: types}}}}
	docs, _, err := s.events.List(ctx, f, "", maxRecords)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	return eventsOf(docs), nil
}

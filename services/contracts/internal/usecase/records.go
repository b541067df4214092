package usecase

import (
	"context"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// The execution records of a contract (deliveries, advances, payments, incidents): their
// request bodies, names and listings are handled alike.

// checkBody validates a create request's body (field) and its request id: a missing body is
// REQUIRED, else check reports the body's violations.
func checkBody[T any](requestID, field string, in *T, check func(*apierr.Violations, T)) error {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if in == nil {
		v.Add(field, "REQUIRED", "is required")
		return v.Err()
	}
	check(&v, *in)
	return v.Err()
}

// loadRecord returns the record name (contracts/{contract}/{collection}/{id}) names, with its
// contract, if the caller may see the contract and mine admits the record (it belongs to
// that contract, and to the caller where records are private); otherwise NOT_FOUND.
func loadRecord[T any](ctx context.Context, s *Service, p auth.Principal, name, collection string,
	get func(context.Context, string) (*T, error), mine func(*T, *domain.Contract) bool) (*domain.Contract, *T, error) {
	ids, err := aip.ParseName("name", name, "contracts", collection)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.load(ctx, p, "name", domain.ContractName(ids[0]))
	if err != nil {
		return nil, nil, err
	}
	x, err := get(ctx, ids[1])
	if err != nil {
		return nil, nil, err
	}
	if x == nil || !mine(x, c) {
		return nil, nil, apierr.NotFound(name)
	}
	return c, x, nil
}

// listing describes how one kind of record is listed.
type listing[T any] struct {
	// fields the filter may name; value normalises a condition's value as stored.
	fields []aip.FilterField
	value  func(aip.Condition) string
	// scope binds page tokens to the caller's slice and the filter.
	scope func(p auth.Principal, cs []aip.Condition) string
	// private records: a household sees only its own.
	private bool
	list    func(context.Context, storage.RecordQuery) ([]T, bool, error)
	key     func(*T) string
}

// listRecords pages the records of the contract parent names, as l describes; it returns the
// contract too.
func listRecords[T any](ctx context.Context, s *Service, p auth.Principal, parent string, q ListQuery, l listing[T]) (*domain.Contract, Page[T], error) {
	c, err := s.load(ctx, p, "parent", parent)
	if err != nil {
		return nil, Page[T]{}, err
	}
	cs, err := aip.ParseFilterFields(q.Filter, l.fields...)
	if err != nil {
		return nil, Page[T]{}, err
	}
	for i := range cs {
		cs[i].Value = l.value(cs[i])
	}
	pg, err := newPager(q, l.scope(p, cs), c.ID)
	if err != nil {
		return nil, Page[T]{}, err
	}
	rq := storage.RecordQuery{Contract: c.ID, Conditions: cs, OnlyHousehold: l.private && p.Is(auth.RoleHousehold), Household: p.Household, Page: pg.page}
	items, more, err := l.list(ctx, rq)
	if err != nil {
		return nil, Page[T]{}, err
	}
	return c, pageOf(pg, items, more, l.key), nil
}

// asStored keeps a filter value as it is.
func asStored(c aip.Condition) string { return c.Value }

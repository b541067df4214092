// Package usecase is the support service's application layer: one method per operation, each
// deciding who may do it, handling idempotency, gathering what the rules need from the registry
// and the contracts service (through the small interfaces declared here), and orchestrating the
// domain and storage. No proto, no gRPC, no queries.
package usecase

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
)

// Registry is what the support service asks the registry, with its own service credentials.
// Absent resources are (nil, nil) or false; any error means the registry could not answer.
type Registry interface {
	Organization(ctx context.Context, name string) (*domain.OrgFact, error)
	Authority(ctx context.Context, name string) (*domain.AuthorityFact, error)
	Area(ctx context.Context, code string) (*domain.AreaFact, error)
	// Household describes a household for the rules and reports (no personal identifiers).
	Household(ctx context.Context, name string) (*domain.Participant, error)
	// ActiveMembers lists the households that are active members of an organisation, up to
	// limit (more is an error).
	ActiveMembers(ctx context.Context, org string, limit int) ([]string, error)
	ProductExists(ctx context.Context, name string) (bool, error)
}

// Contracts is what the support service asks the contracts service, with its own service
// credentials. An absent contract is (nil, nil).
type Contracts interface {
	Contract(ctx context.Context, name string) (*domain.ContractFact, error)
	Settlement(ctx context.Context, name string) ([]domain.SettlementLine, error)
}

// Service implements the support operations.
type Service struct {
	st    *storage.Store
	books domain.Rulebooks
	reg   Registry
	con   Contracts
	now   func() time.Time
}

// New returns the service.
func New(st *storage.Store, books domain.Rulebooks, reg Registry, con Contracts, now func() time.Time) *Service {
	return &Service{st: st, books: books, reg: reg, con: con, now: now}
}

// DateOf is the calendar date of t in Asia/Ho_Chi_Minh.
func DateOf(t time.Time) string { return t.In(vn.Zone).Format(time.DateOnly) }

func (s *Service) today() string { return DateOf(s.now()) }

// Page is one page of a listing.
type Page[T any] struct {
	Items []T
	Next  string
}

// requestKey is the idempotency key of a transition by p, kept in the resource's journal
// (storage.RequestKey).
func requestKey(method string, p auth.Principal, requestID string) string {
	return storage.RequestKey(method, p.Subject, requestID)
}

func checkRequest(requestID string, more func(*apierr.Violations)) error {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if more != nil {
		more(&v)
	}
	return v.Err()
}

// reasonText checks a required reason. Rules: REQUIRED, UTF8, MAX_LENGTH.
func reasonText(field, s string) func(*apierr.Violations) {
	return func(v *apierr.Violations) { v.Text(field, s, true, apierr.MaxLongText) }
}

// filter parses a listing's filter into storage conditions: fields names the fields (and how
// they are stored), enums the values of the enumerated ones (as stored, with the API's prefix
// or without; any other is INVALID_ARGUMENT FILTER_VALUE; a != on one becomes one of the
// others, see aip.ParseFilterFields); value maps a field's value to its stored form (nil: as
// given).
func filter(expr string, fields map[string]string, enums map[string]enumField, value func(field, v string) string) ([]storage.Cond, string, error) {
	allowed := make([]string, 0, len(fields))
	for f := range fields {
		allowed = append(allowed, f)
	}
	slices.Sort(allowed)
	ff := make([]aip.FilterField, len(allowed))
	for i, f := range allowed {
		ff[i] = aip.AnyValue(f)
		if e, ok := enums[f]; ok {
			ff[i] = aip.OneOfEnum(f, e.prefix, e.values...)
		}
	}
	cs, err := aip.ParseFilterFields(expr, ff...)
	if err != nil {
		return nil, "", err
	}
	out := make([]storage.Cond, len(cs))
	for i, c := range cs {
		v := c.Value
		if value != nil {
			v = value(c.Field, v)
		}
		out[i] = storage.Cond{Field: c.Field, Op: c.Op, Value: v, Values: c.Values}
	}
	return out, aip.String(cs), nil
}

// scoped refuses, for a caller who sees everything, a filter that selects by no equality (see
// aip.RequireEquality).
func scoped(all bool, cs []storage.Cond, fields ...string) error {
	if !all {
		return nil
	}
	acs := make([]aip.Condition, len(cs))
	for i, c := range cs {
		acs[i] = aip.Condition{Field: c.Field, Op: c.Op}
	}
	return aip.RequireEquality(acs, fields...)
}

// enumField is an enum filter field: the prefix its API values carry and its stored values.
type enumField struct {
	prefix string
	values []string
}

// pageOf pages through items already in memory (a project's spending reports, activities,
// disbursements: bounded and append-only), after the item whose id is the token's.
func pageOf[T any](items []T, id func(T) string, scope string, size int32, token string) (Page[T], error) {
	n, err := aip.PageSize(size)
	if err != nil {
		return Page[T]{}, err
	}
	digest := aip.QueryDigest(scope)
	after, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return Page[T]{}, err
	}
	start := 0
	if after != "" {
		i := slices.IndexFunc(items, func(x T) bool { return id(x) == after })
		if i < 0 {
			return Page[T]{}, apierr.Field("page_token", "PAGE_TOKEN", "the page token names nothing in this listing")
		}
		start = i + 1
	}
	end := min(start+n, len(items))
	out := Page[T]{Items: items[start:end]}
	if end < len(items) && end > start {
		out.Next = aip.EncodePageToken(id(items[end-1]), digest)
	}
	return out, nil
}

// events pages through the audit events of subject.
func (s *Service) events(ctx context.Context, subject string, size int32, token string) (Page[domain.Event], error) {
	n, err := aip.PageSize(size)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	digest := aip.QueryDigest("events", subject)
	tok, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	var after int64
	if tok != "" {
		if after, err = strconv.ParseInt(tok, 10, 64); err != nil || after < 0 {
			return Page[domain.Event]{}, apierr.Field("page_token", "PAGE_TOKEN", "malformed page token")
		}
	}
	evs, more, err := s.st.Events(ctx, subject, after, n)
	if err != nil {
		return Page[domain.Event]{}, fmt.Errorf("events of %s: %w", subject, err)
	}
	out := Page[domain.Event]{Items: evs}
	if more && len(evs) > 0 {
		out.Next = aip.EncodePageToken(strconv.FormatInt(evs[len(evs)-1].Seq, 10), digest)
	}
	return out, nil
}

// Package usecase is the registry's application layer: one method per operation, each deciding
// who may do it, validating through the domain, keeping requests idempotent and writing
// through storage. It knows nothing of protobuf or gRPC: callers pass the verified principal
// and plain Go values, and get domain values or apierr errors back.
package usecase

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// Registry runs the registry's operations.
type Registry struct {
	st    *storage.Store
	ref   domain.RefData
	idKey []byte
	log   *slog.Logger
	now   func() time.Time
}

// New returns the registry over st, validating against ref and hashing national ID numbers
// with nationalIDKey; now is the clock (timestamps at the store's precision).
func New(st *storage.Store, ref domain.RefData, nationalIDKey []byte, log *slog.Logger, now func() time.Time) *Registry {
	return &Registry{st: st, ref: ref, idKey: nationalIDKey, log: log, now: now}
}

// ListInput is a List request's filter and paging.
type ListInput struct {
	Filter    string
	PageSize  int32
	PageToken string
}

// Page is one page of a listing and the token of the next ("" at the end).
type Page[T any] struct {
	Items []T
	Next  string
}

// Update asks to change the fields that Paths name to their values in Value, on the resource
// Name if its etag still is Etag ("" means no precondition).
type Update[T any] struct {
	Name  string
	Etag  string
	Paths []string
	Value *T
}

// maxMembersListed bounds the member households an organisation's household listing looks
// through.
const maxMembersListed = 100_000

// page runs one page of a keyset listing: it checks page size and token (bound to scope, the
// query's identity) and returns the items and the next page's token.
func page[T any](in ListInput, scope string, list func(storage.Page) ([]T, bool, error), key func(*T) string) (Page[T], error) {
	return pageThrough(in, scope, func(pg storage.Page) ([]T, string, bool, error) {
		items, more, err := list(pg)
		last := ""
		if len(items) > 0 {
			last = key(&items[len(items)-1])
		}
		return items, last, more, err
	})
}

// pageThrough is page for a listing that may drop some of what it reads (conditions checked
// after reading): list returns the items, the key of the last thing it read (where the next
// page starts) and whether more follow. A page may then hold fewer items than asked (AIP-158).
func pageThrough[T any](in ListInput, scope string, list func(storage.Page) (items []T, last string, more bool, err error)) (Page[T], error) {
	n, err := aip.PageSize(in.PageSize)
	if err != nil {
		return Page[T]{}, err
	}
	digest := aip.QueryDigest(scope)
	after, err := aip.DecodePageToken(in.PageToken, digest)
	if err != nil {
		return Page[T]{}, err
	}
	items, last, more, err := list(storage.Page{After: after, Limit: n})
	if err != nil {
		return Page[T]{}, fmt.Errorf("list %s: %w", scope, err)
	}
	out := Page[T]{Items: items}
	if more && last != "" {
		out.Next = aip.EncodePageToken(last, digest)
	}
	return out, nil
}

// enum is an enum filter field: the prefix its API values carry (kind = "KIND_BUSINESS" →
// BUSINESS) and the values it stores.
type enum struct {
	prefix string
	values []string
}

// filter parses a List filter over the allowed fields into storage conditions; an enum field
// takes only its values, with or without the API's prefix (any other is INVALID_ARGUMENT
// FILTER_VALUE listing them, rather than a filter that silently matches nothing).
func filter(s string, enums map[string]enum, allowed ...string) ([]aip.Condition, []storage.Cond, error) {
	fields := make([]aip.FilterField, len(allowed))
	prefixes := map[string]string{}
	for i, name := range allowed {
		fields[i] = aip.AnyValue(name)
		if e, ok := enums[name]; ok {
			fields[i] = aip.OneOfEnum(name, e.prefix, e.values...)
			prefixes[name] = e.prefix
		}
	}
	cs, err := aip.ParseFilterFields(s, fields...)
	if err != nil {
		return nil, nil, err
	}
	where, err := conds(cs, prefixes)
	return cs, where, err
}

// selects are conditions as they select: name = "…" is a prefix of indexed words (a range of
// them), not an equality.
func selects(cs []aip.Condition) []aip.Condition {
	out := slices.Clone(cs)
	for i := range out {
		if out[i].Field == "name" {
			out[i].Op = "prefix"
		}
	}
	return out
}

// conds turns filter conditions into storage conditions. name = "…" matches the start of any
// word of the resource's name, case- and diacritic-insensitively, through its indexed keys.
func conds(cs []aip.Condition, enums map[string]string) ([]storage.Cond, error) {
	out := make([]storage.Cond, 0, len(cs))
	for _, c := range cs {
		if c.Field == "name" && (c.Op != "=" || domain.FoldName(c.Value) == "") {
			return nil, apierr.Field("filter", "FILTER_SYNTAX", "name takes one = with some letters or digits, e.g. name = \"nguyen van\"")
		}
		v := c.Value
		if prefix, ok := enums[c.Field]; ok {
			if strings.HasSuffix(v, "_UNSPECIFIED") {
				v = ""
			}
			v = strings.TrimPrefix(v, prefix)
		}
		switch {
		case c.Field == "name":
			out = append(out, storage.Prefix("name", domain.FoldName(v)))
		case c.Op == "!=":
			out = append(out, storage.Ne(c.Field, v))
		case c.Op == "in":
			out = append(out, storage.In(c.Field, c.Values))
		default:
			out = append(out, storage.Eq(c.Field, v))
		}
	}
	return out, nil
}

// requireRole refuses a principal without one of roles.
func requireRole(p auth.Principal, roles ...auth.Role) error {
	if !p.Is(roles...) {
		return apierr.PermissionDenied("role " + string(p.Role) + " may not call this method")
	}
	return nil
}

// get loads the resource name (pattern collections) from t: INVALID_ARGUMENT naming field when
// the name is malformed, NOT_FOUND when there is none.
func get[T any](ctx context.Context, t storage.Table[T], field, name string, collections ...string) (*T, error) {
	ids, err := aip.ParseName(field, name, collections...)
	if err != nil {
		return nil, err
	}
	x, err := t.Get(ctx, strings.Join(ids, "/"))
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", name, err)
	}
	if x == nil {
		return nil, apierr.NotFound(name)
	}
	return x, nil
}

// replace writes doc over the stored version prev, or answers ABORTED (the etag moved on).
func replace[T any](ctx context.Context, t storage.Table[T], id string, prev int64, doc *T, name string) error {
	ok, err := t.Replace(ctx, id, prev, doc)
	if err != nil {
		return fmt.Errorf("replace %s: %w", name, err)
	}
	if !ok {
		return apierr.EtagMismatch(name)
	}
	return nil
}

// stamped is a resource with a domain.Stamp.
type stamped[T any] interface {
	*T
	Created(time.Time)
	Updated(time.Time) int64
}

// createUnique inserts doc under id, stamped as created, after claiming its values of kind u;
// it returns the stored document (on a retry, the first one).
func createUnique[T any, P stamped[T]](ctx context.Context, r *Registry, t storage.Table[T], u unique, id string, values []string, doc P) (*T, error) {
	P.Created(doc, r.now().UTC())
	var stored *T
	if err := r.changeUnique(ctx, u, id, nil, values, func() (err error) {
		if stored, _, err = t.Insert(ctx, id, (*T)(doc)); err != nil {
			return fmt.Errorf("insert %s: %w", id, err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return stored, nil
}

// saveUnique writes doc over its stored version, stamped as updated, moving it from the values
// from to the values to of kind u; a version that moved on is ABORTED.
func saveUnique[T any, P stamped[T]](ctx context.Context, r *Registry, t storage.Table[T], u unique, id string, from, to []string, doc P, name string) error {
	prev := P.Updated(doc, r.now().UTC())
	return r.changeUnique(ctx, u, id, from, to, func() error { return replace(ctx, t, id, prev, (*T)(doc), name) })
}

// remove deletes id at version, or answers ABORTED (the etag moved on).
func remove[T any](ctx context.Context, t storage.Table[T], id string, version int64, name string) error {
	ok, err := t.Delete(ctx, id, version)
	if err != nil {
		return fmt.Errorf("delete %s: %w", name, err)
	}
	if !ok {
		return apierr.EtagMismatch(name)
	}
	return nil
}

func orgName(id string) string       { return "organizations/" + id }
func householdName(id string) string { return "households/" + id }

// membershipID is the key of household's membership in org: "{org id}/{household id}".
func membershipID(org, household string) string {
	return strings.TrimPrefix(org, "organizations/") + "/" + strings.TrimPrefix(household, "households/")
}

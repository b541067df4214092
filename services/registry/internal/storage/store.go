// Package storage keeps the registry's resources in MongoDB (or the embedded store). It owns
// every query: the layers above call typed methods and never see the driver.
package storage

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"golang.org/x/sync/errgroup"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// Store holds the registry's collections.
type Store struct {
	Orgs        Table[domain.Organization]
	Households  Table[domain.Household]
	Memberships Table[domain.Membership]
	Authorities Table[domain.Authority]
	Areas       Table[domain.AdminArea]
	Products    Table[domain.Product]
	Standards   Table[domain.Standard]
	APIKeys     Table[domain.APIKey]
	Claims      Table[domain.Claim]
	Users       Table[domain.User]
	Grants      Table[domain.Grant]
	Plots       Table[domain.Plot]
	Certs       Table[domain.CertificationRecord]

	db *mongostore.Database
}

// New returns the store over db.
func New(db *mongostore.Database) *Store {
	return &Store{
		Orgs: table[domain.Organization](db, collOrganizations, map[string]string{"kind": "kind", "commune_code": "commune_code", "province_code": "province_code", "state": "state", "name": "name_keys"}).
			preparing(func(o *domain.Organization) {
				o.CommuneCode, o.ProvinceCode = o.Address.CommuneCode, o.Address.ProvinceCode
			}),
		Households:  table[domain.Household](db, collHouseholds, map[string]string{"commune_code": "commune_code", "province_code": "province_code", "poverty_status": "poverty_status", "name": "name_keys"}),
		Memberships: table[domain.Membership](db, collMemberships, map[string]string{"organization": "organization", "household": "household", "role": "role", "state": "state"}),
		Authorities: table[domain.Authority](db, collAuthorities, map[string]string{"kind": "kind", "admin_area_code": "admin_area_code"}),
		Areas:       table[domain.AdminArea](db, collAdminAreas, map[string]string{"level": "level", "parent_code": "parent_code"}),
		Products:    table[domain.Product](db, collProducts, map[string]string{"category": "category"}),
		Standards:   table[domain.Standard](db, collStandards, nil),
		APIKeys:     table[domain.APIKey](db, collAPIKeys, map[string]string{"organization": "organization"}),
		Claims:      table[domain.Claim](db, collClaims, nil),
		Users:       table[domain.User](db, collUsers, nil),
		Grants:      table[domain.Grant](db, collGrants, map[string]string{"user": "user", "organization": "organization", "authority": "authority"}),
		Plots:       table[domain.Plot](db, collPlots, map[string]string{"household": "household", "product": "products"}),
		Certs: table[domain.CertificationRecord](db, collCertifications, map[string]string{"organization": "organization", "standard": "standard", "product": "products",
			"state": "state", "valid_until": "valid_until"}),
		db: db,
	}
}

// Page asks for the documents after the key After (in key order), at most Limit of them.
type Page struct {
	After string
	Limit int
}

type op int

const (
	opEq op = iota
	opNe
	opIn
	opPrefix
	opGte
	opLte
)

// Cond is one condition of a listing, on a field as the API's filters name it.
type Cond struct {
	field  string
	op     op
	value  string
	values []string
}

// Eq: field equals value.
func Eq(field, value string) Cond { return Cond{field: field, op: opEq, value: value} }

// Ne: field differs from value.
func Ne(field, value string) Cond { return Cond{field: field, op: opNe, value: value} }

// In: field is one of values (none: nothing matches).
func In(field string, values []string) Cond {
	return Cond{field: field, op: opIn, values: append([]string{}, values...)}
}

// Gte: field is at least value (strings compare as stored: dates YYYY-MM-DD in order).
func Gte(field, value string) Cond { return Cond{field: field, op: opGte, value: value} }

// Lte: field is at most value.
func Lte(field, value string) Cond { return Cond{field: field, op: opLte, value: value} }

// Prefix: field (a folded name's keys) has a value starting with value.
func Prefix(field, value string) Cond { return Cond{field: field, op: opPrefix, value: value} }

// Table is one collection of documents keyed by a string _id and versioned for optimistic
// concurrency, with the fields its listings may filter on.
type Table[T any] struct {
	repo   mongostore.Repo[T]
	fields map[string]string // filter field → document path
	// prepare sets what a document stores besides its domain fields (the top-level copies
	// listings filter on) before it is written.
	prepare func(*T)
}

func table[T any](db *mongostore.Database, name string, fields map[string]string) Table[T] {
	return Table[T]{repo: mongostore.NewRepo[T](db, name), fields: fields, prepare: func(*T) {}}
}

func (t Table[T]) preparing(f func(*T)) Table[T] { t.prepare = f; return t }

// Get returns the document id, or nil when there is none.
func (t Table[T]) Get(ctx context.Context, id string) (*T, error) { return t.repo.Get(ctx, id) }

// Insert stores doc under id; when id exists (an idempotent retry) it returns the stored
// document and created=false.
func (t Table[T]) Insert(ctx context.Context, id string, doc *T) (stored *T, created bool, err error) {
	t.prepare(doc)
	return t.repo.Insert(ctx, id, doc)
}

// Replace writes doc over id if its stored version is still prev; false when it moved on or is
// gone.
func (t Table[T]) Replace(ctx context.Context, id string, prev int64, doc *T) (bool, error) {
	t.prepare(doc)
	return t.repo.Replace(ctx, id, prev, doc)
}

// Delete removes id at version (0: any); false when it moved on or is gone.
func (t Table[T]) Delete(ctx context.Context, id string, version int64) (bool, error) {
	return t.repo.Delete(ctx, id, version)
}

// List returns a page of the documents matching every condition, in _id order, and whether
// more follow.
func (t Table[T]) List(ctx context.Context, conds []Cond, p Page) ([]T, bool, error) {
	f, err := t.filter(conds)
	if err != nil {
		return nil, false, err
	}
	return t.repo.List(ctx, f, p.After, p.Limit)
}

// Any reports whether some document matches every condition.
func (t Table[T]) Any(ctx context.Context, conds ...Cond) (bool, error) {
	items, _, err := t.List(ctx, conds, Page{Limit: 1})
	return len(items) > 0, err
}

// maxParallelReads bounds the point reads GetMany runs at once.
const maxParallelReads = 8

// GetMany returns the documents ids name that match every condition, in the order of ids (the
// missing ones left out). It reads each by _id — on every store a point read, where a
// `_id $in` list is not pushed down by the embedded store — several at a time, and checks the
// conditions on what it read.
func (t Table[T]) GetMany(ctx context.Context, ids []string, conds ...Cond) ([]T, error) {
	docs := make([]*T, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(maxParallelReads)
	for i, id := range ids {
		g.Go(func() (err error) { docs[i], err = t.repo.Get(gctx, id); return err })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]T, 0, len(ids))
	for _, d := range docs {
		if d == nil {
			continue
		}
		ok, err := t.matches(d, conds)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, *d)
		}
	}
	return out, nil
}

// matches evaluates conditions on a document as it is stored.
func (t Table[T]) matches(doc *T, conds []Cond) (bool, error) {
	if len(conds) == 0 {
		return true, nil
	}
	raw, err := bson.Marshal(doc)
	if err != nil {
		return false, err
	}
	for _, c := range conds {
		path, err := t.path(c)
		if err != nil {
			return false, err
		}
		v, _ := bson.Raw(raw).LookupErr(strings.Split(path, ".")...)
		if !c.holds(storedStrings(v)) {
			return false, nil
		}
	}
	return true, nil
}

// storedStrings are the strings a stored value holds: itself, or the elements of an array (a
// condition on an array field is met by any element, as MongoDB has it; name_keys is one).
func storedStrings(v bson.RawValue) []string {
	if s, ok := v.StringValueOK(); ok {
		return []string{s}
	}
	a, ok := v.ArrayOK()
	if !ok {
		return []string{""}
	}
	vals, _ := a.Values()
	out := make([]string, 0, len(vals))
	for _, e := range vals {
		if s, ok := e.StringValueOK(); ok {
			out = append(out, s)
		}
	}
	return out
}

// holds reports whether c is met by a field holding got: any of them, and for != none.
func (c Cond) holds(got []string) bool {
	if c.op == opNe {
		return !slices.Contains(got, c.value)
	}
	return slices.ContainsFunc(got, func(g string) bool {
		switch c.op {
		case opIn:
			return slices.Contains(c.values, g)
		case opGte:
			return g >= c.value
		case opLte:
			return g <= c.value
		case opPrefix:
			return strings.HasPrefix(g, c.value)
		}
		return g == c.value
	})
}

// path is the document path of c's field.
func (t Table[T]) path(c Cond) (string, error) {
	if c.field == "id" {
		return "_id", nil
	}
	path, ok := t.fields[c.field]
	if !ok {
		return "", fmt.Errorf("storage: %s cannot be filtered on %q", t.repo.C.Name(), c.field)
	}
	return path, nil
}

func (t Table[T]) filter(conds []Cond) (bson.D, error) {
	f := bson.D{}
	for _, c := range conds {
		path, err := t.path(c)
		if err != nil {
			return nil, err
		}
		switch c.op {
		case opNe:
			f = append(f, bson.E{Key: path, Value: bson.D{{Key: "$ne", Value: c.value}}})
		case opIn:
			f = append(f, bson.E{Key: path, Value: bson.D{{Key: "$in", Value: c.values}}})
		case opGte, opLte:
			f = append(f, bson.E{Key: path, Value: bson.D{{Key: map[op]string{opGte: "$gte", opLte: "$lte"}[c.op], Value: c.value}}})
		case opPrefix: // anchored and case-sensitive: MongoDB answers it from the index
			f = append(f, bson.E{Key: path, Value: bson.D{{Key: "$regex", Value: "^" + regexp.QuoteMeta(c.value)}}})
		default:
			f = append(f, bson.E{Key: path, Value: c.value})
		}
	}
	return f, nil
}

func (t Table[T]) findBy(ctx context.Context, path string, value any) (*T, error) {
	return t.repo.FindOne(ctx, bson.D{{Key: path, Value: value}})
}

// APIKeyByPrefix returns the key whose secret starts with prefix, or nil.
func (s *Store) APIKeyByPrefix(ctx context.Context, prefix string) (*domain.APIKey, error) {
	return s.APIKeys.findBy(ctx, "prefix", prefix)
}

// RevokeAPIKey marks key id revoked at t unless it already is; it reports whether it changed.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, t time.Time) (bool, error) {
	return s.APIKeys.repo.UpdateIf(ctx, id, bson.D{{Key: "revoke_time", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "revoke_time", Value: t}}}})
}

// SetPlotAreas records a household's area per product from its plots.
func (s *Store) SetPlotAreas(ctx context.Context, household string, areas []domain.CultivatedArea) error {
	_, err := s.Households.repo.UpdateIf(ctx, household, nil, bson.D{{Key: "$set", Value: bson.D{{Key: "plot_areas", Value: areas}}}})
	return err
}

// OrganizationsIn names the organisations whose address is in an area (field commune_code or
// province_code), at most limit of them; more says whether there are others.
func (s *Store) OrganizationsIn(ctx context.Context, field, code string, limit int) ([]string, bool, error) {
	os, more, err := s.Orgs.List(ctx, []Cond{Eq(field, code)}, Page{Limit: limit})
	if err != nil {
		return nil, false, err
	}
	names := make([]string, 0, len(os))
	for _, o := range os {
		names = append(names, "organizations/"+o.ID)
	}
	return names, more, nil
}

// MemberHouseholds returns the names of the households that are active members of org, in
// household order after the household after ("" for the first), at most limit of them, and
// whether more follow. A membership's _id is "{org id}/{household id}", so the memberships of
// one organisation sort by household.
func (s *Store) MemberHouseholds(ctx context.Context, org, after string, limit int) ([]string, bool, error) {
	from := ""
	if after != "" {
		from = strings.TrimPrefix(org, "organizations/") + "/" + strings.TrimPrefix(after, "households/")
	}
	ms, more, err := s.Memberships.List(ctx, []Cond{Eq("organization", org), Eq("state", domain.StateActive)}, Page{After: from, Limit: limit})
	if err != nil {
		return nil, false, err
	}
	names := make([]string, 0, len(ms))
	for _, m := range ms {
		names = append(names, m.Household)
	}
	return names, more, nil
}

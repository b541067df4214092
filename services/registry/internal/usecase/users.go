package usecase

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// identities: an OpenID identity is bound to one person only.
func (r *Registry) identities() unique {
	return unique{kind: "identity",
		taken: apierr.Conflict("IDENTITY_BOUND", "this OpenID identity is already bound to another person"),
		holds: func(ctx context.Context, id, key string) (bool, bool, error) {
			u, err := r.st.Users.Get(ctx, id)
			return u != nil, u != nil && slices.Contains(u.IdentityKeys, key), err
		}}
}

// CreateUser registers a person: operators (who register the first people), and the
// administrators of an organisation or authority (who then grant them roles there). u nil
// means the request had none. A retry with the same request id returns the first result.
func (r *Registry) CreateUser(ctx context.Context, p auth.Principal, u *domain.User, requestID string) (*Person, error) {
	pp, err := r.peopleOf(ctx, p)
	if err != nil {
		return nil, err
	}
	if !pp.administers() {
		return nil, apierr.PermissionDenied("only operators and the administrators of an organisation or authority may register people")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("user", u != nil) {
		return nil, v.Err()
	}
	domain.ValidateUser(&v, "user", u)
	if err := v.Err(); err != nil {
		return nil, err
	}
	u.ID = aip.IDForRequest("CreateUser\x00"+p.Subject, requestID)
	stored, err := createUnique(ctx, r, r.st.Users, r.identities(), u.ID, u.IdentityKeys, u)
	if err != nil {
		return nil, err
	}
	return r.person(ctx, stored, pp.covers)
}

// everything shows every grant.
func everything(*domain.Grant) bool { return true }

func (r *Registry) person(ctx context.Context, u *domain.User, show func(*domain.Grant) bool) (*Person, error) {
	ps, err := r.persons(ctx, []domain.User{*u}, show)
	if err != nil {
		return nil, err
	}
	return &ps[0], nil
}

// GetUser returns a person with their active grants, as the caller may see them.
func (r *Registry) GetUser(ctx context.Context, p auth.Principal, name string) (*Person, error) {
	pp, err := r.peopleOf(ctx, p)
	if err != nil {
		return nil, err
	}
	u, shown, err := r.visibleUser(ctx, pp, "name", name)
	if err != nil {
		return nil, err
	}
	active, err := r.labelled(ctx, shown, true)
	if err != nil {
		return nil, err
	}
	return &Person{User: u, Grants: active}, nil
}

// ListUsers lists people: operators all of them or those holding a grant at an organisation
// or authority (filter organization = "organizations/{id}" or authority = "authorities/{id}");
// administrators must filter by their own organisation or authority.
func (r *Registry) ListUsers(ctx context.Context, p auth.Principal, in ListInput) (Page[Person], error) {
	cs, err := aip.ParseFilter(in.Filter, "organization", "authority")
	if err != nil {
		return Page[Person]{}, err
	}
	if len(cs) > 1 || (len(cs) == 1 && cs[0].Op != "=") {
		return Page[Person]{}, apierr.Field("filter", "FILTER_SYNTAX", "filter by a single organization = or authority = condition")
	}
	pp, err := r.peopleOf(ctx, p)
	if err != nil {
		return Page[Person]{}, err
	}
	if err := pp.mayList(cs); err != nil {
		return Page[Person]{}, err
	}
	digest := "users\x00" + aip.String(cs)
	var users Page[domain.User]
	if len(cs) == 0 {
		users, err = page(in, digest, func(pg storage.Page) ([]domain.User, bool, error) { return r.st.Users.List(ctx, nil, pg) },
			func(u *domain.User) string { return u.ID })
	} else {
		users, err = pageThrough(in, digest, func(pg storage.Page) ([]domain.User, string, bool, error) { return r.holding(ctx, cs[0], pg) })
	}
	if err != nil {
		return Page[Person]{}, err
	}
	ps, err := r.persons(ctx, users.Items, pp.covers)
	return Page[Person]{Items: ps, Next: users.Next}, err
}

// mayList checks that the caller may list the people a filter selects.
func (pp people) mayList(cs []aip.Condition) error {
	switch {
	case pp.all:
		return nil
	case !pp.administers():
		return apierr.PermissionDenied("only operators and the administrators of an organisation or authority may list people")
	case len(cs) == 1 && cs[0].Field == "organization" && slices.Contains(pp.orgs, cs[0].Value),
		len(cs) == 1 && cs[0].Field == "authority" && slices.Contains(pp.authorities, cs[0].Value):
		return nil
	}
	return apierr.PermissionDenied(`administrators list the people of their own organisation or authority: filter organization = "organizations/{id}" or authority = "authorities/{id}"`)
}

// holding reads one page of the people holding a grant at the organisation or authority c
// names: the grants there (a scope of their own), the holders in id order, then those people
// by _id.
func (r *Registry) holding(ctx context.Context, c aip.Condition, pg storage.Page) ([]domain.User, string, bool, error) {
	collection := map[string]string{"organization": "organizations", "authority": "authorities"}[c.Field]
	if _, err := aip.ParseName("filter", c.Value, collection); err != nil {
		return nil, "", false, err
	}
	gs, _, err := r.st.Grants.List(ctx, []storage.Cond{storage.Eq(c.Field, c.Value)}, storage.Page{Limit: maxMembersListed})
	if err != nil {
		return nil, "", false, fmt.Errorf("list grant holders: %w", err)
	}
	var ids []string
	for _, g := range gs {
		ids = appendID(ids, g.User, "users/")
	}
	slices.Sort(ids)
	ids = ids[sort.SearchStrings(ids, pg.After+"\x00"):] // after pg.After
	more := len(ids) > pg.Limit
	ids = ids[:min(len(ids), pg.Limit)]
	if len(ids) == 0 {
		return nil, "", false, nil
	}
	users, err := r.st.Users.GetMany(ctx, ids)
	return users, ids[len(ids)-1], more, err
}

// UpdateUser changes a person's name, phone, e-mail or identities (operators).
func (r *Registry) UpdateUser(ctx context.Context, p auth.Principal, up Update[domain.User]) (*Person, error) {
	if err := requireRole(p, auth.RoleAdmin); err != nil {
		return nil, err
	}
	if up.Value == nil {
		return nil, apierr.Field("user", "REQUIRED", "is required")
	}
	u, err := get(ctx, r.st.Users, "user.name", up.Name, "users")
	if err != nil {
		return nil, err
	}
	if err := aip.CheckEtag("user.etag", up.Etag, u.Version, up.Name); err != nil {
		return nil, err
	}
	oldKeys := u.IdentityKeys
	var v apierr.Violations
	domain.UserMask.Apply(&v, u, up.Value, up.Paths)
	domain.ValidateUser(&v, "user", u)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := saveUnique(ctx, r, r.st.Users, r.identities(), u.ID, oldKeys, u.IdentityKeys, u, up.Name); err != nil {
		return nil, err
	}
	return r.person(ctx, u, everything)
}

// LookupIdentity finds the person bound to an OpenID identity, with their active grants: for
// the gateway's token exchange (the service role only). NOT_FOUND when nobody is bound.
func (r *Registry) LookupIdentity(ctx context.Context, p auth.Principal, id *domain.Identity) (*Person, error) {
	if err := requireRole(p, auth.RoleService); err != nil {
		return nil, err
	}
	var v apierr.Violations
	if !v.Required("identity", id != nil) {
		return nil, v.Err()
	}
	domain.ValidateIdentity(&v, "identity", *id)
	if err := v.Err(); err != nil {
		return nil, err
	}
	u, err := r.userByIdentity(ctx, id.Key())
	if err != nil {
		return nil, fmt.Errorf("find identity: %w", err)
	}
	if u == nil {
		return nil, apierr.NotFound("identity")
	}
	return r.person(ctx, u, everything)
}

// userByIdentity returns the person bound to the identity whose key is key, or nil: the
// identity's claim names them (a read by _id), and they must still hold it.
func (r *Registry) userByIdentity(ctx context.Context, key string) (*domain.User, error) {
	u := r.identities()
	c, err := r.st.Claims.Get(ctx, u.key(key))
	if err != nil || c == nil {
		return nil, err
	}
	user, err := r.st.Users.Get(ctx, c.Owner)
	if err != nil || user == nil || !slices.Contains(user.IdentityKeys, key) {
		return nil, err
	}
	return user, nil
}

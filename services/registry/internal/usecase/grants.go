package usecase

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// CreateGrant grants the person parent a role: operators any role; an organisation's
// administrator BUSINESS or PRODUCER for that organisation; an authority's administrator its
// official roles. One person holds one grant per role and target: a retry with the same
// request id returns it, any other request for it is ALREADY_EXISTS.
func (r *Registry) CreateGrant(ctx context.Context, p auth.Principal, parent string, g *domain.Grant, requestID string) (*domain.Grant, error) {
	pp, err := r.peopleOf(ctx, p)
	if err != nil {
		return nil, err
	}
	if !pp.administers() {
		return nil, apierr.PermissionDenied("only operators and the administrators of an organisation or authority may grant roles")
	}
	if err := checkGrant(parent, g, requestID); err != nil {
		return nil, err
	}
	if !pp.covers(g) {
		return nil, apierr.PermissionDenied("administrators grant only the roles of their own organisation or authority")
	}
	u, err := get(ctx, r.st.Users, "parent", parent, "users")
	if err != nil {
		return nil, err
	}
	if err := r.checkGrantTarget(ctx, g); err != nil {
		return nil, err
	}
	g.User, g.ID = parent, u.ID+"/"+domain.GrantID(g)
	if requestID != "" {
		g.RequestKey = aip.IDForRequest("CreateGrant\x00"+p.Subject+"\x00"+parent, requestID)
	}
	if held, err := r.st.Grants.Get(ctx, g.ID); err != nil || held != nil {
		return retried(g, held, err)
	}
	if held, err := r.grantsOf(ctx, parent); err != nil {
		return nil, err
	} else if len(held) >= domain.MaxGrantsPerUser {
		return nil, apierr.FailedPrecondition("GRANT_LIMIT", fmt.Sprintf("%s already holds %d grants, the most one person may", parent, len(held)), nil)
	}
	g.CreateTime, g.Version = r.now().UTC(), 1
	stored, created, err := r.st.Grants.Insert(ctx, g.ID, g)
	if err != nil || !created {
		return retried(g, stored, err)
	}
	return stored, nil
}

// retried answers a create of g that found held, a grant of the same person, role and target:
// the request's retry gets it, any other request ALREADY_EXISTS.
func retried(g, held *domain.Grant, err error) (*domain.Grant, error) {
	switch {
	case err != nil:
		return nil, fmt.Errorf("grant %s: %w", g.ID, err)
	case g.RequestKey == "" || held.RequestKey != g.RequestKey:
		return nil, apierr.AlreadyExists(held.Name())
	}
	return held, nil
}

// checkGrant validates a grant request's shape (g nil: the request had none).
func checkGrant(parent string, g *domain.Grant, requestID string) error {
	if _, err := aip.ParseName("parent", parent, "users"); err != nil {
		return err
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("grant", g != nil) {
		return v.Err()
	}
	domain.ValidateGrant(&v, "grant", g)
	for field, x := range map[string]struct{ name, collection string }{
		"grant.organization": {g.Organization, "organizations"}, "grant.household": {g.Household, "households"}, "grant.authority": {g.Authority, "authorities"},
	} {
		if _, err := aip.ParseName(field, x.name, x.collection); x.name != "" && err != nil {
			v.Add(field, "RESOURCE_NAME", "must be %s/{id}", x.collection)
		}
	}
	return v.Err()
}

// checkGrantTarget checks that the target of g exists and fits its role, and derives what it
// derives from it (admin area, display name).
func (r *Registry) checkGrantTarget(ctx context.Context, g *domain.Grant) error {
	t, err := r.targetsOf(ctx, []domain.Grant{*g})
	if err != nil {
		return err
	}
	var v apierr.Violations
	domain.CheckGrantTarget(&v, "grant", g, t.of(g))
	return v.Err()
}

// ListGrants lists a person's grants, as the caller may see them (the person themselves,
// operators, and administrators the grants at their organisation or authority), active or not.
func (r *Registry) ListGrants(ctx context.Context, p auth.Principal, parent string, in ListInput) (Page[domain.Grant], error) {
	pp, err := r.peopleOf(ctx, p)
	if err != nil {
		return Page[domain.Grant]{}, err
	}
	_, shown, err := r.visibleUser(ctx, pp, "parent", parent)
	if err != nil {
		return Page[domain.Grant]{}, err
	}
	if shown, err = r.labelled(ctx, shown, false); err != nil {
		return Page[domain.Grant]{}, err
	}
	key := func(g *domain.Grant) string { return g.ID }
	return page(in, "grants\x00"+parent, inMemory(shown, key), key)
}

// inMemory pages through items, which are in key order.
func inMemory[T any](items []T, key func(*T) string) func(storage.Page) ([]T, bool, error) {
	return func(pg storage.Page) ([]T, bool, error) {
		i := 0
		for i < len(items) && pg.After != "" && key(&items[i]) <= pg.After {
			i++
		}
		rest := items[i:]
		if len(rest) > pg.Limit {
			return rest[:pg.Limit], true, nil
		}
		return rest, false, nil
	}
}

// DeleteGrant revokes a grant: operators any; an administrator those at its organisation or
// authority. A person cannot revoke their own grants.
func (r *Registry) DeleteGrant(ctx context.Context, p auth.Principal, name, etag string) error {
	ids, err := aip.ParseName("name", name, "users", "grants")
	if err != nil {
		return err
	}
	pp, err := r.peopleOf(ctx, p)
	if err != nil {
		return err
	}
	self := pp.self == userName(ids[0])
	if !self && !pp.administers() {
		return apierr.PermissionDenied("only operators and the administrators of an organisation or authority may revoke grants")
	}
	g, err := r.st.Grants.Get(ctx, ids[0]+"/"+ids[1])
	if err != nil {
		return fmt.Errorf("get grant: %w", err)
	}
	switch {
	case g == nil, !self && !pp.covers(g):
		return apierr.NotFound(name)
	case !pp.covers(g):
		return apierr.PermissionDenied("a person cannot revoke their own grants; an administrator can")
	}
	if err := aip.CheckEtag("etag", etag, g.Version, name); err != nil {
		return err
	}
	return remove(ctx, r.st.Grants, g.ID, g.Version, name)
}

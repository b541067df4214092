package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// Who may do what with people (users/{user} and their grants):
//
//   - operators (role admin): everything, and they create the first people and grant ADMIN;
//   - a person (subject users/{id}) reads themselves: GetUser, ListGrants;
//   - an organisation's administrator — a person holding an active administrator grant for the
//     organisation, acting for it (the token names the organisation) — registers people,
//     reads and lists the people holding grants there (with those grants only), and grants
//     and revokes BUSINESS/PRODUCER roles for that organisation; an authority's administrator
//     likewise for the official roles of that authority (the token names its area);
//   - LookupIdentity: the service role only (the gateway's token exchange).
//
// Everything else is PERMISSION_DENIED, or NOT_FOUND where the person's existence must not
// leak (an administrator asking for someone who holds nothing there).

// people is what a principal may do with people.
type people struct {
	all         bool     // an operator
	self        string   // the caller's own users/{id} ("" for keys and services)
	orgs        []string // organizations/{id} it administers
	authorities []string // authorities/{id} it administers
}

// administers reports whether the caller may register people and manage grants at all.
func (pp people) administers() bool { return pp.all || len(pp.orgs)+len(pp.authorities) > 0 }

// covers reports whether grant g is at an organisation or authority the caller administers.
func (pp people) covers(g *domain.Grant) bool {
	return pp.all || (g.Organization != "" && slices.Contains(pp.orgs, g.Organization)) ||
		(g.Authority != "" && slices.Contains(pp.authorities, g.Authority))
}

// officialRoles maps the official grant roles to the token roles that act in them.
var officialRoles = map[string]auth.Role{domain.GrantCommuneOfficial: auth.RoleCommuneOfficial, domain.GrantProvinceOfficial: auth.RoleProvinceOfficial}

// peopleOf works out what p may do with people, from the caller's own grants: an active
// administrator grant counts for the organisation the token acts for, or for the authority of
// the officials' area and role the token carries.
func (r *Registry) peopleOf(ctx context.Context, p auth.Principal) (people, error) {
	if p.Is(auth.RoleAdmin) {
		return people{all: true}, nil
	}
	if !strings.HasPrefix(p.Subject, "users/") {
		return people{}, nil
	}
	pp := people{self: p.Subject}
	if !p.Is(auth.RoleBusiness, auth.RoleProducer, auth.RoleCommuneOfficial, auth.RoleProvinceOfficial) {
		return pp, nil
	}
	own, err := r.grantsOf(ctx, p.Subject)
	if err != nil {
		return people{}, err
	}
	own = slices.DeleteFunc(own, func(g domain.Grant) bool { return !g.Administrator })
	t, err := r.targetsOf(ctx, own)
	if err != nil {
		return people{}, err
	}
	for i := range own {
		g := &own[i]
		switch {
		case !t.of(g).Active(g):
		case g.Organization != "" && p.ActsFor(g.Organization):
			pp.orgs = append(pp.orgs, g.Organization)
		case g.Authority != "" && officialRoles[g.Role] == p.Role && g.AdminAreaCode == p.AdminArea:
			pp.authorities = append(pp.authorities, g.Authority)
		}
	}
	return pp, nil
}

// grantsOf returns every grant of the people users (users/{id}).
func (r *Registry) grantsOf(ctx context.Context, users ...string) ([]domain.Grant, error) {
	if len(users) == 0 {
		return nil, nil
	}
	// Concurrent creates may each pass the per-person check: allow for that before calling
	// the data inconsistent.
	limit := 2 * domain.MaxGrantsPerUser * len(users)
	who := storage.In("user", users)
	if len(users) == 1 {
		who = storage.Eq("user", users[0]) // an equality the embedded store pushes down
	}
	gs, more, err := r.st.Grants.List(ctx, []storage.Cond{who}, storage.Page{Limit: limit})
	if err != nil {
		return nil, fmt.Errorf("list grants: %w", err)
	}
	if more {
		return nil, fmt.Errorf("more than %d grants for %d people", limit, len(users))
	}
	return gs, nil
}

// targets are the organisations, households and authorities some grants apply to, by name.
type targets struct {
	orgs        map[string]*domain.Organization
	households  map[string]*domain.Household
	authorities map[string]*domain.Authority
}

func (t targets) of(g *domain.Grant) domain.GrantTarget {
	return domain.GrantTarget{Organization: t.orgs[g.Organization], Household: t.households[g.Household], Authority: t.authorities[g.Authority]}
}

// targetsOf loads what gs apply to (one query per kind).
func (r *Registry) targetsOf(ctx context.Context, gs []domain.Grant) (t targets, err error) {
	var orgs, households, authorities []string
	for _, g := range gs {
		orgs = appendID(orgs, g.Organization, "organizations/")
		households = appendID(households, g.Household, "households/")
		authorities = appendID(authorities, g.Authority, "authorities/")
	}
	if t.orgs, err = byName(ctx, r.st.Orgs, "organizations/", orgs, func(o *domain.Organization) string { return o.ID }); err != nil {
		return t, err
	}
	if t.households, err = byName(ctx, r.st.Households, "households/", households, func(h *domain.Household) string { return h.ID }); err != nil {
		return t, err
	}
	t.authorities, err = byName(ctx, r.st.Authorities, "authorities/", authorities, func(a *domain.Authority) string { return a.ID })
	return t, err
}

func appendID(ids []string, name, prefix string) []string {
	id, ok := strings.CutPrefix(name, prefix)
	if !ok || slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// byName loads the documents ids of t, keyed by resource name (prefix + id).
func byName[T any](ctx context.Context, t storage.Table[T], prefix string, ids []string, id func(*T) string) (map[string]*T, error) {
	out := map[string]*T{}
	if len(ids) == 0 {
		return out, nil
	}
	items, err := t.GetMany(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load grant targets: %w", err)
	}
	for i := range items {
		out[prefix+id(&items[i])] = &items[i]
	}
	return out, nil
}

// labelled refreshes the display names of gs from their targets (which may have been renamed)
// and, when activeOnly, keeps only the grants that can be acted in.
func (r *Registry) labelled(ctx context.Context, gs []domain.Grant, activeOnly bool) ([]domain.Grant, error) {
	t, err := r.targetsOf(ctx, gs)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Grant, 0, len(gs))
	for _, g := range gs {
		tg := t.of(&g)
		if activeOnly && !tg.Active(&g) {
			continue
		}
		g.DisplayName = domain.GrantLabel(&g, tg)
		out = append(out, g)
	}
	return out, nil
}

// Person is a user with the active grants the caller may see.
type Person struct {
	User   *domain.User
	Grants []domain.Grant
}

// persons attaches to each user its active grants that show admits.
func (r *Registry) persons(ctx context.Context, users []domain.User, show func(*domain.Grant) bool) ([]Person, error) {
	names := make([]string, 0, len(users))
	for _, u := range users {
		names = append(names, userName(u.ID))
	}
	gs, err := r.grantsOf(ctx, names...)
	if err != nil {
		return nil, err
	}
	gs = slices.DeleteFunc(gs, func(g domain.Grant) bool { return !show(&g) })
	if gs, err = r.labelled(ctx, gs, true); err != nil {
		return nil, err
	}
	out := make([]Person, len(users))
	for i := range users {
		out[i].User = &users[i]
		for _, g := range gs {
			if g.User == names[i] {
				out[i].Grants = append(out[i].Grants, g)
			}
		}
	}
	return out, nil
}

// visibleUser loads the person name as the caller may see them, and the grants it may see:
// all of them for operators and the person themselves, those it administers for an
// administrator (someone holding none of those is NOT_FOUND).
func (r *Registry) visibleUser(ctx context.Context, pp people, field, name string) (*domain.User, []domain.Grant, error) {
	self := pp.self != "" && pp.self == name
	if !self && !pp.administers() {
		return nil, nil, apierr.PermissionDenied("a person is visible to themselves, operators and the administrators of their organisations and authorities")
	}
	u, err := get(ctx, r.st.Users, field, name, "users")
	if err != nil {
		return nil, nil, err
	}
	gs, err := r.grantsOf(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if self || pp.all {
		return u, gs, nil
	}
	gs = slices.DeleteFunc(gs, func(g domain.Grant) bool { return !pp.covers(&g) })
	if len(gs) == 0 {
		return nil, nil, apierr.NotFound(name) // holds nothing the caller administers
	}
	return u, gs, nil
}

func userName(id string) string { return "users/" + id }

package usecase

import (
	"context"
	"slices"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Who may do what. Services enforce this themselves on every call (never only the gateway).

// actor is the domain's view of the verified caller.
func actor(p auth.Principal) domain.Actor {
	return domain.Actor{Subject: p.Subject, Role: string(p.Role), Organization: p.Organization, Household: p.Household, AdminArea: p.AdminArea}
}

func isParty(p auth.Principal, c *domain.Contract) bool {
	return p.ActsFor(c.Terms.Buyer) || p.ActsFor(c.Terms.Producer)
}

// maySee: operators and services; users and partner keys of the buyer or producer; officials
// of the producer's commune or province; households in the contract. Everyone else is told the
// contract does not exist.
func maySee(p auth.Principal, c *domain.Contract) bool {
	switch {
	case p.Privileged(), isParty(p, c):
		return true
	case p.Is(auth.RoleCommuneOfficial):
		return p.AdminArea == c.ProducerCommuneCode
	case p.Is(auth.RoleProvinceOfficial):
		return p.AdminArea == c.ProducerProvinceCode
	case p.Is(auth.RoleHousehold):
		return slices.Contains(c.Households, p.Household)
	}
	return false
}

// mayEdit: operators, and the buyer's or producer's users and partner keys.
func mayEdit(p auth.Principal, c *domain.Contract) bool {
	return p.Is(auth.RoleAdmin) || isParty(p, c)
}

// mayOpen: a contract is opened by its buyer or producer (or an operator or a service, e.g.
// matchmaking on a proposal's acceptance), and an edit keeps the editor a party.
func mayOpen(p auth.Principal, t domain.Terms) bool {
	return p.Privileged() || p.ActsFor(t.Buyer) || p.ActsFor(t.Producer)
}

func isBuyer(p auth.Principal, c *domain.Contract) bool {
	return p.Is(auth.RoleAdmin) || p.ActsFor(c.Terms.Buyer)
}

func isProducer(p auth.Principal, c *domain.Contract) bool {
	return p.Is(auth.RoleAdmin) || p.ActsFor(c.Terms.Producer)
}

// visibility restricts a listing to the contracts p may see; false: p may not list.
func visibility(p auth.Principal) (storage.Visibility, bool) {
	switch p.Role {
	case auth.RoleAdmin, auth.RoleService:
		return storage.Visibility{By: storage.VisibleAll}, true
	case auth.RoleBusiness, auth.RoleProducer, auth.RolePartner:
		return storage.Visibility{By: storage.VisibleToParty, Value: p.Organization}, true
	case auth.RoleCommuneOfficial:
		return storage.Visibility{By: storage.VisibleToCommune, Value: p.AdminArea}, true
	case auth.RoleProvinceOfficial:
		return storage.Visibility{By: storage.VisibleToProvince, Value: p.AdminArea}, true
	case auth.RoleHousehold:
		return storage.Visibility{By: storage.VisibleToHousehold, Value: p.Household}, true
	}
	return storage.Visibility{}, false
}

// officialOf admits only officials of the producer's commune (others are denied explicitly:
// they can see that the contract exists only if their scope allows).
func officialOf(p auth.Principal, c *domain.Contract) error {
	if !p.Is(auth.RoleCommuneOfficial) || p.AdminArea != c.ProducerCommuneCode {
		return apierr.PermissionDenied("only an official of the producer's commune (" + c.ProducerCommuneCode + ") may do this")
	}
	return nil
}

func editorOnly(p auth.Principal) func(c *domain.Contract) error {
	return func(c *domain.Contract) error {
		if !mayEdit(p, c) {
			return apierr.PermissionDenied("only the buyer, the producer or an operator may do this")
		}
		return nil
	}
}

func officialOnly(p auth.Principal) func(c *domain.Contract) error {
	return func(c *domain.Contract) error { return officialOf(p, c) }
}

// load returns the contract name refers to if p may see it; otherwise NOT_FOUND (existence
// must not leak). field is the request field that names it.
func (s *Service) load(ctx context.Context, p auth.Principal, field, name string) (*domain.Contract, error) {
	ids, err := aip.ParseName(field, name, "contracts")
	if err != nil {
		return nil, err
	}
	c, err := s.st.GetContract(ctx, ids[0])
	if err != nil {
		return nil, err
	}
	if c == nil || !maySee(p, c) {
		return nil, apierr.NotFound(name)
	}
	return c, nil
}

// loadFor loads the contract as load does, then lets only callers allow admits act on it
// (PERMISSION_DENIED with denied).
func (s *Service) loadFor(ctx context.Context, p auth.Principal, field, name string, allow func(auth.Principal, *domain.Contract) bool, denied string) (*domain.Contract, error) {
	c, err := s.load(ctx, p, field, name)
	if err != nil {
		return nil, err
	}
	if !allow(p, c) {
		return nil, apierr.PermissionDenied(denied)
	}
	return c, nil
}

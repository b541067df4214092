package usecase

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// What the marketplace shows (README, "Who sees what"):
//
//   - Open demands are visible to the producer side (producer organisations and their API
//     keys), to officials and to their owner — never to other buyers, who must not see
//     competitors' demands and prices. A demand that is no longer open stays visible to its
//     owner, officials and the producers that made a proposal for it.
//   - Offers are visible to the buying side (businesses and their API keys), to officials and
//     to their owner — with their counts and inclusion shares; the households behind an offer
//     only to its owner, operators, and a buyer whose proposal for it was accepted.
//   - Households see neither: they act in the market through their organisation.
//
// Operators and services see everything.

// side is the part of the market a principal takes.
type side int

const (
	sideNone      side = iota // households
	sideBuyer                 // businesses and their API keys
	sideProducer              // producer organisations and their API keys
	sideOversight             // commune and province officials
	sideAll                   // operators and services
)

// sideOf places p in the market. A partner key acts for an organisation whose kind says its
// side (asked of the registry).
func (u *Service) sideOf(ctx context.Context, p auth.Principal) (side, error) {
	switch {
	case p.Privileged():
		return sideAll, nil
	case p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial):
		return sideOversight, nil
	case p.Is(auth.RoleBusiness):
		return sideBuyer, nil
	case p.Is(auth.RoleProducer):
		return sideProducer, nil
	case p.Is(auth.RolePartner):
		return u.partnerSide(ctx, p.Organization)
	}
	return sideNone, nil
}

// partnerSide is the side of the organisation a partner key acts for. An organisation's kind
// never changes, so it is remembered: a partner's calls keep their answers through a registry
// outage once its organisation has been seen.
func (u *Service) partnerSide(ctx context.Context, org string) (side, error) {
	if s, ok := u.sides.Load(org); ok {
		return s.(side), nil
	}
	o, err := u.registry.Organization(ctx, org)
	if err != nil {
		return sideNone, fmt.Errorf("partner organisation: %w", err)
	}
	if o == nil {
		return sideNone, nil
	}
	s := sideProducer
	if o.Business {
		s = sideBuyer
	}
	u.sides.Store(org, s)
	return s, nil
}

func demandOpen(d *domain.Demand) bool {
	return d.State == domain.DemandOpen || d.State == domain.DemandPartiallyAllocated
}

// mayViewDemand reports whether p may see demand d.
func (u *Service) mayViewDemand(ctx context.Context, p auth.Principal, d *domain.Demand) (bool, error) {
	s, err := u.sideOf(ctx, p)
	switch {
	case err != nil:
		return false, err
	case s == sideAll || s == sideOversight || p.ActsFor(d.Buyer):
		return true, nil
	case s != sideProducer:
		return false, nil
	case demandOpen(d):
		return true, nil
	}
	return u.st.HasProposal(ctx, storage.ProposalFilter{Demand: domain.DemandName(d.ID), Party: p.Organization})
}

// visibleDemand loads demand name for p: NOT_FOUND when p may not see it.
func (u *Service) visibleDemand(ctx context.Context, p auth.Principal, field, name string) (*domain.Demand, error) {
	d, err := u.getDemand(ctx, field, name)
	if err != nil {
		return nil, err
	}
	ok, err := u.mayViewDemand(ctx, p, d)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.NotFound(name) // competitors' demands must not even be known to exist
	}
	return d, nil
}

// scopeDemands narrows a demand listing to what p may see: a buyer lists its own demands, the
// producer side open ones.
func (u *Service) scopeDemands(ctx context.Context, p auth.Principal, f *storage.MarketFilter) error {
	s, err := u.sideOf(ctx, p)
	switch {
	case err != nil:
		return err
	case s == sideBuyer:
		f.ScopeOwner = p.Organization
	case s == sideProducer:
		f.ScopeOpen = true
	case s == sideNone:
		return apierr.PermissionDenied("households see demands through their organisation")
	}
	return nil
}

// scopeOffers narrows an offer listing to what p may see: a producer lists its own offers.
func (u *Service) scopeOffers(ctx context.Context, p auth.Principal, f *storage.MarketFilter) error {
	s, err := u.sideOf(ctx, p)
	switch {
	case err != nil:
		return err
	case s == sideProducer:
		f.ScopeOwner = p.Organization
	case s == sideNone:
		return apierr.PermissionDenied("households see offers through their organisation")
	}
	return nil
}

// visibleOffer loads offer name for p: NOT_FOUND when p may not see it; the households behind
// it withheld unless p may see them.
func (u *Service) visibleOffer(ctx context.Context, p auth.Principal, field, name string) (*domain.Offer, error) {
	o, err := u.getOffer(ctx, field, name)
	if err != nil {
		return nil, err
	}
	s, err := u.sideOf(ctx, p)
	if err != nil {
		return nil, err
	}
	if s == sideNone || (s == sideProducer && !p.ActsFor(o.Producer)) {
		return nil, apierr.NotFound(name)
	}
	return o, u.withholdHouseholds(ctx, p, s, []*domain.Offer{o})
}

// withholdHouseholds clears the households behind each offer that p may not see them for:
// only the offer's owner, operators, and a buyer whose proposal for it was accepted see them.
func (u *Service) withholdHouseholds(ctx context.Context, p auth.Principal, s side, offers []*domain.Offer) error {
	if s == sideAll {
		return nil
	}
	var accepted map[string]bool
	if s == sideBuyer {
		names := make([]string, 0, len(offers))
		for _, o := range offers {
			names = append(names, domain.OfferName(o.ID))
		}
		var err error
		if accepted, err = u.st.OffersAcceptedFor(ctx, p.Organization, names); err != nil {
			return err
		}
	}
	for _, o := range offers {
		if !p.ActsFor(o.Producer) && !accepted[domain.OfferName(o.ID)] {
			o.HouseholdsWithheld = len(o.Households)
			o.Households = nil
		}
	}
	return nil
}

// withholdFromList applies withholdHouseholds to a page of offers.
func (u *Service) withholdFromList(ctx context.Context, p auth.Principal, items []domain.Offer) error {
	s, err := u.sideOf(ctx, p)
	if err != nil {
		return err
	}
	ptrs := make([]*domain.Offer, len(items))
	for i := range items {
		ptrs[i] = &items[i]
	}
	return u.withholdHouseholds(ctx, p, s, ptrs)
}

package usecase

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Candidate is an offer that passes a demand's hard constraints, with its score.
type Candidate struct {
	Offer     *domain.Offer
	Score     float64
	Breakdown domain.Breakdown
	unitCost  int64
	poor      bool
}

// AllocationLine is a suggested quantity from an offer to a demand.
type AllocationLine struct {
	Demand, Offer            string
	Quantity, UnitCost, Cost int64
}

// Match is a demand's ranked candidates and the optimal allocation of its open quantity.
type Match struct {
	// Candidates are the best-scored offers, best first.
	Candidates []Candidate
	Lines      []AllocationLine
	// Plan totals: cost, unallocated quantity, inclusion shortfall.
	Plan domain.Plan
	// Optimal is false only when the search budget ran out (see domain.AllocateBounded).
	Optimal bool
}

// MatchDemand ranks the open offers of a demand's product that pass its hard constraints and
// allocates its open quantity across them at the least cost under capacities, the minimum lot
// and the inclusion share (its buyer, or an operator or service). max is how many candidates
// to return (0: the default).
func (u *Service) MatchDemand(ctx context.Context, p auth.Principal, name string, max int32) (*Match, error) {
	d, err := u.visibleDemand(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	if !p.Privileged() && !p.ActsFor(d.Buyer) {
		return nil, apierr.PermissionDenied("only the demand's buyer may match it")
	}
	n, err := domain.MatchCandidates(max)
	if err != nil {
		return nil, err
	}
	cands, err := u.candidates(ctx, d)
	if err != nil {
		return nil, err
	}
	plan, optimal, err := u.allocate(ctx, d, cands)
	if err != nil {
		return nil, err
	}
	m := &Match{Candidates: cands[:min(n, len(cands))], Plan: plan, Optimal: optimal}
	costs := map[string]int64{}
	for _, c := range cands {
		costs[c.Offer.ID] = c.unitCost
	}
	for _, l := range plan.Lines {
		m.Lines = append(m.Lines, AllocationLine{Demand: name, Offer: domain.OfferName(l.ID), Quantity: l.Quantity, UnitCost: costs[l.ID], Cost: l.Cost})
	}
	s, err := u.sideOf(ctx, p)
	if err != nil {
		return nil, err
	}
	shown := make([]*domain.Offer, len(m.Candidates))
	for i := range m.Candidates {
		o := *m.Candidates[i].Offer // the ranking's copy stays whole
		m.Candidates[i].Offer, shown[i] = &o, &o
	}
	return m, u.withholdHouseholds(ctx, p, s, shown)
}

// candidates are the offers that pass demand d's hard constraints, scored, best first. They
// are read a page at a time from the open offers of d's product whose harvest window touches
// d's delivery months (an index range, not every open offer of the product), and only those
// that pass are kept; more than MaxOffers of them is refused rather than allocated over a cut
// list.
func (u *Service) candidates(ctx context.Context, d *domain.Demand) ([]Candidate, error) {
	f := u.newFacts()
	var cands []Candidate
	err := u.st.CandidateOffers(ctx, d.Product, d.DeliveryWindow.Months(), func(page []domain.Offer) error {
		cands = append(cands, u.score(ctx, f, d, page)...)
		if len(cands) > u.set.MaxOffers {
			return tooMany(u.set.MaxOffers, "candidate offers of "+d.Product, "allocate with :allocate over named offers")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("candidate offers: %w", err)
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].Score > cands[j].Score })
	return cands, nil
}

// score scores the offers that pass demand d's hard constraints.
func (u *Service) score(ctx context.Context, f *facts, d *domain.Demand, offers []domain.Offer) []Candidate {
	var cands []Candidate
	for i := range offers {
		o := &offers[i]
		if !f.compatible(ctx, d, o) {
			continue
		}
		poor, minority := f.offerShares(ctx, o)
		of := domain.OfferFacts{
			DistanceKm:  f.distance(ctx, o.CommuneCode, d.DeliveryCommuneCode),
			StandardFit: f.standardFit(ctx, d.RequiredStandard, o),
			PoorShare:   poor, MinorityShare: minority, WomenLed: f.womenLed(ctx, o.Producer),
			DeliveryRecord: f.deliveryRecord(ctx, o.Producer),
		}
		sc, b := domain.Score(d, o, of, u.set.Weights)
		cands = append(cands, Candidate{Offer: o, Score: sc, Breakdown: b, unitCost: domain.UnitCost(d, o, of.DistanceKm, u.set.TransportVNDPerUnitKm), poor: domain.IsPoorGroup(poor)})
	}
	return cands
}

// allocate finds the optimal allocation of demand d's open quantity over the candidates: with
// the exact single-demand search, or — when there are too many candidates for it — with the
// batch search and its budget, which gives the best plan it finds and whether it is proven
// optimal.
func (u *Service) allocate(ctx context.Context, d *domain.Demand, cands []Candidate) (domain.Plan, bool, error) {
	prob := domain.Problem{Quantity: d.Open(), MinLot: d.MinLotQuantity, MinPoorShareBps: int64(d.MinPoorShareBps)}
	for _, c := range cands {
		prob.Supplies = append(prob.Supplies, domain.Supply{ID: c.Offer.ID, Capacity: c.Offer.Available(), UnitCost: c.unitCost, Poor: c.poor})
	}
	plan, err := domain.Allocate(prob)
	optimal := true
	if errors.Is(err, domain.ErrTooLarge) {
		plan, optimal, err = domain.AllocateBounded(ctx, prob, u.set.BatchMaxNodes)
	}
	if errors.Is(err, domain.ErrTooLarge) {
		return domain.Plan{}, false, apierr.FailedPrecondition("ALLOCATION_TOO_LARGE", "quantities and prices too large to allocate exactly; narrow the demand and retry", nil)
	}
	if err != nil {
		return domain.Plan{}, false, fmt.Errorf("allocate: %w", err)
	}
	return plan, optimal, nil
}

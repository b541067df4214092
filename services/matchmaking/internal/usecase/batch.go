package usecase

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// BatchInput names the demands and offers of a batch; none named means every open one.
type BatchInput struct {
	Demands, Offers []string
}

// Batch is the allocation of many demands against many offers.
type Batch struct {
	Lines     []AllocationLine
	TotalCost int64
	// Unallocated and InclusionShortfall are per demand name, for the demands with some.
	Unallocated, InclusionShortfall map[string]int64
	// Optimal is false only when the search budget ran out; LowerBound is proven.
	Optimal    bool
	LowerBound domain.BatchValue
	Nodes      int
}

// BatchAllocate suggests an optimal allocation of many demands against many offers under
// capacities, minimum lots and inclusion shares (see domain.BatchAllocate for the ranking and
// the proof of optimality): operators and services only. It reserves nothing.
func (u *Service) BatchAllocate(ctx context.Context, p auth.Principal, in BatchInput) (*Batch, error) {
	if !p.Is(auth.RoleAdmin, auth.RoleService) {
		return nil, apierr.PermissionDenied("role " + string(p.Role) + " may not call this method")
	}
	if len(in.Demands) > domain.MaxBatchDemands || len(in.Offers) > u.set.MaxOffers {
		return nil, apierr.Field("demands", "MAX_ITEMS", "at most %d demands and %d offers per batch", domain.MaxBatchDemands, u.set.MaxOffers)
	}
	demands, err := u.batchDemands(ctx, in.Demands)
	if err != nil {
		return nil, err
	}
	offers, err := u.batchOffers(ctx, in.Offers, demands)
	if err != nil {
		return nil, err
	}
	plan, err := domain.BatchAllocate(ctx, u.batchProblem(ctx, demands, offers))
	if errors.Is(err, domain.ErrTooLarge) {
		return nil, apierr.FailedPrecondition("ALLOCATION_TOO_LARGE", "quantities and prices too large for an exact allocation in one batch; split the batch", nil)
	}
	if err != nil {
		return nil, fmt.Errorf("batch allocate: %w", err)
	}
	if !plan.Optimal {
		u.log.InfoContext(ctx, "batch allocation search budget reached", "nodes", plan.Nodes, "demands", len(demands), "offers", len(offers))
	}
	return batchResult(plan, demands, offers), nil
}

// batchDemands loads the named demands, or every open one.
func (u *Service) batchDemands(ctx context.Context, names []string) ([]domain.Demand, error) {
	if len(names) == 0 {
		ds, more, err := u.st.OpenDemands(ctx, domain.MaxBatchDemands)
		if err != nil {
			return nil, fmt.Errorf("list open demands: %w", err)
		}
		if more {
			return nil, tooMany(domain.MaxBatchDemands, "open demands", "name the demands to allocate, in several batches")
		}
		return ds, nil
	}
	var out []domain.Demand
	for _, n := range names {
		d, err := u.getDemand(ctx, "demands", n)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, nil
}

// batchOffers loads the named offers or, with none named, the open offers some of the demands
// could use: those of each demand's product whose harvest window touches its delivery months,
// streamed a page at a time and kept only if they pass a demand's hard constraints (never
// every open offer of the country at once).
func (u *Service) batchOffers(ctx context.Context, names []string, demands []domain.Demand) ([]domain.Offer, error) {
	if len(names) == 0 {
		return u.usableOffers(ctx, demands)
	}
	var out []domain.Offer
	for _, n := range names {
		o, err := u.getOffer(ctx, "offers", n)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// usableOffers are the open offers that pass the hard constraints of one of demands at least.
func (u *Service) usableOffers(ctx context.Context, demands []domain.Demand) ([]domain.Offer, error) {
	f := u.newFacts()
	usable := func(o *domain.Offer) bool {
		for i := range demands {
			if f.compatible(ctx, &demands[i], o) {
				return true
			}
		}
		return false
	}
	var out []domain.Offer
	products, months := deliveryMonths(demands)
	for _, p := range products {
		err := u.st.CandidateOffers(ctx, p, months[p], func(page []domain.Offer) error {
			for i := range page {
				if usable(&page[i]) {
					out = append(out, page[i])
				}
			}
			if len(out) > u.set.MaxOffers {
				return tooMany(u.set.MaxOffers, "usable open offers", "name the offers to allocate from")
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("candidate offers: %w", err)
		}
	}
	return out, nil
}

// deliveryMonths are the products of demands and, per product, the months of their delivery
// windows.
func deliveryMonths(demands []domain.Demand) ([]string, map[string][]string) {
	months := map[string][]string{}
	var products []string
	for _, d := range demands {
		if _, ok := months[d.Product]; !ok {
			products = append(products, d.Product)
			months[d.Product] = nil
		}
		for _, m := range d.DeliveryWindow.Months() {
			if !slices.Contains(months[d.Product], m) {
				months[d.Product] = append(months[d.Product], m)
			}
		}
	}
	return products, months
}

// batchProblem builds the allocator's view of the batch: open quantities, capacities, and an
// arc for each pair that passes the hard constraints, at its unit cost. Households' poverty is
// looked up only for the offers a demand with an inclusion share could use.
func (u *Service) batchProblem(ctx context.Context, demands []domain.Demand, offers []domain.Offer) domain.BatchProblem {
	f := u.newFacts()
	prob := domain.BatchProblem{MaxNodes: u.set.BatchMaxNodes, Offers: make([]domain.BatchOffer, len(offers))}
	for i := range demands {
		d := &demands[i]
		prob.Demands = append(prob.Demands, domain.BatchDemand{Quantity: max(d.Open(), 0), MinLot: d.MinLotQuantity, MinPoorShareBps: int64(d.MinPoorShareBps)})
	}
	poorKnown := make([]bool, len(offers))
	for i := range offers {
		prob.Offers[i].Capacity = max(offers[i].Available(), 0)
	}
	for di := range demands {
		d := &demands[di]
		for oi := range offers {
			o := &offers[oi]
			if !f.compatible(ctx, d, o) {
				continue
			}
			if d.MinPoorShareBps > 0 && !poorKnown[oi] {
				poor, _ := f.offerShares(ctx, o)
				prob.Offers[oi].Poor, poorKnown[oi] = domain.IsPoorGroup(poor), true
			}
			km := f.distance(ctx, o.CommuneCode, d.DeliveryCommuneCode)
			prob.Arcs = append(prob.Arcs, domain.Arc{Demand: di, Offer: oi, UnitCost: domain.UnitCost(d, o, km, u.set.TransportVNDPerUnitKm)})
		}
	}
	return prob
}

// batchResult names the plan's demands and offers.
func batchResult(plan domain.BatchPlan, demands []domain.Demand, offers []domain.Offer) *Batch {
	b := &Batch{TotalCost: plan.Cost, Unallocated: map[string]int64{}, InclusionShortfall: map[string]int64{},
		Optimal: plan.Optimal, LowerBound: plan.LowerBound, Nodes: plan.Nodes}
	for _, l := range plan.Lines {
		b.Lines = append(b.Lines, AllocationLine{Demand: domain.DemandName(demands[l.Demand].ID), Offer: domain.OfferName(offers[l.Offer].ID),
			Quantity: l.Quantity, UnitCost: l.Cost / l.Quantity, Cost: l.Cost})
	}
	for i, d := range demands {
		if left := plan.Unallocated[i]; left > 0 {
			b.Unallocated[domain.DemandName(d.ID)] = left
		}
		if short := plan.InclusionShortfall[i]; short > 0 {
			b.InclusionShortfall[domain.DemandName(d.ID)] = short
		}
	}
	return b
}

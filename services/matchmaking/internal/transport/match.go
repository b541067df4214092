package transport

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// facts caches registry lookups for one request.
type facts struct {
	s         *Server
	areas     map[string]*registryv1.AdminArea
	standards map[string][]string
	orgs      map[string]*registryv1.Organization
	poverty   map[string][2]float64 // offer id → (poor share, minority share)
	records   map[string]float64    // producer → delivery record
	// households caches registry households by name (nil: not shown).
	households map[string]*registryv1.Household
}

func (s *Server) newFacts() *facts {
	return &facts{s: s, areas: map[string]*registryv1.AdminArea{}, standards: map[string][]string{}, orgs: map[string]*registryv1.Organization{}, poverty: map[string][2]float64{}, records: map[string]float64{}, households: map[string]*registryv1.Household{}}
}

func (f *facts) area(ctx context.Context, code string) *registryv1.AdminArea {
	if a, ok := f.areas[code]; ok {
		return a
	}
	a, err := f.s.registry.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
	if err != nil {
		a = nil
	}
	f.areas[code] = a
	return a
}

func (f *facts) distance(ctx context.Context, from, to string) float64 {
	a, b := f.area(ctx, from), f.area(ctx, to)
	if a == nil || b == nil {
		return 500 // unknown location: assume far
	}
	return domain.DistanceKm(a.GetLatitude(), a.GetLongitude(), b.GetLatitude(), b.GetLongitude())
}

// satisfies returns the standards a certificate also satisfies (including itself).
func (f *facts) satisfies(ctx context.Context, std string) []string {
	if s, ok := f.standards[std]; ok {
		return s
	}
	out := []string{std}
	if st, err := f.s.registry.GetStandard(ctx, &registryv1.GetStandardRequest{Name: std}); err == nil {
		for _, x := range st.GetSatisfies() {
			out = append(out, "standards/"+strings.TrimPrefix(x, "standards/"))
		}
	}
	f.standards[std] = out
	return out
}

// standardFit: 1 when the offer holds the required standard, 0.8 when it holds one that
// satisfies it, 0 when neither (a hard-constraint failure). No requirement: 1.
func (f *facts) standardFit(ctx context.Context, required string, certs []string) float64 {
	if required == "" {
		return 1
	}
	best := 0.0
	for _, c := range certs {
		if c == required {
			return 1
		}
		for _, s := range f.satisfies(ctx, c) {
			if s == required {
				best = 0.8
			}
		}
	}
	return best
}

func (f *facts) org(ctx context.Context, name string) *registryv1.Organization {
	if o, ok := f.orgs[name]; ok {
		return o
	}
	o, err := f.s.registry.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
	if err != nil {
		o = nil
	}
	f.orgs[name] = o
	return o
}

// shares returns the share of poor/near-poor and of ethnic-minority households behind an
// offer: recorded when it was posted, or (offers stored before that) looked up now from its
// first 200 households, as a sample; an unavailable registry then counts as no share.
func (f *facts) shares(ctx context.Context, o *domain.Offer) (float64, float64) {
	if o.SharesKnown {
		return o.PoorShare, o.MinorityShare
	}
	if v, ok := f.poverty[o.ID]; ok {
		return v[0], v[1]
	}
	hs := o.Households
	if len(hs) > 200 {
		hs = hs[:200]
	}
	p, m, _ := f.householdShares(ctx, hs)
	f.poverty[o.ID] = [2]float64{p, m}
	return p, m
}

// householdShares returns the shares of poor/near-poor and of ethnic-minority households among
// hs. Households the registry does not show count as neither; an unavailable registry is an
// error.
func (f *facts) householdShares(ctx context.Context, hs []string) (float64, float64, error) {
	var poor, minority float64
	for _, h := range hs {
		hh, ok := f.households[h]
		if !ok { // offers of one group share households: look each up once per request
			got, err := f.s.registry.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h})
			if found, err := lookup(err); err != nil {
				return 0, 0, err
			} else if !found {
				got = nil
			}
			hh, f.households[h] = got, got
		}
		if hh == nil {
			continue
		}
		if hh.GetPovertyStatus() == registryv1.PovertyStatus_POVERTY_STATUS_POOR || hh.GetPovertyStatus() == registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR {
			poor++
		}
		if hh.GetEthnicMinority() {
			minority++
		}
	}
	if len(hs) == 0 {
		return 0, 0, nil
	}
	return poor / float64(len(hs)), minority / float64(len(hs)), nil
}

// recordContracts bounds how many ended contracts per state feed a producer's delivery record.
const recordContracts = 50

// deliveryRecord is the producer's delivery record from the contracts service: its ended
// contracts (completed, liquidated, terminated) and, for each, the settlement's contracted and
// accepted quantities (domain.DeliveryRecord). It is cached per request. When the contracts
// service cannot answer, the record is neutral (0.5) and a warning is logged: the match still
// works, only that criterion is blind.
func (f *facts) deliveryRecord(ctx context.Context, producer string) float64 {
	if r, ok := f.records[producer]; ok {
		return r
	}
	var fs []domain.Fulfilment
	for _, state := range []string{"CONTRACT_STATE_COMPLETED", "CONTRACT_STATE_LIQUIDATED", "CONTRACT_STATE_TERMINATED"} {
		list, err := f.s.contracts.ListContracts(ctx, &contractsv1.ListContractsRequest{PageSize: recordContracts,
			Filter: fmt.Sprintf("producer = %q AND state = %q", producer, state)})
		if err != nil {
			f.s.log.WarnContext(ctx, "delivery record unavailable", "producer", producer, "error", err.Error())
			f.records[producer] = 0.5
			return 0.5
		}
		for _, c := range list.GetContracts() {
			st, err := f.s.contracts.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: c.GetName() + "/settlement"})
			if err != nil {
				continue // one unreadable statement does not void the record
			}
			fs = append(fs, domain.Fulfilment{Contracted: st.GetTotal().GetContractedQuantity(), Accepted: st.GetTotal().GetAcceptedQuantity()})
		}
	}
	r := domain.DeliveryRecord(fs)
	f.records[producer] = r
	return r
}

// compatible applies the hard constraints: same product, required standard held (or
// satisfied), harvest window overlapping the delivery window, capacity left.
func (f *facts) compatible(ctx context.Context, d *domain.Demand, o *domain.Offer) bool {
	if o.Product != d.Product || o.State != domain.OfferOpen || o.Available() <= 0 {
		return false
	}
	if _, days := domain.Overlap(d.DeliveryWindow, o.HarvestWindow); days == 0 {
		return false
	}
	return f.standardFit(ctx, d.RequiredStandard, o.Certifications) > 0
}

// unitCost is what a unit costs the buyer from this offer: the producer's asking price (or the
// buyer's offered price, when higher — the buyer pays at least that) plus transport.
func (s *Server) unitCost(d *domain.Demand, o *domain.Offer, km float64) int64 {
	price := o.MinPriceVND
	if ref := d.Price.ReferenceVND(); ref > price {
		price = ref
	}
	return price + int64(math.Round(km*float64(s.transport)))
}

// MatchDemand implements the RPC.
func (s *Server) MatchDemand(ctx context.Context, req *matchmakingv1.MatchDemandRequest) (*matchmakingv1.MatchDemandResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.getDemand(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if !p.Privileged() && !p.ActsFor(d.Buyer) {
		return nil, apierr.PermissionDenied("only the demand's buyer may match it")
	}
	max := int(req.GetMaxCandidates())
	if max < 0 || max > 500 {
		return nil, apierr.Field("max_candidates", "RANGE", "must be between 0 and 500")
	}
	if max == 0 {
		max = 20
	}
	offers, err := listAll(ctx, s, s.st.Offers, bson.D{{Key: "product", Value: d.Product}, {Key: "state", Value: domain.OfferOpen}}, s.maxOffers,
		"open offers of "+d.Product, "allocate with :allocate over named offers")
	if err != nil {
		return nil, err
	}
	f := s.newFacts()
	type cand struct {
		o     *domain.Offer
		score float64
		b     domain.Breakdown
		km    float64
		poor  bool
	}
	var cands []cand
	for i := range offers {
		o := &offers[i]
		if !f.compatible(ctx, d, o) {
			continue
		}
		poor, minority := f.shares(ctx, o)
		org := f.org(ctx, o.Producer)
		of := domain.OfferFacts{
			DistanceKm:  f.distance(ctx, o.CommuneCode, d.DeliveryCommuneCode),
			StandardFit: f.standardFit(ctx, d.RequiredStandard, o.Certifications),
			PoorShare:   poor, MinorityShare: minority, WomenLed: org.GetWomenLed(),
			DeliveryRecord: f.deliveryRecord(ctx, o.Producer),
		}
		sc, b := domain.Score(d, o, of, s.weights)
		cands = append(cands, cand{o: o, score: sc, b: b, km: of.DistanceKm, poor: poor >= 0.5})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	resp := &matchmakingv1.MatchDemandResponse{}
	prob := domain.Problem{Quantity: d.Open(), MinLot: d.MinLotQuantity, MinPoorShareBps: int64(d.MinPoorShareBps)}
	costs := map[string]int64{}
	for i, c := range cands {
		if i < max {
			resp.Candidates = append(resp.Candidates, &matchmakingv1.Candidate{
				Offer: "offers/" + c.o.ID, Producer: c.o.Producer, Score: c.score, AvailableQuantity: c.o.Available(),
				Breakdown: &matchmakingv1.ScoreBreakdown{DistanceKm: c.b.DistanceKm, Distance: c.b.Distance, StandardFit: c.b.StandardFit,
					WindowOverlap: c.b.WindowOverlap, PriceFit: c.b.PriceFit, Capacity: c.b.Capacity, DeliveryRecord: c.b.Record,
					Inclusion: c.b.Inclusion, Explanation: c.b.Explanation},
			})
		}
		uc := s.unitCost(d, c.o, c.km)
		costs[c.o.ID] = uc
		prob.Supplies = append(prob.Supplies, domain.Supply{ID: c.o.ID, Capacity: c.o.Available(), UnitCost: uc, Poor: c.poor})
	}
	plan, err := domain.Allocate(prob)
	optimal := true
	if errors.Is(err, domain.ErrTooLarge) {
		// Too many candidates for the single-demand search: the batch search with its budget
		// gives the best plan it finds, and says whether it is proven optimal.
		plan, optimal, err = domain.AllocateBounded(ctx, prob, s.batchNodes)
	}
	if errors.Is(err, domain.ErrTooLarge) {
		return nil, apierr.FailedPrecondition("ALLOCATION_TOO_LARGE", "quantities and prices too large to allocate exactly; narrow the demand and retry", nil)
	}
	if err != nil {
		return nil, s.internal(ctx, "allocate", err)
	}
	resp.Optimal = optimal
	for _, l := range plan.Lines {
		resp.Allocation = append(resp.Allocation, &matchmakingv1.AllocationLine{Demand: req.GetName(), Offer: "offers/" + l.ID, Quantity: l.Quantity, UnitCostVnd: costs[l.ID], CostVnd: l.Cost})
	}
	resp.TotalCostVnd, resp.UnallocatedQuantity, resp.InclusionShortfall = plan.Cost, plan.Unallocated, plan.InclusionShortfall
	return resp, nil
}

// maxBatchDemands bounds the demands of one batch.
const maxBatchDemands = 5000

// BatchAllocate implements the RPC: an optimal allocation of many demands against many offers
// under capacities, minimum lots and inclusion shares (see domain.BatchAllocate for the
// ranking and the proof of optimality). It suggests; it reserves nothing.
func (s *Server) BatchAllocate(ctx context.Context, req *matchmakingv1.BatchAllocateRequest) (*matchmakingv1.BatchAllocateResponse, error) {
	if _, err := auth.RequireRole(ctx, auth.RoleAdmin, auth.RoleService); err != nil {
		return nil, err
	}
	if len(req.GetDemands()) > maxBatchDemands || len(req.GetOffers()) > s.maxOffers {
		return nil, apierr.Field("demands", "MAX_ITEMS", "at most %d demands and %d offers per batch", maxBatchDemands, s.maxOffers)
	}
	var demands []domain.Demand
	if len(req.GetDemands()) == 0 {
		ds, err := listAll(ctx, s, s.st.Demands, bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{domain.DemandOpen, domain.DemandPartiallyAllocated}}}}},
			maxBatchDemands, "open demands", "name the demands to allocate, in several batches")
		if err != nil {
			return nil, err
		}
		demands = ds
	} else {
		for _, n := range req.GetDemands() {
			d, err := s.getDemand(ctx, "demands", n)
			if err != nil {
				return nil, err
			}
			demands = append(demands, *d)
		}
	}
	var offers []domain.Offer
	if len(req.GetOffers()) == 0 {
		os, err := listAll(ctx, s, s.st.Offers, bson.D{{Key: "state", Value: domain.OfferOpen}}, s.maxOffers, "open offers", "name the offers to allocate from")
		if err != nil {
			return nil, err
		}
		offers = os
	} else {
		for _, n := range req.GetOffers() {
			o, err := s.getOffer(ctx, "offers", n)
			if err != nil {
				return nil, err
			}
			offers = append(offers, *o)
		}
	}
	f := s.newFacts()
	prob := domain.BatchProblem{MaxNodes: s.batchNodes}
	for i := range demands {
		d := &demands[i]
		prob.Demands = append(prob.Demands, domain.BatchDemand{Quantity: max(d.Open(), 0), MinLot: d.MinLotQuantity, MinPoorShareBps: int64(d.MinPoorShareBps)})
	}
	prob.Offers = make([]domain.BatchOffer, len(offers))
	poorKnown := make([]bool, len(offers))
	for i := range offers {
		prob.Offers[i].Capacity = max(offers[i].Available(), 0)
	}
	for di := range demands {
		for oi := range offers {
			if !f.compatible(ctx, &demands[di], &offers[oi]) {
				continue
			}
			// Household poverty is looked up only for offers a demand with a share could use.
			if demands[di].MinPoorShareBps > 0 && !poorKnown[oi] {
				poor, _ := f.shares(ctx, &offers[oi])
				prob.Offers[oi].Poor, poorKnown[oi] = poor >= 0.5, true
			}
			km := f.distance(ctx, offers[oi].CommuneCode, demands[di].DeliveryCommuneCode)
			prob.Arcs = append(prob.Arcs, domain.Arc{Demand: di, Offer: oi, UnitCost: s.unitCost(&demands[di], &offers[oi], km)})
		}
	}
	plan, err := domain.BatchAllocate(ctx, prob)
	if errors.Is(err, domain.ErrTooLarge) {
		return nil, apierr.FailedPrecondition("ALLOCATION_TOO_LARGE", "quantities and prices too large for an exact allocation in one batch; split the batch", nil)
	}
	if err != nil {
		return nil, s.internal(ctx, "batch allocate", err)
	}
	resp := &matchmakingv1.BatchAllocateResponse{
		TotalCostVnd: plan.Cost, Unallocated: map[string]int64{}, InclusionShortfall: map[string]int64{},
		Optimal: plan.Optimal, SearchNodes: int64(plan.Nodes),
		LowerBound: &matchmakingv1.AllocationBound{InclusionShortfall: plan.LowerBound.InclusionShortfall,
			UnallocatedQuantity: plan.LowerBound.Unallocated, TotalCostVnd: plan.LowerBound.Cost},
	}
	for _, l := range plan.Lines {
		resp.Allocation = append(resp.Allocation, &matchmakingv1.AllocationLine{Demand: "demands/" + demands[l.Demand].ID, Offer: "offers/" + offers[l.Offer].ID,
			Quantity: l.Quantity, UnitCostVnd: l.Cost / l.Quantity, CostVnd: l.Cost})
	}
	for i, d := range demands {
		if left := plan.Unallocated[i]; left > 0 {
			resp.Unallocated["demands/"+d.ID] = left
		}
		if short := plan.InclusionShortfall[i]; short > 0 {
			resp.InclusionShortfall["demands/"+d.ID] = short
		}
	}
	if !plan.Optimal {
		s.log.InfoContext(ctx, "batch allocation search budget reached", "nodes", plan.Nodes, "demands", len(demands), "offers", len(offers))
	}
	return resp, nil
}

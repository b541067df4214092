package transport

import (
	"math"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/protoenum"
)

// Enum prefixes of the API.
const (
	statePrefix     = "STATE_"
	priceTypePrefix = "PRICE_TYPE_"
)

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func winToDomain(w *typesv1.DateWindow) domain.Window {
	return domain.Window{Start: w.GetStartDate(), End: w.GetEndDate()}
}

func winToProto(w domain.Window) *typesv1.DateWindow {
	return &typesv1.DateWindow{StartDate: w.Start, EndDate: w.End}
}

func priceToDomain(p *typesv1.PriceTerms) domain.Price {
	return domain.Price{Type: protoenum.Name(p.GetType(), priceTypePrefix), FixedPriceVND: p.GetFixedPriceVnd(), FloorPriceVND: p.GetFloorPriceVnd(),
		MarketReference: p.GetMarketReference(), PremiumBps: p.GetPremiumBps(), CostPriceVND: p.GetCostPriceVnd(), MarginBps: p.GetMarginBps()}
}

func priceToProto(p domain.Price) *typesv1.PriceTerms {
	return &typesv1.PriceTerms{Type: typesv1.PriceType(protoenum.Number(typesv1.PriceType(0).Descriptor(), priceTypePrefix, p.Type)),
		FixedPriceVnd: p.FixedPriceVND, FloorPriceVnd: p.FloorPriceVND, MarketReference: p.MarketReference, PremiumBps: p.PremiumBps,
		CostPriceVnd: p.CostPriceVND, MarginBps: p.MarginBps}
}

// demandToDomain takes what a client may set of a demand (nil: none sent).
func demandToDomain(in *matchmakingv1.Demand) *domain.Demand {
	if in == nil {
		return nil
	}
	return &domain.Demand{
		Buyer: in.GetBuyer(), Product: in.GetProduct(), RequiredStandard: in.GetRequiredStandard(), Quantity: in.GetQuantity(),
		MinLotQuantity: in.GetMinLotQuantity(), DeliveryWindow: winToDomain(in.GetDeliveryWindow()), DeliveryCommuneCode: in.GetDeliveryCommuneCode(),
		DeliveryPlace: in.GetDeliveryPlace(), Price: priceToDomain(in.GetPriceTerms()), InputsOffered: in.GetInputsOffered(),
		TechnicalAssistance: in.GetTechnicalAssistance(), MinPoorShareBps: in.GetInclusion().GetMinPoorShareBps(),
		PreferWomenLed: in.GetInclusion().GetPreferWomenLed(), PreferEthnicMinority: in.GetInclusion().GetPreferEthnicMinority(),
	}
}

func demandToProto(d *domain.Demand) *matchmakingv1.Demand {
	return &matchmakingv1.Demand{
		Name: domain.DemandName(d.ID), Buyer: d.Buyer, Product: d.Product, RequiredStandard: d.RequiredStandard, Quantity: d.Quantity,
		MinLotQuantity: d.MinLotQuantity, DeliveryWindow: winToProto(d.DeliveryWindow), DeliveryCommuneCode: d.DeliveryCommuneCode,
		DeliveryPlace: d.DeliveryPlace, PriceTerms: priceToProto(d.Price), InputsOffered: d.InputsOffered, TechnicalAssistance: d.TechnicalAssistance,
		Inclusion:         &matchmakingv1.InclusionPreference{MinPoorShareBps: d.MinPoorShareBps, PreferWomenLed: d.PreferWomenLed, PreferEthnicMinority: d.PreferEthnicMinority},
		AllocatedQuantity: d.AllocatedQuantity, ReservedQuantity: d.ReservedQuantity,
		State:        matchmakingv1.Demand_State(protoenum.Number(matchmakingv1.Demand_State(0).Descriptor(), statePrefix, d.State)),
		ProvinceCode: d.ProvinceCode, CreateTime: ts(d.CreateTime), UpdateTime: ts(d.UpdateTime), Etag: aip.Etag(d.Version),
	}
}

// offerToDomain takes what a client may set of an offer (nil: none sent).
func offerToDomain(in *matchmakingv1.Offer) *domain.Offer {
	if in == nil {
		return nil
	}
	return &domain.Offer{
		Producer: in.GetProducer(), Product: in.GetProduct(), Quantity: in.GetQuantity(), HarvestWindow: winToDomain(in.GetHarvestWindow()),
		Certifications: in.GetCertifications(), MinPriceVND: in.GetMinPriceVnd(), Households: in.GetHouseholds(),
	}
}

func offerToProto(o *domain.Offer) *matchmakingv1.Offer {
	return &matchmakingv1.Offer{
		Name: domain.OfferName(o.ID), Producer: o.Producer, Product: o.Product, Quantity: o.Quantity, HarvestWindow: winToProto(o.HarvestWindow),
		Certifications: o.Certifications, MinPriceVnd: o.MinPriceVND, Households: o.Households, CommuneCode: o.CommuneCode,
		ProvinceCode: o.ProvinceCode, ReservedQuantity: o.ReservedQuantity, CommittedQuantity: o.CommittedQuantity,
		State:      matchmakingv1.Offer_State(protoenum.Number(matchmakingv1.Offer_State(0).Descriptor(), statePrefix, o.State)),
		CreateTime: ts(o.CreateTime), UpdateTime: ts(o.UpdateTime), Etag: aip.Etag(o.Version),
		HouseholdCount: int32(len(o.Households) + o.HouseholdsWithheld), HouseholdsWithheld: o.HouseholdsWithheld > 0,
		PoorShareBps: shareBps(o.PoorShare, o.SharesKnown), MinorityShareBps: shareBps(o.MinorityShare, o.SharesKnown),
	}
}

// shareBps renders a share (0–1) in basis points; 0 when it was never recorded.
func shareBps(share float64, known bool) int32 {
	if !known {
		return 0
	}
	return int32(math.Round(share * 10000))
}

// proposalToDomain takes what a client may set of a proposal (nil: none sent).
func proposalToDomain(in *matchmakingv1.Proposal) *domain.Proposal {
	if in == nil {
		return nil
	}
	return &domain.Proposal{Offer: in.GetOffer(), Quantity: in.GetQuantity(), Message: in.GetMessage()}
}

func proposalToProto(p *domain.Proposal) *matchmakingv1.Proposal {
	return &matchmakingv1.Proposal{
		Name: p.Name(), Offer: p.Offer, Quantity: p.Quantity, Message: p.Message,
		State:    matchmakingv1.Proposal_State(protoenum.Number(matchmakingv1.Proposal_State(0).Descriptor(), statePrefix, p.State)),
		Contract: p.Contract, Reason: p.Reason, CreateTime: ts(p.CreateTime), UpdateTime: ts(p.UpdateTime), Etag: aip.Etag(p.Version),
	}
}

func linesToProto(ls []usecase.AllocationLine) []*matchmakingv1.AllocationLine {
	var out []*matchmakingv1.AllocationLine
	for _, l := range ls {
		out = append(out, &matchmakingv1.AllocationLine{Demand: l.Demand, Offer: l.Offer, Quantity: l.Quantity, UnitCostVnd: l.UnitCost, CostVnd: l.Cost})
	}
	return out
}

func candidateToProto(c usecase.Candidate) *matchmakingv1.Candidate {
	b := c.Breakdown
	return &matchmakingv1.Candidate{
		Offer: domain.OfferName(c.Offer.ID), Producer: c.Offer.Producer, Score: c.Score, AvailableQuantity: c.Offer.Available(),
		Breakdown: &matchmakingv1.ScoreBreakdown{DistanceKm: b.DistanceKm, Distance: b.Distance, StandardFit: b.StandardFit,
			WindowOverlap: b.WindowOverlap, PriceFit: b.PriceFit, Capacity: b.Capacity, DeliveryRecord: b.Record,
			Inclusion: b.Inclusion, Explanation: b.Explanation},
	}
}

func matchToProto(m *usecase.Match) *matchmakingv1.MatchDemandResponse {
	resp := &matchmakingv1.MatchDemandResponse{Allocation: linesToProto(m.Lines), Optimal: m.Optimal,
		TotalCostVnd: m.Plan.Cost, UnallocatedQuantity: m.Plan.Unallocated, InclusionShortfall: m.Plan.InclusionShortfall}
	for _, c := range m.Candidates {
		resp.Candidates = append(resp.Candidates, candidateToProto(c))
	}
	return resp
}

func batchToProto(b *usecase.Batch) *matchmakingv1.BatchAllocateResponse {
	return &matchmakingv1.BatchAllocateResponse{
		Allocation: linesToProto(b.Lines), TotalCostVnd: b.TotalCost, Unallocated: b.Unallocated, InclusionShortfall: b.InclusionShortfall,
		Optimal: b.Optimal, SearchNodes: int64(b.Nodes),
		LowerBound: &matchmakingv1.AllocationBound{InclusionShortfall: b.LowerBound.InclusionShortfall,
			UnallocatedQuantity: b.LowerBound.Unallocated, TotalCostVnd: b.LowerBound.Cost},
	}
}

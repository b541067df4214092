package transport

import (
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
)

func enumName(s, prefix string) string {
	if strings.HasSuffix(s, "_UNSPECIFIED") {
		return ""
	}
	return strings.TrimPrefix(s, prefix)
}

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
	return domain.Price{Type: enumName(p.GetType().String(), "PRICE_TYPE_"), FixedPriceVND: p.GetFixedPriceVnd(), FloorPriceVND: p.GetFloorPriceVnd(),
		MarketReference: p.GetMarketReference(), PremiumBps: p.GetPremiumBps(), CostPriceVND: p.GetCostPriceVnd(), MarginBps: p.GetMarginBps()}
}

func priceToProto(p domain.Price) *typesv1.PriceTerms {
	return &typesv1.PriceTerms{Type: typesv1.PriceType(typesv1.PriceType_value["PRICE_TYPE_"+p.Type]), FixedPriceVnd: p.FixedPriceVND, FloorPriceVnd: p.FloorPriceVND,
		MarketReference: p.MarketReference, PremiumBps: p.PremiumBps, CostPriceVnd: p.CostPriceVND, MarginBps: p.MarginBps}
}

func demandToProto(d *domain.Demand) *matchmakingv1.Demand {
	return &matchmakingv1.Demand{
		Name: "demands/" + d.ID, Buyer: d.Buyer, Product: d.Product, RequiredStandard: d.RequiredStandard, Quantity: d.Quantity,
		MinLotQuantity: d.MinLotQuantity, DeliveryWindow: winToProto(d.DeliveryWindow), DeliveryCommuneCode: d.DeliveryCommuneCode,
		DeliveryPlace: d.DeliveryPlace, PriceTerms: priceToProto(d.Price), InputsOffered: d.InputsOffered, TechnicalAssistance: d.TechnicalAssistance,
		Inclusion:         &matchmakingv1.InclusionPreference{MinPoorShareBps: d.MinPoorShareBps, PreferWomenLed: d.PreferWomenLed, PreferEthnicMinority: d.PreferEthnicMinority},
		AllocatedQuantity: d.AllocatedQuantity, ReservedQuantity: d.ReservedQuantity,
		State:        matchmakingv1.Demand_State(matchmakingv1.Demand_State_value["STATE_"+d.State]),
		ProvinceCode: d.ProvinceCode, CreateTime: ts(d.CreateTime), UpdateTime: ts(d.UpdateTime), Etag: aip.Etag(d.Version),
	}
}

func offerToProto(o *domain.Offer) *matchmakingv1.Offer {
	return &matchmakingv1.Offer{
		Name: "offers/" + o.ID, Producer: o.Producer, Product: o.Product, Quantity: o.Quantity, HarvestWindow: winToProto(o.HarvestWindow),
		Certifications: o.Certifications, MinPriceVnd: o.MinPriceVND, Households: o.Households, CommuneCode: o.CommuneCode,
		ProvinceCode: o.ProvinceCode, ReservedQuantity: o.ReservedQuantity, CommittedQuantity: o.CommittedQuantity,
		State:      matchmakingv1.Offer_State(matchmakingv1.Offer_State_value["STATE_"+o.State]),
		CreateTime: ts(o.CreateTime), UpdateTime: ts(o.UpdateTime), Etag: aip.Etag(o.Version),
	}
}

func proposalToProto(p *domain.Proposal) *matchmakingv1.Proposal {
	return &matchmakingv1.Proposal{
		Name: p.Demand + "/proposals/" + p.ID, Offer: p.Offer, Quantity: p.Quantity, Message: p.Message,
		State:    matchmakingv1.Proposal_State(matchmakingv1.Proposal_State_value["STATE_"+p.State]),
		Contract: p.Contract, Reason: p.Reason, CreateTime: ts(p.CreateTime), UpdateTime: ts(p.UpdateTime), Etag: aip.Etag(p.Version),
	}
}

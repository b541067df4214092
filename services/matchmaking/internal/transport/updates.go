package transport

import (
	"context"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// UpdateDemand implements the RPC: the buyer changes an OPEN or PARTIALLY_ALLOCATED demand
// (quantity — never below what is allocated or reserved —, minimum lot, delivery window and
// place, price, inputs, assistance, inclusion). update_mask names the fields; etag guards.
func (s *Server) UpdateDemand(ctx context.Context, req *matchmakingv1.UpdateDemandRequest) (*matchmakingv1.Demand, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetDemand()
	if in == nil {
		return nil, apierr.Field("demand", "REQUIRED", "is required")
	}
	cur, err := s.getDemand(ctx, "demand.name", in.GetName())
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(cur.Buyer) {
		return nil, apierr.PermissionDenied("only the buyer may change its demand")
	}
	paths := req.GetUpdateMask().GetPaths()
	var v apierr.Violations
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update")
	}
	for _, path := range paths {
		switch path {
		case "quantity", "min_lot_quantity", "delivery_window", "delivery_place", "price_terms", "inputs_offered", "technical_assistance", "inclusion":
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "%q cannot be updated (immutable or output only)", path)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out, err := s.updateDemand(ctx, cur.ID, func(d *domain.Demand) error {
		if err := aip.CheckEtag("demand.etag", in.GetEtag(), d.Version, in.GetName()); err != nil {
			return err
		}
		if d.State != domain.DemandOpen && d.State != domain.DemandPartiallyAllocated {
			return apierr.FailedPrecondition("INVALID_STATE", "demand is "+d.State, map[string]string{"state": d.State})
		}
		for _, path := range paths {
			switch path {
			case "quantity":
				d.Quantity = in.GetQuantity()
			case "min_lot_quantity":
				d.MinLotQuantity = in.GetMinLotQuantity()
			case "delivery_window":
				d.DeliveryWindow = winToDomain(in.GetDeliveryWindow())
			case "delivery_place":
				d.DeliveryPlace = in.GetDeliveryPlace()
			case "price_terms":
				d.Price = priceToDomain(in.GetPriceTerms())
			case "inputs_offered":
				d.InputsOffered = in.GetInputsOffered()
			case "technical_assistance":
				d.TechnicalAssistance = in.GetTechnicalAssistance()
			case "inclusion":
				d.MinPoorShareBps = in.GetInclusion().GetMinPoorShareBps()
				d.PreferWomenLed, d.PreferEthnicMinority = in.GetInclusion().GetPreferWomenLed(), in.GetInclusion().GetPreferEthnicMinority()
			}
		}
		var v apierr.Violations
		v.Check(d.Quantity > 0 && d.Quantity <= maxQuantity, "demand.quantity", "RANGE", "must be between 1 and %d", int64(maxQuantity))
		v.Check(d.Quantity >= d.AllocatedQuantity+d.ReservedQuantity, "demand.quantity", "BELOW_COMMITTED", "must not be below the %d already allocated or reserved", d.AllocatedQuantity+d.ReservedQuantity)
		v.Check(d.MinLotQuantity >= 0 && d.MinLotQuantity <= d.Quantity, "demand.min_lot_quantity", "RANGE", "must be between 0 and the quantity")
		checkWindow(&v, "demand.delivery_window", d.DeliveryWindow)
		checkText(&v, "demand.delivery_place", d.DeliveryPlace, 300)
		checkText(&v, "demand.technical_assistance", d.TechnicalAssistance, 2000)
		v.Check(len(d.InputsOffered) <= 50, "demand.inputs_offered", "MAX_ITEMS", "at most 50 items")
		v.Check(d.MinPoorShareBps >= 0 && d.MinPoorShareBps <= 10000, "demand.inclusion.min_poor_share_bps", "RANGE", "must be between 0 and 10000")
		ref := d.Price.ReferenceVND()
		v.Check(d.Price.Type != "" && ref > 0 && ref <= 1_000_000_000_000 && d.Price.PremiumBps >= 0 && d.Price.PremiumBps <= 10000 && d.Price.MarginBps >= 0 && d.Price.MarginBps <= 10000,
			"demand.price_terms", "PRICE_RANGE", "a price type with positive VND per unit, premium/margin between 0 and 10000 bps")
		return v.Err()
	})
	if err != nil {
		return nil, err
	}
	return demandToProto(out), nil
}

// UpdateOffer implements the RPC: the producer changes an OPEN offer (quantity — never below
// what is reserved or committed —, harvest window, minimum price).
func (s *Server) UpdateOffer(ctx context.Context, req *matchmakingv1.UpdateOfferRequest) (*matchmakingv1.Offer, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetOffer()
	if in == nil {
		return nil, apierr.Field("offer", "REQUIRED", "is required")
	}
	cur, err := s.getOffer(ctx, "offer.name", in.GetName())
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(cur.Producer) {
		return nil, apierr.PermissionDenied("only the producer may change its offer")
	}
	paths := req.GetUpdateMask().GetPaths()
	var v apierr.Violations
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update")
	}
	for _, path := range paths {
		switch path {
		case "quantity", "harvest_window", "min_price_vnd":
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "%q cannot be updated (post a new offer to change product, households or certifications)", path)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	out, err := s.updateOffer(ctx, cur.ID, func(o *domain.Offer) error {
		if err := aip.CheckEtag("offer.etag", in.GetEtag(), o.Version, in.GetName()); err != nil {
			return err
		}
		if o.State != domain.OfferOpen && o.State != domain.OfferExhausted {
			return apierr.FailedPrecondition("INVALID_STATE", "offer is "+o.State, map[string]string{"state": o.State})
		}
		for _, path := range paths {
			switch path {
			case "quantity":
				o.Quantity = in.GetQuantity()
			case "harvest_window":
				o.HarvestWindow = winToDomain(in.GetHarvestWindow())
			case "min_price_vnd":
				o.MinPriceVND = in.GetMinPriceVnd()
			}
		}
		var v apierr.Violations
		v.Check(o.Quantity > 0 && o.Quantity <= maxQuantity, "offer.quantity", "RANGE", "must be between 1 and %d", int64(maxQuantity))
		v.Check(o.Quantity >= o.ReservedQuantity+o.CommittedQuantity, "offer.quantity", "BELOW_COMMITTED", "must not be below the %d reserved or committed", o.ReservedQuantity+o.CommittedQuantity)
		v.Check(o.MinPriceVND >= 0 && o.MinPriceVND <= 1_000_000_000_000, "offer.min_price_vnd", "RANGE", "must be between 0 and 10^12 VND per unit")
		checkWindow(&v, "offer.harvest_window", o.HarvestWindow)
		if err := v.Err(); err != nil {
			return err
		}
		o.State = domain.OfferOpen
		if o.Available() <= 0 {
			o.State = domain.OfferExhausted
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return offerToProto(out), nil
}

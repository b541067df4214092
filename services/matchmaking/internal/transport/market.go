package transport

import (
	"context"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
)

const maxQuantity = 1_000_000_000_000

func (s *Server) checkProduct(ctx context.Context, v *apierr.Violations, field, name string) error {
	if name == "" {
		v.Add(field, "REQUIRED", "is required")
		return nil
	}
	_, err := s.registry.GetProduct(ctx, &registryv1.GetProductRequest{Name: name})
	ok, err := lookup(err)
	if err != nil {
		return err
	}
	v.Check(ok, field, "PRODUCT_EXISTS", "%s does not exist", name)
	return nil
}

func (s *Server) checkStandard(ctx context.Context, v *apierr.Violations, field, name string) error {
	_, err := s.registry.GetStandard(ctx, &registryv1.GetStandardRequest{Name: name})
	ok, err := lookup(err)
	if err != nil {
		return err
	}
	v.Check(ok, field, "STANDARD_EXISTS", "%s does not exist", name)
	return nil
}

func checkWindow(v *apierr.Violations, field string, w domain.Window) {
	if _, _, ok := w.Days(); !ok {
		v.Add(field, "DATE_WINDOW", "start_date and end_date must be dates YYYY-MM-DD with start ≤ end")
	}
}

func checkText(v *apierr.Violations, field, s string, max int) {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		v.Add(field, "MAX_LENGTH", "must be valid UTF-8 of at most %d characters", max)
	}
}

// CreateDemand implements the RPC (a business for its own organisation).
func (s *Server) CreateDemand(ctx context.Context, req *matchmakingv1.CreateDemandRequest) (*matchmakingv1.Demand, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetDemand()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("demand", "REQUIRED", "is required")
		return nil, v.Err()
	}
	if !p.Is(auth.RoleAdmin) && !(p.Is(auth.RoleBusiness, auth.RolePartner, auth.RoleProducer) && p.Organization == in.GetBuyer()) {
		return nil, apierr.PermissionDenied("a demand is posted by the buyer organisation itself: buyer must be " + p.Organization)
	}
	d := &domain.Demand{
		Buyer: in.GetBuyer(), Product: in.GetProduct(), RequiredStandard: in.GetRequiredStandard(), Quantity: in.GetQuantity(),
		MinLotQuantity: in.GetMinLotQuantity(), DeliveryWindow: winToDomain(in.GetDeliveryWindow()), DeliveryCommuneCode: in.GetDeliveryCommuneCode(),
		DeliveryPlace: in.GetDeliveryPlace(), Price: priceToDomain(in.GetPriceTerms()), InputsOffered: in.GetInputsOffered(),
		TechnicalAssistance: in.GetTechnicalAssistance(), MinPoorShareBps: in.GetInclusion().GetMinPoorShareBps(),
		PreferWomenLed: in.GetInclusion().GetPreferWomenLed(), PreferEthnicMinority: in.GetInclusion().GetPreferEthnicMinority(),
		State: domain.DemandOpen,
	}
	v.Check(d.Quantity > 0 && d.Quantity <= maxQuantity, "demand.quantity", "RANGE", "must be between 1 and %d", int64(maxQuantity))
	v.Check(d.MinLotQuantity >= 0 && d.MinLotQuantity <= d.Quantity, "demand.min_lot_quantity", "RANGE", "must be between 0 and the quantity")
	checkWindow(&v, "demand.delivery_window", d.DeliveryWindow)
	v.Check(d.MinPoorShareBps >= 0 && d.MinPoorShareBps <= 10000, "demand.inclusion.min_poor_share_bps", "RANGE", "must be between 0 and 10000")
	checkText(&v, "demand.delivery_place", d.DeliveryPlace, 300)
	checkText(&v, "demand.technical_assistance", d.TechnicalAssistance, 2000)
	v.Check(len(d.InputsOffered) <= 50, "demand.inputs_offered", "MAX_ITEMS", "at most 50 items")
	switch d.Price.Type {
	case "FIXED", "FLOOR_WITH_MARKET", "COST_PLUS":
		ref := d.Price.ReferenceVND()
		v.Check(ref > 0 && ref <= 1_000_000_000_000 && d.Price.PremiumBps >= 0 && d.Price.MarginBps >= 0 && d.Price.MarginBps <= 10000 && d.Price.PremiumBps <= 10000,
			"demand.price_terms", "PRICE_RANGE", "prices must be positive VND per unit and premium/margin between 0 and 10000 bps")
	default:
		v.Add("demand.price_terms.type", "ENUM_VALUE", "must be PRICE_TYPE_FIXED, PRICE_TYPE_FLOOR_WITH_MARKET or PRICE_TYPE_COST_PLUS")
	}
	if _, err := aip.ParseName("demand.buyer", d.Buyer, "organizations"); err != nil {
		return nil, err
	}
	if err := s.checkProduct(ctx, &v, "demand.product", d.Product); err != nil {
		return nil, err
	}
	if d.RequiredStandard != "" {
		if err := s.checkStandard(ctx, &v, "demand.required_standard", d.RequiredStandard); err != nil {
			return nil, err
		}
	}
	area, err := s.registry.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + d.DeliveryCommuneCode})
	if ok, err := lookup(err); err != nil {
		return nil, err
	} else if !ok || area.GetLevel() != registryv1.AdminArea_LEVEL_COMMUNE {
		v.Add("demand.delivery_commune_code", "ADMIN_AREA_EXISTS", "must be an existing commune code")
	} else {
		d.ProvinceCode = area.GetParentCode()
	}
	org, err := s.registry.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: d.Buyer})
	if ok, err := lookup(err); err != nil {
		return nil, err
	} else if !ok || org.GetState() != registryv1.Organization_STATE_ACTIVE {
		v.Add("demand.buyer", "ORGANIZATION_ACTIVE", "must be an existing, active organisation")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d.ID = aip.IDForRequest("CreateDemand\x00"+p.Subject, req.GetRequestId())
	d.CreateTime, d.UpdateTime, d.Version = now, now, 1
	stored, _, err := s.st.Demands.Insert(ctx, d.ID, d)
	if err != nil {
		return nil, s.internal(ctx, "insert demand", err)
	}
	return demandToProto(stored), nil
}

func (s *Server) getDemand(ctx context.Context, field, name string) (*domain.Demand, error) {
	ids, err := aip.ParseName(field, name, "demands")
	if err != nil {
		return nil, err
	}
	d, err := s.st.Demands.Get(ctx, ids[0])
	if err != nil {
		return nil, s.internal(ctx, "get demand", err)
	}
	if d == nil {
		return nil, apierr.NotFound(name)
	}
	return d, nil
}

// GetDemand implements the RPC (demands are market postings: any authenticated caller).
func (s *Server) GetDemand(ctx context.Context, req *matchmakingv1.GetDemandRequest) (*matchmakingv1.Demand, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	d, err := s.getDemand(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	return demandToProto(d), nil
}

// marketFilter translates product/province/state/window (and owner) filters.
func marketFilter(filter, owner, windowStart, windowEnd, statePrefix string) ([]aip.Condition, bson.D, error) {
	cs, err := aip.ParseFilter(filter, "product", "province_code", "state", "window", owner)
	if err != nil {
		return nil, nil, err
	}
	f := bson.D{}
	for _, c := range cs {
		op := func(v any) any {
			if c.Op == "!=" {
				return bson.D{{Key: "$ne", Value: v}}
			}
			return v
		}
		switch c.Field {
		case "window":
			if !domain.ValidDate(c.Value) || c.Op != "=" {
				return nil, nil, apierr.Field("filter", "FILTER_SYNTAX", `window = "YYYY-MM-DD" selects postings whose window contains that day`)
			}
			f = append(f, bson.E{Key: windowStart, Value: bson.D{{Key: "$lte", Value: c.Value}}}, bson.E{Key: windowEnd, Value: bson.D{{Key: "$gte", Value: c.Value}}})
		case "state":
			f = append(f, bson.E{Key: "state", Value: op(enumName(c.Value, statePrefix))})
		default:
			f = append(f, bson.E{Key: c.Field, Value: op(c.Value)})
		}
	}
	return cs, f, nil
}

func listPage[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], scope string, f bson.D, size int32, token string, key func(*T) string) ([]T, string, error) {
	n, err := aip.PageSize(size)
	if err != nil {
		return nil, "", err
	}
	digest := aip.QueryDigest(scope)
	after, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return nil, "", err
	}
	items, more, err := repo.List(ctx, f, after, n)
	if err != nil {
		return nil, "", s.internal(ctx, "list", err)
	}
	next := ""
	if more && len(items) > 0 {
		next = aip.EncodePageToken(key(&items[len(items)-1]), digest)
	}
	return items, next, nil
}

// ListDemands implements the RPC. Filters: product, province_code, state, buyer, window.
func (s *Server) ListDemands(ctx context.Context, req *matchmakingv1.ListDemandsRequest) (*matchmakingv1.ListDemandsResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, f, err := marketFilter(req.GetFilter(), "buyer", "delivery_window.start", "delivery_window.end", "STATE_")
	if err != nil {
		return nil, err
	}
	items, next, err := listPage(ctx, s, s.st.Demands, "demands\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(d *domain.Demand) string { return d.ID })
	if err != nil {
		return nil, err
	}
	resp := &matchmakingv1.ListDemandsResponse{NextPageToken: next}
	for i := range items {
		resp.Demands = append(resp.Demands, demandToProto(&items[i]))
	}
	return resp, nil
}

// demandTransition closes or cancels a demand (its buyer or an operator).
func (s *Server) demandTransition(ctx context.Context, name, etag, to string) (*matchmakingv1.Demand, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.getDemand(ctx, "name", name)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(d.Buyer) {
		return nil, apierr.PermissionDenied("only the buyer may close or cancel its demand")
	}
	if err := aip.CheckEtag("etag", etag, d.Version, name); err != nil {
		return nil, err
	}
	if d.State == domain.DemandClosed || d.State == domain.DemandCancelled || d.State == domain.DemandFilled {
		if d.State == to {
			return demandToProto(d), nil
		}
		return nil, apierr.FailedPrecondition("INVALID_STATE", "demand is "+d.State, map[string]string{"state": d.State})
	}
	if to == domain.DemandCancelled {
		// Cancel the pending proposals first, releasing the capacity they hold.
		props, err := listAll(ctx, s, s.st.Proposals, bson.D{{Key: "demand", Value: name}, {Key: "state", Value: domain.ProposalPending}},
			100_000, "pending proposals", "cancel some of them first")
		if err != nil {
			return nil, err
		}
		for i := range props {
			if _, err := s.endProposal(ctx, &props[i], domain.ProposalCancelled, "demand cancelled"); err != nil {
				return nil, err
			}
		}
	}
	out, err := s.updateDemand(ctx, d.ID, func(d *domain.Demand) error {
		d.State = to
		return nil
	})
	if err != nil {
		return nil, err
	}
	return demandToProto(out), nil
}

// CloseDemand implements the RPC.
func (s *Server) CloseDemand(ctx context.Context, req *matchmakingv1.CloseDemandRequest) (*matchmakingv1.Demand, error) {
	return s.demandTransition(ctx, req.GetName(), req.GetEtag(), domain.DemandClosed)
}

// CancelDemand implements the RPC.
func (s *Server) CancelDemand(ctx context.Context, req *matchmakingv1.CancelDemandRequest) (*matchmakingv1.Demand, error) {
	return s.demandTransition(ctx, req.GetName(), req.GetEtag(), domain.DemandCancelled)
}

// CreateOffer implements the RPC (a producer organisation for itself).
func (s *Server) CreateOffer(ctx context.Context, req *matchmakingv1.CreateOfferRequest) (*matchmakingv1.Offer, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetOffer()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("offer", "REQUIRED", "is required")
		return nil, v.Err()
	}
	if !p.Is(auth.RoleAdmin) && !(p.Is(auth.RoleProducer, auth.RolePartner) && p.Organization == in.GetProducer()) {
		return nil, apierr.PermissionDenied("an offer is posted by the producer organisation itself: producer must be " + p.Organization)
	}
	o := &domain.Offer{
		Producer: in.GetProducer(), Product: in.GetProduct(), Quantity: in.GetQuantity(), HarvestWindow: winToDomain(in.GetHarvestWindow()),
		Certifications: in.GetCertifications(), MinPriceVND: in.GetMinPriceVnd(), Households: in.GetHouseholds(), State: domain.OfferOpen,
	}
	v.Check(o.Quantity > 0 && o.Quantity <= maxQuantity, "offer.quantity", "RANGE", "must be between 1 and %d", int64(maxQuantity))
	v.Check(o.MinPriceVND >= 0 && o.MinPriceVND <= 1_000_000_000_000, "offer.min_price_vnd", "RANGE", "must be between 0 and 10^12 VND per unit")
	checkWindow(&v, "offer.harvest_window", o.HarvestWindow)
	v.Check(len(o.Households) <= 5000, "offer.households", "MAX_ITEMS", "at most 5000 households")
	v.Check(len(o.Certifications) <= 20, "offer.certifications", "MAX_ITEMS", "at most 20 certifications")
	if _, err := aip.ParseName("offer.producer", o.Producer, "organizations"); err != nil {
		return nil, err
	}
	if err := s.checkProduct(ctx, &v, "offer.product", o.Product); err != nil {
		return nil, err
	}
	for i, c := range o.Certifications {
		if err := s.checkStandard(ctx, &v, "offer.certifications["+itoa(i)+"]", c); err != nil {
			return nil, err
		}
	}
	org, err := s.registry.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: o.Producer})
	if ok, err := lookup(err); err != nil {
		return nil, err
	} else if !ok || org.GetState() != registryv1.Organization_STATE_ACTIVE || org.GetKind() == registryv1.Organization_KIND_BUSINESS {
		v.Add("offer.producer", "PRODUCER_ORGANIZATION", "must be an existing, active cooperative or group")
	} else {
		o.CommuneCode, o.ProvinceCode = org.GetAddress().GetCommuneCode(), org.GetAddress().GetProvinceCode()
	}
	seen := map[string]bool{}
	for i, h := range o.Households {
		field := "offer.households[" + itoa(i) + "]"
		if seen[h] || !strings.HasPrefix(h, "households/") {
			v.Add(field, "HOUSEHOLD_MEMBER", "households must be distinct households/{id} names")
			continue
		}
		seen[h] = true
		m, err := s.registry.GetMembership(ctx, &registryv1.GetMembershipRequest{Name: o.Producer + "/members/" + strings.TrimPrefix(h, "households/")})
		ok, err := lookup(err)
		if err != nil {
			return nil, err
		}
		v.Check(ok && m.GetState() == registryv1.Membership_STATE_ACTIVE, field, "HOUSEHOLD_MEMBER", "%s is not an active member of %s", h, o.Producer)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	// Record the households' shares once, over all of them, for every later match.
	if o.PoorShare, o.MinorityShare, err = s.newFacts().householdShares(ctx, o.Households); err != nil {
		return nil, err
	}
	o.SharesKnown = true
	now := s.now().UTC()
	o.ID = aip.IDForRequest("CreateOffer\x00"+p.Subject, req.GetRequestId())
	o.CreateTime, o.UpdateTime, o.Version = now, now, 1
	stored, _, err := s.st.Offers.Insert(ctx, o.ID, o)
	if err != nil {
		return nil, s.internal(ctx, "insert offer", err)
	}
	return offerToProto(stored), nil
}

func (s *Server) getOffer(ctx context.Context, field, name string) (*domain.Offer, error) {
	ids, err := aip.ParseName(field, name, "offers")
	if err != nil {
		return nil, err
	}
	o, err := s.st.Offers.Get(ctx, ids[0])
	if err != nil {
		return nil, s.internal(ctx, "get offer", err)
	}
	if o == nil {
		return nil, apierr.NotFound(name)
	}
	return o, nil
}

// GetOffer implements the RPC.
func (s *Server) GetOffer(ctx context.Context, req *matchmakingv1.GetOfferRequest) (*matchmakingv1.Offer, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	o, err := s.getOffer(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	return offerToProto(o), nil
}

// ListOffers implements the RPC. Filters: product, province_code, state, producer, window.
func (s *Server) ListOffers(ctx context.Context, req *matchmakingv1.ListOffersRequest) (*matchmakingv1.ListOffersResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, f, err := marketFilter(req.GetFilter(), "producer", "harvest_window.start", "harvest_window.end", "STATE_")
	if err != nil {
		return nil, err
	}
	items, next, err := listPage(ctx, s, s.st.Offers, "offers\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(o *domain.Offer) string { return o.ID })
	if err != nil {
		return nil, err
	}
	resp := &matchmakingv1.ListOffersResponse{NextPageToken: next}
	for i := range items {
		resp.Offers = append(resp.Offers, offerToProto(&items[i]))
	}
	return resp, nil
}

// WithdrawOffer implements the RPC (the producer; pending proposals keep their reservation
// until answered).
func (s *Server) WithdrawOffer(ctx context.Context, req *matchmakingv1.WithdrawOfferRequest) (*matchmakingv1.Offer, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	o, err := s.getOffer(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(o.Producer) {
		return nil, apierr.PermissionDenied("only the producer may withdraw its offer")
	}
	if err := aip.CheckEtag("etag", req.GetEtag(), o.Version, req.GetName()); err != nil {
		return nil, err
	}
	out, err := s.updateOffer(ctx, o.ID, func(o *domain.Offer) error {
		o.State = domain.OfferWithdrawn
		return nil
	})
	if err != nil {
		return nil, err
	}
	return offerToProto(out), nil
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

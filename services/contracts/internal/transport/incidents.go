package transport

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/protobuf/types/known/timestamppb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

var incidentKinds = []string{"FORCE_MAJEURE", "SIDE_SELLING", "REFUSAL_TO_BUY", "LATE_PAYMENT", "QUALITY_DISPUTE"}

func incidentToProto(i *storage.Incident) *contractsv1.Incident {
	p := &contractsv1.Incident{
		Name: contractName(i.Contract) + "/incidents/" + i.ID, Kind: contractsv1.Incident_Kind(contractsv1.Incident_Kind_value["KIND_"+i.Kind]),
		State: contractsv1.Incident_State(contractsv1.Incident_State_value["STATE_"+i.State]), Description: i.Description,
		ForceMajeureEvent: contractsv1.ForceMajeureEvent(contractsv1.ForceMajeureEvent_value["FORCE_MAJEURE_EVENT_"+i.ForceMajeureEvent]),
		AffectedLots:      i.AffectedLots, AffectedHouseholds: i.AffectedHouseholds, SuspendContract: i.SuspendContract,
		Verification:   contractsv1.Incident_Verification(contractsv1.Incident_Verification_value["VERIFICATION_"+i.Verification]),
		BreachingParty: i.BreachingParty, BreachedValueVnd: i.BreachedValueVND, PenaltyVnd: i.PenaltyVND, Outcome: i.Outcome, Reporter: i.Reporter,
		CreateTime: timestamppb.New(i.CreateTime), UpdateTime: timestamppb.New(i.UpdateTime), Etag: aip.Etag(i.Version),
	}
	return p
}

// CreateIncident implements the RPC (the buyer or the producer reports).
func (s *Server) CreateIncident(ctx context.Context, req *contractsv1.CreateIncidentRequest) (*contractsv1.Incident, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), mayEdit, "incidents are reported by the buyer or the producer")
	if err != nil {
		return nil, err
	}
	in := req.GetIncident()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("incident", "REQUIRED", "is required")
		return nil, v.Err()
	}
	kind := enumName(in.GetKind().String(), "KIND_")
	v.Check(domain.In(kind, incidentKinds), "incident.kind", "ENUM_VALUE", "must be one of KIND_FORCE_MAJEURE, KIND_SIDE_SELLING, KIND_REFUSAL_TO_BUY, KIND_LATE_PAYMENT, KIND_QUALITY_DISPUTE")
	textOK(&v, "incident.description", in.GetDescription(), 2000, true)
	fm := enumName(in.GetForceMajeureEvent().String(), "FORCE_MAJEURE_EVENT_")
	if kind == "FORCE_MAJEURE" {
		v.Check(domain.In(fm, c.Terms.ForceMajeureEvents), "incident.force_majeure_event", "FORCE_MAJEURE_COVERED", "must be one of the contract's force-majeure events %v", c.Terms.ForceMajeureEvents)
	} else {
		v.Check(in.GetBreachingParty() == c.Terms.Buyer || in.GetBreachingParty() == c.Terms.Producer, "incident.breaching_party", "CONTRACT_PARTY", "must be the buyer or the producer")
	}
	v.Check(in.GetBreachedValueVnd() >= 0 && in.GetBreachedValueVnd() <= 10_000_000_000_000, "incident.breached_value_vnd", "RANGE", "must be between 0 and 10^13")
	for i, l := range in.GetAffectedLots() {
		v.Check(lot(c, l) != nil, "incident.affected_lots["+itoa(int64(i))+"]", "CONTRACT_LOT", "%q is not a lot of this contract", l)
	}
	for i, h := range in.GetAffectedHouseholds() {
		v.Check(allocation(c, h) != nil, "incident.affected_households["+itoa(int64(i))+"]", "CONTRACT_HOUSEHOLD", "%q is not a household of this contract", h)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.State != domain.StateActive && c.State != domain.StateSuspended && c.State != domain.StateCompleted {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "incidents are reported under an ACTIVE, SUSPENDED or COMPLETED contract; it is "+c.State, map[string]string{"state": c.State})
	}
	now := s.now().UTC()
	id := aip.IDForRequest("CreateIncident\x00"+p.Subject+"\x00"+c.ID, req.GetRequestId())
	inc := &storage.Incident{ID: id, Contract: c.ID, Kind: kind, State: "OPEN", Description: in.GetDescription(), ForceMajeureEvent: fm,
		AffectedLots: in.GetAffectedLots(), AffectedHouseholds: in.GetAffectedHouseholds(), SuspendContract: in.GetSuspendContract(),
		BreachingParty: in.GetBreachingParty(), BreachedValueVND: in.GetBreachedValueVnd(), Reporter: p.Subject, CreateTime: now, UpdateTime: now, Version: 1}
	stored, _, err := s.ex.Incidents.Insert(ctx, id, inc)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	if _, err := s.record(ctx, p, c, reqKey("CreateIncident", p, id), "incident.opened", map[string]any{"incident": id, "kind": kind}, nil); err != nil {
		return nil, err
	}
	return incidentToProto(stored), nil
}

func (s *Server) loadIncident(ctx context.Context, p auth.Principal, name string) (*domain.Contract, *storage.Incident, error) {
	ids, err := aip.ParseName("name", name, "contracts", "incidents")
	if err != nil {
		return nil, nil, err
	}
	c, err := s.load(ctx, p, "name", "contracts/"+ids[0])
	if err != nil {
		return nil, nil, err
	}
	i, err := s.ex.Incidents.Get(ctx, ids[1])
	if err != nil {
		return nil, nil, s.fail(ctx, name, err)
	}
	if i == nil || i.Contract != c.ID {
		return nil, nil, apierr.NotFound(name)
	}
	return c, i, nil
}

// GetIncident implements the RPC.
func (s *Server) GetIncident(ctx context.Context, req *contractsv1.GetIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	_, i, err := s.loadIncident(ctx, p, req.GetName())
	if err != nil {
		return nil, err
	}
	return incidentToProto(i), nil
}

// ListIncidents implements the RPC. Filters: kind, state.
func (s *Server) ListIncidents(ctx context.Context, req *contractsv1.ListIncidentsRequest) (*contractsv1.ListIncidentsResponse, error) {
	_, c, err := s.caller(ctx, "parent", req.GetParent(), nil, "")
	if err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "kind", "state")
	if err != nil {
		return nil, err
	}
	f := bson.D{}
	for _, x := range cs {
		val := enumName(enumName(x.Value, "KIND_"), "STATE_")
		if x.Op == "!=" {
			f = append(f, bson.E{Key: x.Field, Value: bson.D{{Key: "$ne", Value: val}}})
		} else {
			f = append(f, bson.E{Key: x.Field, Value: val})
		}
	}
	items, next, err := listOf(ctx, s, s.ex.Incidents, c, "incidents\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(i *storage.Incident) string { return i.ID })
	if err != nil {
		return nil, err
	}
	resp := &contractsv1.ListIncidentsResponse{NextPageToken: next}
	for i := range items {
		resp.Incidents = append(resp.Incidents, incidentToProto(&items[i]))
	}
	return resp, nil
}

// updateIncident stores an incident change (etag-checked) and logs it on the contract.
func (s *Server) updateIncident(ctx context.Context, p auth.Principal, c *domain.Contract, i *storage.Incident, etag, requestID, typ string, change func(*storage.Incident) error, contractChange func(*domain.Contract) error) (*contractsv1.Incident, error) {
	if err := aip.CheckEtag("etag", etag, i.Version, contractName(c.ID)+"/incidents/"+i.ID); err != nil {
		return nil, err
	}
	key := reqKey(typ, p, requestID)
	if key != "" && c.SeenRequest(key) {
		return incidentToProto(i), nil
	}
	prev := i.Version
	if err := change(i); err != nil {
		return nil, err
	}
	i.Version, i.UpdateTime = prev+1, s.now().UTC()
	// The contract change (suspension, excused lots) and the audit event come first: if the
	// contract cannot change, the incident does not either.
	if _, err := s.record(ctx, p, c, key, typ, map[string]any{"incident": i.ID, "state": i.State, "verification": i.Verification, "penalty_vnd": i.PenaltyVND, "outcome": i.Outcome}, contractChange); err != nil {
		return nil, err
	}
	ok, err := s.ex.Incidents.Replace(ctx, i.ID, prev, i)
	if err != nil {
		return nil, s.fail(ctx, c.ID, err)
	}
	if !ok {
		return nil, apierr.EtagMismatch(contractName(c.ID) + "/incidents/" + i.ID)
	}
	return incidentToProto(i), nil
}

func (s *Server) officialOf(p auth.Principal, c *domain.Contract) error {
	if !p.Is(auth.RoleCommuneOfficial) || p.AdminArea != c.ProducerCommuneCode {
		return apierr.PermissionDenied("only an official of the producer's commune (" + c.ProducerCommuneCode + ") may do this")
	}
	return nil
}

// VerifyIncident implements the RPC: the witnessing commune accepts or rejects a force-majeure
// claim. Accepted: the contract is suspended (suspend_contract) or the affected lots excused.
func (s *Server) VerifyIncident(ctx context.Context, req *contractsv1.VerifyIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, i, err := s.loadIncident(ctx, p, req.GetName())
	if err != nil {
		return nil, err
	}
	if err := s.officialOf(p, c); err != nil {
		return nil, err
	}
	var v apierr.Violations
	textOK(&v, "note", req.GetNote(), 2000, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if i.Kind != "FORCE_MAJEURE" {
		return nil, apierr.FailedPrecondition("NOT_FORCE_MAJEURE", "only force-majeure claims are verified; mediate other incidents", nil)
	}
	if i.State == "RESOLVED" {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "incident is RESOLVED", map[string]string{"state": i.State})
	}
	var contractChange func(*domain.Contract) error
	if req.GetAccept() {
		if i.SuspendContract {
			contractChange = func(c *domain.Contract) error { return c.Suspend("force majeure: " + i.Description) }
		} else {
			contractChange = func(c *domain.Contract) error {
				for _, l := range i.AffectedLots {
					if !domain.In(l, c.ExcusedLots) {
						c.ExcusedLots = append(c.ExcusedLots, l)
					}
				}
				return nil
			}
		}
	}
	out, err := s.updateIncident(ctx, p, c, i, req.GetEtag(), req.GetRequestId(), "incident.verified", func(i *storage.Incident) error {
		i.State = "RESOLVED"
		if req.GetAccept() {
			i.Verification, i.Outcome = "ACCEPTED", "force majeure accepted by the commune. "+req.GetNote()
		} else {
			i.Verification, i.Outcome = "REJECTED", "force majeure rejected by the commune. "+req.GetNote()
		}
		return nil
	}, contractChange)
	if err != nil {
		return nil, err
	}
	if req.GetAccept() && !i.SuspendContract {
		if cur, err := s.st.Get(ctx, c.ID); err == nil && cur != nil {
			if _, err := s.maybeComplete(ctx, p, cur); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// MediateIncident implements the RPC: OPEN → MEDIATION by the commune.
func (s *Server) MediateIncident(ctx context.Context, req *contractsv1.MediateIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, i, err := s.loadIncident(ctx, p, req.GetName())
	if err != nil {
		return nil, err
	}
	if err := s.officialOf(p, c); err != nil {
		return nil, err
	}
	if i.State != "OPEN" {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "only OPEN incidents go to mediation; it is "+i.State, map[string]string{"state": i.State})
	}
	return s.updateIncident(ctx, p, c, i, req.GetEtag(), req.GetRequestId(), "incident.mediation", func(i *storage.Incident) error {
		i.State = "MEDIATION"
		return nil
	}, nil)
}

// ResolveIncident implements the RPC: the commune closes a mediation, or the parties settle an
// OPEN incident by negotiation; an upheld breach carries the clause's penalty (capped at 8%).
func (s *Server) ResolveIncident(ctx context.Context, req *contractsv1.ResolveIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, i, err := s.loadIncident(ctx, p, req.GetName())
	if err != nil {
		return nil, err
	}
	if err := reason(req.GetOutcome()); err != nil {
		return nil, apierr.Field("outcome", "REQUIRED", "the outcome is required (at most 2000 characters)")
	}
	switch i.State {
	case "MEDIATION":
		if err := s.officialOf(p, c); err != nil {
			return nil, err
		}
	case "OPEN":
		if !mayEdit(p, c) && s.officialOf(p, c) != nil {
			return nil, apierr.PermissionDenied("the parties, or the commune, resolve an incident")
		}
	default:
		return nil, apierr.FailedPrecondition("INVALID_STATE", "incident is "+i.State, map[string]string{"state": i.State})
	}
	if i.Kind == "FORCE_MAJEURE" {
		return nil, apierr.FailedPrecondition("VERIFY_FORCE_MAJEURE", "force-majeure claims are settled by the commune's verification", nil)
	}
	return s.updateIncident(ctx, p, c, i, req.GetEtag(), req.GetRequestId(), "incident.resolved", func(i *storage.Incident) error {
		i.State, i.Outcome = "RESOLVED", req.GetOutcome()
		if req.GetBreachUpheld() {
			pen, err := domain.Penalty(i.BreachedValueVND, c.Terms.Breach.PenaltyBps)
			if err != nil {
				return apierr.Field("breach_upheld", "AMOUNT_RANGE", "%s", err.Error())
			}
			i.PenaltyVND = pen
		}
		return nil
	}, nil)
}

// CreateMarketPrice implements the RPC. Only operators and services keep the price table (from
// official bulletins): a buyer setting the reference it pays against would be a conflict of
// interest. A price once recorded for a day is not changed.
func (s *Server) CreateMarketPrice(ctx context.Context, req *contractsv1.CreateMarketPriceRequest) (*contractsv1.MarketPrice, error) {
	if _, err := auth.RequireRole(ctx, auth.RoleAdmin, auth.RoleService); err != nil {
		return nil, err
	}
	in := req.GetMarketPrice()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	textOK(&v, "market_price.reference", in.GetReference(), 100, true)
	v.Check(validDate(in.GetPriceDate()), "market_price.price_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
	v.Check(in.GetPriceVnd() > 0 && in.GetPriceVnd() <= 1_000_000_000_000, "market_price.price_vnd", "RANGE", "must be positive")
	textOK(&v, "market_price.source", in.GetSource(), 300, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	mp := &storage.MarketPrice{ID: in.GetReference() + "/" + in.GetPriceDate(), Reference: in.GetReference(), Date: in.GetPriceDate(), PriceVND: in.GetPriceVnd(), Source: in.GetSource()}
	stored, created, err := s.ex.MarketPrices.Insert(ctx, mp.ID, mp)
	if err != nil {
		return nil, s.fail(ctx, "marketPrices", err)
	}
	if !created && stored.PriceVND != mp.PriceVND {
		return nil, apierr.AlreadyExists("marketPrices/" + mp.ID)
	}
	return &contractsv1.MarketPrice{Name: "marketPrices/" + stored.ID, Reference: stored.Reference, PriceDate: stored.Date, PriceVnd: stored.PriceVND, Source: stored.Source}, nil
}

// ListMarketPrices implements the RPC. Filters: reference, price_date.
func (s *Server) ListMarketPrices(ctx context.Context, req *contractsv1.ListMarketPricesRequest) (*contractsv1.ListMarketPricesResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "reference", "price_date")
	if err != nil {
		return nil, err
	}
	f := bson.D{}
	for _, x := range cs {
		field := map[string]string{"reference": "reference", "price_date": "date"}[x.Field]
		if x.Op == "!=" {
			f = append(f, bson.E{Key: field, Value: bson.D{{Key: "$ne", Value: x.Value}}})
		} else {
			f = append(f, bson.E{Key: field, Value: x.Value})
		}
	}
	n, err := aip.PageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	digest := aip.QueryDigest("prices", aip.String(cs))
	after, err := aip.DecodePageToken(req.GetPageToken(), digest)
	if err != nil {
		return nil, err
	}
	items, more, err := s.ex.MarketPrices.List(ctx, f, after, n)
	if err != nil {
		return nil, s.fail(ctx, "marketPrices", err)
	}
	resp := &contractsv1.ListMarketPricesResponse{}
	for _, m := range items {
		resp.MarketPrices = append(resp.MarketPrices, &contractsv1.MarketPrice{Name: "marketPrices/" + m.ID, Reference: m.Reference, PriceDate: m.Date, PriceVnd: m.PriceVND, Source: m.Source})
	}
	if more && len(items) > 0 {
		resp.NextPageToken = aip.EncodePageToken(items[len(items)-1].ID, digest)
	}
	return resp, nil
}

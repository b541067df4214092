package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
)

func incidentToProto(i *domain.Incident) *contractsv1.Incident {
	return &contractsv1.Incident{
		Name: domain.ContractName(i.Contract) + "/incidents/" + i.ID, Kind: contractsv1.Incident_Kind(contractsv1.Incident_Kind_value["KIND_"+i.Kind]),
		State: contractsv1.Incident_State(contractsv1.Incident_State_value["STATE_"+i.State]), Description: i.Description,
		ForceMajeureEvent: contractsv1.ForceMajeureEvent(contractsv1.ForceMajeureEvent_value["FORCE_MAJEURE_EVENT_"+i.ForceMajeureEvent]),
		AffectedLots:      i.AffectedLots, AffectedHouseholds: i.AffectedHouseholds, SuspendContract: i.SuspendContract,
		Verification:   contractsv1.Incident_Verification(contractsv1.Incident_Verification_value["VERIFICATION_"+i.Verification]),
		BreachingParty: i.BreachingParty, BreachedValueVnd: i.BreachedValueVND, PenaltyVnd: i.PenaltyVND, Outcome: i.Outcome, Reporter: i.Reporter,
		CreateTime: timestamppb.New(i.CreateTime), UpdateTime: timestamppb.New(i.UpdateTime), Etag: aip.Etag(i.Version),
	}
}

func incidentInput(i *contractsv1.Incident) *domain.IncidentInput {
	if i == nil {
		return nil
	}
	return &domain.IncidentInput{Kind: domainEnum(i.GetKind(), "KIND_"), Description: i.GetDescription(), ForceMajeureEvent: domainEnum(i.GetForceMajeureEvent(), "FORCE_MAJEURE_EVENT_"),
		AffectedLots: i.GetAffectedLots(), AffectedHouseholds: i.GetAffectedHouseholds(), SuspendContract: i.GetSuspendContract(),
		BreachingParty: i.GetBreachingParty(), BreachedValueVND: i.GetBreachedValueVnd()}
}

// CreateIncident implements the RPC (the buyer or the producer reports).
func (s *Server) CreateIncident(ctx context.Context, req *contractsv1.CreateIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	i, err := s.uc.ReportIncident(ctx, p, req.GetParent(), req.GetRequestId(), incidentInput(req.GetIncident()))
	return reply(i, err, incidentToProto)
}

// GetIncident implements the RPC.
func (s *Server) GetIncident(ctx context.Context, req *contractsv1.GetIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	i, err := s.uc.GetIncident(ctx, p, req.GetName())
	return reply(i, err, incidentToProto)
}

// ListIncidents implements the RPC.
func (s *Server) ListIncidents(ctx context.Context, req *contractsv1.ListIncidentsRequest) (*contractsv1.ListIncidentsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListIncidents(ctx, p, req.GetParent(), listQuery(req.GetFilter(), req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[domain.Incident]) *contractsv1.ListIncidentsResponse {
		return &contractsv1.ListIncidentsResponse{Incidents: protos(pg.Items, incidentToProto), NextPageToken: pg.NextPageToken}
	})
}

// VerifyIncident implements the RPC (the producer's commune, on a force-majeure claim).
func (s *Server) VerifyIncident(ctx context.Context, req *contractsv1.VerifyIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	t := usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()}
	i, err := s.uc.VerifyIncident(ctx, p, t, req.GetAccept(), req.GetNote())
	return reply(i, err, incidentToProto)
}

// MediateIncident implements the RPC.
func (s *Server) MediateIncident(ctx context.Context, req *contractsv1.MediateIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	i, err := s.uc.MediateIncident(ctx, p, usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()})
	return reply(i, err, incidentToProto)
}

// ResolveIncident implements the RPC.
func (s *Server) ResolveIncident(ctx context.Context, req *contractsv1.ResolveIncidentRequest) (*contractsv1.Incident, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	t := usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()}
	i, err := s.uc.ResolveIncident(ctx, p, t, req.GetOutcome(), req.GetBreachUpheld())
	return reply(i, err, incidentToProto)
}

func marketPriceToProto(m *domain.MarketPrice) *contractsv1.MarketPrice {
	return &contractsv1.MarketPrice{Name: "marketPrices/" + m.ID, Reference: m.Reference, PriceDate: m.Date, PriceVnd: m.PriceVND, Source: m.Source}
}

// CreateMarketPrice implements the RPC (operators and services keep the price table).
func (s *Server) CreateMarketPrice(ctx context.Context, req *contractsv1.CreateMarketPriceRequest) (*contractsv1.MarketPrice, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetMarketPrice()
	mp := domain.MarketPrice{Reference: in.GetReference(), Date: in.GetPriceDate(), PriceVND: in.GetPriceVnd(), Source: in.GetSource()}
	stored, err := s.uc.CreateMarketPrice(ctx, p, req.GetRequestId(), mp)
	return reply(stored, err, marketPriceToProto)
}

// ListMarketPrices implements the RPC.
func (s *Server) ListMarketPrices(ctx context.Context, req *contractsv1.ListMarketPricesRequest) (*contractsv1.ListMarketPricesResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListMarketPrices(ctx, p, listQuery(req.GetFilter(), req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[domain.MarketPrice]) *contractsv1.ListMarketPricesResponse {
		return &contractsv1.ListMarketPricesResponse{MarketPrices: protos(pg.Items, marketPriceToProto), NextPageToken: pg.NextPageToken}
	})
}

package transport

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/types/known/structpb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateContract implements the RPC.
func (s *Server) CreateContract(ctx context.Context, req *contractsv1.CreateContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var in *domain.NewContract
	if c := req.GetContract(); c != nil {
		in = &domain.NewContract{DisplayName: c.GetDisplayName(), Rulebook: c.GetRulebook(), Terms: termsToDomain(c.GetTerms())}
	}
	c, err := s.uc.CreateContract(ctx, p, req.GetRequestId(), in)
	return reply(c, err, contractToProto)
}

// GetContract implements the RPC.
func (s *Server) GetContract(ctx context.Context, req *contractsv1.GetContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.GetContract(ctx, p, req.GetName())
	return reply(c, err, contractToProto)
}

// ListContracts implements the RPC.
func (s *Server) ListContracts(ctx context.Context, req *contractsv1.ListContractsRequest) (*contractsv1.ListContractsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListContracts(ctx, p, listQuery(req.GetFilter(), req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[domain.Contract]) *contractsv1.ListContractsResponse {
		return &contractsv1.ListContractsResponse{Contracts: protos(pg.Items, contractToProto), NextPageToken: pg.NextPageToken}
	})
}

// UpdateContract implements the RPC (terms, display_name and rulebook, by update mask).
func (s *Server) UpdateContract(ctx context.Context, req *contractsv1.UpdateContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	r := usecase.UpdateRequest{Name: req.GetContract().GetName(), Etag: req.GetContract().GetEtag()}
	if c := req.GetContract(); c != nil {
		r.Update = &domain.ContractUpdate{Paths: req.GetUpdateMask().GetPaths(), DisplayName: c.GetDisplayName(), Rulebook: c.GetRulebook(), Terms: termsToDomain(c.GetTerms())}
	}
	c, err := s.uc.UpdateContract(ctx, p, r)
	return reply(c, err, contractToProto)
}

// ValidateContract implements the RPC.
func (s *Server) ValidateContract(ctx context.Context, req *contractsv1.ValidateContractRequest) (*contractsv1.ValidateContractResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	val, err := s.uc.ValidateContract(ctx, p, req.GetName())
	return reply(val, err, func(val usecase.Validation) *contractsv1.ValidateContractResponse {
		resp := &contractsv1.ValidateContractResponse{RulebookVersion: val.RulebookVersion}
		for _, v := range val.Violations {
			resp.Violations = append(resp.Violations, &contractsv1.RuleViolation{RuleId: v.RuleID, Field: v.Field, MessageVi: v.MessageVI, MessageEn: v.MessageEN})
		}
		return resp
	})
}

// SubmitContract implements the RPC.
func (s *Server) SubmitContract(ctx context.Context, req *contractsv1.SubmitContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.SubmitContract(ctx, p, usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()})
	return reply(c, err, contractToProto)
}

// SignContract implements the RPC.
func (s *Server) SignContract(ctx context.Context, req *contractsv1.SignContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	sig := usecase.Signature{Party: domainEnum(req.GetParty(), "PARTY_"), Household: req.GetHousehold(), TermsHash: req.GetTermsHash()}
	c, err := s.uc.SignContract(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()}, sig)
	return reply(c, err, contractToProto)
}

// WitnessContract implements the RPC.
func (s *Server) WitnessContract(ctx context.Context, req *contractsv1.WitnessContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.WitnessContract(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()}, req.GetTermsHash())
	return reply(c, err, contractToProto)
}

// RejectWitnessContract implements the RPC.
func (s *Server) RejectWitnessContract(ctx context.Context, req *contractsv1.RejectWitnessContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.RejectWitness(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()}, req.GetReason())
	return reply(c, err, contractToProto)
}

// CancelContract implements the RPC.
func (s *Server) CancelContract(ctx context.Context, req *contractsv1.CancelContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.CancelContract(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()}, req.GetReason())
	return reply(c, err, contractToProto)
}

// AmendContract implements the RPC.
func (s *Server) AmendContract(ctx context.Context, req *contractsv1.AmendContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	t := usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()}
	c, err := s.uc.AmendContract(ctx, p, t, termsToDomain(req.GetTerms()), req.GetReason())
	return reply(c, err, contractToProto)
}

// ResumeContract implements the RPC.
func (s *Server) ResumeContract(ctx context.Context, req *contractsv1.ResumeContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.ResumeContract(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()}, req.GetReason())
	return reply(c, err, contractToProto)
}

// TerminateContract implements the RPC.
func (s *Server) TerminateContract(ctx context.Context, req *contractsv1.TerminateContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.TerminateContract(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()}, req.GetReason())
	return reply(c, err, contractToProto)
}

// AcknowledgeSettlement implements the RPC.
func (s *Server) AcknowledgeSettlement(ctx context.Context, req *contractsv1.AcknowledgeSettlementRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.uc.AcknowledgeSettlement(ctx, p, usecase.Target{Name: req.GetName(), RequestID: req.GetRequestId()})
	return reply(c, err, contractToProto)
}

// ListContractEvents implements the RPC (oldest first).
func (s *Server) ListContractEvents(ctx context.Context, req *contractsv1.ListContractEventsRequest) (*contractsv1.ListContractEventsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListContractEvents(ctx, p, req.GetParent(), listQuery("", req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[domain.Event]) *contractsv1.ListContractEventsResponse {
		return &contractsv1.ListContractEventsResponse{Events: protos(pg.Items, func(e *domain.Event) *contractsv1.ContractEvent { return eventToProto(*e) }), NextPageToken: pg.NextPageToken}
	})
}

// ListRulebooks implements the RPC.
func (s *Server) ListRulebooks(ctx context.Context, _ *contractsv1.ListRulebooksRequest) (*contractsv1.ListRulebooksResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	resp := &contractsv1.ListRulebooksResponse{}
	for _, rb := range s.uc.ListRulebooks(ctx, p) {
		out := &contractsv1.Rulebook{Id: rb.ID, Version: rb.Version, Base: rb.Base, Title: rb.Title}
		for _, r := range rb.Rules {
			out.RuleIds = append(out.RuleIds, r.ID)
		}
		resp.Rulebooks = append(resp.Rulebooks, out)
	}
	return resp, nil
}

// ExportContractPlots implements the RPC.
func (s *Server) ExportContractPlots(ctx context.Context, req *contractsv1.ExportContractPlotsRequest) (*contractsv1.ContractPlots, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	fc, err := s.uc.ExportContractPlots(ctx, p, req.GetName())
	if err != nil {
		return nil, err
	}
	st, err := structpb.NewStruct(fc)
	if err != nil {
		return nil, fmt.Errorf("plots as GeoJSON: %w", err)
	}
	return &contractsv1.ContractPlots{FeatureCollection: st}, nil
}

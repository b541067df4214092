package transport

import (
	"context"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateProposal implements the RPC.
func (s *Server) CreateProposal(ctx context.Context, req *matchmakingv1.CreateProposalRequest) (*matchmakingv1.Proposal, error) {
	in := usecase.CreateProposalInput{Parent: req.GetParent(), RequestID: req.GetRequestId(), Proposal: proposalToDomain(req.GetProposal())}
	return serve(ctx, func(p auth.Principal) (*domain.Proposal, error) { return s.uc.CreateProposal(ctx, p, in) }, proposalToProto)
}

// GetProposal implements the RPC.
func (s *Server) GetProposal(ctx context.Context, req *matchmakingv1.GetProposalRequest) (*matchmakingv1.Proposal, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Proposal, error) { return s.uc.GetProposal(ctx, p, req.GetName()) }, proposalToProto)
}

// ListProposals implements the RPC.
func (s *Server) ListProposals(ctx context.Context, req *matchmakingv1.ListProposalsRequest) (*matchmakingv1.ListProposalsResponse, error) {
	in := usecase.ListInput{Parent: req.GetParent(), Filter: req.GetFilter(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken()}
	items, next, err := list(ctx, func(p auth.Principal) ([]domain.Proposal, string, error) { return s.uc.ListProposals(ctx, p, in) }, proposalToProto)
	if err != nil {
		return nil, err
	}
	return &matchmakingv1.ListProposalsResponse{Proposals: items, NextPageToken: next}, nil
}

// AcceptProposal implements the RPC.
func (s *Server) AcceptProposal(ctx context.Context, req *matchmakingv1.AcceptProposalRequest) (*matchmakingv1.Proposal, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Proposal, error) {
		return s.uc.AcceptProposal(ctx, p, req.GetName(), req.GetWitnessAuthority())
	}, proposalToProto)
}

// DeclineProposal implements the RPC.
func (s *Server) DeclineProposal(ctx context.Context, req *matchmakingv1.DeclineProposalRequest) (*matchmakingv1.Proposal, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Proposal, error) {
		return s.uc.EndProposal(ctx, p, req.GetName(), req.GetReason(), domain.ProposalDeclined)
	}, proposalToProto)
}

// CancelProposal implements the RPC.
func (s *Server) CancelProposal(ctx context.Context, req *matchmakingv1.CancelProposalRequest) (*matchmakingv1.Proposal, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Proposal, error) {
		return s.uc.EndProposal(ctx, p, req.GetName(), req.GetReason(), domain.ProposalCancelled)
	}, proposalToProto)
}

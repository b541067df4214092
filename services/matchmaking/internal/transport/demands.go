package transport

import (
	"context"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateDemand implements the RPC.
func (s *Server) CreateDemand(ctx context.Context, req *matchmakingv1.CreateDemandRequest) (*matchmakingv1.Demand, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Demand, error) {
		return s.uc.CreateDemand(ctx, p, req.GetRequestId(), demandToDomain(req.GetDemand()))
	}, demandToProto)
}

// GetDemand implements the RPC.
func (s *Server) GetDemand(ctx context.Context, req *matchmakingv1.GetDemandRequest) (*matchmakingv1.Demand, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Demand, error) { return s.uc.GetDemand(ctx, p, req.GetName()) }, demandToProto)
}

// ListDemands implements the RPC.
func (s *Server) ListDemands(ctx context.Context, req *matchmakingv1.ListDemandsRequest) (*matchmakingv1.ListDemandsResponse, error) {
	in := usecase.ListInput{Filter: req.GetFilter(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken()}
	items, next, err := list(ctx, func(p auth.Principal) ([]domain.Demand, string, error) { return s.uc.ListDemands(ctx, p, in) }, demandToProto)
	if err != nil {
		return nil, err
	}
	return &matchmakingv1.ListDemandsResponse{Demands: items, NextPageToken: next}, nil
}

// UpdateDemand implements the RPC.
func (s *Server) UpdateDemand(ctx context.Context, req *matchmakingv1.UpdateDemandRequest) (*matchmakingv1.Demand, error) {
	in := usecase.Update[domain.Demand]{Name: req.GetDemand().GetName(), Etag: req.GetDemand().GetEtag(), Paths: req.GetUpdateMask().GetPaths(), Patch: demandToDomain(req.GetDemand())}
	return serve(ctx, func(p auth.Principal) (*domain.Demand, error) { return s.uc.UpdateDemand(ctx, p, in) }, demandToProto)
}

// CloseDemand implements the RPC.
func (s *Server) CloseDemand(ctx context.Context, req *matchmakingv1.CloseDemandRequest) (*matchmakingv1.Demand, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Demand, error) {
		return s.uc.EndDemand(ctx, p, req.GetName(), req.GetEtag(), domain.DemandClosed)
	}, demandToProto)
}

// CancelDemand implements the RPC.
func (s *Server) CancelDemand(ctx context.Context, req *matchmakingv1.CancelDemandRequest) (*matchmakingv1.Demand, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Demand, error) {
		return s.uc.EndDemand(ctx, p, req.GetName(), req.GetEtag(), domain.DemandCancelled)
	}, demandToProto)
}

package transport

import (
	"context"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// MatchDemand implements the RPC.
func (s *Server) MatchDemand(ctx context.Context, req *matchmakingv1.MatchDemandRequest) (*matchmakingv1.MatchDemandResponse, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.Match, error) {
		return s.uc.MatchDemand(ctx, p, req.GetName(), req.GetMaxCandidates())
	}, matchToProto)
}

// BatchAllocate implements the RPC.
func (s *Server) BatchAllocate(ctx context.Context, req *matchmakingv1.BatchAllocateRequest) (*matchmakingv1.BatchAllocateResponse, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.Batch, error) {
		return s.uc.BatchAllocate(ctx, p, usecase.BatchInput{Demands: req.GetDemands(), Offers: req.GetOffers()})
	}, batchToProto)
}

package transport

import (
	"context"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateOffer implements the RPC.
func (s *Server) CreateOffer(ctx context.Context, req *matchmakingv1.CreateOfferRequest) (*matchmakingv1.Offer, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Offer, error) {
		return s.uc.CreateOffer(ctx, p, req.GetRequestId(), offerToDomain(req.GetOffer()))
	}, offerToProto)
}

// GetOffer implements the RPC.
func (s *Server) GetOffer(ctx context.Context, req *matchmakingv1.GetOfferRequest) (*matchmakingv1.Offer, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Offer, error) { return s.uc.GetOffer(ctx, p, req.GetName()) }, offerToProto)
}

// ListOffers implements the RPC.
func (s *Server) ListOffers(ctx context.Context, req *matchmakingv1.ListOffersRequest) (*matchmakingv1.ListOffersResponse, error) {
	in := usecase.ListInput{Filter: req.GetFilter(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken()}
	items, next, err := list(ctx, func(p auth.Principal) ([]domain.Offer, string, error) { return s.uc.ListOffers(ctx, p, in) }, offerToProto)
	if err != nil {
		return nil, err
	}
	return &matchmakingv1.ListOffersResponse{Offers: items, NextPageToken: next}, nil
}

// UpdateOffer implements the RPC.
func (s *Server) UpdateOffer(ctx context.Context, req *matchmakingv1.UpdateOfferRequest) (*matchmakingv1.Offer, error) {
	in := usecase.Update[domain.Offer]{Name: req.GetOffer().GetName(), Etag: req.GetOffer().GetEtag(), Paths: req.GetUpdateMask().GetPaths(), Patch: offerToDomain(req.GetOffer())}
	return serve(ctx, func(p auth.Principal) (*domain.Offer, error) { return s.uc.UpdateOffer(ctx, p, in) }, offerToProto)
}

// WithdrawOffer implements the RPC.
func (s *Server) WithdrawOffer(ctx context.Context, req *matchmakingv1.WithdrawOfferRequest) (*matchmakingv1.Offer, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Offer, error) {
		return s.uc.WithdrawOffer(ctx, p, req.GetName(), req.GetEtag())
	}, offerToProto)
}

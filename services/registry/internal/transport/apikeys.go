package transport

import (
	"context"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateApiKey implements the RPC.
func (s *Server) CreateApiKey(ctx context.Context, req *registryv1.CreateApiKeyRequest) (*registryv1.CreateApiKeyResponse, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.NewAPIKey, error) {
		return s.uc.CreateAPIKey(ctx, p, req.GetParent(), req.GetApiKey().GetDisplayName(), req.GetRequestId())
	}, func(k *usecase.NewAPIKey) *registryv1.CreateApiKeyResponse {
		return &registryv1.CreateApiKeyResponse{ApiKey: apiKeyToProto(k.Key), Secret: k.Secret}
	})
}

// ListApiKeys implements the RPC.
func (s *Server) ListApiKeys(ctx context.Context, req *registryv1.ListApiKeysRequest) (*registryv1.ListApiKeysResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.APIKey], error) {
		return s.uc.ListAPIKeys(ctx, p, req.GetParent(), listInput(req, ""))
	}, func(pg usecase.Page[domain.APIKey]) *registryv1.ListApiKeysResponse {
		return &registryv1.ListApiKeysResponse{ApiKeys: each(pg.Items, apiKeyToProto), NextPageToken: pg.Next}
	})
}

// RevokeApiKey implements the RPC.
func (s *Server) RevokeApiKey(ctx context.Context, req *registryv1.RevokeApiKeyRequest) (*registryv1.ApiKey, error) {
	return serve(ctx, func(p auth.Principal) (*domain.APIKey, error) { return s.uc.RevokeAPIKey(ctx, p, req.GetName()) }, apiKeyToProto)
}

// VerifyApiKey implements the RPC.
func (s *Server) VerifyApiKey(ctx context.Context, req *registryv1.VerifyApiKeyRequest) (*registryv1.ApiKey, error) {
	return serve(ctx, func(p auth.Principal) (*domain.APIKey, error) { return s.uc.VerifyAPIKey(ctx, p, req.GetSecret()) }, apiKeyToProto)
}

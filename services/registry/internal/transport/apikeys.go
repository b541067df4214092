package transport

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// API-key secrets look like "lk_<prefix>_<secret>": the prefix (10 base32 characters) finds the
// key and is shown in listings; the 256-bit secret is never stored — only the SHA-256 of the
// whole string, compared in constant time. A fast hash is right here: the secret is random and
// high-entropy, so there is nothing to brute-force that a slow KDF would protect.

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func newSecret() (prefix, secret string, err error) {
	var p [6]byte
	var s [32]byte
	if _, err := rand.Read(p[:]); err != nil {
		return "", "", err
	}
	if _, err := rand.Read(s[:]); err != nil {
		return "", "", err
	}
	prefix = strings.ToLower(b32.EncodeToString(p[:]))
	return prefix, "lk_" + prefix + "_" + base64.RawURLEncoding.EncodeToString(s[:]), nil
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// mayManageKeys: operators and the organisation's own users (partners cannot mint keys).
func mayManageKeys(p auth.Principal, org string) bool {
	return p.Is(auth.RoleAdmin) || (p.Is(auth.RoleBusiness, auth.RoleProducer) && p.Organization == org)
}

// CreateApiKey implements the RPC.
func (s *Server) CreateApiKey(ctx context.Context, req *registryv1.CreateApiKeyRequest) (*registryv1.CreateApiKeyResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	org, err := s.getOrg(ctx, "parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if !mayManageKeys(p, req.GetParent()) {
		return nil, apierr.PermissionDenied("only operators and the organisation's own users may create its API keys")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	name := req.GetApiKey().GetDisplayName()
	if strings.TrimSpace(name) == "" {
		v.Add("api_key.display_name", "REQUIRED", "is required")
	} else if len([]rune(name)) > domain.MaxShortLen {
		v.Add("api_key.display_name", "MAX_LENGTH", "must be at most %d characters", domain.MaxShortLen)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	id := aip.IDForRequest("CreateApiKey\x00"+p.Subject+"\x00"+org.ID, req.GetRequestId())
	if existing, err := s.st.APIKeys.Get(ctx, id); err != nil {
		return nil, s.internal(ctx, "get api key", err)
	} else if existing != nil {
		// A retry cannot show the secret again: it was shown once and is not stored.
		return &registryv1.CreateApiKeyResponse{ApiKey: apiKeyToProto(existing)}, nil
	}
	prefix, secret, err := newSecret()
	if err != nil {
		return nil, s.internal(ctx, "random", err)
	}
	k := &domain.APIKey{ID: id, Organization: req.GetParent(), DisplayName: name, Prefix: prefix, SecretHash: hashSecret(secret), CreateTime: s.now().UTC()}
	stored, created, err := s.st.APIKeys.Insert(ctx, id, k)
	if err != nil {
		return nil, s.internal(ctx, "insert api key", err)
	}
	resp := &registryv1.CreateApiKeyResponse{ApiKey: apiKeyToProto(stored)}
	if created {
		resp.Secret = secret
	}
	return resp, nil
}

// ListApiKeys implements the RPC (prefixes only).
func (s *Server) ListApiKeys(ctx context.Context, req *registryv1.ListApiKeysRequest) (*registryv1.ListApiKeysResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := aip.ParseName("parent", req.GetParent(), "organizations"); err != nil {
		return nil, err
	}
	if !mayManageKeys(p, req.GetParent()) {
		return nil, apierr.PermissionDenied("only operators and the organisation's own users may list its API keys")
	}
	items, next, err := page(ctx, s, s.st.APIKeys, "keys\x00"+req.GetParent(), bson.D{{Key: "organization", Value: req.GetParent()}}, req.GetPageSize(), req.GetPageToken(), func(k *domain.APIKey) string { return k.ID })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListApiKeysResponse{NextPageToken: next}
	for i := range items {
		resp.ApiKeys = append(resp.ApiKeys, apiKeyToProto(&items[i]))
	}
	return resp, nil
}

// RevokeApiKey implements the RPC; revoking twice is harmless.
func (s *Server) RevokeApiKey(ctx context.Context, req *registryv1.RevokeApiKeyRequest) (*registryv1.ApiKey, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := aip.ParseName("name", req.GetName(), "organizations", "apiKeys")
	if err != nil {
		return nil, err
	}
	org := "organizations/" + ids[0]
	if !mayManageKeys(p, org) {
		return nil, apierr.PermissionDenied("only operators and the organisation's own users may revoke its API keys")
	}
	k, err := s.st.APIKeys.Get(ctx, ids[1])
	if err != nil {
		return nil, s.internal(ctx, "get api key", err)
	}
	if k == nil || k.Organization != org {
		return nil, apierr.NotFound(req.GetName())
	}
	if k.RevokeTime == nil {
		now := s.now().UTC()
		if _, err := s.st.APIKeys.UpdateIf(ctx, k.ID, bson.D{{Key: "revoke_time", Value: bson.D{{Key: "$exists", Value: false}}}}, bson.D{{Key: "$set", Value: bson.D{{Key: "revoke_time", Value: now}}}}); err != nil {
			return nil, s.internal(ctx, "revoke api key", err)
		}
		if k, err = s.st.APIKeys.Get(ctx, k.ID); err != nil || k == nil {
			return nil, s.internal(ctx, "reread api key", err)
		}
	}
	return apiKeyToProto(k), nil
}

// VerifyApiKey implements the RPC for the gateway (service role only).
func (s *Server) VerifyApiKey(ctx context.Context, req *registryv1.VerifyApiKeyRequest) (*registryv1.ApiKey, error) {
	if _, err := auth.RequireRole(ctx, auth.RoleService, auth.RoleAdmin); err != nil {
		return nil, err
	}
	bad := apierr.Unauthenticated("invalid or revoked API key")
	parts := strings.SplitN(req.GetSecret(), "_", 3)
	if len(parts) != 3 || parts[0] != "lk" || len(parts[1]) != 10 || len(req.GetSecret()) > 128 {
		return nil, bad
	}
	k, err := s.st.APIKeys.FindOne(ctx, bson.D{{Key: "prefix", Value: parts[1]}})
	if err != nil {
		return nil, s.internal(ctx, "find api key", err)
	}
	if k == nil || k.RevokeTime != nil || subtle.ConstantTimeCompare([]byte(k.SecretHash), []byte(hashSecret(req.GetSecret()))) != 1 {
		return nil, bad
	}
	return apiKeyToProto(k), nil
}

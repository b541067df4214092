package usecase

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// NewAPIKey is a created key and its secret, shown once: a retry of the create returns the key
// without it.
type NewAPIKey struct {
	Key    *domain.APIKey
	Secret string
}

// CreateAPIKey mints a partner key for an organisation: operators and the organisation's own
// users.
func (r *Registry) CreateAPIKey(ctx context.Context, p auth.Principal, parent, displayName, requestID string) (*NewAPIKey, error) {
	org, err := r.getOrg(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	if !mayManageKeys(p, parent) {
		return nil, apierr.PermissionDenied("only operators and the organisation's own users may create its API keys")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	v.Text("api_key.display_name", displayName, true, apierr.MaxShortText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	id := aip.IDForRequest("CreateApiKey\x00"+p.Subject+"\x00"+org.ID, requestID)
	if existing, err := r.st.APIKeys.Get(ctx, id); err != nil {
		return nil, fmt.Errorf("get api key: %w", err)
	} else if existing != nil {
		return &NewAPIKey{Key: existing}, nil // the secret was shown once and is not stored
	}
	prefix, secret, err := domain.NewAPIKeySecret()
	if err != nil {
		return nil, fmt.Errorf("draw an api key secret: %w", err)
	}
	k := &domain.APIKey{ID: id, Organization: parent, DisplayName: displayName, Prefix: prefix, SecretHash: domain.HashAPIKeySecret(secret), CreateTime: r.now().UTC()}
	stored, created, err := r.st.APIKeys.Insert(ctx, id, k)
	if err != nil {
		return nil, fmt.Errorf("insert api key: %w", err)
	}
	if !created {
		secret = ""
	}
	return &NewAPIKey{Key: stored, Secret: secret}, nil
}

// ListAPIKeys lists an organisation's keys (prefixes only): operators and its own users.
func (r *Registry) ListAPIKeys(ctx context.Context, p auth.Principal, parent string, in ListInput) (Page[domain.APIKey], error) {
	if _, err := aip.ParseName("parent", parent, "organizations"); err != nil {
		return Page[domain.APIKey]{}, err
	}
	if !mayManageKeys(p, parent) {
		return Page[domain.APIKey]{}, apierr.PermissionDenied("only operators and the organisation's own users may list its API keys")
	}
	where := []storage.Cond{storage.Eq("organization", parent)}
	return page(in, "keys\x00"+parent, func(pg storage.Page) ([]domain.APIKey, bool, error) { return r.st.APIKeys.List(ctx, where, pg) },
		func(k *domain.APIKey) string { return k.ID })
}

// RevokeAPIKey revokes a key; revoking twice is harmless.
func (r *Registry) RevokeAPIKey(ctx context.Context, p auth.Principal, name string) (*domain.APIKey, error) {
	ids, err := aip.ParseName("name", name, "organizations", "apiKeys")
	if err != nil {
		return nil, err
	}
	org := orgName(ids[0])
	if !mayManageKeys(p, org) {
		return nil, apierr.PermissionDenied("only operators and the organisation's own users may revoke its API keys")
	}
	k, err := r.st.APIKeys.Get(ctx, ids[1])
	if err != nil {
		return nil, fmt.Errorf("get api key: %w", err)
	}
	if k == nil || k.Organization != org {
		return nil, apierr.NotFound(name)
	}
	if k.RevokeTime != nil {
		return k, nil
	}
	if _, err := r.st.RevokeAPIKey(ctx, k.ID, r.now().UTC()); err != nil {
		return nil, fmt.Errorf("revoke api key: %w", err)
	}
	if k, err = r.st.APIKeys.Get(ctx, k.ID); err != nil || k == nil {
		return nil, fmt.Errorf("reread api key %s (found: %t): %w", name, k != nil, err)
	}
	return k, nil
}

// VerifyAPIKey returns the live key a presented secret belongs to: for the gateway (services)
// and operators.
func (r *Registry) VerifyAPIKey(ctx context.Context, p auth.Principal, secret string) (*domain.APIKey, error) {
	if err := requireRole(p, auth.RoleService, auth.RoleAdmin); err != nil {
		return nil, err
	}
	bad := apierr.Unauthenticated("invalid or revoked API key")
	prefix, ok := domain.APIKeyPrefix(secret)
	if !ok {
		return nil, bad
	}
	k, err := r.st.APIKeyByPrefix(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("find api key: %w", err)
	}
	if k == nil || !k.Matches(secret) {
		return nil, bad
	}
	return k, nil
}

package auth

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/lienket/lienket/services/platform/config"
)

// TokenVerifier checks a bearer token and returns its principal.
type TokenVerifier interface {
	Verify(token string) (Principal, error)
}

// KeySet verifies tokens against the statically configured keys plus the Ed25519 keys of a
// JSON Web Key Set (a file or an https URL), reloaded by Refresh. Only OKP/Ed25519 signing keys
// are taken from the set: RSA, EC and symmetric keys are ignored, so the algorithm pin
// (EdDSA only, see Verifier) holds whatever the set contains.
type KeySet struct {
	issuer, audience string
	policy           Policy
	static           []ed25519.PublicKey
	source           string // file path or http(s) URL
	client           *http.Client
	current          atomic.Pointer[Verifier]
}

// VerifierConfig describes the tokens a process trusts.
type VerifierConfig struct {
	// Issuer and Audience expected in every token.
	Issuer, Audience string
	// Keys are trusted Ed25519 public keys.
	Keys []ed25519.PublicKey
	// JWKS, when set, is a JWK Set file or URL whose Ed25519 keys are trusted too, reloaded
	// every Refresh (a failed reload is logged and the keys already loaded stay in force).
	JWKS    string
	Refresh time.Duration
	// Policy bounds lifetimes and clock skew (zero: DefaultPolicy).
	Policy Policy
	// CacheSize bounds the cache of verified tokens (0: no cache). A cached verification is
	// reused, by the token's hash, only until the token expires and at most CacheTTL.
	CacheSize int
	CacheTTL  time.Duration
}

// ConfigFrom is the VerifierConfig of a process's common settings, trusting keys.
func ConfigFrom(c config.Common, keys []ed25519.PublicKey) VerifierConfig {
	return VerifierConfig{
		Issuer: c.JWTIssuer, Audience: c.JWTAudience, Keys: keys, JWKS: c.JWKS, Refresh: c.JWKSRefresh,
		Policy:    Policy{MaxLifetime: c.JWTMaxLifetime, MaxPartnerLifetime: c.JWTMaxPartnerLifetime, Skew: DefaultPolicy.Skew},
		CacheSize: c.TokenCacheSize,
	}
}

// NewTokenVerifier builds the verifier of cfg; the JWKS refresh runs until ctx ends.
func NewTokenVerifier(ctx context.Context, cfg VerifierConfig, log *slog.Logger) (TokenVerifier, error) {
	if cfg.Policy == (Policy{}) {
		cfg.Policy = DefaultPolicy
	}
	var v TokenVerifier = NewVerifier(cfg.Issuer, cfg.Audience, cfg.Keys...).WithPolicy(cfg.Policy)
	if cfg.JWKS != "" {
		ks := newKeySet(cfg.Issuer, cfg.Audience, cfg.JWKS, cfg.Policy, cfg.Keys...)
		if err := ks.Refresh(ctx); err != nil {
			return nil, err
		}
		go ks.Run(ctx, cfg.Refresh, log)
		v = ks
	}
	if cfg.CacheSize > 0 {
		v = NewCache(v, cfg.CacheSize, cfg.CacheTTL)
	}
	return v, nil
}

// maxJWKSBytes bounds a key set document.
const maxJWKSBytes = 1 << 20

// NewKeySet loads the key set at source (a path, or an http:// or https:// URL) and trusts its
// Ed25519 keys together with static.
func NewKeySet(ctx context.Context, issuer, audience, source string, static ...ed25519.PublicKey) (*KeySet, error) {
	ks := newKeySet(issuer, audience, source, DefaultPolicy, static...)
	if err := ks.Refresh(ctx); err != nil {
		return nil, err
	}
	return ks, nil
}

func newKeySet(issuer, audience, source string, policy Policy, static ...ed25519.PublicKey) *KeySet {
	return &KeySet{issuer: issuer, audience: audience, policy: policy, static: static, source: source, client: &http.Client{Timeout: 10 * time.Second}}
}

// Verify checks token with the keys of the last successful load.
func (ks *KeySet) Verify(token string) (Principal, error) {
	return ks.current.Load().Verify(token)
}

// Refresh reloads the key set; on failure the keys already loaded stay in force.
func (ks *KeySet) Refresh(ctx context.Context) error {
	raw, err := ks.fetch(ctx)
	if err != nil {
		return fmt.Errorf("JWKS %s: %w", ks.source, err)
	}
	keys, err := ed25519Keys(raw)
	if err != nil {
		return fmt.Errorf("JWKS %s: %w", ks.source, err)
	}
	ks.current.Store(NewVerifier(ks.issuer, ks.audience, append(append([]ed25519.PublicKey{}, ks.static...), keys...)...).WithPolicy(ks.policy))
	return nil
}

// Run refreshes the key set every interval until ctx ends, logging failures.
func (ks *KeySet) Run(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := ks.Refresh(ctx); err != nil {
				log.WarnContext(ctx, "token key set refresh failed; keeping the previous keys", "error", err)
			}
		}
	}
}

func (ks *KeySet) fetch(ctx context.Context) ([]byte, error) {
	if !strings.HasPrefix(ks.source, "http://") && !strings.HasPrefix(ks.source, "https://") {
		f, err := os.Open(ks.source)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readBounded(f)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ks.source, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	res, err := ks.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	return readBounded(res.Body)
}

func readBounded(r io.Reader) ([]byte, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxJWKSBytes {
		return nil, errors.New("key set larger than 1 MiB")
	}
	return raw, nil
}

// ed25519Keys parses a JWK Set (go-jose) and keeps its Ed25519 public signing keys.
func ed25519Keys(raw []byte) ([]ed25519.PublicKey, error) {
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	var out []ed25519.PublicKey
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if k.Algorithm != "" && k.Algorithm != string(jose.EdDSA) {
			continue
		}
		if pub, ok := k.Key.(ed25519.PublicKey); ok && k.IsPublic() {
			out = append(out, pub)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no Ed25519 signing key in the set (only EdDSA tokens are accepted)")
	}
	return out, nil
}

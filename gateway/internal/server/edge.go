package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// The edge: request ids, authentication (Bearer JWT verified here and again by every service;
// X-API-Key exchanged for a short-lived partner token), rate limiting per principal, and JSON
// errors for what never reaches a service.

type ctxKey int

const (
	principalKey ctxKey = iota
	tokenKey
	requestIDKey
)

// writeError renders a google.rpc.Status-shaped JSON error.
func writeError(w http.ResponseWriter, httpStatus int, code codes.Code, reason, msg string) {
	writeErrorInfo(w, httpStatus, code, reason, msg, nil)
}

// writeErrorInfo is writeError with ErrorInfo metadata.
func writeErrorInfo(w http.ResponseWriter, httpStatus int, code codes.Code, reason, msg string, meta map[string]string) {
	info := map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": apierr.Domain}
	if len(meta) > 0 {
		info["metadata"] = meta
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": int(code), "message": msg, "details": []any{info}})
}

// backendRetryAfter is the Retry-After (seconds) of a 503 answered at the edge.
const backendRetryAfter = 5

// requestID assigns every request an id (kept from X-Request-Id when it is sane), echoes it
// and passes it to the services.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 128 || strings.ContainsAny(id, "\r\n") {
			id = uuid.NewString()
		}
		w.Header().Set("X-Request-Id", id)
		r.Header.Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

// keyVerifier checks API keys with the registry.
type keyVerifier interface {
	VerifyApiKey(ctx context.Context, in *registryv1.VerifyApiKeyRequest) (*registryv1.ApiKey, error)
}

// Authenticator verifies callers at the edge.
type Authenticator struct {
	verifier auth.TokenVerifier
	issuer   *auth.Issuer // mints partner tokens for API keys
	keys     keyVerifier
	ttl      time.Duration // a verification is fresh this long
	staleFor time.Duration // a positive one is still served this long while the registry fails
	tokenTTL time.Duration // lifetime of the partner tokens minted for keys
	mu       sync.Mutex
	cache    map[string]cachedKey
	log      *slog.Logger
	lookups  *RateLimiter // registry lookups (cache misses) per client address
	now      func() time.Time
}

type cachedKey struct {
	p        auth.Principal
	token    string
	tokenExp time.Time
	ok       bool
	verified time.Time // when the registry last answered for this key
}

const maxCachedKeys = 10_000

// defaultPartnerTokenTTL is the lifetime of partner tokens when none is configured: the
// services' default JWT_MAX_PARTNER_LIFETIME.
const defaultPartnerTokenTTL = 15 * time.Minute

func newAuthenticator(cfg Config, edge Edge) *Authenticator {
	tokenTTL := cfg.PartnerTokenTTL
	if tokenTTL <= 0 {
		tokenTTL = defaultPartnerTokenTTL
	}
	return &Authenticator{
		verifier: edge.Verifier, issuer: edge.Issuer, keys: keyClient{edge.Keys}, ttl: cfg.APIKeyTTL, staleFor: cfg.APIKeyStaleFor, tokenTTL: tokenTTL,
		cache: map[string]cachedKey{}, log: edge.Log, lookups: NewRateLimiter(cfg.KeyLookupRPS, cfg.KeyLookupBurst), now: time.Now,
	}
}

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

// keyResult is what the edge learned about a presented API key.
type keyResult int

const (
	keyValid       keyResult = iota
	keyInvalid               // unknown or revoked: 401
	keyUnavailable           // the registry cannot say right now: 503
	keyThrottled             // too many uncached lookups from this client: 429
)

// apiKey resolves an X-API-Key to a partner principal and a token for the services. Results
// are cached, keyed by the key's hash (never the key itself): a verification is fresh for
// ttl. When the registry cannot be asked (down, overloaded), a key verified within staleFor is
// still served — a partner's calls keep working through a short registry outage — and a key
// never seen gets "unavailable" (503), never "invalid" (401): a partner must not believe its
// key was revoked because the registry was down.
//
// A key not in the cache costs a call to the registry, so such lookups are limited per client
// address (lookups): random keys cannot be used to flood the registry through the gateway.
// delay > 0 goes with keyThrottled.
func (a *Authenticator) apiKey(ctx context.Context, key, client string) (p auth.Principal, token string, res keyResult, delay time.Duration) {
	h := hashKey(key)
	now := a.now()
	a.mu.Lock()
	c, seen := a.cache[h]
	a.mu.Unlock()
	if seen && now.Sub(c.verified) < a.ttl {
		return a.answer(h, c, now)
	}
	if !seen && a.lookups != nil {
		if d := a.lookups.wait(client); d > 0 {
			return auth.Principal{}, "", keyThrottled, d
		}
	}
	k, err := a.keys.VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: key})
	switch {
	case err == nil:
		c = cachedKey{p: auth.Principal{Subject: "apiKeys/" + k.GetPrefix(), Role: auth.RolePartner, Organization: k.GetOrganization()}, ok: true, verified: now}
	case status.Code(err) == codes.Unauthenticated:
		c = cachedKey{ok: false, verified: now}
	default:
		a.log.WarnContext(ctx, "api key verification failed", "error", status.Convert(err).Message())
		if seen && c.ok && now.Sub(c.verified) < a.staleFor {
			return a.answer(h, c, now) // served stale: the registry may be back soon
		}
		return auth.Principal{}, "", keyUnavailable, 0
	}
	a.store(h, c, now)
	return a.answer(h, c, now)
}

// answer returns a cached verification, minting a fresh partner token when the cached one is
// close to its end.
func (a *Authenticator) answer(h string, c cachedKey, now time.Time) (auth.Principal, string, keyResult, time.Duration) {
	if !c.ok {
		return auth.Principal{}, "", keyInvalid, 0
	}
	if c.tokenExp.Sub(now) < time.Minute {
		tok, err := a.issuer.Mint(c.p, a.tokenTTL)
		if err != nil {
			return auth.Principal{}, "", keyUnavailable, 0
		}
		c.token, c.tokenExp = tok, now.Add(a.tokenTTL)
		a.mu.Lock()
		if cur, ok := a.cache[h]; ok && cur.verified.Equal(c.verified) {
			a.cache[h] = c
		}
		a.mu.Unlock()
	}
	return c.p, c.token, keyValid, 0
}

func (a *Authenticator) store(h string, c cachedKey, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) >= maxCachedKeys {
		for k, v := range a.cache {
			if now.Sub(v.verified) >= a.staleFor || len(a.cache) >= maxCachedKeys {
				delete(a.cache, k)
			}
		}
	}
	a.cache[h] = c
}

// Revoked forgets every cached verification of the API key whose public prefix is given, so
// that a key revoked through this gateway stops working here at once (other replicas stop
// within API_KEY_CACHE_TTL).
func (a *Authenticator) Revoked(prefix string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, c := range a.cache {
		if c.p.Subject == "apiKeys/"+prefix {
			delete(a.cache, h)
		}
	}
}

// evictRevoked is a forward-response option: a successful RevokeApiKey through this gateway
// evicts the key from its cache before the answer leaves.
func (a *Authenticator) evictRevoked(_ context.Context, _ http.ResponseWriter, m proto.Message) error {
	if k, ok := m.(*registryv1.ApiKey); ok && k.GetRevokeTime() != nil && k.GetPrefix() != "" {
		a.Revoked(k.GetPrefix())
	}
	return nil
}

// Middleware authenticates /v1 requests: a valid Bearer JWT or X-API-Key is required.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p auth.Principal
		var token string
		switch {
		case r.Header.Get("Authorization") != "":
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok {
				writeError(w, http.StatusUnauthorized, codes.Unauthenticated, "UNAUTHENTICATED", "Authorization must be a Bearer token")
				return
			}
			var err error
			if p, err = a.verifier.Verify(tok); err != nil {
				writeErrorInfo(w, http.StatusUnauthorized, codes.Unauthenticated, "UNAUTHENTICATED", "invalid token: "+err.Error(), map[string]string{"token_error": auth.RefusalReason(err)})
				return
			}
			token = tok
		case r.Header.Get("X-API-Key") != "":
			var res keyResult
			var delay time.Duration
			client, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				client = r.RemoteAddr
			}
			switch p, token, res, delay = a.apiKey(r.Context(), r.Header.Get("X-API-Key"), client); res {
			case keyThrottled:
				tooMany(w, delay)
				return
			case keyInvalid:
				writeError(w, http.StatusUnauthorized, codes.Unauthenticated, "UNAUTHENTICATED", "invalid or revoked API key")
				return
			case keyUnavailable:
				w.Header().Set("Retry-After", strconv.Itoa(backendRetryAfter))
				writeError(w, http.StatusServiceUnavailable, codes.Unavailable, apierr.ReasonBackendUnavailable, "the API key cannot be checked right now (a backend is unavailable); retry later")
				return
			}
			r.Header.Del("X-API-Key")
			r.Header.Set("Authorization", "Bearer "+token)
		default:
			writeError(w, http.StatusUnauthorized, codes.Unauthenticated, "UNAUTHENTICATED", "send Authorization: Bearer <token> or X-API-Key")
			return
		}
		ctx := context.WithValue(context.WithValue(r.Context(), principalKey, p), tokenKey, token)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// RateLimiter allows each principal rps requests per second with a burst.
type RateLimiter struct {
	rps   rate.Limit
	burst int
	mu    sync.Mutex
	lim   map[string]*limiterEntry
}

type limiterEntry struct {
	l    *rate.Limiter
	seen time.Time
}

// NewRateLimiter returns a limiter; rps ≤ 0 disables it.
func NewRateLimiter(rps float64, burst int) *RateLimiter {
	return &RateLimiter{rps: rate.Limit(rps), burst: burst, lim: map[string]*limiterEntry{}}
}

// Middleware limits by principal (after authentication).
func (rl *RateLimiter) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rl.rps <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		p, _ := r.Context().Value(principalKey).(auth.Principal)
		if delay := rl.wait(p.Subject + "|" + p.Organization); delay > 0 {
			tooMany(w, delay)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wait takes one token for key and returns 0, or how long the caller must wait (nothing taken).
func (rl *RateLimiter) wait(key string) time.Duration {
	if rl.rps <= 0 {
		return 0
	}
	now := time.Now()
	rl.mu.Lock()
	defer rl.mu.Unlock()
	e, ok := rl.lim[key]
	if !ok {
		if len(rl.lim) > 100_000 {
			for k, v := range rl.lim {
				if now.Sub(v.seen) > time.Minute {
					delete(rl.lim, k)
				}
			}
		}
		e = &limiterEntry{l: rate.NewLimiter(rl.rps, rl.burst)}
		rl.lim[key] = e
	}
	e.seen = now
	res := e.l.ReserveN(now, 1)
	delay := res.DelayFrom(now)
	if delay > 0 {
		res.CancelAt(now)
	}
	return delay
}

func tooMany(w http.ResponseWriter, delay time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(delay.Seconds()))))
	writeError(w, http.StatusTooManyRequests, codes.ResourceExhausted, "RATE_LIMITED", "too many requests; retry after the Retry-After delay")
}

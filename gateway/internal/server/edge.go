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

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
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
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"code": int(code), "message": msg,
		"details": []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "lienket.vn"}},
	})
}

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
	ttl      time.Duration
	mu       sync.Mutex
	cache    map[string]cachedKey
	log      *slog.Logger
	lookups  *RateLimiter // registry lookups (cache misses) per client address
}

type cachedKey struct {
	p       auth.Principal
	token   string
	ok      bool
	expires time.Time
}

const maxCachedKeys = 10_000

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

// apiKey resolves an X-API-Key to a partner principal and a token for the services; results
// (also failures) are cached briefly, keyed by the key's hash (never the key itself).
//
// A key not in the cache costs a call to the registry, so such lookups are limited per client
// address (lookups): random keys cannot be used to flood the registry through the gateway.
// delay > 0 means the caller must wait.
func (a *Authenticator) apiKey(ctx context.Context, key, client string) (p auth.Principal, token string, ok bool, delay time.Duration) {
	h := hashKey(key)
	now := time.Now()
	a.mu.Lock()
	if c, ok := a.cache[h]; ok && now.Before(c.expires) {
		a.mu.Unlock()
		return c.p, c.token, c.ok, 0
	}
	a.mu.Unlock()
	if a.lookups != nil {
		if d := a.lookups.wait(client); d > 0 {
			return auth.Principal{}, "", false, d
		}
	}
	var entry cachedKey
	k, err := a.keys.VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: key})
	switch {
	case err == nil:
		p := auth.Principal{Subject: "apiKeys/" + k.GetPrefix(), Role: auth.RolePartner, Organization: k.GetOrganization()}
		tok, merr := a.issuer.Mint(p, a.ttl+time.Minute)
		entry = cachedKey{p: p, token: tok, ok: merr == nil, expires: now.Add(a.ttl)}
	case status.Code(err) == codes.Unauthenticated:
		entry = cachedKey{ok: false, expires: now.Add(a.ttl)}
	default:
		a.log.WarnContext(ctx, "api key verification failed", "error", status.Convert(err).Message())
		return auth.Principal{}, "", false, 0 // not cached: the registry may be back soon
	}
	a.mu.Lock()
	if len(a.cache) >= maxCachedKeys {
		for k, v := range a.cache {
			if now.After(v.expires) || len(a.cache) >= maxCachedKeys {
				delete(a.cache, k)
			}
		}
	}
	a.cache[h] = entry
	a.mu.Unlock()
	return entry.p, entry.token, entry.ok, 0
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
				writeError(w, http.StatusUnauthorized, codes.Unauthenticated, "UNAUTHENTICATED", "invalid token: "+err.Error())
				return
			}
			token = tok
		case r.Header.Get("X-API-Key") != "":
			var ok bool
			var delay time.Duration
			client, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				client = r.RemoteAddr
			}
			if p, token, ok, delay = a.apiKey(r.Context(), r.Header.Get("X-API-Key"), client); delay > 0 {
				tooMany(w, delay)
				return
			} else if !ok {
				writeError(w, http.StatusUnauthorized, codes.Unauthenticated, "UNAUTHENTICATED", "invalid or revoked API key")
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

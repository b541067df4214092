package e2e_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestBearerTokensArePinned: only EdDSA tokens of the configured issuer and audience, signed by
// a trusted key and not expired, get past the edge; everything else is 401 with a JSON status
// that never echoes the token.
func TestBearerTokensArePinned(t *testing.T) {
	s := start(t, server.Config{})
	good := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	s.must(s.call("GET", "/v1/products", good, nil), 200)

	claims := func(mod func(*auth.Claims)) *auth.Claims {
		// The claims of the good token, re-signed below in the ways an attacker would try.
		var c auth.Claims
		_, _, err := jwt.NewParser().ParseUnverified(good, &c)
		require.NoError(t, err)
		if mod != nil {
			mod(&c)
		}
		return &c
	}
	pub := s.a.Issuer.Public()
	_, stranger, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	sign := func(m jwt.SigningMethod, c *auth.Claims, key any) string {
		tok, err := jwt.NewWithClaims(m, c).SignedString(key)
		require.NoError(t, err)
		return tok
	}
	parts := strings.Split(good, ".")
	cases := map[string]string{
		"alg none":                         sign(jwt.SigningMethodNone, claims(nil), jwt.UnsafeAllowNoneSignatureType),
		"HS256 keyed with the public key":  sign(jwt.SigningMethodHS256, claims(nil), []byte(pub)),
		"RS256 by an unknown key":          sign(jwt.SigningMethodRS256, claims(nil), rsaKey),
		"EdDSA by an untrusted key":        sign(jwt.SigningMethodEdDSA, claims(nil), stranger),
		"payload swapped (role escalated)": parts[0] + "." + strings.Split(sign(jwt.SigningMethodEdDSA, claims(func(c *auth.Claims) { c.Role = "service" }), stranger), ".")[1] + "." + parts[2],
		"signature stripped":               parts[0] + "." + parts[1] + ".",
		"garbage":                          "not.a.jwt",
	}
	for name, tok := range cases {
		r := s.call("GET", "/v1/products", tok, nil)
		require.Equal(t, http.StatusUnauthorized, r.code, "%s: %s", name, r.raw)
		require.Contains(t, r.raw, "UNAUTHENTICATED", name)
		require.NotContains(t, r.raw, tok, "%s: the token is not echoed", name)
	}

	// Expired, wrong issuer, wrong audience: signed by a key the edge trusts.
	mint := func(iss, aud string, ttl time.Duration) string {
		tok, err := auth.NewIssuer(s.edgeKey, iss, aud).Mint(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}, ttl)
		require.NoError(t, err)
		return tok
	}
	for name, tok := range map[string]string{
		"expired":        mint("lienket-dev", "lienket", -time.Hour),
		"wrong issuer":   mint("someone-else", "lienket", time.Hour),
		"wrong audience": mint("lienket-dev", "another-api", time.Hour),
	} {
		r := s.call("GET", "/v1/products", tok, nil)
		require.Equal(t, http.StatusUnauthorized, r.code, "%s: %s", name, r.raw)
	}
	// A token the edge accepts but the services do not trust is refused by the services
	// themselves: they never rely on the gateway's check alone.
	r0 := s.call("GET", "/v1/products", mint("lienket-dev", "lienket", time.Hour), nil)
	require.Equal(t, http.StatusUnauthorized, r0.code, r0.raw)

	for _, h := range []string{"Basic YWRtaW46YWRtaW4=", "Bearer", "bearer " + good, "Token " + good} {
		r := s.call("GET", "/v1/products", "", nil, "Authorization", h)
		require.Equal(t, http.StatusUnauthorized, r.code, "Authorization: %q: %s", h, r.raw)
	}
	r := s.call("GET", "/v1/products", "", nil)
	require.Equal(t, http.StatusUnauthorized, r.code)
	require.Contains(t, r.raw, "X-API-Key", "the message says how to authenticate")
	// Health and the OpenAPI document need no credentials.
	s.must(s.call("GET", "/healthz", "", nil), 200)
	require.Contains(t, s.must(s.call("GET", "/openapi.json", "", nil), 200).raw, `"swagger"`)
}

// TestCORSAndRequestIDs: CORS answers only the configured origins; request ids are kept when
// sane and replaced otherwise, and echoed on errors too.
func TestCORSAndRequestIDs(t *testing.T) {
	s := start(t, server.Config{CORSOrigins: []string{"https://app.lienket.vn"}})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})

	pre := s.call("OPTIONS", "/v1/products", "", nil, "Origin", "https://app.lienket.vn", "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "authorization")
	require.Less(t, pre.code, 300, pre.raw)
	require.Equal(t, "https://app.lienket.vn", pre.hdr.Get("Access-Control-Allow-Origin"))
	r := s.must(s.call("GET", "/v1/products", admin, nil, "Origin", "https://app.lienket.vn"), 200)
	require.Equal(t, "https://app.lienket.vn", r.hdr.Get("Access-Control-Allow-Origin"))
	require.Contains(t, r.hdr.Get("Access-Control-Expose-Headers"), "X-Request-Id")
	r = s.must(s.call("GET", "/v1/products", admin, nil, "Origin", "https://evil.example"), 200)
	require.Empty(t, r.hdr.Get("Access-Control-Allow-Origin"), "an unknown origin gets no CORS grant")

	r = s.must(s.call("GET", "/v1/products", admin, nil, "X-Request-Id", "erp-7f3a"), 200)
	require.Equal(t, "erp-7f3a", r.hdr.Get("X-Request-Id"))
	r = s.must(s.call("GET", "/v1/products", admin, nil, "X-Request-Id", strings.Repeat("x", 500)), 200)
	require.NotEqual(t, strings.Repeat("x", 500), r.hdr.Get("X-Request-Id"), "an oversized id is replaced")
	require.NotEmpty(t, r.hdr.Get("X-Request-Id"))
	r = s.call("GET", "/v1/contracts/nope", admin, nil, "X-Request-Id", "erp-404")
	require.Equal(t, http.StatusNotFound, r.code)
	require.Equal(t, "erp-404", r.hdr.Get("X-Request-Id"), "errors carry the request id too")
	r = s.call("GET", "/v1/products", "", nil, "X-Request-Id", "erp-401")
	require.Equal(t, http.StatusUnauthorized, r.code)
	require.Equal(t, "erp-401", r.hdr.Get("X-Request-Id"))
}

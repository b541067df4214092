package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/testkit/places"
)

func newPair(t *testing.T) (*Issuer, *Verifier) {
	k, err := GenerateKey()
	require.NoError(t, err)
	iss := NewIssuer(k, "lienket-dev", "lienket")
	return iss, NewVerifier("lienket-dev", "lienket", iss.Public())
}

func TestMintVerifyRoundTrip(t *testing.T) {
	iss, ver := newPair(t)
	p := Principal{Subject: "users/u1", Role: RoleCommuneOfficial, AdminArea: places.ChauQue}
	tok, err := iss.Mint(p, time.Minute)
	require.NoError(t, err)
	got, err := ver.Verify(tok)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

// TestVerifyRejects: each refused token says why (RefusalReason), so a test — and a client —
// can tell a forged token from an expired one.
func TestVerifyRejects(t *testing.T) {
	iss, ver := newPair(t)
	other, _ := newPair(t)
	good := Principal{Subject: "users/u1", Role: RoleAdmin}

	expired := NewIssuer(iss.key, "lienket-dev", "lienket")
	expired.now = func() time.Time { return time.Now().Add(-time.Hour) }
	tokExpired, _ := expired.Mint(good, time.Minute)
	tokOther, _ := other.Mint(good, time.Minute)
	wrongAud, _ := NewIssuer(iss.key, "lienket-dev", "elsewhere").Mint(good, time.Minute)
	wrongIss, _ := NewIssuer(iss.key, "evil", "lienket").Mint(good, time.Minute)

	// alg "none" and HMAC keyed with the public key (the classic confusion attack).
	now := time.Now()
	claims := Claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: "lienket-dev", Subject: "users/x", Audience: jwt.ClaimStrings{"lienket"}, ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}, Role: "admin"}
	sign := func(c Claims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(iss.key)
		require.NoError(t, err)
		return s
	}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(iss.Public()))
	noExp := claims
	noExp.ExpiresAt = nil
	forever := claims
	forever.ExpiresAt = jwt.NewNumericDate(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	future := claims
	future.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
	future.ExpiresAt = jwt.NewNumericDate(now.Add(2 * time.Hour))
	notYet := claims
	notYet.NotBefore = jwt.NewNumericDate(now.Add(10 * time.Minute))
	partnerDay := Claims{RegisteredClaims: claims.RegisteredClaims, Role: "partner", Org: "organizations/p"}
	partnerDay.IssuedAt = jwt.NewNumericDate(now)
	partnerDay.ExpiresAt = jwt.NewNumericDate(now.Add(24 * time.Hour))
	userDay := claims
	userDay.IssuedAt = jwt.NewNumericDate(now)
	userDay.ExpiresAt = jwt.NewNumericDate(now.Add(13 * time.Hour))

	for _, tc := range []struct{ name, tok, why string }{
		{"expired", tokExpired, TokenExpired},
		{"signed by an untrusted key", tokOther, TokenSignature},
		{"audience", wrongAud, TokenAudience},
		{"issuer", wrongIss, TokenIssuer},
		{"alg none", none, TokenAlgorithm},
		{"hs256 with the public key", hs, TokenAlgorithm},
		{"no exp", sign(noExp), TokenNoExpiry},
		{"exp in year 9999", sign(forever), TokenTooLong},
		{"iat an hour in the future", sign(future), TokenIssuedInFuture},
		{"nbf in the future", sign(notYet), TokenNotYetValid},
		{"a partner token valid for a day", sign(partnerDay), TokenTooLong},
		{"a user token valid for 13 h", sign(userDay), TokenTooLong},
		{"business without org", sign(Claims{RegisteredClaims: claims.RegisteredClaims, Role: "business"}), TokenClaims},
		{"garbage", "a.b.c", TokenMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ver.Verify(tc.tok)
			require.Error(t, err)
			require.Equal(t, tc.why, RefusalReason(err), err.Error())
		})
	}
	// Within the bounds: 12 h for a person, 15 min for a partner.
	userDay.ExpiresAt = jwt.NewNumericDate(now.Add(12 * time.Hour))
	_, err := ver.Verify(sign(userDay))
	require.NoError(t, err)
	partnerDay.ExpiresAt = jwt.NewNumericDate(now.Add(15 * time.Minute))
	_, err = ver.Verify(sign(partnerDay))
	require.NoError(t, err)
	// Lifetimes are configurable.
	_, err = ver.WithPolicy(Policy{MaxLifetime: time.Hour, MaxPartnerLifetime: time.Minute}).Verify(sign(userDay))
	require.Equal(t, TokenTooLong, RefusalReason(err))
}

// TestCache: a verified token is not verified again until it expires; refusals are not
// cached; the cache is bounded.
func TestCache(t *testing.T) {
	iss, ver := newPair(t)
	counting := &countingVerifier{next: ver}
	c := NewCache(counting, 2, time.Minute)
	tok, err := iss.Mint(Principal{Subject: "users/u1", Role: RoleAdmin}, time.Hour)
	require.NoError(t, err)
	for range 5 {
		p, err := c.Verify(tok)
		require.NoError(t, err)
		require.Equal(t, "users/u1", p.Subject)
	}
	require.Equal(t, 1, counting.n, "verified once")

	for range 3 {
		_, err := c.Verify("a.b.c")
		require.Error(t, err)
	}
	require.Equal(t, 4, counting.n, "refusals are verified every time")

	c.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	_, _ = c.Verify(tok)
	require.Equal(t, 5, counting.n, "never reused past exp")

	for i := range 3 {
		other, _ := iss.Mint(Principal{Subject: "users/x" + string(rune('a'+i)), Role: RoleAdmin}, time.Hour)
		_, _ = c.Verify(other)
	}
	require.LessOrEqual(t, c.lru.Len(), 2, "bounded")
}

type countingVerifier struct {
	next TokenVerifier
	n    int
}

func (c *countingVerifier) Verify(tok string) (Principal, error) {
	c.n++
	return c.next.Verify(tok)
}

func TestKeyFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "dev.pem")
	k1, err := EnsureKeyPair(path)
	require.NoError(t, err)
	k2, err := EnsureKeyPair(path)
	require.NoError(t, err)
	require.Equal(t, k1, k2, "existing key is reused")
	pubs, err := LoadPublicKeys(PublicPath(path))
	require.NoError(t, err)
	require.Equal(t, k1.Public().(ed25519.PublicKey), pubs[0])
}

func TestInterceptor(t *testing.T) {
	iss, ver := newPair(t)
	ic := UnaryInterceptor(ver)
	h := func(ctx context.Context, _ any) (any, error) {
		p, err := Require(ctx)
		return p, err
	}
	call := func(md metadata.MD, method string) (any, error) {
		ctx := metadata.NewIncomingContext(context.Background(), md)
		return ic(ctx, nil, &grpc.UnaryServerInfo{FullMethod: method}, h)
	}
	_, err := call(metadata.MD{}, "/x.Y/Z")
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	_, err = call(metadata.Pairs("authorization", "Basic abc"), "/x.Y/Z")
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	tok, _ := iss.Mint(Principal{Subject: "users/1", Role: RoleBusiness, Organization: "organizations/b1"}, time.Minute)
	_, err = call(metadata.Pairs("authorization", "Bearer "+tok[:len(tok)-4]+"AAAA"), "/x.Y/Z")
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	require.Equal(t, TokenSignature, tokenError(err), "the refusal says why")
	got, err := call(metadata.Pairs("authorization", "Bearer "+tok), "/x.Y/Z")
	require.NoError(t, err)
	require.Equal(t, "organizations/b1", got.(Principal).Organization)
	_, err = call(metadata.MD{}, "/grpc.health.v1.Health/Check")
	require.Equal(t, codes.Unauthenticated, status.Code(err), "public method reaches handler without principal")
}

func TestServiceCredentialsRefresh(t *testing.T) {
	iss, ver := newPair(t)
	sc := NewServiceCredentials(iss, "contracts")
	md, err := sc.GetRequestMetadata(context.Background())
	require.NoError(t, err)
	p, err := ver.Verify(md["authorization"][len("Bearer "):])
	require.NoError(t, err)
	require.Equal(t, Principal{Subject: "services/contracts", Role: RoleService}, p)
	_ = rand.Reader
}

func tokenError(err error) string {
	for _, d := range status.Convert(err).Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return ei.Metadata["token_error"]
		}
	}
	return ""
}

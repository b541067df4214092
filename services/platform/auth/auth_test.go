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
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func newPair(t *testing.T) (*Issuer, *Verifier) {
	k, err := GenerateKey()
	require.NoError(t, err)
	iss := NewIssuer(k, "lienket-dev", "lienket")
	return iss, NewVerifier("lienket-dev", "lienket", iss.Public())
}

func TestMintVerifyRoundTrip(t *testing.T) {
	iss, ver := newPair(t)
	p := Principal{Subject: "users/u1", Role: RoleCommuneOfficial, AdminArea: "08001"}
	tok, err := iss.Mint(p, time.Minute)
	require.NoError(t, err)
	got, err := ver.Verify(tok)
	require.NoError(t, err)
	require.Equal(t, p, got)
}

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
	claims := Claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: "lienket-dev", Subject: "users/x", Audience: jwt.ClaimStrings{"lienket"}, ExpiresAt: jwt.NewNumericDate(time.Now().Add(time.Hour))}, Role: "admin"}
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(iss.Public()))
	noExp := claims
	noExp.ExpiresAt = nil
	tokNoExp, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, noExp).SignedString(iss.key)
	badScope, _ := jwt.NewWithClaims(jwt.SigningMethodEdDSA, Claims{RegisteredClaims: claims.RegisteredClaims, Role: "business"}).SignedString(iss.key)

	for name, tok := range map[string]string{"expired": tokExpired, "other key": tokOther, "audience": wrongAud, "issuer": wrongIss, "none": none, "hs256": hs, "no exp": tokNoExp, "business without org": badScope, "garbage": "a.b.c"} {
		_, err := ver.Verify(tok)
		require.Error(t, err, name)
	}
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

package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/auth"
)

func edKey(t *testing.T) ed25519.PrivateKey {
	k, err := auth.GenerateKey()
	require.NoError(t, err)
	return k
}

func jwksOf(t *testing.T, keys ...jose.JSONWebKey) []byte {
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: keys})
	require.NoError(t, err)
	return b
}

func mintWith(t *testing.T, k ed25519.PrivateKey) string {
	tok, err := auth.NewIssuer(k, "idp", "lienket").Mint(auth.Principal{Subject: "users/a", Role: auth.RoleBusiness, Organization: "organizations/x"}, time.Hour)
	require.NoError(t, err)
	return tok
}

// jwksServer serves whatever document is set, or a status code.
type jwksServer struct {
	mu   sync.Mutex
	doc  []byte
	code int
}

func (j *jwksServer) set(doc []byte, code int) { j.mu.Lock(); j.doc, j.code = doc, code; j.mu.Unlock() }

func (j *jwksServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.code != http.StatusOK {
		w.WriteHeader(j.code)
		return
	}
	_, _ = w.Write(j.doc)
}

func TestKeySetFromURLRotatesAndKeepsKeysOnFailure(t *testing.T) {
	a, b := edKey(t), edKey(t)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	secret := []byte("a-symmetric-secret-published-by-mistake")
	src := &jwksServer{}
	src.set(jwksOf(t,
		jose.JSONWebKey{Key: a.Public(), KeyID: "a", Algorithm: "EdDSA", Use: "sig"},
		jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "r", Algorithm: "RS256", Use: "sig"},
		jose.JSONWebKey{Key: secret, KeyID: "h", Algorithm: "HS256"},
	), http.StatusOK)
	srv := httptest.NewServer(src)
	t.Cleanup(srv.Close)
	ctx := context.Background()

	ks, err := auth.NewKeySet(ctx, "idp", "lienket", srv.URL)
	require.NoError(t, err)
	p, err := ks.Verify(mintWith(t, a))
	require.NoError(t, err)
	require.Equal(t, "organizations/x", p.Organization)
	_, err = ks.Verify(mintWith(t, b))
	require.Equal(t, auth.TokenSignature, auth.RefusalReason(err), "a key not in the set")

	// The RSA and symmetric keys of the set never verify anything: EdDSA is pinned.
	claims := jwt.MapClaims{"iss": "idp", "aud": "lienket", "sub": "users/a", "role": "admin", "exp": time.Now().Add(time.Hour).Unix()}
	hs, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	require.NoError(t, err)
	_, err = ks.Verify(hs)
	require.Equal(t, auth.TokenAlgorithm, auth.RefusalReason(err), "HS256 with a symmetric key from the set")
	rs, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(rsaKey)
	require.NoError(t, err)
	_, err = ks.Verify(rs)
	require.Equal(t, auth.TokenAlgorithm, auth.RefusalReason(err), "RS256 with an RSA key from the set")

	// Rotation: the issuer publishes b instead of a.
	src.set(jwksOf(t, jose.JSONWebKey{Key: b.Public(), KeyID: "b", Use: "sig"}), http.StatusOK)
	require.NoError(t, ks.Refresh(ctx))
	_, err = ks.Verify(mintWith(t, b))
	require.NoError(t, err)
	_, err = ks.Verify(mintWith(t, a))
	require.Equal(t, auth.TokenSignature, auth.RefusalReason(err), "a retired key")

	// The issuer is down or publishes garbage: the keys already loaded stay in force.
	src.set(nil, http.StatusInternalServerError)
	require.ErrorContains(t, ks.Refresh(ctx), "500")
	src.set([]byte(`{"keys": "nope"}`), http.StatusOK)
	require.ErrorContains(t, ks.Refresh(ctx), "json")
	src.set([]byte(`{"keys": [`+strings.Repeat(`{"kty":"oct","k":"AAAA"},`, 50000)+`{"kty":"oct","k":"AAAA"}]}`), http.StatusOK)
	require.ErrorContains(t, ks.Refresh(ctx), "1 MiB")
	_, err = ks.Verify(mintWith(t, b))
	require.NoError(t, err)
}

func TestKeySetFromFileWithStaticKeys(t *testing.T) {
	a, static := edKey(t), edKey(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	require.NoError(t, os.WriteFile(path, jwksOf(t, jose.JSONWebKey{Key: a.Public(), KeyID: "a"}), 0o600))
	ks, err := auth.NewKeySet(context.Background(), "idp", "lienket", path, static.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	for _, k := range []ed25519.PrivateKey{a, static} {
		_, err := ks.Verify(mintWith(t, k))
		require.NoError(t, err)
	}

	// A set without any Ed25519 signing key is refused at start-up, as is a private key.
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for name, doc := range map[string][]byte{
		"rsa only":        jwksOf(t, jose.JSONWebKey{Key: &rsaKey.PublicKey, KeyID: "r"}),
		"encryption use":  jwksOf(t, jose.JSONWebKey{Key: a.Public(), KeyID: "a", Use: "enc"}),
		"private ed25519": jwksOf(t, jose.JSONWebKey{Key: a, KeyID: "a"}),
		"not json":        []byte("<html>"),
	} {
		require.NoError(t, os.WriteFile(path, doc, 0o600))
		_, err := auth.NewKeySet(context.Background(), "idp", "lienket", path)
		require.Error(t, err, name)
	}
	_, err = auth.NewKeySet(context.Background(), "idp", "lienket", filepath.Join(t.TempDir(), "missing.json"))
	require.Error(t, err)
}

// TestServicesTrustJWKS: the verifier the services build (NewTokenVerifier, as service.Run does
// with JWT_JWKS) authenticates gRPC calls signed by a key that is only in the JWK Set, and
// refuses others; without a set it is the plain key-file verifier.
func TestServicesTrustJWKS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	idp, stranger := edKey(t), edKey(t)
	path := filepath.Join(t.TempDir(), "jwks.json")
	require.NoError(t, os.WriteFile(path, jwksOf(t, jose.JSONWebKey{Key: idp.Public(), KeyID: "idp-1", Algorithm: "EdDSA", Use: "sig"}), 0o600))
	v, err := auth.NewTokenVerifier(ctx, auth.VerifierConfig{Issuer: "idp", Audience: "lienket", JWKS: path, Refresh: time.Minute}, slog.Default())
	require.NoError(t, err)
	call := func(tok string) (auth.Principal, error) {
		var got auth.Principal
		in := metadata.NewIncomingContext(ctx, metadata.Pairs(auth.MetadataKey, "Bearer "+tok))
		_, err := auth.UnaryInterceptor(v)(in, nil, &grpc.UnaryServerInfo{FullMethod: "/lienket.contracts.v1.ContractsService/GetContract"}, func(ctx context.Context, _ any) (any, error) {
			got, _ = auth.FromContext(ctx)
			return nil, nil
		})
		return got, err
	}
	p, err := call(mintWith(t, idp))
	require.NoError(t, err)
	require.Equal(t, "users/a", p.Subject)
	_, err = call(mintWith(t, stranger))
	require.Equal(t, codes.Unauthenticated, status.Code(err))
	require.Contains(t, status.Convert(err).Message(), "bad signature", "the refusal says why")

	plain, err := auth.NewTokenVerifier(ctx, auth.VerifierConfig{Issuer: "idp", Audience: "lienket", Keys: []ed25519.PublicKey{stranger.Public().(ed25519.PublicKey)}, Refresh: time.Minute}, slog.Default())
	require.NoError(t, err)
	_, isVerifier := plain.(*auth.Verifier)
	require.True(t, isVerifier)
}

package server

import (
	"context"
	"crypto/ed25519"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

type ed25519Pub = ed25519.PublicKey

// fakeRegistry records the metadata of ListProducts calls and answers VerifyApiKey for one key.
type fakeRegistry struct {
	registryv1.UnimplementedRegistryServiceServer
	mu      sync.Mutex
	seen    []metadata.MD
	lookups int
}

func (f *fakeRegistry) ListProducts(ctx context.Context, _ *registryv1.ListProductsRequest) (*registryv1.ListProductsResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	f.mu.Lock()
	f.seen = append(f.seen, md)
	f.mu.Unlock()
	return &registryv1.ListProductsResponse{}, nil
}

func (f *fakeRegistry) VerifyApiKey(_ context.Context, in *registryv1.VerifyApiKeyRequest) (*registryv1.ApiKey, error) {
	f.mu.Lock()
	f.lookups++
	f.mu.Unlock()
	if in.GetSecret() != "lk_good_secret" {
		return nil, status.Error(codes.Unauthenticated, "unknown key")
	}
	return &registryv1.ApiKey{Name: "organizations/o1/apiKeys/k1", Prefix: "lk_good", Organization: "organizations/o1"}, nil
}

func (f *fakeRegistry) last() metadata.MD {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[len(f.seen)-1]
}

// TestWhatReachesTheServices: the Bearer token as sent, or for an API key a short-lived partner
// token of the key's organisation (never the key); the request id; nothing a client smuggles in
// through Grpc-Metadata-* headers.
func TestWhatReachesTheServices(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	fake := &fakeRegistry{}
	gs := grpc.NewServer()
	registryv1.RegisterRegistryServiceServer(gs, fake)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = cc.Close() })

	userKey, err := auth.GenerateKey()
	require.NoError(t, err)
	gwKey, err := auth.GenerateKey()
	require.NoError(t, err)
	users := auth.NewIssuer(userKey, "lienket-dev", "lienket")
	gw := auth.NewIssuer(gwKey, "lienket-dev", "lienket")
	services := auth.NewVerifier("lienket-dev", "lienket", userKey.Public().(ed25519Pub), gwKey.Public().(ed25519Pub))
	h, err := Handler(context.Background(), Config{MaxBodyBytes: 1 << 16, APIKeyTTL: time.Minute},
		Edge{Verifier: auth.NewVerifier("lienket-dev", "lienket", userKey.Public().(ed25519Pub)), Issuer: gw, Keys: registryv1.NewRegistryServiceClient(cc)}, cc, cc, cc, cc, cc)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	get := func(hdr ...string) *http.Response {
		req, err := http.NewRequest("GET", srv.URL+"/v1/products", nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		return res
	}

	tok, err := users.Mint(auth.Principal{Subject: "users/a", Role: auth.RoleBusiness, Organization: "organizations/o1"}, time.Hour)
	require.NoError(t, err)
	other, err := users.Mint(auth.Principal{Subject: "users/root", Role: auth.RoleAdmin}, time.Hour)
	require.NoError(t, err)
	res := get("Authorization", "Bearer "+tok, "X-Request-Id", "req-1",
		"Grpc-Metadata-Authorization", "Bearer "+other, "Grpc-Metadata-X-Request-Id", "forged", "Grpc-Metadata-X-Role", "admin")
	require.Equal(t, http.StatusOK, res.StatusCode)
	md := fake.last()
	require.Equal(t, []string{"Bearer " + tok}, md.Get("authorization"), "exactly the accepted token")
	require.Equal(t, []string{"req-1"}, md.Get("x-request-id"))
	require.Empty(t, md.Get("x-role"), "client metadata is not passed through")
	for k := range md { // nothing else from the client, not even copies of its headers
		switch k {
		case ":authority", "content-type", "user-agent", "grpc-accept-encoding", "x-forwarded-for", "x-forwarded-host", "authorization", "x-request-id":
		default:
			t.Errorf("unexpected metadata %q reached the service", k)
		}
	}

	// An API key: the services get a partner token minted by the gateway, not the key.
	res = get("X-API-Key", "lk_good_secret", "X-Request-Id", "req-2")
	require.Equal(t, http.StatusOK, res.StatusCode)
	md = fake.last()
	require.Len(t, md.Get("authorization"), 1)
	p, err := services.Verify(md.Get("authorization")[0][len("Bearer "):])
	require.NoError(t, err)
	require.Equal(t, auth.Principal{Subject: "apiKeys/lk_good", Role: auth.RolePartner, Organization: "organizations/o1"}, p)
	for k, vs := range md {
		for _, v := range vs {
			require.NotContains(t, v, "lk_good_secret", "metadata %s carries the key", k)
		}
	}
	// Cached: a second request costs no registry lookup; an unknown key is cached as a failure.
	get("X-API-Key", "lk_good_secret")
	require.Equal(t, 1, fake.lookups)
	require.Equal(t, http.StatusUnauthorized, get("X-API-Key", "lk_bad").StatusCode)
	require.Equal(t, http.StatusUnauthorized, get("X-API-Key", "lk_bad").StatusCode)
	require.Equal(t, 2, fake.lookups)
}

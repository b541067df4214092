package server

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// echoRegistry accepts any organisation the gateway manages to decode.
type echoRegistry struct{ fakeRegistry }

func (*echoRegistry) CreateOrganization(_ context.Context, in *registryv1.CreateOrganizationRequest) (*registryv1.Organization, error) {
	return in.GetOrganization(), nil
}

// FuzzEdge throws arbitrary bodies, request ids, Authorization and X-API-Key values at the
// gateway: it never panics and never answers 5xx (the backend accepts whatever decodes), and
// the answer always carries a sane request id.
func FuzzEdge(f *testing.F) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	gs := grpc.NewServer()
	registryv1.RegisterRegistryServiceServer(gs, &echoRegistry{})
	go func() { _ = gs.Serve(lis) }()
	f.Cleanup(gs.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		f.Fatal(err)
	}
	k, err := auth.GenerateKey()
	if err != nil {
		f.Fatal(err)
	}
	iss := auth.NewIssuer(k, "lienket-dev", "lienket")
	h, err := Handler(context.Background(), Config{MaxBodyBytes: 4 << 10, APIKeyTTL: time.Minute, RateRPS: 0},
		Edge{Verifier: auth.NewVerifier("lienket-dev", "lienket", iss.Public()), Issuer: iss, Keys: registryv1.NewRegistryServiceClient(cc)}, cc, cc, cc, cc, cc)
	if err != nil {
		f.Fatal(err)
	}
	tok, err := iss.Mint(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}, time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"kind": "KIND_BUSINESS", "display_name": "A"}`), "req-1", "Bearer "+tok, "")
	f.Add([]byte(`{"kind": 99}`), "", "Bearer "+tok, "")
	f.Add([]byte(`{"display_name": "\ud800"}`), "x\r\ny", "", "lk_good_secret")
	f.Add([]byte(`[`), strings.Repeat("r", 200), "Basic x", "lk_bad")
	f.Add([]byte(`{"address": {"commune_code": 1}}`), "id", "Bearer "+tok+"x", "")
	f.Fuzz(func(t *testing.T, body []byte, reqID, authz, apiKey string) {
		req := httptest.NewRequest(http.MethodPost, "/v1/organizations", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		// Header values as a client could send them (net/http refuses control characters).
		if !strings.ContainsAny(reqID, "\r\n\x00") {
			req.Header.Set("X-Request-Id", reqID)
		}
		if authz != "" && !strings.ContainsAny(authz, "\r\n\x00") {
			req.Header.Set("Authorization", authz)
		} else if authz == "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if apiKey != "" && !strings.ContainsAny(apiKey, "\r\n\x00") {
			req.Header.Set("X-API-Key", apiKey)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%d for body %q: %s", rec.Code, body, rec.Body.String())
		}
		id := rec.Header().Get("X-Request-Id")
		if id == "" || len(id) > 128 || strings.ContainsAny(id, "\r\n") {
			t.Fatalf("bad request id %q", id)
		}
	})
}

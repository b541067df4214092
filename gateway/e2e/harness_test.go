// Package e2e tests the suite through the REST gateway only, as a partner system would use it:
// the services (registry, contracts, matchmaking, support, webhooks) run in-process on loopback against
// a fresh embedded store, and the gateway handler serves them over HTTP.
package e2e_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/internal/server"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	contractsapp "github.com/lienket/lienket/services/contracts/app"
	matchapp "github.com/lienket/lienket/services/matchmaking/app"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
	supportapp "github.com/lienket/lienket/services/support/app"
	webhooksapp "github.com/lienket/lienket/services/webhooks/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type suite struct {
	t         testing.TB
	a         *testkit.Auth
	url       string
	registry  string // the registry's gRPC address, for gRPC-only methods
	contracts string // the contracts service's gRPC address, likewise
	// matchmaking is, with contracts, an event source (EventSourceService, gRPC-only).
	matchmaking string
	// edgeKey is trusted by the gateway but not by the services: tokens it signs pass the
	// edge and must still be refused by every service, which verifies tokens itself.
	edgeKey ed25519.PrivateKey
	// stopRegistry takes the registry down (outage tests).
	stopRegistry func()
}

// webhookPoll is how often the suite's webhooks service polls the event sources (the tests'
// pace; the latency benchmark uses the production default).
var webhookPoll = "50ms"

func start(t testing.TB, cfg server.Config) *suite {
	return startOn(t, cfg, testkit.Database(t))
}

// startOn runs the suite on db (a store of the test's own, for outage tests).
func startOn(t testing.TB, cfg server.Config, db *mongo.Database) *suite {
	return startWith(t, cfg, db, nil)
}

// startWith is startOn with settings of matchmaking's own (matchEnv).
func startWith(t testing.TB, cfg server.Config, db *mongo.Database, matchEnv map[string]string) *suite {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	reg, stopRegistry := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	con, _ := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		require.NoError(t, contractsapp.Register(ctx, s, testkit.Deps(t, a, "contracts", db), contractsapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg}))))
	})
	mm, _ := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		env := map[string]string{"REGISTRY_ADDR": reg, "CONTRACTS_ADDR": con}
		for k, v := range matchEnv {
			env[k] = v
		}
		require.NoError(t, matchapp.Register(ctx, s, testkit.Deps(t, a, "matchmaking", db), matchapp.LoadConfig(config.FromMap(env))))
	})
	sup, _ := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		require.NoError(t, supportapp.Register(ctx, s, testkit.Deps(t, a, "support", db), supportapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg, "CONTRACTS_ADDR": con}))))
	})
	hooksCtx, stopHooks := context.WithCancel(ctx)
	t.Cleanup(stopHooks)
	hooks, _ := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		require.NoError(t, webhooksapp.Register(hooksCtx, s, testkit.Deps(t, a, "webhooks", db), webhooksapp.LoadConfig(config.FromMap(map[string]string{
			"REGISTRY_ADDR": reg, "CONTRACTS_ADDR": con, "MATCHMAKING_ADDR": mm, "WEBHOOK_ALLOW_INTERNAL_TARGETS": "true",
			"WEBHOOK_POLL_INTERVAL": webhookPoll, "WEBHOOK_RETRY_BASE": "50ms", "WEBHOOK_TIMEOUT": "5s", "WEBHOOK_LEASE": "20s"}))))
	})
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.APIKeyTTL == 0 {
		cfg.APIKeyTTL = time.Second
	}
	edgeKey, kerr := auth.GenerateKey()
	require.NoError(t, kerr)
	gw := a.Token(t, auth.Principal{Subject: "services/gateway", Role: auth.RoleService})
	gwKeys := registryv1.NewRegistryServiceClient(testkit.Dial(t, reg, gw))
	gwContracts := contractsv1.NewContractsServiceClient(testkit.Dial(t, con, gw))
	h, err := server.Handler(ctx, cfg, server.Edge{Verifier: auth.NewVerifier("lienket-dev", "lienket", a.Issuer.Public(), edgeKey.Public().(ed25519.PublicKey)), Issuer: a.Issuer, Keys: gwKeys, Contracts: gwContracts},
		testkit.Dial(t, reg, ""), testkit.Dial(t, con, ""), testkit.Dial(t, mm, ""), testkit.Dial(t, sup, ""), testkit.Dial(t, hooks, ""))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &suite{t: t, a: a, url: srv.URL, registry: reg, contracts: con, matchmaking: mm, edgeKey: edgeKey, stopRegistry: stopRegistry}
}

// resp is a decoded JSON response.
type resp struct {
	code int
	body map[string]any
	raw  string
	hdr  http.Header
}

func (r resp) str(path ...string) string {
	v := r.get(path...)
	s, _ := v.(string)
	return s
}

func (r resp) get(path ...string) any {
	var cur any = r.body
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func (r resp) list(key string) []map[string]any {
	items, _ := r.body[key].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

// call sends a request with a bearer token (or headers) and a JSON body (any, or a raw string).
func (s *suite) call(method, path, token string, body any, hdr ...string) resp {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(s.t, err)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{code: res.StatusCode, raw: string(raw), hdr: res.Header}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (s *suite) token(p auth.Principal) string { return s.a.Token(s.t, p) }

func (s *suite) must(r resp, want int) resp {
	s.t.Helper()
	require.Equal(s.t, want, r.code, r.raw)
	return r
}

// reason is the ErrorInfo reason of an error response ("" when there is none).
func reason(r resp) string {
	details, _ := r.body["details"].([]any)
	for _, d := range details {
		if m, ok := d.(map[string]any); ok && m["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			s, _ := m["reason"].(string)
			return s
		}
	}
	return ""
}

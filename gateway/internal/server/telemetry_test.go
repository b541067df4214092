package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/telemetry"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestOneRESTCallIsOneTrace: a REST call through the gateway produces a single trace with spans
// from the gateway (HTTP server, gRPC client), the service (gRPC server) and the database.
func TestOneRESTCallIsOneTrace(t *testing.T) {
	ctx := context.Background()
	rec := tracetest.NewSpanRecorder()
	tt, err := telemetry.Setup(ctx, "test", telemetry.WithSpanProcessor(rec))
	require.NoError(t, err)
	t.Cleanup(func() { _ = tt.Shutdown(ctx) })
	tel = tt

	a := testkit.NewAuth(t)
	db := testkit.Database(t, func(o *options.ClientOptions) { o.SetMonitor(telemetry.MongoMonitor()) })
	reg := testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	}, telemetry.ServerOption())
	cc := testkit.Dial(t, reg, "", dialOptions()...)
	h, err := Handler(ctx, Config{MaxBodyBytes: 1 << 20, APIKeyTTL: time.Second}, Edge{Verifier: a.Verifier, Issuer: a.Issuer, Keys: registryv1.NewRegistryServiceClient(cc)}, cc, cc, cc, cc, cc)
	require.NoError(t, err)
	srv := httptest.NewServer(instrument(h))
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/v1/adminAreas?filter=level%20%3D%20%22LEVEL_PROVINCE%22", nil)
	req.Header.Set("Authorization", "Bearer "+a.Token(t, auth.Principal{Subject: "users/x", Role: auth.RoleAdmin}))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode, string(body))
	require.NoError(t, tt.Tracer.ForceFlush(ctx))

	var root trace.TraceID
	kinds := map[string]bool{}
	for _, s := range rec.Ended() {
		if isGateway(s) {
			root = s.SpanContext().TraceID()
		}
	}
	require.True(t, root.IsValid(), "a gateway server span: %v", names(rec.Ended()))
	for _, s := range rec.Ended() {
		if s.SpanContext().TraceID() != root {
			continue
		}
		switch {
		case isGateway(s):
			kinds["gateway"] = true
		case s.SpanKind() == trace.SpanKindClient && strings.HasPrefix(s.Name(), "lienket.registry.v1"):
			kinds["grpc client"] = true
		case s.SpanKind() == trace.SpanKindServer && strings.HasPrefix(s.Name(), "lienket.registry.v1"):
			kinds["service"] = true
		case strings.HasPrefix(s.Name(), "mongodb "):
			kinds["database"] = true
		}
	}
	require.Equal(t, map[string]bool{"gateway": true, "grpc client": true, "service": true, "database": true}, kinds, "spans of one trace: %v", names(rec.Ended()))

	// /metrics exposes RED metrics of the calls just made.
	mres, err := http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	mbody, _ := io.ReadAll(mres.Body)
	mres.Body.Close()
	require.Contains(t, string(mbody), "rpc_server_call_duration")
	require.Contains(t, string(mbody), "http_server_request_duration")
}

// isGateway: the gateway's otelhttp server span ("GET /..." — the REST call's root).
func isGateway(s sdktrace.ReadOnlySpan) bool {
	return s.SpanKind() == trace.SpanKindServer && strings.HasPrefix(s.Name(), "GET ") && s.InstrumentationScope().Name == "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name()+"/"+s.SpanKind().String())
	}
	return out
}

// Package server is the REST gateway: grpc-gateway v2 handlers for every service, the OpenAPI
// document, health, and the edge concerns (authentication, request ids, rate limits, CORS,
// body limits, JSON errors).
//
// Settings (environment): HTTP_ADDR, REGISTRY_ADDR, CONTRACTS_ADDR, MATCHMAKING_ADDR, SUPPORT_ADDR, WEBHOOKS_ADDR,
// MAX_BODY_BYTES (1 MiB), CORS_ALLOWED_ORIGINS (comma-separated; empty = CORS off),
// RATE_LIMIT_RPS (per principal, default 50; 0 disables) and RATE_LIMIT_BURST (100),
// API_KEY_CACHE_TTL (30s), API_KEY_LOOKUP_RPS (5) and API_KEY_LOOKUP_BURST (20) per client
// address for keys not in the cache, VERIFY_RATE_LIMIT_RPS (2) and VERIFY_RATE_LIMIT_BURST (30)
// per client address on the public verification page, JWT_ISSUER, JWT_AUDIENCE, JWT_PUBLIC_KEY_FILES, JWT_JWKS (a JWK Set
// file or URL whose Ed25519 keys are also trusted) and JWT_JWKS_REFRESH (10m), SERVICE_KEY_FILE.
package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/rs/cors"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails" // error details must resolve when errors are rendered as JSON
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/lienket/lienket/gateway/openapi"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/health"
	"github.com/lienket/lienket/services/platform/logging"
)

// Config of the gateway.
type Config struct {
	// HTTPAddr is the REST listen address.
	HTTPAddr string
	// RegistryAddr, ContractsAddr, MatchmakingAddr, SupportAddr, WebhooksAddr are the gRPC backends.
	RegistryAddr, ContractsAddr, MatchmakingAddr, SupportAddr, WebhooksAddr string
	// MaxBodyBytes bounds request bodies.
	MaxBodyBytes int64
	// CORSOrigins are the allowed browser origins (empty: no CORS headers).
	CORSOrigins []string
	// RateRPS and RateBurst limit each principal.
	RateRPS   float64
	RateBurst int
	// APIKeyTTL is how long an API-key verification is fresh.
	APIKeyTTL time.Duration
	// APIKeyStaleFor is how long a key verified before is still served while the registry
	// cannot be asked (an outage); keys never seen get 503 meanwhile.
	APIKeyStaleFor time.Duration
	// PartnerTokenTTL is the lifetime of the tokens minted for API keys (at most the services'
	// JWT_MAX_PARTNER_LIFETIME).
	PartnerTokenTTL time.Duration
	// KeyLookupRPS and KeyLookupBurst limit, per client address, the API-key verifications
	// that miss the cache and reach the registry.
	KeyLookupRPS   float64
	KeyLookupBurst int
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration
	// VerifyRPS and VerifyBurst limit, per client address, the public verification page.
	VerifyRPS   float64
	VerifyBurst int
}

// LoadConfig reads the gateway settings from the environment.
func LoadConfig(e *config.Env) Config {
	return Config{
		HTTPAddr:        e.Addr("HTTP_ADDR", config.DefaultGatewayAddr),
		RegistryAddr:    e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
		ContractsAddr:   e.Addr("CONTRACTS_ADDR", config.DefaultContractsAddr),
		MatchmakingAddr: e.Addr("MATCHMAKING_ADDR", config.DefaultMatchmakingAddr),
		SupportAddr:     e.Addr("SUPPORT_ADDR", config.DefaultSupportAddr),
		WebhooksAddr:    e.Addr("WEBHOOKS_ADDR", config.DefaultWebhooksAddr),
		MaxBodyBytes:    int64(e.Int("MAX_BODY_BYTES", 1<<20)),
		CORSOrigins:     e.List("CORS_ALLOWED_ORIGINS", nil),
		RateRPS:         float64(e.Int("RATE_LIMIT_RPS", 50)),
		RateBurst:       e.Int("RATE_LIMIT_BURST", 100),
		APIKeyTTL:       e.Duration("API_KEY_CACHE_TTL", 30*time.Second),
		APIKeyStaleFor:  e.Duration("API_KEY_STALE_FOR", 10*time.Minute),
		PartnerTokenTTL: e.Duration("JWT_MAX_PARTNER_LIFETIME", 15*time.Minute),
		KeyLookupRPS:    float64(e.Int("API_KEY_LOOKUP_RPS", 5)),
		KeyLookupBurst:  e.Int("API_KEY_LOOKUP_BURST", 20),
		ShutdownTimeout: e.Duration("SHUTDOWN_TIMEOUT", 15*time.Second),
		VerifyRPS:       float64(e.Int("VERIFY_RATE_LIMIT_RPS", 2)),
		VerifyBurst:     e.Int("VERIFY_RATE_LIMIT_BURST", 30),
	}
}

// Edge holds what the gateway needs to authenticate callers.
type Edge struct {
	// Verifier checks Bearer tokens (an *auth.Verifier over key files, or a KeySet with JWKS).
	Verifier auth.TokenVerifier
	// Issuer mints the short-lived partner tokens that stand for API keys.
	Issuer *auth.Issuer
	// Log is the gateway logger.
	Log *slog.Logger
	// Keys verifies API keys: the registry, called with the gateway's own service identity.
	Keys registryv1.RegistryServiceClient
	// Contracts answers the public verification page (/verify/{contract}): the contracts
	// service, called with the gateway's own service identity (nil: no such page).
	Contracts VerifyClient
	// Routes are further handlers by ServeMux pattern (the console, the token exchange).
	Routes map[string]http.Handler
}

// errorHandler renders errors as google.rpc.Status JSON, every one with an ErrorInfo: a request
// the gateway could not decode is 400 with the field and the reason (decode.go); an oversized
// body is 413; an error without details (the gateway's own, or gRPC's when a backend is
// unreachable) gets the reason of its code, and no internal address.
func errorHandler(api *apiIndex) runtime.ErrorHandlerFunc {
	return func(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
		if st, ok := status.FromError(err); ok && strings.Contains(st.Message(), "request body too large") {
			writeError(w, http.StatusRequestEntityTooLarge, codes.InvalidArgument, "BODY_TOO_LARGE", "request body too large")
			return
		}
		if derr, ok := api.decodeFailure(ctx, r, err); ok {
			err = derr
		} else {
			err = withErrorInfo(err)
		}
		runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, err)
	}
}

// withErrorInfo gives a status without details an ErrorInfo; UNAVAILABLE (a backend that cannot
// be reached: gRPC's message names its address) becomes the platform's BACKEND_UNAVAILABLE.
func withErrorInfo(err error) error {
	st := status.Convert(err)
	if len(st.Details()) > 0 || st.Code() == codes.OK {
		return err
	}
	if st.Code() == codes.Unavailable {
		return apierr.BackendUnavailable()
	}
	return apierr.New(st.Code(), upperSnake(st.Code().String()), st.Message(), nil)
}

// upperSnake turns a gRPC code name ("DeadlineExceeded") into a reason ("DEADLINE_EXCEEDED").
func upperSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// routingErrorHandler answers requests that match no binding. grpc-gateway's default turns a
// known path with the wrong method into UNIMPLEMENTED, i.e. HTTP 501: a client error must not
// look like a server fault, so it is 405 here, with the Allow header and a JSON status like
// every other error.
func routingErrorHandler(known *apiIndex) runtime.RoutingErrorHandlerFunc {
	return func(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
		switch httpStatus {
		case http.StatusMethodNotAllowed:
			if allow := known.allow(r.URL.Path); allow != "" {
				w.Header().Set("Allow", allow)
			}
			writeError(w, http.StatusMethodNotAllowed, codes.InvalidArgument, "METHOD_NOT_ALLOWED", r.Method+" is not allowed on "+r.URL.Path)
		case http.StatusNotFound:
			writeError(w, http.StatusNotFound, codes.NotFound, "NO_SUCH_PATH", "no API method at "+r.URL.Path)
		default:
			runtime.DefaultRoutingErrorHandler(ctx, mux, m, w, r, httpStatus)
		}
	}
}

// Handler builds the gateway's HTTP handler over already-open backend connections.
// webhooks may be nil: the webhook routes are then not served.
func Handler(ctx context.Context, cfg Config, edge Edge, registry, contracts, matchmaking, support, webhooks *grpc.ClientConn) (http.Handler, error) {
	known, err := newAPIIndex(openapi.JSON)
	if err != nil {
		return nil, fmt.Errorf("embedded OpenAPI document: %w", err)
	}
	if edge.Log == nil {
		edge.Log = slog.Default()
	}
	authn := newAuthenticator(cfg, edge)
	gw := runtime.NewServeMux(
		runtime.WithForwardResponseOption(authn.evictRevoked),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, bodyMarshaler{&runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}}),
		runtime.WithErrorHandler(errorHandler(known)),
		runtime.WithRoutingErrorHandler(routingErrorHandler(known)),
		// No gRPC response metadata or trailers leak as Grpc-Metadata-* / Grpc-Trailer-* headers,
		// but a document's hash and file name (documentHeaders).
		runtime.WithOutgoingHeaderMatcher(documentHeaders),
		runtime.WithOutgoingTrailerMatcher(func(string) (string, bool) { return "", false }),
		// Clients set no gRPC metadata of their own (no Grpc-Metadata-* pass-through): the
		// services get exactly the authorization the edge accepted or minted, and its request id.
		runtime.WithIncomingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithMetadata(func(ctx context.Context, r *http.Request) metadata.MD {
			if id, ok := ctx.Value(requestIDKey).(string); ok {
				return metadata.Pairs("x-request-id", id)
			}
			return nil
		}),
	)
	if err := registryv1.RegisterRegistryServiceHandlerClient(ctx, gw, registryv1.NewRegistryServiceClient(idempotentConn{registry})); err != nil {
		return nil, err
	}
	if err := contractsv1.RegisterContractsServiceHandlerClient(ctx, gw, contractsv1.NewContractsServiceClient(idempotentConn{contracts})); err != nil {
		return nil, err
	}
	if err := matchmakingv1.RegisterMatchmakingServiceHandlerClient(ctx, gw, matchmakingv1.NewMatchmakingServiceClient(idempotentConn{matchmaking})); err != nil {
		return nil, err
	}
	if err := supportv1.RegisterSupportServiceHandlerClient(ctx, gw, supportv1.NewSupportServiceClient(idempotentConn{support})); err != nil {
		return nil, err
	}
	if webhooks != nil {
		if err := webhooksv1.RegisterWebhooksServiceHandlerClient(ctx, gw, webhooksv1.NewWebhooksServiceClient(idempotentConn{webhooks})); err != nil {
			return nil, err
		}
	}
	limiter := NewRateLimiter(cfg.RateRPS, cfg.RateBurst)
	mux := http.NewServeMux()
	health.Register(mux, "gateway", health.Instance(), nil)
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openapi.JSON)
	})
	if edge.Contracts != nil {
		mux.Handle("/verify/", &verifyPage{c: edge.Contracts, limiter: NewRateLimiter(cfg.VerifyRPS, cfg.VerifyBurst), log: edge.Log})
	}
	mux.Handle("/v1/", authn.Middleware(limiter.Middleware(idempotencyKey(http.MaxBytesHandler(captureDecodeErrors(gw), cfg.MaxBodyBytes)))))
	for pattern, h := range edge.Routes {
		mux.Handle(pattern, h)
	}
	var h http.Handler = mux
	if len(cfg.CORSOrigins) > 0 {
		h = cors.New(cors.Options{
			AllowedOrigins: cfg.CORSOrigins,
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete},
			AllowedHeaders: []string{"Authorization", "Content-Type", "X-API-Key", "X-Request-Id", IdempotencyKeyHeader},
			ExposedHeaders: []string{"X-Request-Id", "Retry-After"},
			MaxAge:         600,
		}).Handler(h)
	}
	return requestID(accessLog(edge.Log, h)), nil
}

// documentHeaders passes on the response headers of the document methods (a google.api.HttpBody
// answer): its SHA-256 and its file name; no other gRPC metadata becomes a header.
func documentHeaders(key string) (string, bool) {
	switch strings.ToLower(key) {
	case "x-document-sha256":
		return "X-Document-Sha256", true
	case "content-disposition":
		return "Content-Disposition", true
	}
	return "", false
}

type keyClient struct {
	c registryv1.RegistryServiceClient
}

func (k keyClient) VerifyApiKey(ctx context.Context, in *registryv1.VerifyApiKeyRequest) (*registryv1.ApiKey, error) {
	return k.c.VerifyApiKey(ctx, in)
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(c int) { s.code = c; s.ResponseWriter.WriteHeader(c) }

func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(sw, r)
		attrs := []any{"method", r.Method, "path", r.URL.Path, "status", sw.code, "duration_ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", w.Header().Get("X-Request-Id")}
		if sw.code >= 500 {
			log.ErrorContext(r.Context(), "http", attrs...)
		} else {
			log.DebugContext(r.Context(), "http", attrs...)
		}
	})
}

// Run serves the gateway until ctx ends.
func Run(ctx context.Context) error {
	env := config.FromOS()
	cfg := LoadConfig(env)
	ccfg := LoadConsoleConfig(env, cfg.HTTPAddr)
	common := config.LoadCommon(env, "gateway", "", cfg.HTTPAddr)
	log := logging.Setup("gateway", env.String("LOG_FORMAT", "json"), env.String("LOG_LEVEL", "info"))
	if err := env.Err(); err != nil {
		return err
	}
	keys, err := auth.LoadPublicKeys(common.JWTPublicKeyFiles...)
	if err != nil {
		return fmt.Errorf("trusted token keys (JWT_PUBLIC_KEY_FILES): %w", err)
	}
	svcKey, err := auth.LoadPrivateKey(common.ServiceKeyFile)
	if err != nil {
		return fmt.Errorf("service key (SERVICE_KEY_FILE): %w", err)
	}
	issuer := auth.NewIssuer(svcKey, common.JWTIssuer, common.JWTAudience)
	shutdownTelemetry, err := setupTelemetry(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = shutdownTelemetry(context.Background()) }()
	svcCreds := auth.NewServiceCredentials(issuer, "gateway")
	dial := func(addr string, withCreds bool) (*grpc.ClientConn, error) {
		opts := append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, dialOptions()...)
		if withCreds {
			opts = append(opts, grpc.WithPerRPCCredentials(svcCreds))
		}
		return grpc.NewClient(addr, opts...)
	}
	var conns [4]*grpc.ClientConn
	for i, addr := range []string{cfg.RegistryAddr, cfg.ContractsAddr, cfg.MatchmakingAddr, cfg.SupportAddr} {
		cc, err := dial(addr, false)
		if err != nil {
			return fmt.Errorf("dial %s: %w", addr, err)
		}
		defer cc.Close()
		conns[i] = cc
	}
	regSvc, err := dial(cfg.RegistryAddr, true) // the gateway's own identity, for VerifyApiKey
	if err != nil {
		return err
	}
	defer regSvc.Close()
	conSvc, err := dial(cfg.ContractsAddr, true) // the gateway's own identity, for the verification page
	if err != nil {
		return err
	}
	defer conSvc.Close()
	verifier, err := auth.NewTokenVerifier(ctx, auth.ConfigFrom(common, keys), log)
	if err != nil {
		return fmt.Errorf("trusted token keys (JWT_JWKS): %w", err)
	}
	directory := registryv1.NewRegistryServiceClient(regSvc)
	routes, err := consoleRoutes(ccfg, cfg, log, issuer, directory, conns)
	if err != nil {
		return err
	}
	hooks, err := dial(cfg.WebhooksAddr, false)
	if err != nil {
		return fmt.Errorf("dial %s: %w", cfg.WebhooksAddr, err)
	}
	defer hooks.Close()
	h, err := Handler(ctx, cfg, Edge{Verifier: verifier, Issuer: issuer, Log: log, Keys: directory, Routes: routes,
		Contracts: contractsv1.NewContractsServiceClient(conSvc)}, conns[0], conns[1], conns[2], conns[3], hooks)
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: cfg.HTTPAddr, Handler: instrument(h), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("gateway listening", "addr", cfg.HTTPAddr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	log.Info("gateway stopped")
	return err
}

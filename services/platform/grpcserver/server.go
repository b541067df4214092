// Package grpcserver runs a Lienket gRPC service: interceptors for panic recovery, structured
// access logs, default deadlines and caller authentication; grpc.health.v1 and reflection; and
// graceful shutdown when the context ends (SIGINT/SIGTERM in main).
package grpcserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/auth"
)

// Options configure a server.
type Options struct {
	// Name of the service (health service name and logs).
	Name string
	// Logger for access logs.
	Logger *slog.Logger
	// Verifier authenticates callers; nil disables authentication (only for tests of
	// unauthenticated plumbing).
	Verifier auth.TokenVerifier
	// DefaultDeadline applies when a call arrives without one.
	DefaultDeadline time.Duration
	// ServerOptions are appended (stats handlers for tracing, etc.).
	ServerOptions []grpc.ServerOption
	// UnaryInterceptors run after the built-in ones.
	UnaryInterceptors []grpc.UnaryServerInterceptor
	// Unavailable reports whether an error means the store cannot be reached (the error
	// mapper answers those UNAVAILABLE / BACKEND_UNAVAILABLE); nil: never.
	Unavailable func(error) bool
	// Ledger, when set, refuses a request_id reused with other content (REQUEST_ID_REUSED).
	Ledger Ledger
}

// Server is a gRPC server with health.
type Server struct {
	*grpc.Server
	Health *health.Server
	name   string
	log    *slog.Logger
	unary  []grpc.UnaryServerInterceptor // the chain, for tests
}

// New builds the server; register services on it, then call Serve.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.DefaultDeadline == 0 {
		o.DefaultDeadline = 30 * time.Second
	}
	// Outside in: the access log sees the code the client gets; the deadline bounds the call
	// (so the error mapper sees it passing as the caller's); the error mapper turns every error
	// (a recovered panic included) into the API error.
	mapper := NewErrorMapper(o.Logger, o.Unavailable)
	unary := []grpc.UnaryServerInterceptor{
		accessLog(o.Logger),
		deadline(o.DefaultDeadline), // outside the mapper: a default deadline that passes is DEADLINE_EXCEEDED
		mapper.Unary(),
		recovery(o.Logger),
	}
	stream := []grpc.StreamServerInterceptor{mapper.Stream(), streamRecovery(o.Logger)}
	if o.Verifier != nil {
		unary = append(unary, auth.UnaryInterceptor(o.Verifier))
		stream = append(stream, auth.StreamInterceptor(o.Verifier))
	}
	if o.Ledger != nil {
		unary = append(unary, requestIDs(o.Ledger))
	}
	unary = append(unary, o.UnaryInterceptors...)
	opts := append([]grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		grpc.MaxRecvMsgSize(4 << 20),
	}, o.ServerOptions...)
	s := &Server{Server: grpc.NewServer(opts...), Health: health.NewServer(), name: o.Name, log: o.Logger, unary: unary}
	healthpb.RegisterHealthServer(s.Server, s.Health)
	reflection.Register(s.Server)
	return s
}

// Serve listens on lis until ctx ends, then drains in-flight calls for up to grace.
func (s *Server) Serve(ctx context.Context, lis net.Listener, grace time.Duration) error {
	for name := range s.GetServiceInfo() {
		s.Health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	s.Health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	errc := make(chan error, 1)
	go func() { errc <- s.Server.Serve(lis) }()
	s.log.Info("grpc listening", "addr", lis.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.Health.Shutdown()
	done := make(chan struct{})
	go func() { s.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		s.log.Warn("graceful stop timed out; forcing")
		s.Stop()
	}
	if err := <-errc; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// ServeHTTP runs an operational HTTP server (healthz, metrics) until ctx ends.
func ServeHTTP(ctx context.Context, addr string, h http.Handler, grace time.Duration) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return fmt.Errorf("http %s: %w", addr, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	_ = srv.Shutdown(sctx)
	return nil
}

func recovery(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(ctx, "panic in handler", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				resp, err = nil, fmt.Errorf("panic: %v", r)
			}
		}()
		return h(ctx, req)
	}
}

func streamRecovery(log *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
		defer func() {
			if r := recover(); r != nil {
				log.ErrorContext(ss.Context(), "panic in stream handler", "method", info.FullMethod, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return h(srv, ss)
	}
}

func accessLog(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		resp, err := h(ctx, req)
		code := status.Code(err)
		attrs := []any{"method", info.FullMethod, "code", code.String(), "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
		if p, ok := auth.FromContext(ctx); ok {
			attrs = append(attrs, "principal", p.String())
		}
		if md, ok := metadata.FromIncomingContext(ctx); ok {
			if id := md.Get("x-request-id"); len(id) == 1 && len(id[0]) <= 128 {
				attrs = append(attrs, "request_id", id[0])
			}
		}
		switch {
		case err != nil:
			log.InfoContext(ctx, "rpc", append(attrs, "error", status.Convert(err).Message())...)
		default:
			log.DebugContext(ctx, "rpc", attrs...)
		}
		return resp, err
	}
}

func deadline(def time.Duration) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if _, ok := ctx.Deadline(); !ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, def)
			defer cancel()
		}
		return h(ctx, req)
	}
}

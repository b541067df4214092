package auth

import (
	"context"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/lienket/lienket/services/platform/apierr"
)

// MetadataKey is the gRPC metadata key carrying "Bearer <jwt>".
const MetadataKey = "authorization"

// public lists RPCs callable without a principal.
var public = map[string]bool{
	"/grpc.health.v1.Health/Check": true,
	"/grpc.health.v1.Health/Watch": true,
	"/grpc.health.v1.Health/List":  true,
}

func isPublic(method string) bool {
	return public[method] || strings.HasPrefix(method, "/grpc.reflection.")
}

func authenticate(v TokenVerifier, ctx context.Context, method string) (context.Context, error) {
	if isPublic(method) {
		return ctx, nil
	}
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get(MetadataKey)
	if len(vals) != 1 {
		return nil, apierr.Unauthenticated("missing credentials: send authorization: Bearer <token>")
	}
	tok, ok := strings.CutPrefix(vals[0], "Bearer ")
	if !ok || tok == "" {
		return nil, apierr.Unauthenticated("authorization must be a Bearer token")
	}
	p, err := v.Verify(tok)
	if err != nil {
		return nil, apierr.New(codes.Unauthenticated, "UNAUTHENTICATED", "invalid token: "+err.Error(), map[string]string{"token_error": RefusalReason(err)})
	}
	return WithPrincipal(ctx, p), nil
}

// UnaryInterceptor verifies the caller of every unary RPC with v (a Verifier, or a KeySet).
func UnaryInterceptor(v TokenVerifier) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		ctx, err := authenticate(v, ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
}

// StreamInterceptor verifies the caller of every streaming RPC with v.
func StreamInterceptor(v TokenVerifier) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx, err := authenticate(v, ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return h(srv, &wrapped{ServerStream: ss, ctx: ctx})
	}
}

type wrapped struct {
	grpc.ServerStream
	ctx context.Context
}

func (w *wrapped) Context() context.Context { return w.ctx }

// Require returns the principal of ctx or UNAUTHENTICATED.
func Require(ctx context.Context) (Principal, error) {
	p, ok := FromContext(ctx)
	if !ok {
		return Principal{}, apierr.Unauthenticated("no verified caller")
	}
	return p, nil
}

// RequireRole returns the principal if it has one of roles, else PERMISSION_DENIED.
func RequireRole(ctx context.Context, roles ...Role) (Principal, error) {
	p, err := Require(ctx)
	if err != nil {
		return p, err
	}
	if !p.Is(roles...) {
		return p, apierr.PermissionDenied("role " + string(p.Role) + " may not call this method")
	}
	return p, nil
}

// TokenCredentials sends a fixed bearer token with every RPC (clients, tests, the CLI).
type TokenCredentials string

// GetRequestMetadata implements credentials.PerRPCCredentials.
func (t TokenCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{MetadataKey: "Bearer " + string(t)}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials. Services talk over
// loopback or a service mesh; TLS is the deployment's concern.
func (TokenCredentials) RequireTransportSecurity() bool { return false }

// ServiceCredentials mints and refreshes this service's own token for calls to other
// services (role service, subject services/{name}).
type ServiceCredentials struct {
	issuer *Issuer
	name   string
	mu     sync.Mutex
	tok    string
	exp    time.Time
}

// NewServiceCredentials returns per-RPC credentials for service name.
func NewServiceCredentials(issuer *Issuer, name string) *ServiceCredentials {
	return &ServiceCredentials{issuer: issuer, name: name}
}

// GetRequestMetadata implements credentials.PerRPCCredentials.
func (s *ServiceCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Until(s.exp) < time.Minute {
		tok, err := s.issuer.Mint(Principal{Subject: "services/" + s.name, Role: RoleService}, 10*time.Minute)
		if err != nil {
			return nil, err
		}
		s.tok, s.exp = tok, time.Now().Add(10*time.Minute)
	}
	return map[string]string{MetadataKey: "Bearer " + s.tok}, nil
}

// RequireTransportSecurity implements credentials.PerRPCCredentials.
func (*ServiceCredentials) RequireTransportSecurity() bool { return false }

package grpcserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
)

// ErrorMapper turns whatever a handler returns into the google.rpc.Status a client sees. It is
// the one place where errors become API errors, for every service:
//
//   - a status built by apierr (here, in domain and application code, or relayed from another
//     Lienket service) passes through unchanged;
//   - when the caller's own deadline has passed or it cancelled, the call answers
//     DEADLINE_EXCEEDED or CANCELLED, whatever the handler was doing at the time;
//   - an unreachable store (unavailable reports it) or a bare gRPC UNAVAILABLE from another
//     service answers UNAVAILABLE with reason BACKEND_UNAVAILABLE, with a stable message;
//   - anything else is INTERNAL with an opaque error id, logged here with its cause; the
//     cause never reaches the client (it may name addresses, queries or personal data).
type ErrorMapper struct {
	log         *slog.Logger
	unavailable func(error) bool
}

// NewErrorMapper returns a mapper that logs to log and asks unavailable whether an error
// means the store cannot be reached (nil: never).
func NewErrorMapper(log *slog.Logger, unavailable func(error) bool) *ErrorMapper {
	if unavailable == nil {
		unavailable = func(error) bool { return false }
	}
	return &ErrorMapper{log: log, unavailable: unavailable}
}

// Map returns the API error for err returned by method (nil for nil).
func (m *ErrorMapper) Map(ctx context.Context, method string, err error) error {
	if err == nil {
		return nil
	}
	if apierr.IsLienket(err) {
		return err
	}
	switch ctx.Err() {
	case context.DeadlineExceeded:
		return apierr.DeadlineExceeded()
	case context.Canceled:
		return apierr.Cancelled()
	}
	if m.unavailable(err) {
		m.log.WarnContext(ctx, "backend unavailable", "method", method, "error", err.Error())
		return apierr.BackendUnavailable()
	}
	if st, ok := status.FromError(err); ok {
		// A bare status: from the gRPC machinery of a call to another service, or a plain
		// status.Error somewhere. Its code is kept where it is safe; its message is not.
		switch st.Code() {
		case codes.Unavailable:
			m.log.WarnContext(ctx, "backend unavailable", "method", method, "error", st.Message())
			return apierr.BackendUnavailable()
		case codes.DeadlineExceeded:
			return apierr.DeadlineExceeded()
		case codes.Canceled:
			return apierr.Cancelled()
		}
	}
	id := newErrorID()
	m.log.ErrorContext(ctx, "unexpected error", "method", method, "error_id", id, "error", err.Error())
	return apierr.Internal(id)
}

// Unary is the mapper as a server interceptor.
func (m *ErrorMapper) Unary() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		if err != nil {
			return nil, m.Map(ctx, info.FullMethod, err)
		}
		return resp, nil
	}
}

// Stream is the mapper as a stream interceptor.
func (m *ErrorMapper) Stream() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		return m.Map(ss.Context(), info.FullMethod, h(srv, ss))
	}
}

func newErrorID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

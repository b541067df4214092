package grpcserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/logging"
)

func TestInterceptors(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, "test", "json", "debug")
	info := &grpc.UnaryServerInfo{FullMethod: "/x.Y/Z"}

	// A panic becomes INTERNAL with an error id and no detail, and is logged with its stack.
	m := NewErrorMapper(log, nil)
	_, err := m.Unary()(context.Background(), nil, info, func(ctx context.Context, req any) (any, error) {
		return recovery(log)(ctx, req, info, func(context.Context, any) (any, error) { panic("boom") })
	})
	require.Equal(t, codes.Internal, status.Code(err))
	require.Equal(t, apierr.ReasonInternal, apierr.Reason(err))
	require.NotContains(t, err.Error(), "boom")
	require.Contains(t, buf.String(), "panic in handler")

	// Access logs carry the method, code and the gateway's request id.
	buf.Reset()
	ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("x-request-id", "req-42"))
	_, _ = accessLog(log)(ctx, nil, info, func(context.Context, any) (any, error) { return nil, status.Error(codes.NotFound, "nope") })
	require.Contains(t, buf.String(), `"request_id":"req-42"`)
	require.Contains(t, buf.String(), `"code":"NotFound"`)

	// Calls without a deadline get the default one.
	_, _ = deadline(5e9)(context.Background(), nil, info, func(ctx context.Context, _ any) (any, error) {
		_, ok := ctx.Deadline()
		require.True(t, ok)
		return nil, nil
	})
}

var errStoreDown = errors.New("server selection error: dial tcp 127.0.0.1:27018: connect: connection refused")

// TestErrorMapper: one mapper for every service. Lienket errors pass through; the caller's
// deadline and cancellation stay what they are; an unreachable store or service is
// UNAVAILABLE / BACKEND_UNAVAILABLE; anything else is INTERNAL with an error id that is
// logged with the cause — and no cause, address or query ever reaches the client.
func TestErrorMapper(t *testing.T) {
	var buf bytes.Buffer
	m := NewErrorMapper(logging.New(&buf, "test", "json", "debug"), func(err error) bool { return errors.Is(err, errStoreDown) })
	live := context.Background()
	expired, cancel := context.WithTimeout(live, -1)
	defer cancel()
	cancelled, cancel2 := context.WithCancel(live)
	cancel2()
	notFound := apierr.NotFound("organizations/x")

	for _, tc := range []struct {
		name   string
		ctx    context.Context
		err    error
		code   codes.Code
		reason string
	}{
		{"a Lienket error passes through", live, notFound, codes.NotFound, "RESOURCE_NOT_FOUND"},
		{"a wrapped Lienket error passes through", live, fmt.Errorf("get: %w", notFound), codes.NotFound, "RESOURCE_NOT_FOUND"},
		{"a store that cannot be reached", live, fmt.Errorf("find: %w", errStoreDown), codes.Unavailable, apierr.ReasonBackendUnavailable},
		{"another service that cannot be reached", live, status.Error(codes.Unavailable, "connection error: desc = dial tcp 127.0.0.1:9101: connect: connection refused"), codes.Unavailable, apierr.ReasonBackendUnavailable},
		{"the caller's deadline passed", expired, fmt.Errorf("find: %w", context.DeadlineExceeded), codes.DeadlineExceeded, apierr.ReasonDeadlineExceeded},
		{"the caller's deadline passed while the store was down", expired, errStoreDown, codes.DeadlineExceeded, apierr.ReasonDeadlineExceeded},
		{"the caller cancelled", cancelled, context.Canceled, codes.Canceled, apierr.ReasonCancelled},
		{"a deadline inside the call is not the caller's", live, fmt.Errorf("wait: %w", context.DeadlineExceeded), codes.Internal, apierr.ReasonInternal},
		{"a bare status of another code", live, status.Error(codes.FailedPrecondition, "secret detail"), codes.Internal, apierr.ReasonInternal},
		{"anything unexpected", live, errors.New("decode households.national_id_hash: secret detail"), codes.Internal, apierr.ReasonInternal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf.Reset()
			err := m.Map(tc.ctx, "/x.Y/Z", tc.err)
			require.Equal(t, tc.code, status.Code(err))
			require.Equal(t, tc.reason, apierr.Reason(err))
			if tc.err != notFound && !errors.Is(tc.err, notFound) {
				msg := status.Convert(err).Message()
				require.NotContains(t, msg, "127.0.0.1")
				require.NotContains(t, msg, "secret")
			}
			if tc.code == codes.Internal {
				st := status.Convert(err)
				var id string
				for _, d := range st.Details() {
					if ei, ok := d.(*errdetails.ErrorInfo); ok {
						id = ei.Metadata["error_id"]
					}
				}
				require.Len(t, id, 16)
				require.Contains(t, st.Message(), id)
				require.Contains(t, buf.String(), `"error_id":"`+id+`"`, "the cause is logged under the id the client sees")
				require.Contains(t, buf.String(), tc.err.Error())
			}
		})
	}
	require.NoError(t, m.Map(live, "/x.Y/Z", nil))
}

// TestDefaultDeadlineIsTheCallers: a call that arrived without a deadline and outlives the
// default one is DEADLINE_EXCEEDED, not taken for an unreachable store (the store's timeout
// errors also wrap context.DeadlineExceeded).
func TestDefaultDeadlineIsTheCallers(t *testing.T) {
	s := New(Options{Name: "t", DefaultDeadline: 20 * time.Millisecond, Unavailable: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) }})
	info := &grpc.UnaryServerInfo{FullMethod: "/x.Y/Z"}
	slow := func(ctx context.Context, _ any) (any, error) {
		<-ctx.Done()
		return nil, fmt.Errorf("find: %w", ctx.Err())
	}
	_, err := chain(s.unary)(context.Background(), nil, info, slow)
	require.Equal(t, codes.DeadlineExceeded, status.Code(err))
	require.Equal(t, apierr.ReasonDeadlineExceeded, apierr.Reason(err))
}

// chain runs interceptors around a handler, outermost first.
func chain(ics []grpc.UnaryServerInterceptor) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		for i := len(ics) - 1; i >= 0; i-- {
			ic, next := ics[i], h
			h = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, next) }
		}
		return h(ctx, req)
	}
}

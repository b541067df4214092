package grpcserver

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/logging"
)

func TestInterceptors(t *testing.T) {
	var buf bytes.Buffer
	log := logging.New(&buf, "test", "json", "debug")
	info := &grpc.UnaryServerInfo{FullMethod: "/x.Y/Z"}

	// A panic becomes INTERNAL with no detail, and is logged.
	_, err := recovery(log)(context.Background(), nil, info, func(context.Context, any) (any, error) { panic("boom") })
	require.Equal(t, codes.Internal, status.Code(err))
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

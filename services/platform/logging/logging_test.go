package logging

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
)

func TestRedactsSecretsAndIDs(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "test", "json", "info")
	l.Info("household created",
		"national_id", "001203004567",
		"authorization", "Bearer abc.def.ghi",
		"x-api-key", "lk_live_123",
		"note", "CCCD 001203004567 given",
		"national_id_last4", "4567",
	)
	out := buf.String()
	require.NotContains(t, out, "001203004567")
	require.NotContains(t, out, "abc.def.ghi")
	require.NotContains(t, out, "lk_live_123")
	require.Contains(t, out, `"national_id_last4":"4567"`)
	require.Contains(t, out, "********4567")
	require.Contains(t, out, `"service":"test"`)
}

func TestTraceIDsFromContext(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, "test", "json", "debug")
	tid, _ := trace.TraceIDFromHex("0af7651916cd43dd8448eb211c80319c")
	sid, _ := trace.SpanIDFromHex("b7ad6b7169203331")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	l.InfoContext(ctx, "hello")
	require.Contains(t, buf.String(), `"trace_id":"0af7651916cd43dd8448eb211c80319c"`)
	require.Contains(t, buf.String(), `"span_id":"b7ad6b7169203331"`)
}

// Package logging configures structured logging (slog) for every Lienket process.
//
// Records carry the OpenTelemetry trace and span ids of the context they are logged with, and
// never contain secrets or personal identifiers: attributes whose key names a secret are
// replaced, and 9- or 12-digit runs (CMND/CCCD numbers) in string values are masked.
package logging

import (
	"context"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"go.opentelemetry.io/otel/trace"
)

// New builds a logger writing to w. format is "json" or "text"; level is debug|info|warn|error.
func New(w io.Writer, service, format, level string) *slog.Logger {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		lvl = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lvl, ReplaceAttr: redact}
	var h slog.Handler
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(&traceHandler{Handler: h}).With("service", service)
}

// Setup builds the process logger on stderr and installs it as the slog default.
func Setup(service, format, level string) *slog.Logger {
	l := New(os.Stderr, service, format, level)
	slog.SetDefault(l)
	return l
}

// traceHandler adds trace_id and span_id from the record's context.
type traceHandler struct{ slog.Handler }

func (h *traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithAttrs(as)}
}

func (h *traceHandler) WithGroup(name string) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithGroup(name)}
}

// Redacted replaces a secret value in logs.
const Redacted = "[REDACTED]"

var secretKeys = []string{"national_id", "nationalid", "token", "authorization", "api_key", "apikey", "x-api-key", "secret", "password", "private_key"}

var idNumber = regexp.MustCompile(`\b(\d{9}|\d{12})\b`)

// IsSecretKey reports whether an attribute or header key names a secret.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, s := range secretKeys {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// Scrub masks identity-document numbers in free text.
func Scrub(s string) string {
	return idNumber.ReplaceAllStringFunc(s, func(m string) string {
		return strings.Repeat("*", len(m)-4) + m[len(m)-4:]
	})
}

func redact(_ []string, a slog.Attr) slog.Attr {
	if IsSecretKey(a.Key) && !strings.HasSuffix(strings.ToLower(a.Key), "last4") {
		return slog.String(a.Key, Redacted)
	}
	if a.Value.Kind() == slog.KindString {
		if s := a.Value.String(); idNumber.MatchString(s) {
			return slog.String(a.Key, Scrub(s))
		}
	}
	return a
}

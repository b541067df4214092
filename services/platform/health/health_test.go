package health

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func TestHealthz(t *testing.T) {
	var down error
	mux := http.NewServeMux()
	Register(mux, "registry", "i-1", func(context.Context) error { return down })
	get := func(path string) (int, Report) {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		var rep Report
		_ = json.Unmarshal(rec.Body.Bytes(), &rep)
		return rec.Code, rep
	}
	code, rep := get("/healthz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, Report{Status: "ok", Service: "registry", Instance: "i-1"}, rep)

	down = errors.New("dial tcp 127.0.0.1:27018: connection refused")
	code, rep = get("/healthz")
	require.Equal(t, http.StatusServiceUnavailable, code)
	require.Equal(t, "unavailable", rep.Status)
	require.Equal(t, "i-1", rep.Instance)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	require.NotContains(t, rec.Body.String(), "127.0.0.1", "no internal address")
	code, _ = get("/livez")
	require.Equal(t, http.StatusOK, code, "alive while not ready")
}

func TestWatch(t *testing.T) {
	h := health.NewServer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var down error = errors.New("down")
	fail := make(chan error, 1)
	fail <- down
	go Watch(ctx, h, func(context.Context) error {
		select {
		case e := <-fail:
			return e
		default:
			return nil
		}
	}, 10*time.Millisecond)
	status := func() healthpb.HealthCheckResponse_ServingStatus {
		r, err := h.Check(ctx, &healthpb.HealthCheckRequest{})
		require.NoError(t, err)
		return r.Status
	}
	require.Eventually(t, func() bool { return status() == healthpb.HealthCheckResponse_SERVING }, time.Second, 5*time.Millisecond, "back to serving once the check passes")
	fail <- down
	require.Eventually(t, func() bool { return status() == healthpb.HealthCheckResponse_NOT_SERVING }, time.Second, 5*time.Millisecond)
}

// Package health answers the operational health endpoints of every Lienket process the same
// way: /livez says the process runs; /healthz says whether it can serve (its readiness: for a
// service, the store answers) and which instance answers, so a supervisor can tell the process
// it started from a stranger holding the port.
package health

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"time"

	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// InstanceEnv names the variable a supervisor sets to recognise the process it started.
const InstanceEnv = "LIENKET_INSTANCE_ID"

// Instance returns this process's instance id: LIENKET_INSTANCE_ID, or a random one.
func Instance() string {
	if id := os.Getenv(InstanceEnv); id != "" {
		return id
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Check reports whether the process can serve; nil means ready.
type Check func(ctx context.Context) error

// Report is the body of /healthz.
type Report struct {
	Status   string `json:"status"` // "ok" or "unavailable"
	Service  string `json:"service"`
	Instance string `json:"instance"`
	Reason   string `json:"reason,omitempty"`
}

// checkTimeout bounds one readiness check.
const checkTimeout = time.Second

// Register adds GET /healthz (readiness, 503 when check fails) and GET /livez (always 200) to
// mux. The failure's detail is not shown: it may name internal addresses.
func Register(mux *http.ServeMux, service, instance string, check Check) {
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		rep := Report{Status: "ok", Service: service, Instance: instance}
		code := http.StatusOK
		if check != nil {
			ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
			defer cancel()
			if err := check(ctx); err != nil {
				rep.Status, rep.Reason, code = "unavailable", "BACKEND_UNAVAILABLE", http.StatusServiceUnavailable
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(rep)
	})
}

// Watch keeps the gRPC health status of h in line with check (every interval until ctx ends),
// so that gRPC readiness probes see a service whose store is unreachable as NOT_SERVING.
func Watch(ctx context.Context, h *health.Server, check Check, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		st := healthpb.HealthCheckResponse_SERVING
		if check(cctx) != nil {
			st = healthpb.HealthCheckResponse_NOT_SERVING
		}
		cancel()
		if ctx.Err() != nil {
			return
		}
		h.SetServingStatus("", st)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

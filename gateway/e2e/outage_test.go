package e2e_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

// TestStoreOutage stops the store under the running suite. Every service notices within the
// store timeout (2 s) and answers 503 UNAVAILABLE with reason BACKEND_UNAVAILABLE — the same
// answer everywhere, naming no internal address — and serves again once the store is back,
// without a restart.
func TestStoreOutage(t *testing.T) {
	store := testkit.NewStore(t)
	s := startOn(t, server.Config{}, testkit.DatabaseAt(t, store.URI(), mongostore.WithTimeout(mongostore.DefaultTimeout)))
	admin := s.token(auth.Principal{Subject: "users/ops", Role: auth.RoleAdmin})
	paths := map[string]string{
		"registry":    "/v1/organizations/nope",
		"contracts":   "/v1/contracts/nope",
		"matchmaking": "/v1/demands/nope",
		"support":     "/v1/projects/nope",
	}
	for _, path := range paths {
		s.must(s.call(http.MethodGet, path, admin, nil), http.StatusNotFound) // up: a plain 404
	}

	store.Stop()
	for svc, path := range paths {
		began := time.Now()
		r := s.call(http.MethodGet, path, admin, nil)
		took := time.Since(began)
		require.Equal(t, http.StatusServiceUnavailable, r.code, "%s: %s", svc, r.raw)
		require.Equal(t, "BACKEND_UNAVAILABLE", reason(r), "%s: %s", svc, r.raw)
		require.NotContains(t, r.raw, "127.0.0.1", "%s: no internal address in the answer", svc)
		require.Less(t, took, 4*time.Second, "%s answered after %s", svc, took)
		t.Logf("%s answered 503 BACKEND_UNAVAILABLE after %s", svc, took.Round(time.Millisecond))
	}

	store.Start()
	for svc, path := range paths {
		require.Eventually(t, func() bool {
			return s.call(http.MethodGet, path, admin, nil).code == http.StatusNotFound
		}, 15*time.Second, 100*time.Millisecond, "%s recovers by itself", svc)
	}
}

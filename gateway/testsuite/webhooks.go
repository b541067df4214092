package testsuite

import (
	"context"
	"testing"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
	webhooksapp "github.com/lienket/lienket/services/webhooks/app"
)

// StartWebhooks serves the webhooks service over db next to the services of addrs until the
// test ends, its dispatcher polling contracts and matchmaking for their events. As in `make
// run`, endpoints may be http:// on loopback (the tests' receivers); the dispatcher polls every
// 50 ms and retries after 100 ms, so that a test sees deliveries within a second.
func StartWebhooks(t testing.TB, a *testkit.Auth, db *mongostore.Database, addrs Addrs, opts ...grpc.ServerOption) string {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	return testkit.Serve(t, a, func(g *grpc.Server) {
		err := webhooksapp.Register(ctx, g, testkit.Deps(t, a, "webhooks", db), webhooksapp.LoadConfig(config.FromMap(map[string]string{
			"REGISTRY_ADDR": addrs.Registry, "CONTRACTS_ADDR": addrs.Contracts, "MATCHMAKING_ADDR": addrs.Matchmaking,
			"WEBHOOK_ALLOW_INTERNAL_TARGETS": "true", "WEBHOOK_POLL_INTERVAL": "50ms", "WEBHOOK_RETRY_BASE": "100ms",
			"WEBHOOK_TIMEOUT": "5s", "WEBHOOK_LEASE": "20s",
		})))
		if err != nil {
			t.Fatal(err)
		}
	}, opts...)
}

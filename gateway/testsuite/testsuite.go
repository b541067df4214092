// Package testsuite starts Lienket's four services in-process for tests that need all of them
// (the console's tests, the browser tests, the demo seed's test): registry, contracts,
// matchmaking and support on loopback gRPC over one test database, each trusting a's issuer.
package testsuite

import (
	"context"
	"testing"

	"github.com/lienket/lienket/services/platform/mongostore"
	"google.golang.org/grpc"

	contractsapp "github.com/lienket/lienket/services/contracts/app"
	matchapp "github.com/lienket/lienket/services/matchmaking/app"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
	supportapp "github.com/lienket/lienket/services/support/app"
)

// Addrs are the services' gRPC addresses.
type Addrs struct{ Registry, Contracts, Matchmaking, Support string }

// Start serves the four services over db until the test ends; opts apply to each server
// (e.g. an interceptor that counts calls).
func Start(t testing.TB, a *testkit.Auth, db *mongostore.Database, opts ...grpc.ServerOption) Addrs {
	t.Helper()
	ctx := context.Background()
	reg := testkit.Serve(t, a, func(g *grpc.Server) {
		if err := registryapp.Register(ctx, g, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))); err != nil {
			t.Fatal(err)
		}
	}, opts...)
	con := testkit.Serve(t, a, func(g *grpc.Server) {
		if err := contractsapp.Register(ctx, g, testkit.Deps(t, a, "contracts", db), contractsapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg}))); err != nil {
			t.Fatal(err)
		}
	}, opts...)
	mm := testkit.Serve(t, a, func(g *grpc.Server) {
		if err := matchapp.Register(ctx, g, testkit.Deps(t, a, "matchmaking", db), matchapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg, "CONTRACTS_ADDR": con}))); err != nil {
			t.Fatal(err)
		}
	}, opts...)
	sup := testkit.Serve(t, a, func(g *grpc.Server) {
		if err := supportapp.Register(ctx, g, testkit.Deps(t, a, "support", db), supportapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg, "CONTRACTS_ADDR": con}))); err != nil {
			t.Fatal(err)
		}
	}, opts...)
	return Addrs{Registry: reg, Contracts: con, Matchmaking: mm, Support: sup}
}

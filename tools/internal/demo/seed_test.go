package demo

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	contractsapp "github.com/lienket/lienket/services/contracts/app"
	matchapp "github.com/lienket/lienket/services/matchmaking/app"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestSeedIsIdempotent seeds twice against the services over gRPC: the second run finds what
// the first made, and every demo person is found by their identity with their grants.
func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	reg := testkit.Serve(t, a, func(g *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, g, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	con := testkit.Serve(t, a, func(g *grpc.Server) {
		require.NoError(t, contractsapp.Register(ctx, g, testkit.Deps(t, a, "contracts", db), contractsapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg}))))
	})
	mm := testkit.Serve(t, a, func(g *grpc.Server) {
		require.NoError(t, matchapp.Register(ctx, g, testkit.Deps(t, a, "matchmaking", db), matchapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": reg, "CONTRACTS_ADDR": con}))))
	})
	regConn, mmConn := testkit.Dial(t, reg, ""), testkit.Dial(t, mm, "")
	const issuer = "http://127.0.0.1:9400"
	first, err := Seed(ctx, regConn, mmConn, a.Issuer, issuer)
	require.NoError(t, err)
	second, err := Seed(ctx, regConn, mmConn, a.Issuer, issuer)
	require.NoError(t, err)
	require.Equal(t, first, second, "a second run makes nothing new")

	svc := grpc.PerRPCCredentials(auth.TokenCredentials(a.Token(t, auth.Principal{Subject: "services/gateway", Role: auth.RoleService})))
	client := registryv1.NewRegistryServiceClient(regConn)
	for _, p := range People {
		u, err := client.LookupIdentity(ctx, &registryv1.LookupIdentityRequest{Identity: &registryv1.Identity{Issuer: issuer, Subject: p.Subject}}, svc)
		require.NoError(t, err, p.Username)
		require.Equal(t, first.People[p.Username], u.GetName())
		require.Len(t, u.GetGrants(), len(p.Grants), p.Username)
	}
	admin := grpc.PerRPCCredentials(auth.TokenCredentials(a.Token(t, auth.Principal{Subject: "users/t", Role: auth.RoleAdmin})))
	ms, err := client.ListMemberships(ctx, &registryv1.ListMembershipsRequest{Parent: first.Names[Cooperative]}, admin)
	require.NoError(t, err)
	require.Len(t, ms.GetMemberships(), len(Households))
	require.NotEmpty(t, first.Offer)
}

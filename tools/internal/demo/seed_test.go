package demo

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/testsuite"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestSeedIsIdempotent seeds twice against the services over gRPC: the second run finds what
// the first made, and every demo person is found by their identity with their grants.
func TestSeedIsIdempotent(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	addrs := testsuite.Start(t, a, db)
	reg, mm := addrs.Registry, addrs.Matchmaking
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

	// The province's support call: open, the same on a second run, and on the council sits
	// the province official who issued it.
	supConn := testkit.Dial(t, addrs.Support, "")
	call, err := SeedSupport(ctx, supConn, a.Issuer, first)
	require.NoError(t, err)
	again, err := SeedSupport(ctx, supConn, a.Issuer, second)
	require.NoError(t, err)
	require.Equal(t, call, again, "a second run makes no second call")
	c, err := supportv1.NewSupportServiceClient(supConn).GetCall(ctx, &supportv1.GetCallRequest{Name: call}, admin)
	require.NoError(t, err)
	require.Equal(t, supportv1.CallState_CALL_STATE_OPEN, c.GetState())
	require.Equal(t, first.Names[ProvinceCommittee], c.GetInvestor())
	require.Equal(t, []string{first.People[CallInvestor]}, c.GetCouncilMembers())
	require.Equal(t, CallTitle, c.GetDisplayName())
}

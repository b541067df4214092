package demo

import (
	"context"
	"encoding/base64"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/testsuite"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
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
	plots, err := client.ListPlots(ctx, &registryv1.ListPlotsRequest{Parent: first.Names[Household1]}, admin)
	require.NoError(t, err)
	require.Len(t, plots.GetPlots(), 1, "one plot, however many runs")
	require.Equal(t, PlotName, plots.GetPlots()[0].GetDisplayName())
	require.InDelta(t, 1, plots.GetPlots()[0].GetAreaHa(), 0.01)
	certs, err := client.ListCertifications(ctx, &registryv1.ListCertificationsRequest{Parent: first.Names[Cooperative], Filter: `state = "STATE_RECORDED"`}, admin)
	require.NoError(t, err)
	require.Len(t, certs.GetCertifications(), 1)

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

// TestSeedWebhook: the business's demo webhook to the development receiver is made once (a
// second run returns the same webhook and secret); a test send reaches the receiver, which
// prints it with its signature verified, and says so when a secret does not verify.
func TestSeedWebhook(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	addrs := testsuite.Start(t, a, db)
	hooks := testkit.Dial(t, testsuite.StartWebhooks(t, a, db, addrs), "")
	seeded, err := Seed(ctx, testkit.Dial(t, addrs.Registry, ""), testkit.Dial(t, addrs.Matchmaking, ""), a.Issuer, "http://127.0.0.1:9400")
	require.NoError(t, err)
	out := make(lines, 4)
	rcv := &Receiver{Out: out}
	srv := httptest.NewServer(rcv)
	t.Cleanup(srv.Close)

	name, secret, err := SeedWebhook(ctx, hooks, a.Issuer, seeded.Names[Business], srv.URL+"/")
	require.NoError(t, err)
	again, secretAgain, err := SeedWebhook(ctx, hooks, a.Issuer, seeded.Names[Business], srv.URL+"/")
	require.NoError(t, err)
	require.Equal(t, name, again)
	require.Equal(t, secret, secretAgain)

	admin := grpc.PerRPCCredentials(auth.TokenCredentials(a.Token(t, auth.Principal{Subject: "users/t", Role: auth.RoleAdmin})))
	client := webhooksv1.NewWebhooksServiceClient(hooks)
	list, err := client.ListWebhooks(ctx, &webhooksv1.ListWebhooksRequest{Parent: seeded.Names[Business]}, admin)
	require.NoError(t, err)
	require.Len(t, list.GetWebhooks(), 1)
	require.Equal(t, []string{"*"}, list.GetWebhooks()[0].GetEventTypes())

	rcv.SetSecret(secret)
	d, err := client.TestWebhook(ctx, &webhooksv1.TestWebhookRequest{Name: name}, admin)
	require.NoError(t, err)
	require.EqualValues(t, 204, d.GetLastStatusCode())
	line := out.next(t)
	require.Contains(t, line, "webhook received: webhook.test")
	require.Contains(t, line, "signature verified")
	rcv.SetSecret("whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 32)))
	_, err = client.TestWebhook(ctx, &webhooksv1.TestWebhookRequest{Name: name}, admin)
	require.NoError(t, err)
	require.Contains(t, out.next(t), "SIGNATURE DOES NOT VERIFY")
}

// lines receives what the receiver prints, one write (a line) at a time.
type lines chan string

func (l lines) Write(p []byte) (int, error) {
	l <- string(p)
	return len(p), nil
}

// next is the next line printed (failing after five seconds without one).
func (l lines) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-l:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("the receiver printed nothing")
		return ""
	}
}

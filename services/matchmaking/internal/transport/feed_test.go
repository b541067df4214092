package transport_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/grpc/codes"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

func (w *world) feed(t testing.TB, p auth.Principal) webhooksv1.EventSourceServiceClient {
	return webhooksv1.NewEventSourceServiceClient(testkit.Dial(t, w.mm, w.a.Token(t, p)))
}

// drain pulls and acknowledges until the feed is empty, returning the events.
func drain(t *testing.T, f webhooksv1.EventSourceServiceClient) []*webhooksv1.Event {
	ctx := context.Background()
	var out []*webhooksv1.Event
	for {
		res, err := f.PullEvents(ctx, &webhooksv1.PullEventsRequest{PageSize: 3})
		require.NoError(t, err)
		if len(res.Records) == 0 {
			return out
		}
		var ids []string
		for _, r := range res.Records {
			ids = append(ids, r.Id)
			out = append(out, r.Events...)
		}
		_, err = f.AckEvents(ctx, &webhooksv1.AckEventsRequest{Ids: ids})
		require.NoError(t, err)
	}
}

// TestProposalEventFeed: every state a proposal enters is an event for its buyer and its
// producer, in order per proposal; acknowledged events are not given again; a notice outbox a
// crash left behind is flushed by the feed; only services read it.
func TestProposalEventFeed(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	service := auth.Principal{Subject: "services/webhooks", Role: auth.RoleService}
	f := w.feed(t, service)
	o := w.offer(t, w.near, w.nearHH, 500, 38000, "standards/VIETGAP")
	d := w.demand(t, 300, 0, 0)
	buyer, producer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer)), w.mmAs(t, orgUser(auth.RoleProducer, w.near))
	propose := func(q int64) *matchmakingv1.Proposal {
		p, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: q}})
		require.NoError(t, err)
		return p
	}
	accepted, declined, cancelled := propose(100), propose(50), propose(20)
	_, err := producer.AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: accepted.Name})
	require.NoError(t, err)
	_, err = producer.DeclineProposal(ctx, &matchmakingv1.DeclineProposalRequest{Name: declined.Name, Reason: "Không đủ hàng"})
	require.NoError(t, err)
	_, err = buyer.CancelProposal(ctx, &matchmakingv1.CancelProposalRequest{Name: cancelled.Name, Reason: "Đổi kế hoạch"})
	require.NoError(t, err)

	byProposal := map[string][]string{}
	for _, e := range drain(t, f) {
		require.ElementsMatch(t, []string{w.buyer, w.near}, e.Organizations)
		byProposal[e.Subject] = append(byProposal[e.Subject], e.Type)
		require.EqualValues(t, len(byProposal[e.Subject]), e.Position, "positions count up per proposal")
		if e.Type == "proposal.accepted" {
			var data map[string]any
			require.NoError(t, json.Unmarshal([]byte(e.Data), &data))
			require.NotEmpty(t, data["contract"], "the accepted proposal names its draft contract")
			require.Equal(t, "STATE_ACCEPTED", data["state"])
		}
	}
	require.Equal(t, map[string][]string{
		accepted.Name:  {"proposal.created", "proposal.accepted"},
		declined.Name:  {"proposal.created", "proposal.declined"},
		cancelled.Name: {"proposal.created", "proposal.cancelled"},
	}, byProposal)
	require.Empty(t, drain(t, f), "acknowledged events are not given again")

	// A crash between a proposal's write and its flush: the outbox stays on the proposal.
	left := propose(10)
	drain(t, f)
	_, err = w.db.Collection("proposals").UpdateOne(ctx, bson.D{{Key: "_id", Value: left.Name[len(d.Name)+len("/proposals/"):]}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "pending_notices", Value: bson.A{bson.D{{Key: "seq", Value: 2}, {Key: "type", Value: "proposal.declined"}, {Key: "time", Value: time.Now().UTC()}, {Key: "data", Value: "{}"}}}},
		{Key: "notice_seq", Value: 2}, {Key: "update_time", Value: time.Now().Add(-time.Minute).UTC()}}}})
	require.NoError(t, err)
	f2 := w.feed(t, service) // (same service: the sweep runs at most every few seconds per process)
	time.Sleep(10 * time.Millisecond)
	var got []string
	require.Eventually(t, func() bool {
		for _, e := range drain(t, f2) {
			got = append(got, e.Type)
		}
		return len(got) > 0
	}, 15*time.Second, 500*time.Millisecond)
	require.Equal(t, []string{"proposal.declined"}, got)

	for _, p := range []auth.Principal{admin, orgUser(auth.RoleBusiness, w.buyer), {Subject: "apiKeys/k", Role: auth.RolePartner, Organization: w.buyer}} {
		_, err := w.feed(t, p).PullEvents(ctx, &webhooksv1.PullEventsRequest{})
		refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", p.Role)
		_, err = w.feed(t, p).AckEvents(ctx, &webhooksv1.AckEventsRequest{Ids: []string{"x"}})
		refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", p.Role)
	}
}

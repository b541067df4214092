package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/grpc/codes"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

func (w *world) feed(t *testing.T, p auth.Principal) webhooksv1.EventSourceServiceClient {
	return webhooksv1.NewEventSourceServiceClient(testkit.Dial(t, w.addr, w.a.Token(t, p)))
}

var webhooksService = auth.Principal{Subject: "services/webhooks", Role: auth.RoleService}

// pullAll pulls and acknowledges until the feed is empty, returning the partner events.
func pullAll(t *testing.T, f webhooksv1.EventSourceServiceClient) []*webhooksv1.Event {
	ctx := context.Background()
	var out []*webhooksv1.Event
	for {
		res, err := f.PullEvents(ctx, &webhooksv1.PullEventsRequest{PageSize: 7})
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

// TestPartnerEventFeed: the contracts service's feed gives the partner events of a contract's
// life, in order, to its two parties; acknowledged events are not given again; only services
// may read it.
func TestPartnerEventFeed(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	f := w.feed(t, webhooksService)
	pullAll(t, f) // nothing of other tests' making

	c := w.activeContract(t, w.terms())
	buyer, producer, commune := w.client(t, w.buyerUser()), w.client(t, w.producerUser()), w.client(t, official)
	_, err := buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: w.households[0], Lot: "lot-1",
		DeliveryDate: "2026-06-20", Quantity: 50, AcceptedQuantity: 50, Grade: "A", MarketPriceVnd: 40000}})
	require.NoError(t, err)
	inc, err := producer.CreateIncident(ctx, &contractsv1.CreateIncidentRequest{Parent: c.Name, Incident: &contractsv1.Incident{
		Kind: contractsv1.Incident_KIND_FORCE_MAJEURE, ForceMajeureEvent: contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER,
		Description: "Lũ quét", SuspendContract: true}})
	require.NoError(t, err)
	_, err = commune.VerifyIncident(ctx, &contractsv1.VerifyIncidentRequest{Name: inc.Name, Accept: true, Note: "Đã xác minh"})
	require.NoError(t, err)
	_, err = commune.ResumeContract(ctx, &contractsv1.ResumeContractRequest{Name: c.Name, Reason: "Hết lũ"})
	require.NoError(t, err)
	_, err = buyer.TerminateContract(ctx, &contractsv1.TerminateContractRequest{Name: c.Name, Reason: "Chấm dứt"})
	require.NoError(t, err)

	events := pullAll(t, f)
	var types []string
	var last int64
	for _, e := range events {
		require.Equal(t, c.Name, e.Subject)
		require.ElementsMatch(t, []string{w.buyer, w.producer}, e.Organizations, e.Type)
		require.Greater(t, e.Position, last, "in order")
		last = e.Position
		types = append(types, e.Type)
	}
	require.Equal(t, []string{"contract.created", "contract.submitted", "contract.signed", "contract.signed", "contract.signed", "contract.signed",
		"contract.witnessed", "contract.activated", "delivery.recorded", "settlement.changed", "incident.opened", "contract.suspended",
		"contract.resumed", "contract.terminated"}, types)
	require.Empty(t, pullAll(t, f), "acknowledged events are not given again")

	for _, p := range []auth.Principal{admin, w.buyerUser(), {Subject: "apiKeys/k", Role: auth.RolePartner, Organization: w.buyer}} {
		_, err := w.feed(t, p).PullEvents(ctx, &webhooksv1.PullEventsRequest{})
		requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "%s", p.Role)
		_, err = w.feed(t, p).AckEvents(ctx, &webhooksv1.AckEventsRequest{Ids: []string{"x"}})
		requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "%s", p.Role)
	}
	_, err = f.PullEvents(ctx, &webhooksv1.PullEventsRequest{PageSize: -1})
	requireViolation(t, err, "page_size", "PAGE_SIZE")
}

// TestFeedFlushesLeftOverOutboxes: a contracts process that died between a contract's write
// and the flush of its outbox leaves the events on the contract; the feed flushes such an
// outbox once it is old enough, without waiting for the contract's next reader.
func TestFeedFlushesLeftOverOutboxes(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	f := w.feed(t, webhooksService)
	old := time.Now().Add(-time.Minute).UTC()
	c := &domain.Contract{ID: "crashed", State: domain.StateDraft, Version: 1, CreateTime: old, UpdateTime: old}
	c.Terms.Buyer, c.Terms.Producer = w.buyer, w.producer
	c.Append(domain.EventContractCreated, "users/a", "business", map[string]any{}, old)
	_, err := w.db.Collection("contracts").InsertOne(ctx, c) // the write, without its flush
	require.NoError(t, err)

	events := pullAll(t, f)
	require.Len(t, events, 1)
	require.Equal(t, "contract.created", events[0].Type)
	require.Equal(t, "contracts/crashed", events[0].Subject)
	var stored domain.Contract
	require.NoError(t, w.db.Collection("contracts").FindOne(ctx, bson.D{{Key: "_id", Value: "crashed"}}).Decode(&stored))
	require.Empty(t, stored.PendingEvents, "flushed")
}

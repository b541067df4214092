package usecase_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// TestDeliveredSignedAndInOrder: events of several subjects reach the endpoint, every request
// signed as the Standard Webhooks specification says, each subject's events in order, with the
// payload structure {type, timestamp, data}; events of other organisations and of types not
// subscribed to are not sent.
func TestDeliveredSignedAndInOrder(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	rcv := newReceiver(t, ok200)
	w, secret := f.webhook(rcv.srv.URL, "payment.recorded", "contract.activated")
	rcv.setSecret(secret)
	f.run(testDispatch)

	subjects := []string{"contracts/a", "contracts/b", "contracts/c"}
	var all []domain.Event
	for _, s := range subjects {
		all = append(all, events(s, "payment.recorded", 30)...)
	}
	other := events("contracts/z", "payment.recorded", 3)
	for i := range other {
		other[i].Organizations = []string{"organizations/someone-else"}
	}
	require.NoError(t, f.svc.Ingest(ctx, append(append(all, other...), events("contracts/a", "incident.opened", 2)...)))
	waitFor(t, 20*time.Second, "90 deliveries", func() bool { return rcv.distinct() == 90 })
	time.Sleep(100 * time.Millisecond) // nothing else arrives
	got := rcv.requests()
	require.Len(t, got, 90, "each once: no failures here, so no retries")
	require.Zero(t, rcv.badSignatures(), "every signature verifies")
	requireInOrder(t, got, subjects, 30)

	var body struct {
		Type, Timestamp string
		Data            map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(got[0].body), &body))
	require.Equal(t, "payment.recorded", body.Type)
	_, err := time.Parse(time.RFC3339, body.Timestamp)
	require.NoError(t, err)
	require.Regexp(t, `^msg_[0-9a-v]{26}$`, got[0].id)

	page, err := f.svc.ListDeliveries(ctx, partner, w.Name, `state = "STATE_DELIVERED"`, 500, "")
	require.NoError(t, err)
	require.Len(t, page.Items, 90)
	require.Equal(t, 200, page.Items[0].LastStatus)
	require.Equal(t, 1, page.Items[0].Attempts)
}

// TestRetriesAfterServerErrors: a 500 is retried with back-off until the endpoint accepts it
// (same webhook-id every time); the subject's next event waits for it (order).
func TestRetriesAfterServerErrors(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	var first string
	rcv := newReceiver(t, func(id string, n int) int {
		if first == "" {
			first = id
		}
		if id == first && n <= 3 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	w, secret := f.webhook(rcv.srv.URL, "payment.recorded")
	rcv.setSecret(secret)
	require.NoError(t, f.svc.Ingest(ctx, events("contracts/a", "payment.recorded", 5)))
	f.run(testDispatch)
	waitFor(t, 20*time.Second, "5 events", func() bool { return rcv.distinct() == 5 })

	got := rcv.requests()
	require.Len(t, got, 8, "4 requests for the first event, 1 for each other")
	for i := 0; i < 4; i++ {
		require.Equal(t, first, got[i].id, "retried with the same webhook-id before anything else of the subject")
	}
	require.Less(t, got[0].at, got[1].at.Add(-5*time.Millisecond), "a back-off between attempts")
	requireInOrder(t, got, []string{"contracts/a"}, 5)
	require.Zero(t, rcv.badSignatures())

	d, err := f.svc.GetDelivery(ctx, partner, domain.DeliveryName(w.Name, first))
	require.NoError(t, err)
	require.Equal(t, domain.DeliveryDelivered, d.State)
	require.Equal(t, 4, d.Attempts)
	var codes []int
	for _, a := range d.History {
		codes = append(codes, a.StatusCode)
	}
	require.Equal(t, []int{204, 500, 500, 500}, codes, "newest first")
	hook, err := f.svc.GetWebhook(ctx, partner, w.Name)
	require.NoError(t, err)
	require.Zero(t, hook.Failures, "a success ends the failing period")
	require.Nil(t, hook.FailingSince)
}

// TestGivesUpAfterMaxAttempts: a delivery that keeps failing is FAILED after MaxAttempts and
// the subject's next event goes; a replay sends it again, with its webhook-id.
func TestGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := context.Background()
	p := testPolicy
	p.MaxAttempts = 3
	f := newFixture(t, p)
	poison := domain.MessageID("contracts/a/000001/payment.recorded")
	var healed atomic.Bool
	rcv := newReceiver(t, func(id string, _ int) int {
		if id == poison && !healed.Load() {
			return http.StatusUnprocessableEntity
		}
		return http.StatusOK
	})
	w, secret := f.webhook(rcv.srv.URL, "payment.recorded")
	rcv.setSecret(secret)
	require.NoError(t, f.svc.Ingest(ctx, events("contracts/a", "payment.recorded", 3)))
	f.run(testDispatch)
	waitFor(t, 20*time.Second, "the other events", func() bool { return rcv.distinct() == 3 && len(rcv.requests()) == 5 })
	d, err := f.svc.GetDelivery(ctx, partner, domain.DeliveryName(w.Name, poison))
	require.NoError(t, err)
	require.Equal(t, domain.DeliveryFailed, d.State)
	require.Equal(t, "HTTP 422", d.LastError)

	healed.Store(true)
	_, err = f.svc.ReplayDelivery(ctx, partner, d.Name)
	require.NoError(t, err)
	waitFor(t, 10*time.Second, "the replay", func() bool {
		d, err = f.svc.GetDelivery(ctx, partner, d.Name)
		return err == nil && d.State == domain.DeliveryDelivered
	})
	require.Len(t, rcv.requests(), 6)
	require.Equal(t, poison, rcv.requests()[5].id, "a replay carries the same webhook-id: the receiver can tell it is a duplicate")
	require.Equal(t, 1, d.Replays)
}

// TestDisabledAfterRepeatedFailure: an endpoint that keeps failing is disabled, the
// organisation's other webhooks get a webhook.disabled notice, the events keep coming in for
// the disabled webhook without being sent, and enabling it sends them all, in order.
func TestDisabledAfterRepeatedFailure(t *testing.T) {
	ctx := context.Background()
	p := testPolicy
	p.DisableMinFailures, p.DisableAfter = 3, 50*time.Millisecond
	f := newFixture(t, p)
	var down atomic.Bool
	down.Store(true)
	failing := newReceiver(t, func(string, int) int {
		if down.Load() {
			return http.StatusBadGateway
		}
		return http.StatusOK
	})
	w, secret := f.webhook(failing.srv.URL, "payment.recorded")
	failing.setSecret(secret)
	ops := newReceiver(t, ok200)
	_, opsSecret := f.webhook(ops.srv.URL, domain.EventWebhookDisabled)
	ops.setSecret(opsSecret)
	f.run(testDispatch)

	require.NoError(t, f.svc.Ingest(ctx, events("contracts/a", "payment.recorded", 4)))
	waitFor(t, 20*time.Second, "the notice", func() bool { return ops.distinct() == 1 })
	hook, err := f.svc.GetWebhook(ctx, partner, w.Name)
	require.NoError(t, err)
	require.Equal(t, domain.StateDisabled, hook.State)
	require.Contains(t, hook.DisabledReason, "HTTP 502")
	var notice struct {
		Type string
		Data map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(ops.requests()[0].body), &notice))
	require.Equal(t, "webhook.disabled", notice.Type)
	require.Equal(t, w.Name, notice.Data["webhook"])
	require.Zero(t, ops.badSignatures())

	tried := len(failing.requests())
	require.NoError(t, f.svc.Ingest(ctx, events("contracts/b", "payment.recorded", 3)))
	time.Sleep(300 * time.Millisecond)
	require.Equal(t, tried, len(failing.requests()), "nothing is sent to a disabled webhook")
	page, err := f.svc.ListDeliveries(ctx, partner, w.Name, `state = "STATE_PENDING"`, 50, "")
	require.NoError(t, err)
	require.Len(t, page.Items, 7, "but its events wait for it")

	down.Store(false)
	_, err = f.svc.EnableWebhook(ctx, partner, w.Name, "")
	require.NoError(t, err)
	waitFor(t, 20*time.Second, "everything", func() bool { return failing.distinct() == 7 })
	requireInOrder(t, failing.requests(), []string{"contracts/a"}, 4)
	requireInOrder(t, failing.requests(), []string{"contracts/b"}, 3)
}

// TestGoneDisablesAtOnce: 410 Gone is the receiver's way to say it wants no more.
func TestGoneDisablesAtOnce(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	rcv := newReceiver(t, func(string, int) int { return http.StatusGone })
	w, _ := f.webhook(rcv.srv.URL, "payment.recorded")
	f.run(testDispatch)
	require.NoError(t, f.svc.Ingest(ctx, events("contracts/a", "payment.recorded", 2)))
	waitFor(t, 10*time.Second, "the disabling", func() bool {
		h, err := f.svc.GetWebhook(ctx, partner, w.Name)
		return err == nil && h.State == domain.StateDisabled
	})
	time.Sleep(100 * time.Millisecond)
	require.Len(t, rcv.requests(), 1)
}

// TestIngestIsIdempotent: the same events handed over twice (a source re-sending after a
// crash) make one delivery each.
func TestIngestIsIdempotent(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	rcv := newReceiver(t, ok200)
	w, secret := f.webhook(rcv.srv.URL, "*")
	rcv.setSecret(secret)
	evs := events("contracts/a", "payment.recorded", 10)
	require.NoError(t, f.svc.Ingest(ctx, evs))
	require.NoError(t, f.svc.Ingest(ctx, evs[3:]))
	f.run(testDispatch)
	waitFor(t, 20*time.Second, "10 events", func() bool { return rcv.distinct() == 10 })
	time.Sleep(100 * time.Millisecond)
	require.Len(t, rcv.requests(), 10)
	page, err := f.svc.ListDeliveries(ctx, partner, w.Name, "", 100, "")
	require.NoError(t, err)
	require.Len(t, page.Items, 10)

	// Events from before the webhook existed are not sent to it.
	old := events("contracts/old", "payment.recorded", 1)
	old[0].Time = w.CreateTime.Add(-time.Hour)
	require.NoError(t, f.svc.Ingest(ctx, old))
	page, err = f.svc.ListDeliveries(ctx, partner, w.Name, "", 100, "")
	require.NoError(t, err)
	require.Len(t, page.Items, 10)
}

// TestReplayRange: every delivery whose event happened in a time range is sent again.
func TestReplayRange(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	rcv := newReceiver(t, ok200)
	w, secret := f.webhook(rcv.srv.URL, "payment.recorded")
	rcv.setSecret(secret)
	evs := events("contracts/a", "payment.recorded", 6)
	t0 := time.Now().UTC().Truncate(time.Millisecond)
	for i := range evs {
		evs[i].Time = t0.Add(time.Duration(i) * time.Second)
	}
	require.NoError(t, f.svc.Ingest(ctx, evs))
	f.run(testDispatch)
	waitFor(t, 20*time.Second, "6 events", func() bool { return rcv.distinct() == 6 })

	n, resume, err := f.svc.ReplayDeliveries(ctx, partner, usecase.Range{Webhook: w.Name, Start: t0.Add(2 * time.Second), End: t0.Add(4 * time.Second)})
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Nil(t, resume)
	waitFor(t, 10*time.Second, "the replays", func() bool { return len(rcv.requests()) == 8 })
	got := rcv.requests()
	require.Equal(t, got[2].id, got[6].id)
	require.Equal(t, got[3].id, got[7].id)

	_, _, err = f.svc.ReplayDeliveries(ctx, partner, usecase.Range{Webhook: w.Name, Start: t0, End: t0.Add(-time.Second)})
	require.Equal(t, "TIME_ORDER", apierr.FieldViolations(err)[0].Reason)
	_, _, err = f.svc.ReplayDeliveries(ctx, partner, usecase.Range{Webhook: w.Name})
	require.Equal(t, "REQUIRED", apierr.FieldViolations(err)[0].Reason)
}

// TestTestSend: a test event is sent at once, signed, and recorded with the endpoint's answer.
func TestTestSend(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	rcv := newReceiver(t, func(string, int) int { return http.StatusTeapot })
	w, secret := f.webhook(rcv.srv.URL, "payment.recorded")
	rcv.setSecret(secret)
	d, err := f.svc.TestWebhook(ctx, partner, w.Name)
	require.NoError(t, err)
	require.Equal(t, domain.DeliveryFailed, d.State)
	require.Equal(t, 418, d.LastStatus)
	require.Len(t, rcv.requests(), 1)
	require.Zero(t, rcv.badSignatures())
	require.True(t, strings.Contains(rcv.requests()[0].body, `"type":"webhook.test"`))
	_, err = f.svc.ReplayDelivery(ctx, partner, d.Name)
	require.Equal(t, "TEST_DELIVERY", apierr.Reason(err))
}

// TestRotationSignsWithBoth: after a rotation, requests carry a signature by the new secret
// and one by the previous secret, so that the receiver can switch at its pace.
func TestRotationSignsWithBoth(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, testPolicy)
	rcv := newReceiver(t, ok200)
	w, old := f.webhook(rcv.srv.URL, "payment.recorded")
	_, fresh, err := f.svc.RotateWebhookSecret(ctx, partner, w.Name, "")
	require.NoError(t, err)
	require.NotEqual(t, old, fresh)
	_, err = f.svc.TestWebhook(ctx, partner, w.Name)
	require.NoError(t, err)
	rc := rcv.requests()[0]
	require.Len(t, strings.Fields(rc.sig), 2)
	require.True(t, verify(old, rc), "the previous secret still verifies")
	require.True(t, verify(fresh, rc), "the new one too")
}

package transport

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t.UTC().Truncate(time.Millisecond))
}

func tsp(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func timeOf(t *timestamppb.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.AsTime()
}

var webhookStates = map[string]webhooksv1.Webhook_State{domain.StateActive: webhooksv1.Webhook_STATE_ACTIVE, domain.StateDisabled: webhooksv1.Webhook_STATE_DISABLED}

// toWebhook renders a webhook; its secrets never leave the service this way.
func toWebhook(w *domain.Webhook) *webhooksv1.Webhook {
	out := &webhooksv1.Webhook{
		Name: w.Name, Url: w.URL, EventTypes: w.EventTypes, Description: w.Description, State: webhookStates[w.State],
		DisabledReason: w.DisabledReason, DisableTime: tsp(w.DisableTime), SecretPrefix: w.SecretPrefix,
		FailingSince: tsp(w.FailingSince), CreateTime: ts(w.CreateTime), UpdateTime: ts(w.UpdateTime), Etag: aip.Etag(w.Version),
	}
	if w.PreviousSecretExpire != nil && time.Now().Before(*w.PreviousSecretExpire) {
		out.PreviousSecretExpireTime = tsp(w.PreviousSecretExpire)
	}
	return out
}

var deliveryStates = map[string]webhooksv1.WebhookDelivery_State{
	domain.DeliveryPending: webhooksv1.WebhookDelivery_STATE_PENDING, domain.DeliveryDelivered: webhooksv1.WebhookDelivery_STATE_DELIVERED,
	domain.DeliveryFailed: webhooksv1.WebhookDelivery_STATE_FAILED,
}

func toDelivery(d *domain.Delivery) *webhooksv1.WebhookDelivery {
	out := &webhooksv1.WebhookDelivery{
		Name: d.Name, EventId: d.MessageID, EventType: d.EventType, EventTime: ts(d.EventTime), Subject: d.Subject,
		State: deliveryStates[d.State], AttemptCount: int32(d.Attempts), LastStatusCode: int32(d.LastStatus), LastError: d.LastError,
		DeliverTime: tsp(d.DeliverTime), CreateTime: ts(d.CreateTime), Payload: d.Payload,
	}
	if d.State == domain.DeliveryPending {
		out.NextAttemptTime = ts(d.NextAttempt)
	}
	for _, a := range d.History {
		out.Attempts = append(out.Attempts, &webhooksv1.WebhookDelivery_Attempt{Time: ts(a.Time), StatusCode: int32(a.StatusCode),
			Error: a.Error, DurationMs: a.DurationMS, ResponseExcerpt: a.Excerpt})
	}
	return out
}

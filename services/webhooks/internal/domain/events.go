package domain

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// AllEvents subscribes a webhook to every event type.
const AllEvents = "*"

// Event types the webhooks service itself emits.
const (
	// EventWebhookDisabled tells an organisation's webhooks that one of them was disabled
	// automatically (the notice of repeated failure).
	EventWebhookDisabled = "webhook.disabled"
	// EventWebhookTest is what TestWebhook sends; it cannot be subscribed to.
	EventWebhookTest = "webhook.test"
)

// EventTypes is the catalogue of event types a webhook may subscribe to (docs/partners.md
// describes each). The sources (contracts, matchmaking) produce them.
var EventTypes = []string{
	"proposal.created", "proposal.accepted", "proposal.declined", "proposal.cancelled",
	"contract.created", "contract.submitted", "contract.signed", "contract.witnessed", "contract.witness_rejected",
	"contract.activated", "contract.amendment_proposed", "contract.amended", "contract.suspended", "contract.resumed",
	"contract.terminated", "contract.cancelled", "contract.completed", "contract.liquidated",
	"delivery.recorded", "delivery.confirmed", "delivery.disputed",
	"payment.recorded", "advance.recorded", "settlement.changed",
	"incident.opened", "incident.resolved",
	EventWebhookDisabled,
}

// Event is a partner event as a source hands it over.
type Event struct {
	// ID is unique and stable across pulls (the source of the webhook-id).
	ID   string
	Type string
	Time time.Time
	// Subject is the resource whose events are delivered in order; Position orders them.
	Subject  string
	Position int64
	// Organizations are the parties: only their webhooks receive the event.
	Organizations []string
	// Data is a JSON object.
	Data string
}

var msgIDEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// MessageID is the webhook-id of an event: "msg_" and 26 characters derived from its id, so
// every attempt and replay of it, to any webhook, carries the same id (receivers recognise
// duplicates by it), and it never contains a "." (which would make the signed content
// ambiguous).
func MessageID(eventID string) string {
	h := sha256.Sum256([]byte(eventID))
	return "msg_" + msgIDEncoding.EncodeToString(h[:16])
}

// Payload is the body sent for e: {"type", "timestamp", "data"} (the Standard Webhooks
// payload structure), compact JSON.
func Payload(e Event) (string, error) {
	data := json.RawMessage(e.Data)
	if strings.TrimSpace(e.Data) == "" {
		data = json.RawMessage("{}")
	}
	if !json.Valid(data) {
		return "", fmt.Errorf("event %s: data is not JSON", e.ID)
	}
	b, err := json.Marshal(struct {
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}{e.Type, e.Time.UTC().Format("2006-01-02T15:04:05.000Z"), data})
	if err != nil {
		return "", fmt.Errorf("event %s: %w", e.ID, err)
	}
	return string(b), nil
}

// DisabledNotice is the event announcing that webhook w was disabled automatically.
func DisabledNotice(w *Webhook) Event {
	at := time.Now().UTC()
	if w.DisableTime != nil {
		at = *w.DisableTime
	}
	data, _ := json.Marshal(map[string]any{"webhook": w.Name, "url": w.URL, "reason": w.DisabledReason, "disable_time": at.Format(time.RFC3339)})
	return Event{
		ID: "webhook.disabled/" + w.Name + "/" + at.Format(time.RFC3339Nano), Type: EventWebhookDisabled, Time: at,
		Subject: w.Name, Position: at.UnixMilli(), Organizations: []string{w.Organization}, Data: string(data),
	}
}

// TestEvent is the event TestWebhook sends to w.
func TestEvent(w *Webhook, id string, now time.Time) Event {
	data, _ := json.Marshal(map[string]any{"webhook": w.Name, "message": "Lienket test event: if you can read this, your endpoint works."})
	return Event{ID: "webhook.test/" + w.Name + "/" + id, Type: EventWebhookTest, Time: now.UTC(), Subject: TestSubject,
		Organizations: []string{w.Organization}, Data: string(data)}
}

// TestSubject is the subject of test deliveries: they are sent at once and never queued.
const TestSubject = "test"

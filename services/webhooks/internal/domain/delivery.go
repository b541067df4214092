package domain

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Delivery states.
const (
	DeliveryPending   = "PENDING"
	DeliveryDelivered = "DELIVERED"
	DeliveryFailed    = "FAILED"
)

// MaxHistory is how many attempts a delivery keeps (newest first).
const MaxHistory = 10

// Delivery is one event for one webhook.
type Delivery struct {
	// Name is {webhook}/deliveries/{message id}, also the document id.
	Name      string    `bson:"_id"`
	Webhook   string    `bson:"webhook"`
	MessageID string    `bson:"message_id"`
	EventType string    `bson:"event_type"`
	EventTime time.Time `bson:"event_time"`
	// Subject and Position order the deliveries of a webhook: one subject's are sent one at a
	// time, in Position order.
	Subject  string `bson:"subject"`
	Position int64  `bson:"position"`
	// Payload is the exact body sent.
	Payload     string     `bson:"payload"`
	State       string     `bson:"state"`
	Attempts    int        `bson:"attempts"`
	NextAttempt time.Time  `bson:"next_attempt_time"`
	DeliverTime *time.Time `bson:"deliver_time,omitempty"`
	LastStatus  int        `bson:"last_status"`
	LastError   string     `bson:"last_error,omitempty"`
	History     []Attempt  `bson:"history"`
	Replays     int        `bson:"replays"`
	CreateTime  time.Time  `bson:"create_time"`
}

// DeliveryName is the name of the delivery of message id to webhook.
func DeliveryName(webhook, messageID string) string { return webhook + "/deliveries/" + messageID }

// NewDelivery is the PENDING delivery of e to webhook w, due at now.
func NewDelivery(w *Webhook, e Event, payload string, now time.Time) *Delivery {
	id := MessageID(e.ID)
	return &Delivery{
		Name: DeliveryName(w.Name, id), Webhook: w.Name, MessageID: id, EventType: e.Type, EventTime: e.Time.UTC(),
		Subject: e.Subject, Position: e.Position, Payload: payload, State: DeliveryPending, NextAttempt: now.UTC(),
		History: []Attempt{}, CreateTime: now.UTC(),
	}
}

// Attempt is one request to the endpoint and its outcome.
type Attempt struct {
	Time       time.Time `bson:"time"`
	StatusCode int       `bson:"status_code"`
	Error      string    `bson:"error,omitempty"`
	DurationMS int64     `bson:"duration_ms"`
	Excerpt    string    `bson:"excerpt,omitempty"`
	// RetryAfter is the endpoint's Retry-After (429, 503), not stored.
	RetryAfter time.Duration `bson:"-"`
}

// OK reports a 2xx answer.
func (a Attempt) OK() bool { return a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300 }

// Gone reports 410 Gone: the receiver wants no more webhooks.
func (a Attempt) Gone() bool { return a.StatusCode == http.StatusGone }

// Failure describes a failed attempt in a line.
func (a Attempt) Failure() string {
	switch {
	case a.Error != "":
		return a.Error
	case a.StatusCode >= 300 && a.StatusCode < 400:
		return fmt.Sprintf("HTTP %d: redirects are not followed; point the webhook at the final URL", a.StatusCode)
	case !a.OK():
		return fmt.Sprintf("HTTP %d", a.StatusCode)
	}
	return ""
}

// Policy is the retry and disabling policy.
type Policy struct {
	// RetryBase is the delay after the first failure; each further failure doubles it, up
	// to RetryMax. The delay actually used is drawn uniformly from [d/2, d] (jitter), so
	// that endpoints recovering from an outage are not hit by every retry at once.
	RetryBase, RetryMax time.Duration
	// MaxAttempts: a delivery still failing after so many attempts is FAILED (it can be
	// replayed), and the next one of its subject goes.
	MaxAttempts int
	// A webhook whose attempts have all failed for DisableAfter, at least DisableMinFailures
	// of them, is disabled (and so is one answering 410 Gone).
	DisableAfter       time.Duration
	DisableMinFailures int
}

// DefaultPolicy: 5 s doubling up to 12 h; 20 attempts (about three days); disabled after three
// days of failure.
var DefaultPolicy = Policy{RetryBase: 5 * time.Second, RetryMax: 12 * time.Hour, MaxAttempts: 20, DisableAfter: 72 * time.Hour, DisableMinFailures: 10}

// Backoff is the delay after the n-th consecutive failure (n ≥ 1); rnd in [0, 1) draws the
// jitter.
func (p Policy) Backoff(n int, rnd float64) time.Duration {
	d := p.RetryBase
	for i := 1; i < n && d < p.RetryMax; i++ {
		d *= 2
	}
	d = min(d, p.RetryMax)
	return d/2 + time.Duration(rnd*float64(d/2))
}

// Record applies attempt a to d at now: DELIVERED on 2xx; otherwise the next attempt is
// scheduled after the back-off (or the endpoint's Retry-After, if longer, within RetryMax),
// or the delivery is FAILED once it has had MaxAttempts.
func (d *Delivery) Record(a Attempt, p Policy, rnd float64, now time.Time) {
	d.Attempts++
	d.LastStatus, d.LastError = a.StatusCode, a.Failure()
	d.History = append([]Attempt{a}, d.History...)
	if len(d.History) > MaxHistory {
		d.History = d.History[:MaxHistory]
	}
	switch {
	case a.OK():
		t := now.UTC()
		d.State, d.DeliverTime = DeliveryDelivered, &t
	case d.Attempts >= p.MaxAttempts:
		d.State = DeliveryFailed
	default:
		wait := max(p.Backoff(d.Attempts, rnd), min(a.RetryAfter, p.RetryMax))
		d.NextAttempt = now.Add(wait).UTC()
	}
}

// Replay queues d again: PENDING, due at now, its attempt count restarted (the history is
// kept).
func (d *Delivery) Replay(now time.Time) {
	d.State, d.Attempts, d.NextAttempt, d.DeliverTime = DeliveryPending, 0, now.UTC(), nil
	d.Replays++
}

// ShouldDisable reports whether a webhook failing since since, with failures failed attempts,
// is to be disabled at now after an attempt a, and why.
func (p Policy) ShouldDisable(a Attempt, failures int, since time.Time, now time.Time) (string, bool) {
	if a.Gone() {
		return "the endpoint answered 410 Gone", true
	}
	if failures >= p.DisableMinFailures && now.Sub(since) >= p.DisableAfter {
		return fmt.Sprintf("every attempt failed since %s (%d attempts; last: %s)", since.UTC().Format(time.RFC3339), failures, a.Failure()), true
	}
	return "", false
}

// Excerpt is the start of a response body kept for diagnosis: at most n bytes, cut at a rune
// boundary, control characters replaced.
func Excerpt(body []byte, n int) string {
	s := strings.ToValidUTF8(string(body), "\uFFFD")
	if len(s) > n {
		s = s[:n]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' {
			return ' '
		}
		return r
	}, s)
}

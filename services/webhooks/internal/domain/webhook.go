// Package domain is the webhooks service's pure core: webhooks and their validation, the event
// catalogue, deliveries and their retry policy, signatures (Standard Webhooks), the sealing of
// signing secrets at rest, and the address policy against server-side request forgery.
package domain

import (
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Webhook states.
const (
	StateActive   = "ACTIVE"
	StateDisabled = "DISABLED"
)

// Limits.
const (
	MaxURLLength        = 2048
	MaxDescription      = 500
	MaxWebhooksPerOrg   = 20
	PreviousSecretGrace = 24 * time.Hour
)

// Webhook is an organisation's endpoint and the event types it receives.
type Webhook struct {
	// Name is organizations/{org}/webhooks/{id}, also the document id.
	Name         string   `bson:"_id"`
	Organization string   `bson:"organization"`
	URL          string   `bson:"url"`
	EventTypes   []string `bson:"event_types"`
	Description  string   `bson:"description"`
	State        string   `bson:"state"`
	// DisabledReason and DisableTime are set while DISABLED.
	DisabledReason string     `bson:"disabled_reason,omitempty"`
	DisableTime    *time.Time `bson:"disable_time,omitempty"`
	// Secret signs every request; PreviousSecret too, until PreviousSecretExpire (rotation).
	Secret               Sealed     `bson:"secret"`
	SecretPrefix         string     `bson:"secret_prefix"`
	PreviousSecret       *Sealed    `bson:"previous_secret,omitempty"`
	PreviousSecretExpire *time.Time `bson:"previous_secret_expire,omitempty"`
	// Failures counts failed attempts since the last success; FailingSince is the first of
	// them.
	Failures     int        `bson:"failures"`
	FailingSince *time.Time `bson:"failing_since,omitempty"`
	// CreatedFor is the idempotency scope of the create (method, caller and request id): a
	// retry by the same caller gets the secret again.
	CreatedFor string    `bson:"created_for,omitempty"`
	CreateTime time.Time `bson:"create_time"`
	UpdateTime time.Time `bson:"update_time"`
	Version    int64     `bson:"version"`
}

// WebhookName is the name of webhook id of organisation org ("organizations/{id}").
func WebhookName(org, id string) string { return org + "/webhooks/" + id }

// Subscribes reports whether w receives events of type typ.
func (w *Webhook) Subscribes(typ string) bool {
	return slices.Contains(w.EventTypes, typ) || slices.Contains(w.EventTypes, AllEvents)
}

// Secrets are the secrets that sign a request at now: the current one, and the previous one
// while its grace period lasts.
func (w *Webhook) Secrets(now time.Time) []Sealed {
	out := []Sealed{w.Secret}
	if w.PreviousSecret != nil && w.PreviousSecretExpire != nil && now.Before(*w.PreviousSecretExpire) {
		out = append(out, *w.PreviousSecret)
	}
	return out
}

// Fields of a webhook a request sets.
type Fields struct {
	URL         string
	EventTypes  []string
	Description string
}

// Targets says which endpoints the operator allows: AllowInternal (development only) admits
// http:// and loopback, private and link-local addresses.
type Targets struct {
	AllowInternal bool
}

// Check validates the fields named in paths ("url", "event_types", "description"; all of them
// when paths is nil), reporting violations under prefix (e.g. "webhook.").
func (f Fields) Check(v *apierr.Violations, prefix string, paths []string, t Targets) {
	has := func(p string) bool { return paths == nil || slices.Contains(paths, p) }
	if has("url") {
		checkURL(v, prefix+"url", f.URL, t)
	}
	if has("event_types") {
		checkEventTypes(v, prefix+"event_types", f.EventTypes)
	}
	if has("description") {
		v.Text(prefix+"description", f.Description, false, MaxDescription)
	}
}

func checkURL(v *apierr.Violations, field, raw string, t Targets) {
	if !v.Check(raw != "", field, "REQUIRED", "is required") {
		return
	}
	if !v.Check(len(raw) <= MaxURLLength, field, "URL_LENGTH", "at most %d characters", MaxURLLength) {
		return
	}
	u, err := url.Parse(raw)
	if !v.Check(err == nil && u.IsAbs() && u.Host != "" && u.Opaque == "", field, "URL_FORMAT", "must be an absolute URL such as https://erp.example.vn/hooks/lienket") {
		return
	}
	switch {
	case u.Scheme == "http" && t.AllowInternal, u.Scheme == "https":
	default:
		v.Add(field, "URL_SCHEME", "must be https://")
		return
	}
	v.Check(u.User == nil, field, "URL_CREDENTIALS", "must not carry a user name or password (the signature authenticates Lienket to you)")
	v.Check(u.Fragment == "" && !strings.Contains(raw, "#"), field, "URL_FORMAT", "must not have a #fragment")
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
		if aerr := CheckAddress(ip, t.AllowInternal); aerr != nil {
			v.Add(field, "URL_ADDRESS", "%s", aerr.Error())
		}
	}
}

func checkEventTypes(v *apierr.Violations, field string, types []string) {
	if !v.Check(len(types) > 0, field, "REQUIRED", "name at least one event type, or \"*\" for all") {
		return
	}
	seen := map[string]bool{}
	for i, t := range types {
		switch {
		case seen[t]:
			v.Add(field, "DUPLICATE", "%q is listed twice", t)
		case t != AllEvents && !slices.Contains(EventTypes, t):
			v.Add(field, "EVENT_TYPE", "%q (at %d) is not an event type; accepted: %s, or \"*\" for all", t, i, strings.Join(EventTypes, ", "))
		}
		seen[t] = true
	}
}

// Disable marks w DISABLED for reason at now; false when it already is.
func (w *Webhook) Disable(reason string, now time.Time) bool {
	if w.State == StateDisabled {
		return false
	}
	w.State, w.DisabledReason = StateDisabled, reason
	t := now.UTC()
	w.DisableTime = &t
	return true
}

// Enable marks w ACTIVE again, its failure record cleared; false when it already is.
func (w *Webhook) Enable() bool {
	if w.State == StateActive {
		return false
	}
	w.State, w.DisabledReason, w.DisableTime = StateActive, "", nil
	w.Failures, w.FailingSince = 0, nil
	return true
}

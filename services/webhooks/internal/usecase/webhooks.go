package usecase

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// Page is a page of results.
type Page[T any] struct {
	Items         []T
	NextPageToken string
}

// CreateWebhook registers an endpoint for organisation parent and returns it with its signing
// secret. The same caller's retry with the same request id returns the same webhook and
// secret.
func (s *Service) CreateWebhook(ctx context.Context, p auth.Principal, parent, requestID string, f domain.Fields) (*domain.Webhook, string, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if _, err := aip.ParseName("parent", parent, "organizations"); err != nil {
		return nil, "", err
	}
	f.Check(&v, "webhook.", nil, s.targets)
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	if err := mayManage(p, parent); err != nil {
		return nil, "", err
	}
	scope := "CreateWebhook\x00" + p.Subject
	name := domain.WebhookName(parent, aip.IDForRequest(scope, requestID))
	if requestID != "" {
		if w, sec, done, err := s.retried(ctx, name, createdFor(scope, requestID)); done || err != nil {
			return w, sec, err
		}
	}
	if err := s.registry.CheckOrganization(ctx, parent); err != nil {
		return nil, "", err
	}
	n, err := s.st.CountWebhooks(ctx, parent)
	if err != nil {
		return nil, "", err
	}
	if n >= domain.MaxWebhooksPerOrg {
		return nil, "", apierr.FailedPrecondition("TOO_MANY_WEBHOOKS", fmt.Sprintf("an organisation has at most %d webhooks; delete one first", domain.MaxWebhooksPerOrg), nil)
	}
	w, secret, err := s.newWebhook(name, parent, f, scope, requestID)
	if err != nil {
		return nil, "", err
	}
	stored, created, err := s.st.InsertWebhook(ctx, w)
	if err != nil {
		return nil, "", err
	}
	if !created { // a concurrent retry won the insert
		return s.reveal(stored, createdFor(scope, requestID))
	}
	return stored, secret, nil
}

func (s *Service) newWebhook(name, org string, f domain.Fields, scope, requestID string) (*domain.Webhook, string, error) {
	secret, err := domain.NewSecret()
	if err != nil {
		return nil, "", err
	}
	sealed, err := s.keys.Seal(name, secret)
	if err != nil {
		return nil, "", err
	}
	now := s.now().UTC()
	w := &domain.Webhook{Name: name, Organization: org, URL: f.URL, EventTypes: f.EventTypes, Description: f.Description,
		State: domain.StateActive, Secret: sealed, SecretPrefix: domain.ShownPrefix(secret), CreateTime: now, UpdateTime: now, Version: 1}
	if requestID != "" {
		w.CreatedFor = createdFor(scope, requestID)
	}
	return w, secret, nil
}

// createdFor is the stored idempotency scope of a create: a digest of the method, the caller
// and the request id (stored as hex: the PostgreSQL-backed store refuses NUL in strings).
func createdFor(scope, requestID string) string {
	if requestID == "" {
		return ""
	}
	h := sha256.Sum256([]byte(scope + "\x00" + requestID))
	return hex.EncodeToString(h[:])
}

// retried returns the webhook a previous call with the same idempotency key created (done).
func (s *Service) retried(ctx context.Context, name, key string) (*domain.Webhook, string, bool, error) {
	w, err := s.st.GetWebhook(ctx, name)
	if err != nil || w == nil {
		return nil, "", false, err
	}
	w, sec, err := s.reveal(w, key)
	return w, sec, true, err
}

// reveal returns w with its current secret to the caller that created it under key.
func (s *Service) reveal(w *domain.Webhook, key string) (*domain.Webhook, string, error) {
	if w.CreatedFor != key {
		return nil, "", apierr.AlreadyExists(w.Name)
	}
	sec, err := s.keys.Open(w.Name, w.Secret)
	if err != nil {
		return nil, "", err
	}
	return w, sec, nil
}

// load returns a webhook the caller may manage (the name in field).
func (s *Service) load(ctx context.Context, p auth.Principal, field, name string) (*domain.Webhook, error) {
	return owned(ctx, p, field, name, []string{"organizations", "webhooks"}, s.st.GetWebhook)
}

// owned parses name (a resource under organizations/{id}, of the given collections), checks
// that p may manage that organisation's webhooks, and gets the resource (NOT_FOUND if absent).
func owned[T any](ctx context.Context, p auth.Principal, field, name string, collections []string, get func(context.Context, string) (*T, error)) (*T, error) {
	ids, err := aip.ParseName(field, name, collections...)
	if err != nil {
		return nil, err
	}
	if err := mayManage(p, "organizations/"+ids[0]); err != nil {
		return nil, err
	}
	x, err := get(ctx, name)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return nil, apierr.NotFound(name)
	}
	return x, nil
}

// GetWebhook returns a webhook.
func (s *Service) GetWebhook(ctx context.Context, p auth.Principal, name string) (*domain.Webhook, error) {
	return s.load(ctx, p, "name", name)
}

// ListWebhooks pages an organisation's webhooks.
func (s *Service) ListWebhooks(ctx context.Context, p auth.Principal, parent string, pageSize int32, pageToken string) (Page[domain.Webhook], error) {
	if _, err := aip.ParseName("parent", parent, "organizations"); err != nil {
		return Page[domain.Webhook]{}, err
	}
	if err := mayManage(p, parent); err != nil {
		return Page[domain.Webhook]{}, err
	}
	size, err := aip.PageSize(pageSize)
	if err != nil {
		return Page[domain.Webhook]{}, err
	}
	q := aip.QueryDigest("webhooks", parent)
	after, err := aip.DecodePageToken(pageToken, q)
	if err != nil {
		return Page[domain.Webhook]{}, err
	}
	items, more, err := s.st.ListWebhooks(ctx, parent, after, size)
	if err != nil {
		return Page[domain.Webhook]{}, err
	}
	out := Page[domain.Webhook]{Items: items}
	if more {
		out.NextPageToken = aip.EncodePageToken(items[len(items)-1].Name, q)
	}
	return out, nil
}

// Update names a webhook, its etag, the fields to change and their values.
type Update struct {
	Name, Etag string
	Paths      []string
	Fields     domain.Fields
}

var updatable = []string{"url", "event_types", "description"}

// UpdateWebhook changes a webhook's url, event types or description.
func (s *Service) UpdateWebhook(ctx context.Context, p auth.Principal, u Update) (*domain.Webhook, error) {
	var v apierr.Violations
	if !v.Check(len(u.Paths) > 0, "update_mask", "REQUIRED", "name the fields to change: %s", strings.Join(updatable, ", ")) {
		return nil, v.Err()
	}
	for _, path := range u.Paths {
		v.Check(slices.Contains(updatable, path), "update_mask", "UPDATE_MASK", "%q cannot be changed (changeable: %s)", path, strings.Join(updatable, ", "))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	u.Fields.Check(&v, "webhook.", u.Paths, s.targets)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.change(ctx, p, u.Name, "webhook.name", u.Etag, func(w *domain.Webhook) error {
		for _, path := range u.Paths {
			switch path {
			case "url":
				w.URL = u.Fields.URL
			case "event_types":
				w.EventTypes = u.Fields.EventTypes
			case "description":
				w.Description = u.Fields.Description
			}
		}
		return nil
	})
}

// change loads webhook name (field names it in errors), checks the etag, applies fn and stores
// the result with a conditional replace.
func (s *Service) change(ctx context.Context, p auth.Principal, name, field, etag string, fn func(*domain.Webhook) error) (*domain.Webhook, error) {
	w, err := s.load(ctx, p, field, name)
	if err != nil {
		return nil, err
	}
	if err := aip.CheckEtag(strings.TrimSuffix(field, "name")+"etag", etag, w.Version, name); err != nil {
		return nil, err
	}
	prev := w.Version
	if err := fn(w); err != nil {
		return nil, err
	}
	w.Version, w.UpdateTime = prev+1, s.now().UTC()
	ok, err := s.st.ReplaceWebhook(ctx, w, prev)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.EtagMismatch(name)
	}
	return w, nil
}

// DeleteWebhook removes a webhook and its deliveries.
func (s *Service) DeleteWebhook(ctx context.Context, p auth.Principal, name, etag string) error {
	w, err := s.load(ctx, p, "name", name)
	if err != nil {
		return err
	}
	if err := aip.CheckEtag("etag", etag, w.Version, name); err != nil {
		return err
	}
	ver, _ := aip.ParseEtag("etag", etag)
	ok, err := s.st.DeleteWebhook(ctx, name, ver)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.EtagMismatch(name)
	}
	return nil
}

// EnableWebhook makes a DISABLED webhook ACTIVE: its queued deliveries go, in order.
func (s *Service) EnableWebhook(ctx context.Context, p auth.Principal, name, etag string) (*domain.Webhook, error) {
	w, err := s.change(ctx, p, name, "name", etag, func(w *domain.Webhook) error {
		if !w.Enable() {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return s.load(ctx, p, "name", name)
	}
	if err != nil {
		return nil, err
	}
	if err := s.st.TouchAll(ctx, name, s.now()); err != nil {
		return nil, err
	}
	s.notify()
	return w, nil
}

// DisableWebhook makes an ACTIVE webhook DISABLED: events are kept for it, not sent.
func (s *Service) DisableWebhook(ctx context.Context, p auth.Principal, name, etag string) (*domain.Webhook, error) {
	w, err := s.change(ctx, p, name, "name", etag, func(w *domain.Webhook) error {
		if !w.Disable("disabled by "+p.String(), s.now()) {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return s.load(ctx, p, "name", name)
	}
	return w, err
}

var errUnchanged = errors.New("unchanged")

// RotateWebhookSecret issues a new secret; the previous one signs too for a grace period.
func (s *Service) RotateWebhookSecret(ctx context.Context, p auth.Principal, name, etag string) (*domain.Webhook, string, error) {
	secret, err := domain.NewSecret()
	if err != nil {
		return nil, "", err
	}
	sealed, err := s.keys.Seal(name, secret)
	if err != nil {
		return nil, "", err
	}
	w, err := s.change(ctx, p, name, "name", etag, func(w *domain.Webhook) error {
		prev, until := w.Secret, s.now().Add(domain.PreviousSecretGrace).UTC()
		w.PreviousSecret, w.PreviousSecretExpire = &prev, &until
		w.Secret, w.SecretPrefix = sealed, domain.ShownPrefix(secret)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// TestWebhook sends a signed webhook.test event now and returns the delivery as recorded.
func (s *Service) TestWebhook(ctx context.Context, p auth.Principal, name string) (*domain.Delivery, error) {
	w, err := s.load(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	now := s.now()
	e := domain.TestEvent(w, aip.NewID(), now)
	payload, err := domain.Payload(e)
	if err != nil {
		return nil, err
	}
	d := domain.NewDelivery(w, e, payload, now)
	a, err := s.send(ctx, w, d, now)
	if err != nil {
		return nil, err
	}
	d.Record(a, domain.Policy{MaxAttempts: 1}, 0, s.now())
	if _, err := s.st.InsertDelivery(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// send signs d for w at now and sends it.
func (s *Service) send(ctx context.Context, w *domain.Webhook, d *domain.Delivery, now time.Time) (domain.Attempt, error) {
	secrets, err := s.secrets(w, now)
	if err != nil {
		return domain.Attempt{}, err
	}
	sig, err := domain.Sign(d.MessageID, now, []byte(d.Payload), secrets...)
	if err != nil {
		return domain.Attempt{}, err
	}
	return s.sender.Send(ctx, Request{URL: w.URL, Body: []byte(d.Payload), Headers: map[string]string{
		"webhook-id": d.MessageID, "webhook-timestamp": fmt.Sprint(now.Unix()), "webhook-signature": sig,
	}}), nil
}

package usecase

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/storage"
)

// ReplayLimit is the most deliveries one ReplayWebhookDeliveries call queues again.
const ReplayLimit = 5000

// DeliveryFilterStates are the values of the state filter of ListWebhookDeliveries (API names).
var DeliveryFilterStates = []string{"STATE_PENDING", "STATE_DELIVERED", "STATE_FAILED"}

// ListDeliveries pages a webhook's deliveries, newest first. Filters: state (STATE_PENDING,
// STATE_DELIVERED, STATE_FAILED), event_type.
func (s *Service) ListDeliveries(ctx context.Context, p auth.Principal, parent, filter string, pageSize int32, pageToken string) (Page[domain.Delivery], error) {
	cs, err := aip.ParseFilterFields(filter, aip.OneOf("state", DeliveryFilterStates...), aip.AnyValue("event_type"))
	if err != nil {
		return Page[domain.Delivery]{}, err
	}
	if _, err := s.load(ctx, p, "parent", parent); err != nil {
		return Page[domain.Delivery]{}, err
	}
	size, err := aip.PageSize(pageSize)
	if err != nil {
		return Page[domain.Delivery]{}, err
	}
	q := aip.QueryDigest("deliveries", parent, aip.String(cs))
	after, err := decodeCursor(pageToken, q)
	if err != nil {
		return Page[domain.Delivery]{}, err
	}
	for i := range cs {
		cs[i].Value = strings.TrimPrefix(cs[i].Value, "STATE_")
	}
	items, more, err := s.st.ListDeliveries(ctx, storage.DeliveryQuery{Webhook: parent, Conditions: cs, After: after, Limit: size})
	if err != nil {
		return Page[domain.Delivery]{}, err
	}
	out := Page[domain.Delivery]{Items: items}
	if more {
		last := items[len(items)-1]
		out.NextPageToken = encodeCursor(storage.DeliveryCursor{CreateTime: last.CreateTime, Name: last.Name}, q)
	}
	return out, nil
}

type cursor struct {
	T int64  `json:"t"`
	N string `json:"n"`
}

func encodeCursor(c storage.DeliveryCursor, q string) string {
	b, _ := json.Marshal(cursor{T: c.CreateTime.UnixNano(), N: c.Name})
	return aip.EncodePageToken(base64.RawURLEncoding.EncodeToString(b), q)
}

func decodeCursor(tok, q string) (*storage.DeliveryCursor, error) {
	after, err := aip.DecodePageToken(tok, q)
	if err != nil || after == "" {
		return nil, err
	}
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(after)
	if err != nil || json.Unmarshal(b, &c) != nil || c.N == "" {
		return nil, apierr.Field("page_token", "PAGE_TOKEN", "malformed page token")
	}
	return &storage.DeliveryCursor{CreateTime: time.Unix(0, c.T).UTC(), Name: c.N}, nil
}

// loadDelivery returns a delivery of a webhook the caller may manage.
func (s *Service) loadDelivery(ctx context.Context, p auth.Principal, name string) (*domain.Delivery, error) {
	return owned(ctx, p, "name", name, []string{"organizations", "webhooks", "deliveries"}, s.st.GetDelivery)
}

// GetDelivery returns a delivery with its attempts.
func (s *Service) GetDelivery(ctx context.Context, p auth.Principal, name string) (*domain.Delivery, error) {
	return s.loadDelivery(ctx, p, name)
}

// ReplayDelivery queues a delivery again (same webhook-id), whatever its state. It goes in
// its subject's order: before the subject's later pending deliveries.
func (s *Service) ReplayDelivery(ctx context.Context, p auth.Principal, name string) (*domain.Delivery, error) {
	d, err := s.loadDelivery(ctx, p, name)
	if err != nil {
		return nil, err
	}
	if d.Subject == domain.TestSubject {
		return nil, apierr.FailedPrecondition("TEST_DELIVERY", "a test delivery is not replayed: send a new test", nil)
	}
	if err := s.replay(ctx, d); err != nil {
		return nil, err
	}
	if err := s.st.Touch(ctx, d.Webhook, d.Subject, s.now(), storage.Entry(d)); err != nil {
		return nil, err
	}
	s.notify()
	return d, nil
}

func (s *Service) replay(ctx context.Context, d *domain.Delivery) error {
	d.Replay(s.now())
	return s.st.ReplayDelivery(ctx, d)
}

// Range is a replay request: the webhook and the event times [Start, End); a zero End is now.
type Range struct {
	Webhook    string
	Start, End time.Time
}

// ReplayDeliveries queues again every delivery of a webhook whose event happened in the range
// (up to ReplayLimit; resume, when set, is where the rest starts).
func (s *Service) ReplayDeliveries(ctx context.Context, p auth.Principal, r Range) (count int, resume *time.Time, err error) {
	if r.End.IsZero() {
		r.End = s.now()
	}
	var v apierr.Violations
	v.Check(!r.Start.IsZero(), "start_time", "REQUIRED", "is required")
	v.Check(r.Start.IsZero() || r.Start.Before(r.End), "end_time", "TIME_ORDER", "must be after start_time")
	if err := v.Err(); err != nil {
		return 0, nil, err
	}
	if _, err := s.load(ctx, p, "name", r.Webhook); err != nil {
		return 0, nil, err
	}
	ds, more, err := s.st.DeliveriesBetween(ctx, r.Webhook, r.Start, r.End, ReplayLimit+1)
	if err != nil {
		return 0, nil, err
	}
	if more || len(ds) > ReplayLimit {
		t := ds[ReplayLimit].EventTime
		resume, ds = &t, ds[:ReplayLimit]
	}
	subjects := map[string][]string{}
	for i := range ds {
		if err := s.replay(ctx, &ds[i]); err != nil {
			return 0, nil, err
		}
		subjects[ds[i].Subject] = append(subjects[ds[i].Subject], storage.Entry(&ds[i]))
	}
	for subj, entries := range subjects {
		if err := s.st.Touch(ctx, r.Webhook, subj, s.now(), entries...); err != nil {
			return 0, nil, err
		}
	}
	s.notify()
	return len(ds), resume, nil
}

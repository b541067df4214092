package usecase

import (
	"context"
	"slices"
	"time"

	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/storage"
)

// Ingest queues events for the webhooks that receive them: every webhook of an organisation
// party to the event (ACTIVE or DISABLED: a disabled webhook's events wait for it) that
// subscribes to its type and existed when it happened. Events must come in order per subject.
// Ingest is idempotent (a delivery's id derives from the event's and the webhook's), so a
// source may hand the same events over again after a crash.
//
// Order: every delivery is stored before its stream's queue gets its entry, and a subject's
// deliveries in the order given; the dispatcher sends the entry with the smallest position,
// so an event is never sent before an earlier one of its subject that was handed over with
// or before it. (A re-ingestion after a crash re-queues idempotently: $addToSet.)
func (s *Service) Ingest(ctx context.Context, events []domain.Event) error {
	if len(events) == 0 {
		return nil
	}
	hooks, err := s.st.WebhooksOf(ctx, organizationsOf(events))
	if err != nil || len(hooks) == 0 {
		return err
	}
	q := &queueing{now: s.now(), entries: map[streamKey][]string{}}
	for _, e := range events {
		payload, err := domain.Payload(e)
		if err != nil {
			s.log.ErrorContext(ctx, "event dropped: its source sent data that is not JSON", "event", e.ID, "type", e.Type)
			continue
		}
		if err := s.queue(ctx, q, hooks, e, payload); err != nil {
			return err
		}
	}
	for _, k := range q.order {
		if err := s.st.Touch(ctx, k.webhook, k.subject, q.now, q.entries[k]...); err != nil {
			return err
		}
	}
	if len(q.order) > 0 {
		s.notify()
	}
	return nil
}

type streamKey struct{ webhook, subject string }

// queueing collects, per stream (in first-seen order), the entries of the deliveries stored.
type queueing struct {
	now     time.Time
	order   []streamKey
	entries map[streamKey][]string
}

// queue stores the deliveries of e to the hooks that receive it.
func (s *Service) queue(ctx context.Context, q *queueing, hooks []domain.Webhook, e domain.Event, payload string) error {
	for i := range hooks {
		w := &hooks[i]
		if !slices.Contains(e.Organizations, w.Organization) || !w.Subscribes(e.Type) || e.Time.Before(w.CreateTime) {
			continue
		}
		d := domain.NewDelivery(w, e, payload, q.now)
		if _, err := s.st.InsertDelivery(ctx, d); err != nil {
			return err
		}
		k := streamKey{w.Name, e.Subject}
		if _, seen := q.entries[k]; !seen {
			q.order = append(q.order, k)
		}
		q.entries[k] = append(q.entries[k], storage.Entry(d))
	}
	return nil
}

// organizationsOf lists the organisations party to events, once each.
func organizationsOf(events []domain.Event) []string {
	var orgs []string
	for _, e := range events {
		for _, o := range e.Organizations {
			if !slices.Contains(orgs, o) {
				orgs = append(orgs, o)
			}
		}
	}
	return orgs
}

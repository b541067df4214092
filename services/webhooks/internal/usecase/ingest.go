package usecase

import (
	"context"
	"slices"

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
	var orgs []string
	for _, e := range events {
		for _, o := range e.Organizations {
			if !slices.Contains(orgs, o) {
				orgs = append(orgs, o)
			}
		}
	}
	hooks, err := s.st.WebhooksOf(ctx, orgs)
	if err != nil || len(hooks) == 0 {
		return err
	}
	now := s.now()
	type stream struct{ webhook, subject string }
	var touched []stream
	queued := map[stream][]string{}
	for _, e := range events {
		payload, err := domain.Payload(e)
		if err != nil {
			s.log.ErrorContext(ctx, "event dropped: its source sent data that is not JSON", "event", e.ID, "type", e.Type)
			continue
		}
		for i := range hooks {
			w := &hooks[i]
			if !slices.Contains(e.Organizations, w.Organization) || !w.Subscribes(e.Type) || e.Time.Before(w.CreateTime) {
				continue
			}
			d := domain.NewDelivery(w, e, payload, now)
			if _, err := s.st.InsertDelivery(ctx, d); err != nil {
				return err
			}
			st := stream{w.Name, e.Subject}
			if !slices.Contains(touched, st) {
				touched = append(touched, st)
			}
			queued[st] = append(queued[st], storage.Entry(d))
		}
	}
	for _, st := range touched {
		if err := s.st.Touch(ctx, st.webhook, st.subject, now, queued[st]...); err != nil {
			return err
		}
	}
	if len(touched) > 0 {
		s.notify()
	}
	return nil
}

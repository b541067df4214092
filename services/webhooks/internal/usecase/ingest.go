package usecase

import (
	"context"
	"slices"

	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// Ingest queues events for the webhooks that receive them: every webhook of an organisation
// party to the event (ACTIVE or DISABLED: a disabled webhook's events wait for it) that
// subscribes to its type and existed when it happened. Events must come in order per subject.
// Ingest is idempotent (a delivery's id derives from the event's and the webhook's), so a
// source may hand the same events over again after a crash.
//
// Order: every delivery is stored before its stream is touched, and the deliveries of one
// subject in the order given, so a dispatcher that finds a delivery at the head of its stream
// has already been able to see every earlier one.
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
			if _, err := s.st.InsertDelivery(ctx, domain.NewDelivery(w, e, payload, now)); err != nil {
				return err
			}
			if st := (stream{w.Name, e.Subject}); !slices.Contains(touched, st) {
				touched = append(touched, st)
			}
		}
	}
	for _, st := range touched {
		if err := s.st.Touch(ctx, st.webhook, st.subject, now); err != nil {
			return err
		}
	}
	if len(touched) > 0 {
		s.notify()
	}
	return nil
}

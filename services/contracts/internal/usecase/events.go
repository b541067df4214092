package usecase

import (
	"context"
	"sync"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// The partner-event feed (EventSourceService), read by the webhooks service.

// OutboxRecord is an audit event of the feed and the partner events it stands for (none for
// internal ones).
type OutboxRecord struct {
	ID string
	// Subject is the contract's name; Time is the audit event's.
	Subject string
	Time    time.Time
	Events  []domain.PartnerEvent
}

// Feed page sizes.
const (
	defaultFeedPage = 100
	maxFeedPage     = 1000
)

// staleOutboxAge is how old a leftover outbox must be before the feed flushes it (younger
// ones are most likely being flushed by the write that made them), and staleEvery how often
// the feed looks for them.
const (
	staleOutboxAge = 10 * time.Second
	staleEvery     = 10 * time.Second
)

type feedState struct {
	mu        sync.Mutex
	lastStale time.Time
}

func serviceOnly(p auth.Principal) error {
	if !p.Is(auth.RoleService) {
		return apierr.PermissionDenied("the event feed is for the webhooks service only")
	}
	return nil
}

// PullEvents returns up to limit unsent audit events, in order per contract, with their
// partner events. Every few seconds it first flushes outboxes left behind by a crash.
func (s *Service) PullEvents(ctx context.Context, p auth.Principal, limit int32) ([]OutboxRecord, error) {
	if err := serviceOnly(p); err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, apierr.Field("page_size", "PAGE_SIZE", "must not be negative")
	}
	n := int(limit)
	if n == 0 {
		n = defaultFeedPage
	}
	n = min(n, maxFeedPage)
	if err := s.flushStale(ctx); err != nil {
		return nil, err
	}
	fs, err := s.st.UnsentEvents(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]OutboxRecord, len(fs))
	for i, f := range fs {
		out[i] = OutboxRecord{ID: f.ID, Subject: domain.ContractName(f.Event.Contract), Time: f.Event.Time, Events: domain.PartnerEvents(f.Event, f.After)}
	}
	return out, nil
}

func (s *Service) flushStale(ctx context.Context) error {
	s.feed.mu.Lock()
	now := s.now()
	due := now.Sub(s.feed.lastStale) >= staleEvery
	if due {
		s.feed.lastStale = now
	}
	s.feed.mu.Unlock()
	if !due {
		return nil
	}
	_, err := s.st.FlushStale(ctx, now.Add(-staleOutboxAge), 100)
	return err
}

// AckEvents marks events as sent (the webhooks service queued them).
func (s *Service) AckEvents(ctx context.Context, p auth.Principal, ids []string) error {
	if err := serviceOnly(p); err != nil {
		return err
	}
	var v apierr.Violations
	v.Check(len(ids) <= maxFeedPage, "ids", "TOO_MANY", "at most %d ids", maxFeedPage)
	if err := v.Err(); err != nil {
		return err
	}
	return s.st.AckEvents(ctx, ids)
}

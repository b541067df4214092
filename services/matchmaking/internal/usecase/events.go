package usecase

import (
	"context"
	"sync"
	"time"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// The proposals' partner-event feed (EventSourceService), read by the webhooks service.

// FeedEvent is a proposal's partner event as the feed gives it.
type FeedEvent struct {
	// ID acknowledges it; EventID identifies the event (webhook-id).
	ID, EventID string
	// Proposal is its subject; Notice.Seq orders it.
	Proposal      string
	Notice        domain.Notice
	Organizations []string
}

const (
	defaultFeedPage = 100
	maxFeedPage     = 1000
	staleNoticeAge  = 10 * time.Second
	staleEvery      = 10 * time.Second
)

type feedGate struct {
	mu   sync.Mutex
	last time.Time
}

// due reports whether the stale-outbox sweep is due at now (and records it).
func (g *feedGate) due(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.last) < staleEvery {
		return false
	}
	g.last = now
	return true
}

func serviceOnly(p auth.Principal) error {
	if !p.Is(auth.RoleService) {
		return apierr.PermissionDenied("the event feed is for the webhooks service only")
	}
	return nil
}

// PullEvents returns up to limit unsent proposal events, in order per proposal; every few
// seconds it first flushes notice outboxes left behind by a crash.
func (u *Service) PullEvents(ctx context.Context, p auth.Principal, limit int32) ([]FeedEvent, error) {
	if err := serviceOnly(p); err != nil {
		return nil, err
	}
	if limit < 0 {
		return nil, apierr.Field("page_size", "PAGE_SIZE", "must not be negative")
	}
	n := min(int(limit), maxFeedPage)
	if n == 0 {
		n = defaultFeedPage
	}
	if now := u.now(); u.feed.due(now) {
		if _, err := u.st.FlushStaleNotices(ctx, now.Add(-staleNoticeAge), 100); err != nil {
			return nil, err
		}
	}
	ns, err := u.st.UnsentNotices(ctx, n)
	if err != nil {
		return nil, err
	}
	out := make([]FeedEvent, len(ns))
	for i, x := range ns {
		out[i] = FeedEvent{ID: x.ID, EventID: domain.NoticeEventID(x.Proposal, x.Notice), Proposal: x.Proposal, Notice: x.Notice, Organizations: x.Organizations}
	}
	return out, nil
}

// AckEvents marks proposal events as sent.
func (u *Service) AckEvents(ctx context.Context, p auth.Principal, ids []string) error {
	if err := serviceOnly(p); err != nil {
		return err
	}
	if len(ids) > maxFeedPage {
		return apierr.Field("ids", "TOO_MANY", "at most %d ids", maxFeedPage)
	}
	return u.st.AckNotices(ctx, ids)
}

package storage

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
)

// The proposals' partner events. A proposal's write carries its new notices in its outbox
// (pending_notices); right after, flushNotices inserts them into proposal_events under
// deterministic ids (idempotent), marked unsent, and clears the outbox if the proposal has not
// moved on. A writer that died in between leaves the outbox on the proposal: the next write
// keeps it (and flushes it with its own notice, in order), and the feed flushes stale ones
// (FlushStaleNotices). The webhooks service pulls unsent notices in _id order — by proposal,
// then sequence — and acknowledges them.

// noticeDoc is a notice as stored in proposal_events.
type noticeDoc struct {
	ID            string `bson:"_id"`
	Proposal      string `bson:"proposal"`
	domain.Notice `bson:",inline"`
	Organizations []string `bson:"organizations"`
	Unsent        bool     `bson:"unsent,omitempty"`
}

// UnsentNotice is a notice not yet acknowledged, with its proposal's name and parties.
type UnsentNotice struct {
	ID, Proposal  string
	Notice        domain.Notice
	Organizations []string
}

func (s *Store) flushNotices(ctx context.Context, pr *domain.Proposal) error {
	if len(pr.PendingNotices) == 0 {
		return nil
	}
	for _, n := range pr.PendingNotices {
		id := domain.NoticeID(pr.ID, n.Seq)
		if _, _, err := s.notices.Insert(ctx, id, &noticeDoc{ID: id, Proposal: pr.Name(), Notice: n, Organizations: pr.Parties(), Unsent: true}); err != nil {
			return fmt.Errorf("flush notice %d: %w", n.Seq, err)
		}
	}
	if _, err := s.proposals.UpdateIf(ctx, pr.ID, bson.D{{Key: "version", Value: pr.Version}}, bson.D{{Key: "$unset", Value: bson.D{{Key: "pending_notices", Value: ""}}}}); err != nil {
		return fmt.Errorf("clear notice outbox: %w", err)
	}
	return nil
}

// UnsentNotices returns up to limit unsent notices, by proposal and sequence.
func (s *Store) UnsentNotices(ctx context.Context, limit int) ([]UnsentNotice, error) {
	cur, err := s.notices.C.Find(ctx, bson.D{{Key: "unsent", Value: true}}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("unsent notices: %w", err)
	}
	var docs []noticeDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("unsent notices: %w", err)
	}
	out := make([]UnsentNotice, len(docs))
	for i, d := range docs {
		out[i] = UnsentNotice{ID: d.ID, Proposal: d.Proposal, Notice: d.Notice, Organizations: d.Organizations}
	}
	return out, nil
}

// AckNotices marks notices as sent.
func (s *Store) AckNotices(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.notices.C.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}, {Key: "unsent", Value: true}},
		bson.D{{Key: "$unset", Value: bson.D{{Key: "unsent", Value: ""}}}})
	if err != nil {
		return fmt.Errorf("ack notices: %w", err)
	}
	return nil
}

// FlushStaleNotices flushes up to limit proposals whose notice outbox was left behind and not
// touched since before; it returns how many.
func (s *Store) FlushStaleNotices(ctx context.Context, before time.Time, limit int) (int, error) {
	cur, err := s.proposals.C.Find(ctx, bson.D{
		{Key: "pending_notices.seq", Value: bson.D{{Key: "$gt", Value: 0}}},
		{Key: "update_time", Value: bson.D{{Key: "$lt", Value: before.UTC()}}},
	}, options.Find().SetLimit(int64(limit)))
	if err != nil {
		return 0, fmt.Errorf("stale notice outboxes: %w", err)
	}
	var prs []domain.Proposal
	if err := cur.All(ctx, &prs); err != nil {
		return 0, fmt.Errorf("stale notice outboxes: %w", err)
	}
	for i := range prs {
		if err := s.flushNotices(ctx, &prs[i]); err != nil {
			return 0, err
		}
	}
	return len(prs), nil
}

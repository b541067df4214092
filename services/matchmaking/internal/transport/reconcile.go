package transport

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// reconcileLoop runs Reconcile every interval until ctx ends. Several replicas may run it at
// once: every step is idempotent and each document update is conditional on its version.
func (s *Server) reconcileLoop(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Reconcile(ctx, grace); err != nil && ctx.Err() == nil {
				s.log.WarnContext(ctx, "hold reconciliation incomplete", "fixed", n, "error", err.Error())
			} else if n > 0 {
				s.log.InfoContext(ctx, "holds reconciled", "fixed", n)
			}
		}
	}
}

// Reconcile brings the pending holds on offers and demands in line with their proposals, the
// source of truth, after any interruption between documents (a crash, a lost connection):
// the hold of an accepted proposal is committed; that of a declined or cancelled proposal is
// released; that of a proposal that was never written (a create interrupted before its last
// step) is released once older than grace, which leaves a client time to retry with the same
// request_id. It returns how many holds it fixed.
func (s *Server) Reconcile(ctx context.Context, grace time.Duration) (int, error) {
	n, err := reconcileAll(ctx, s, s.st.Offers, "offers/", func(o *domain.Offer) (string, domain.Ledger) { return o.ID, o.Holds }, grace)
	if err != nil {
		return n, err
	}
	m, err := reconcileAll(ctx, s, s.st.Demands, "demands/", func(d *domain.Demand) (string, domain.Ledger) { return d.ID, d.Holds }, grace)
	return n + m, err
}

// reconcileAll reconciles the holds of every document of repo that has pending ones.
func reconcileAll[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], prefix string, holds func(*T) (string, domain.Ledger), grace time.Duration) (int, error) {
	filter := bson.D{{Key: "pending_holds", Value: bson.D{{Key: "$gt", Value: 0}}}}
	fixed, after := 0, ""
	for {
		page, more, err := repo.List(ctx, filter, after, 500)
		if err != nil {
			return fixed, err
		}
		for i := range page {
			id, l := holds(&page[i])
			n, err := s.reconcileHolds(ctx, prefix+id, l, grace)
			fixed += n
			if err != nil {
				return fixed, err
			}
			after = id
		}
		if !more || len(page) == 0 {
			return fixed, nil
		}
	}
}

func (s *Server) reconcileHolds(ctx context.Context, name string, holds domain.Ledger, grace time.Duration) (int, error) {
	fixed := 0
	for pid, h := range holds {
		if h.Committed {
			continue
		}
		pr, err := s.st.Proposals.Get(ctx, pid)
		if err != nil {
			return fixed, err
		}
		switch {
		case pr == nil && s.now().Sub(h.Time) > grace:
			s.release(ctx, name, pid)
		case pr == nil || pr.State == domain.ProposalPending:
			continue
		case pr.State == domain.ProposalAccepted:
			s.commit(ctx, pr)
		default: // declined, cancelled
			s.release(ctx, name, pid)
		}
		fixed++
	}
	return fixed, nil
}

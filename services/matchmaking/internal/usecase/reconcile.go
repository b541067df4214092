package usecase

import (
	"context"
	"fmt"
	"time"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
)

// reconcilePage is how many documents with pending holds the reconciler reads at a time.
const reconcilePage = 500

// ReconcileLoop runs Reconcile every interval until ctx ends. Several replicas may run it at
// once: every step is idempotent and each document update is conditional on its version.
func (u *Service) ReconcileLoop(ctx context.Context, interval, grace time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := u.Reconcile(ctx, grace); err != nil && ctx.Err() == nil {
				u.log.WarnContext(ctx, "hold reconciliation incomplete", "fixed", n, "error", err.Error())
			} else if n > 0 {
				u.log.InfoContext(ctx, "holds reconciled", "fixed", n)
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
func (u *Service) Reconcile(ctx context.Context, grace time.Duration) (int, error) {
	n, err := reconcileAll(ctx, u, grace, "offers/", u.st.OffersWithPendingHolds, func(o *domain.Offer) (string, domain.Ledger) { return o.ID, o.Holds })
	if err != nil {
		return n, err
	}
	m, err := reconcileAll(ctx, u, grace, "demands/", u.st.DemandsWithPendingHolds, func(d *domain.Demand) (string, domain.Ledger) { return d.ID, d.Holds })
	return n + m, err
}

// reconcileAll reconciles the holds of every document list pages through; holds gives a
// document's id (its name is prefix + id) and ledger.
func reconcileAll[T any](ctx context.Context, u *Service, grace time.Duration, prefix string, list func(context.Context, storage.Page) ([]T, bool, error), holds func(*T) (string, domain.Ledger)) (int, error) {
	fixed, p := 0, storage.Page{Size: reconcilePage}
	for {
		docs, more, err := list(ctx, p)
		if err != nil {
			return fixed, fmt.Errorf("list pending holds: %w", err)
		}
		for i := range docs {
			id, l := holds(&docs[i])
			n, err := u.reconcileHolds(ctx, prefix+id, l, grace)
			fixed += n
			if err != nil {
				return fixed, err
			}
			p.After = id
		}
		if !more || len(docs) == 0 {
			return fixed, nil
		}
	}
}

// reconcileHolds settles the pending holds of the offer or demand name against their
// proposals.
func (u *Service) reconcileHolds(ctx context.Context, name string, holds domain.Ledger, grace time.Duration) (int, error) {
	fixed := 0
	for pid, h := range holds {
		if h.Committed {
			continue
		}
		pr, err := u.st.GetProposal(ctx, pid)
		if err != nil {
			return fixed, fmt.Errorf("get proposal: %w", err)
		}
		switch {
		case pr == nil && u.now().Sub(h.Time) > grace:
			u.release(ctx, name, pid)
		case pr == nil || pr.State == domain.ProposalPending:
			continue
		case pr.State == domain.ProposalAccepted:
			u.commit(ctx, pr)
		default: // declined, cancelled
			u.release(ctx, name, pid)
		}
		fixed++
	}
	return fixed, nil
}

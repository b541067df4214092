package usecase

import (
	"context"
	"strings"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
)

// The holds proposals place on offers and demands follow the proposals, which are the source
// of truth: a failure to release or commit one is logged, and the reconciler completes it.

// release drops proposal pid's pending hold on an offer or a demand (offers/{id} or
// demands/{id}).
func (u *Service) release(ctx context.Context, name, pid string) {
	var err error
	if id, ok := strings.CutPrefix(name, "offers/"); ok {
		_, err = u.mutateOffer(ctx, id, func(o *domain.Offer) (bool, error) { return o.Release(pid), nil })
	} else {
		_, err = u.mutateDemand(ctx, strings.TrimPrefix(name, "demands/"), func(d *domain.Demand) (bool, error) { return d.Release(pid), nil })
	}
	if err != nil {
		u.log.ErrorContext(ctx, "could not release a hold; the reconciler will", "resource", name, "proposal", pid, "error", err.Error())
	}
}

// commit marks proposal pr's holds committed: the offer's capacity, the demand's quantity
// (with the offer's and the demand's states following).
func (u *Service) commit(ctx context.Context, pr *domain.Proposal) {
	now := u.now().UTC()
	if _, err := u.mutateOffer(ctx, strings.TrimPrefix(pr.Offer, "offers/"), func(o *domain.Offer) (bool, error) {
		return o.Commit(pr.ID, pr.Quantity, now), nil
	}); err != nil {
		u.log.ErrorContext(ctx, "could not commit offer capacity; the reconciler will", "offer", pr.Offer, "proposal", pr.ID, "error", err.Error())
	}
	if _, err := u.mutateDemand(ctx, strings.TrimPrefix(pr.Demand, "demands/"), func(d *domain.Demand) (bool, error) {
		return d.Commit(pr.ID, pr.Quantity, now), nil
	}); err != nil {
		u.log.ErrorContext(ctx, "could not commit demand quantity; the reconciler will", "demand", pr.Demand, "proposal", pr.ID, "error", err.Error())
	}
}

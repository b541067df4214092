package storage

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newStore(t *testing.T) *Store {
	db := testkit.Database(t)
	require.NoError(t, mongostore.EnsureCollections(context.Background(), db, Collections()))
	return New(db)
}

func ids[T any](items []T, id func(*T) string) []string {
	var out []string
	for i := range items {
		out = append(out, id(&items[i]))
	}
	return out
}

func TestMarketFilter(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, d := range []domain.Demand{
		{ID: "a", Buyer: "organizations/x", Product: "products/que", ProvinceCode: "15", State: domain.DemandOpen, DeliveryWindow: domain.Window{Start: "2026-06-01", End: "2026-06-30"}},
		{ID: "b", Buyer: "organizations/y", Product: "products/que", ProvinceCode: "82", State: domain.DemandClosed, DeliveryWindow: domain.Window{Start: "2026-07-01", End: "2026-07-31"}},
		{ID: "c", Buyer: "organizations/x", Product: "products/hoi", ProvinceCode: "15", State: domain.DemandOpen, DeliveryWindow: domain.Window{Start: "2026-06-10", End: "2026-07-10"}},
	} {
		_, err := s.InsertDemand(ctx, &d)
		require.NoError(t, err)
	}
	list := func(f MarketFilter) []string {
		ds, more, err := s.ListDemands(ctx, f, Page{Size: 10})
		require.NoError(t, err)
		require.False(t, more)
		return ids(ds, func(d *domain.Demand) string { return d.ID })
	}
	require.Equal(t, []string{"a", "b"}, list(MarketFilter{Product: []Term{{Value: "products/que"}}}))
	require.Equal(t, []string{"a", "c"}, list(MarketFilter{State: []Term{{Value: domain.DemandClosed, Not: true}}}))
	require.Equal(t, []string{"c"}, list(MarketFilter{Owner: []Term{{Value: "organizations/x"}}, Days: []string{"2026-07-05"}}), "window contains the day")
	require.Equal(t, []string{"a", "c"}, list(MarketFilter{Province: []Term{{Value: "15"}}, Days: []string{"2026-06-15"}}))
	require.Empty(t, list(MarketFilter{Product: []Term{{Value: "products/que"}}, Owner: []Term{{Value: "organizations/x"}}, State: []Term{{Value: domain.DemandClosed}}}))

	page, more, err := s.ListDemands(ctx, MarketFilter{}, Page{After: "a", Size: 1})
	require.NoError(t, err)
	require.True(t, more)
	require.Equal(t, []string{"b"}, ids(page, func(d *domain.Demand) string { return d.ID }), "keyset paging in _id order")
	open, more, err := s.OpenDemands(ctx, 10)
	require.NoError(t, err)
	require.False(t, more)
	require.Equal(t, []string{"a", "c"}, ids(open, func(d *domain.Demand) string { return d.ID }))
}

func TestProposalFilter(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	for _, p := range []domain.Proposal{
		{ID: "1", Demand: "demands/a", Offer: "offers/o", Buyer: "organizations/b", Producer: "organizations/c", State: domain.ProposalPending},
		{ID: "2", Demand: "demands/a", Offer: "offers/p", Buyer: "organizations/b", Producer: "organizations/d", State: domain.ProposalDeclined},
		{ID: "3", Demand: "demands/z", Offer: "offers/o", Buyer: "organizations/e", Producer: "organizations/c", State: domain.ProposalPending},
	} {
		_, err := s.InsertProposal(ctx, &p)
		require.NoError(t, err)
	}
	list := func(f ProposalFilter) []string {
		ps, _, err := s.ListProposals(ctx, f, Page{Size: 10})
		require.NoError(t, err)
		return ids(ps, func(p *domain.Proposal) string { return p.ID })
	}
	require.Equal(t, []string{"1", "2", "3"}, list(ProposalFilter{Everyone: true}))
	require.Equal(t, []string{"1", "3"}, list(ProposalFilter{Party: "organizations/c"}), "as buyer or producer")
	require.Equal(t, []string{"1"}, list(ProposalFilter{Party: "organizations/c", Demand: "demands/a"}))
	require.Empty(t, list(ProposalFilter{}), "a caller of no organisation is party to nothing")
	require.Equal(t, []string{"2"}, list(ProposalFilter{Everyone: true, State: []Term{{Value: domain.ProposalPending, Not: true}}}))
	require.Equal(t, []string{"1", "3"}, list(ProposalFilter{Everyone: true, Offer: []Term{{Value: "offers/o"}}}))
	pending, _, err := s.PendingProposals(ctx, "demands/a", 10)
	require.NoError(t, err)
	require.Equal(t, []string{"1"}, ids(pending, func(p *domain.Proposal) string { return p.ID }))
}

func TestMutate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	_, err := s.MutateOffer(ctx, "nope", now, func(*domain.Offer) (bool, error) { return true, nil })
	require.ErrorIs(t, err, ErrNotFound)
	_, err = s.InsertOffer(ctx, &domain.Offer{ID: "o", Quantity: 10, Version: 1})
	require.NoError(t, err)
	got, err := s.MutateOffer(ctx, "o", now, func(o *domain.Offer) (bool, error) { return false, nil })
	require.NoError(t, err)
	require.EqualValues(t, 1, got.Version, "nothing to write: nothing written")
	got, err = s.MutateOffer(ctx, "o", now, func(o *domain.Offer) (bool, error) { o.Quantity = 20; return true, nil })
	require.NoError(t, err)
	require.Equal(t, [2]int64{20, 2}, [2]int64{got.Quantity, got.Version})
	require.True(t, got.UpdateTime.Equal(now))
	// A writer that always loses: every attempt finds the document changed.
	attempts := 0
	_, err = s.MutateOffer(ctx, "o", now, func(o *domain.Offer) (bool, error) {
		attempts++
		_, err := s.MutateOffer(ctx, "o", now, func(o *domain.Offer) (bool, error) { return true, nil })
		return true, err
	})
	require.ErrorIs(t, err, ErrBusy)
	require.Equal(t, mutateAttempts, attempts)
	stored, err := s.GetOffer(ctx, "o")
	require.NoError(t, err)
	require.EqualValues(t, 2+mutateAttempts, stored.Version, "only the winners wrote")
}

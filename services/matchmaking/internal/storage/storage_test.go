package storage

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

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

// TestCandidateOffers: a demand's candidates are the OPEN offers of its product whose harvest
// window touches its delivery months — each once, however many months it spans, across pages —
// and nothing else is read: not other products, other months, or offers not open. The query is
// one equality per month on the index (product, state, harvest_months, _id).
func TestCandidateOffers(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	defer func(n int) { CandidatePage = n }(CandidatePage)
	CandidatePage = 2
	win := func(start, end string) domain.Window { return domain.Window{Start: start, End: end} }
	for _, o := range []domain.Offer{
		{ID: "a", Product: "products/que", State: domain.OfferOpen, HarvestWindow: win("2026-05-20", "2026-07-10")}, // May–July
		{ID: "b", Product: "products/que", State: domain.OfferOpen, HarvestWindow: win("2026-06-01", "2026-06-30")},
		{ID: "c", Product: "products/que", State: domain.OfferOpen, HarvestWindow: win("2026-07-01", "2026-07-31")},
		{ID: "d", Product: "products/que", State: domain.OfferOpen, HarvestWindow: win("2026-07-15", "2026-08-15")},
		{ID: "e", Product: "products/que", State: domain.OfferOpen, HarvestWindow: win("2026-09-01", "2026-09-30")}, // another month
		{ID: "f", Product: "products/hoi", State: domain.OfferOpen, HarvestWindow: win("2026-06-01", "2026-06-30")}, // another product
		{ID: "g", Product: "products/que", State: domain.OfferWithdrawn, HarvestWindow: win("2026-06-01", "2026-06-30")},
	} {
		_, err := s.InsertOffer(ctx, &o)
		require.NoError(t, err)
	}
	var got []string
	pages := 0
	require.NoError(t, s.CandidateOffers(ctx, "products/que", win("2026-06-15", "2026-07-20").Months(), func(page []domain.Offer) error {
		pages++
		got = append(got, ids(page, func(o *domain.Offer) string { return o.ID })...)
		return nil
	}))
	require.ElementsMatch(t, []string{"a", "b", "c", "d"}, got, "each candidate once")
	require.Greater(t, pages, 2, "read a page at a time")
	stop := errors.New("stop")
	require.ErrorIs(t, s.CandidateOffers(ctx, "products/que", []string{"2026-06"}, func([]domain.Offer) error { return stop }), stop)

	// A changed window moves the offer to its new months.
	_, err := s.MutateOffer(ctx, "e", time.Now(), func(o *domain.Offer) (bool, error) {
		o.HarvestWindow = win("2026-06-01", "2026-06-05")
		return true, nil
	})
	require.NoError(t, err)
	got = nil
	require.NoError(t, s.CandidateOffers(ctx, "products/que", []string{"2026-06"}, func(page []domain.Offer) error {
		got = append(got, ids(page, func(o *domain.Offer) string { return o.ID })...)
		return nil
	}))
	require.ElementsMatch(t, []string{"a", "b", "e"}, got)
}

// TestMigrate: offers, demands and proposals stored before the query fields existed are found
// by their queries once the service has started (Migrate).
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	db := s.offers.C.Database()
	_, err := db.Collection(offersCollection).InsertOne(ctx, bson.D{{Key: "_id", Value: "o"}, {Key: "product", Value: "products/que"}, {Key: "state", Value: domain.OfferOpen},
		{Key: "harvest_window", Value: bson.D{{Key: "start", Value: "2026-06-01"}, {Key: "end", Value: "2026-06-30"}}}, {Key: "pending_holds", Value: 1}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	_, err = db.Collection(proposalsCollection).InsertOne(ctx, bson.D{{Key: "_id", Value: "p"}, {Key: "demand", Value: "demands/d"}, {Key: "buyer", Value: "organizations/b"},
		{Key: "producer", Value: "organizations/c"}, {Key: "state", Value: domain.ProposalPending}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(ctx))
	var got []string
	require.NoError(t, s.CandidateOffers(ctx, "products/que", []string{"2026-06"}, func(page []domain.Offer) error {
		got = append(got, ids(page, func(o *domain.Offer) string { return o.ID })...)
		return nil
	}))
	require.Equal(t, []string{"o"}, got)
	pending, _, err := s.OffersWithPendingHolds(ctx, Page{Size: 10})
	require.NoError(t, err)
	require.Len(t, pending, 1)
	ps, _, err := s.ListProposals(ctx, ProposalFilter{Party: "organizations/c"}, Page{Size: 10})
	require.NoError(t, err)
	require.Len(t, ps, 1)
}

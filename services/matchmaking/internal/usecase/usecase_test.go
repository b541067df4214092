package usecase

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// registry is a registry service in memory (the usecase layer's view of it); down makes every
// call fail.
type registry struct {
	areas      map[string]*domain.AdminArea
	orgs       map[string]*domain.Organization
	households map[string]*domain.Household
	members    map[string]bool // org + "|" + household
	certs      map[string][]domain.Certification
	down       error
}

func (r *registry) Certifications(_ context.Context, org string) ([]domain.Certification, error) {
	return r.certs[org], r.down
}

func (r *registry) ProductExists(context.Context, string) (bool, error) { return r.down == nil, r.down }
func (r *registry) Standard(_ context.Context, name string) (*domain.Standard, error) {
	return &domain.Standard{Name: name}, r.down
}
func (r *registry) AdminArea(_ context.Context, code string) (*domain.AdminArea, error) {
	return r.areas[code], r.down
}
func (r *registry) Organization(_ context.Context, name string) (*domain.Organization, error) {
	return r.orgs[name], r.down
}
func (r *registry) ActiveMember(_ context.Context, org, h string) (bool, error) {
	return r.members[org+"|"+h], r.down
}
func (r *registry) Household(_ context.Context, name string) (*domain.Household, error) {
	return r.households[name], r.down
}
func (r *registry) CommuneAuthority(_ context.Context, code string) (string, error) {
	return "authorities/ubnd-" + code, r.down
}

// contracts is a contracts service in memory: drafts by request id, and the ended contracts'
// fulfilments; down makes every call fail.
type contracts struct {
	drafts     map[string]domain.ContractDraft
	fulfilment map[string]domain.Fulfilment // contract → settlement (COMPLETED contracts)
	down       error
}

func (c *contracts) CreateDraft(_ context.Context, d domain.ContractDraft, requestID string) (string, error) {
	if c.down != nil {
		return "", c.down
	}
	c.drafts[requestID] = d
	return "contracts/for-" + requestID, nil
}
func (c *contracts) Contracts(_ context.Context, _, state string, _ int) ([]string, error) {
	var names []string
	for n := range c.fulfilment {
		if state == "COMPLETED" {
			names = append(names, n)
		}
	}
	return names, c.down
}
func (c *contracts) Fulfilment(_ context.Context, name string) (domain.Fulfilment, error) {
	f, ok := c.fulfilment[name]
	if !ok {
		return f, errors.New("no settlement")
	}
	return f, c.down
}

type fixture struct {
	u        *Service
	st       *storage.Store
	reg      *registry
	con      *contracts
	buyer    auth.Principal
	producer auth.Principal
}

func newFixture(t *testing.T) *fixture {
	reg := &registry{
		areas: map[string]*domain.AdminArea{
			places.BaoHa:   {Code: places.BaoHa, Commune: true, ParentCode: places.LaoCai, Latitude: 22.1, Longitude: 104.3},
			places.ChauQue: {Code: places.ChauQue, Commune: true, ParentCode: places.LaoCai, Latitude: 22.2, Longitude: 104.4},
		},
		orgs: map[string]*domain.Organization{
			"organizations/buyer": {Name: "organizations/buyer", Active: true, Business: true},
			"organizations/coop":  {Name: "organizations/coop", Active: true, CommuneCode: places.ChauQue, ProvinceCode: places.LaoCai},
		},
		households: map[string]*domain.Household{"households/h1": {Name: "households/h1", PoorOrNearPoor: true}, "households/h2": {Name: "households/h2"}},
		members:    map[string]bool{"organizations/coop|households/h1": true, "organizations/coop|households/h2": true},
	}
	con := &contracts{drafts: map[string]domain.ContractDraft{}, fulfilment: map[string]domain.Fulfilment{}}
	db := testkit.Database(t)
	require.NoError(t, mongostore.EnsureCollections(context.Background(), db, storage.Collections()))
	st := storage.New(db)
	u := New(st, reg, con, Settings{Weights: domain.DefaultWeights, TransportVNDPerUnitKm: 2, BatchMaxNodes: domain.BatchMaxNodes, MaxOffers: 100}, slog.New(slog.DiscardHandler))
	return &fixture{u: u, st: st, reg: reg, con: con,
		buyer:    auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/buyer"},
		producer: auth.Principal{Subject: "users/c", Role: auth.RoleProducer, Organization: "organizations/coop"}}
}

func (f *fixture) demand(t *testing.T, q, lot int64) *domain.Demand {
	d, err := f.u.CreateDemand(context.Background(), f.buyer, "", &domain.Demand{Buyer: "organizations/buyer", Product: "products/que", Quantity: q, MinLotQuantity: lot,
		DeliveryWindow: domain.Window{Start: "2026-06-01", End: "2026-06-30"}, DeliveryCommuneCode: places.BaoHa, Price: domain.Price{Type: domain.PriceFixed, FixedPriceVND: 40000}})
	require.NoError(t, err)
	return d
}

func (f *fixture) offer(t *testing.T, q int64) *domain.Offer {
	o, err := f.u.CreateOffer(context.Background(), f.producer, "", &domain.Offer{Producer: "organizations/coop", Product: "products/que", Quantity: q,
		HarvestWindow: domain.Window{Start: "2026-05-01", End: "2026-07-31"}, MinPriceVND: 38000, Households: []string{"households/h1", "households/h2"}})
	require.NoError(t, err)
	return o
}

func refused(t *testing.T, err error, c codes.Code, reason string) {
	t.Helper()
	require.Equal(t, c, status.Code(err), "%v", err)
	require.Equal(t, reason, apierr.Reason(err))
}

// TestRegistryDownWritesNothing: when the registry cannot answer, a create fails with the
// registry's error as it came (the error mapper answers it) and nothing is written.
func TestRegistryDownWritesNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	down := status.Error(codes.Unavailable, "connection refused")
	f.reg.down = down
	_, err := f.u.CreateDemand(ctx, f.buyer, "", &domain.Demand{Buyer: "organizations/buyer", Product: "products/que", Quantity: 10,
		DeliveryWindow: domain.Window{Start: "2026-06-01", End: "2026-06-30"}, DeliveryCommuneCode: places.BaoHa, Price: domain.Price{Type: domain.PriceFixed, FixedPriceVND: 1}})
	require.ErrorIs(t, err, down)
	_, err = f.u.CreateOffer(ctx, f.producer, "", &domain.Offer{Producer: "organizations/coop", Product: "products/que", Quantity: 10,
		HarvestWindow: domain.Window{Start: "2026-05-01", End: "2026-07-31"}, Households: []string{"households/h1"}})
	require.ErrorIs(t, err, down)
	ds, _, err := f.st.ListDemands(ctx, storage.MarketFilter{}, storage.Page{Size: 10})
	require.NoError(t, err)
	offers, _, err := f.st.ListOffers(ctx, storage.MarketFilter{}, storage.Page{Size: 10})
	require.NoError(t, err)
	require.Zero(t, len(ds)+len(offers), "nothing written")
}

// TestOfferSharesAndDeliveryRecord: an offer records its households' poor share when posted;
// the match reads the producer's record from its ended contracts, neutral when the contracts
// service cannot say.
func TestOfferSharesAndDeliveryRecord(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	o := f.offer(t, 3000)
	require.True(t, o.SharesKnown)
	require.Equal(t, 0.5, o.PoorShare, "one of two households is poor")
	d := f.demand(t, 2000, 0)

	f.con.fulfilment["contracts/old"] = domain.Fulfilment{Contracted: 100, Accepted: 100}
	m, err := f.u.MatchDemand(ctx, f.buyer, "demands/"+d.ID, 0)
	require.NoError(t, err)
	require.Len(t, m.Candidates, 1)
	require.Equal(t, 0.75, m.Candidates[0].Breakdown.Record, "one fulfilled contract against the neutral prior")
	require.True(t, m.Optimal)
	require.Equal(t, []AllocationLine{{Demand: "demands/" + d.ID, Offer: "offers/" + o.ID, Quantity: 2000, UnitCost: m.Lines[0].UnitCost, Cost: 2000 * m.Lines[0].UnitCost}}, m.Lines)

	f.con.down = errors.New("contracts unreachable")
	m, err = f.u.MatchDemand(ctx, f.buyer, "demands/"+d.ID, 0)
	require.NoError(t, err, "the match still works")
	require.Equal(t, domain.NeutralRecord, m.Candidates[0].Breakdown.Record, "only that criterion is blind")

	_, err = f.u.MatchDemand(ctx, f.producer, "demands/"+d.ID, 0)
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = f.u.BatchAllocate(ctx, f.buyer, BatchInput{})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = f.u.BatchAllocate(ctx, auth.Principal{Subject: "users/ops", Role: auth.RoleAdmin}, BatchInput{Offers: make([]string, 101)})
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	require.Equal(t, "MAX_ITEMS", apierr.FieldViolations(err)[0].GetReason(), "more offers than MaxOffers")
}

// TestAcceptWhenContractsFail: an accept whose contract cannot be created leaves the proposal
// PENDING and its holds pending; the retry creates the draft (with the commune's People's
// Committee as witness) and commits the holds.
func TestAcceptWhenContractsFail(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	o := f.offer(t, 3000)
	d := f.demand(t, 2000, 0)
	pr, err := f.u.CreateProposal(ctx, f.buyer, CreateProposalInput{Parent: "demands/" + d.ID, Proposal: &domain.Proposal{Offer: "offers/" + o.ID, Quantity: 1500}})
	require.NoError(t, err)

	f.con.down = status.Error(codes.Unavailable, "contracts down")
	_, err = f.u.AcceptProposal(ctx, f.producer, pr.Name(), "")
	require.ErrorIs(t, err, f.con.down)
	got, err := f.u.GetProposal(ctx, f.producer, pr.Name())
	require.NoError(t, err)
	require.Equal(t, domain.ProposalPending, got.State)
	oo, err := f.st.GetOffer(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, [2]int64{1500, 0}, [2]int64{oo.ReservedQuantity, oo.CommittedQuantity}, "still held, not committed")

	f.con.down = nil
	acc, err := f.u.AcceptProposal(ctx, f.producer, pr.Name(), "")
	require.NoError(t, err)
	require.Equal(t, "contracts/for-"+pr.Name(), acc.Contract, "the proposal's name is the request id")
	require.Equal(t, "authorities/ubnd-"+places.ChauQue, f.con.drafts[pr.Name()].WitnessAuthority, "the offer's commune witnesses")
	oo, err = f.st.GetOffer(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 1500}, [2]int64{oo.ReservedQuantity, oo.CommittedQuantity})
	again, err := f.u.AcceptProposal(ctx, f.producer, pr.Name(), "")
	require.NoError(t, err)
	require.Equal(t, acc.Contract, again.Contract)
	require.Len(t, f.con.drafts, 1)
}

// TestReconcile: the reconciler settles holds against their proposals — an orphan past the
// grace is released and a younger one kept, an accepted proposal's hold committed, a declined
// one's released — and says how many it fixed.
func TestReconcile(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	f.u.now = func() time.Time { return now }
	o := f.offer(t, 5000)
	d := f.demand(t, 4000, 0)
	hold := func(pid string, q int64, at time.Time) {
		_, err := f.st.MutateOffer(ctx, o.ID, at, func(o *domain.Offer) (bool, error) {
			o.Holds.Reserve(pid, q, at)
			o.Recount()
			return true, nil
		})
		require.NoError(t, err)
	}
	hold("orphan-old", 700, now.Add(-time.Hour))
	hold("orphan-young", 300, now.Add(-time.Minute))
	accepted, err := f.u.CreateProposal(ctx, f.buyer, CreateProposalInput{Parent: "demands/" + d.ID, Proposal: &domain.Proposal{Offer: "offers/" + o.ID, Quantity: 1000}})
	require.NoError(t, err)
	declined, err := f.u.CreateProposal(ctx, f.buyer, CreateProposalInput{Parent: "demands/" + d.ID, Proposal: &domain.Proposal{Offer: "offers/" + o.ID, Quantity: 500}})
	require.NoError(t, err)
	// Both answered, as if each flow had died before touching the holds.
	for _, c := range []struct {
		pr *domain.Proposal
		to string
	}{{accepted, domain.ProposalAccepted}, {declined, domain.ProposalDeclined}} {
		next := *c.pr
		next.State, next.Version = c.to, c.pr.Version+1
		ok, err := f.st.ReplaceProposal(ctx, &next, c.pr.Version)
		require.NoError(t, err)
		require.True(t, ok)
	}

	n, err := f.u.Reconcile(ctx, 10*time.Minute)
	require.NoError(t, err)
	// On the offer: the old orphan released, the accepted proposal committed (on the offer and
	// the demand at once), the declined one released; on the demand: the declined one released.
	require.Equal(t, 4, n)
	oo, err := f.st.GetOffer(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, [3]int64{300, 1000, 1}, [3]int64{oo.ReservedQuantity, oo.CommittedQuantity, int64(oo.PendingHolds)}, "the young orphan waits for its retry")
	dd, err := f.st.GetDemand(ctx, d.ID)
	require.NoError(t, err)
	require.Equal(t, [2]int64{0, 1000}, [2]int64{dd.ReservedQuantity, dd.AllocatedQuantity})
	require.Equal(t, domain.DemandPartiallyAllocated, dd.State)

	n, err = f.u.Reconcile(ctx, 10*time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "nothing left to fix")
}

// TestMutateErr: a change that cannot be made becomes its API error; the change's own refusal
// passes as it is; anything else stays a (wrapped) error for the mapper.
func TestMutateErr(t *testing.T) {
	refused(t, mutateErr(storage.ErrNotFound, "offers/x"), codes.NotFound, "RESOURCE_NOT_FOUND")
	refused(t, mutateErr(storage.ErrBusy, "offers/x"), codes.Aborted, "CONCURRENT_MODIFICATION")
	own := apierr.FailedPrecondition("OFFER_CAPACITY", "only 5 available on the offer", nil)
	require.Equal(t, own, mutateErr(own, "offers/x"))
	cause := errors.New("connection reset")
	require.ErrorIs(t, mutateErr(cause, "offers/x"), cause)
	require.False(t, apierr.IsLienket(mutateErr(cause, "offers/x")))
	require.NoError(t, mutateErr(nil, "offers/x"))
}

package transport_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	contractsapp "github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/matchmaking/app"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	registryapp "github.com/lienket/lienket/services/registry/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type world struct {
	a                     *testkit.Auth
	reg, contracts, mm    string
	buyer                 string
	near, far, poorGroup  string // producer organisations
	nearHH, farHH, poorHH []string
	db                    *mongo.Database
}

var admin = auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}

func code(err error) codes.Code { return status.Code(err) }

// refused checks that err has code c and ErrorInfo reason.
func refused(t testing.TB, err error, c codes.Code, reason string, msg ...any) {
	t.Helper()
	require.Equal(t, c, code(err), msg...)
	require.Equal(t, reason, apierr.Reason(err), msg...)
}

// invalid checks that err is INVALID_ARGUMENT with, among its violations, field broken by rule.
func invalid(t testing.TB, err error, field, rule string, msg ...any) {
	t.Helper()
	refused(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", msg...)
	got := map[string]string{}
	for _, fv := range apierr.FieldViolations(err) {
		got[fv.Field] = fv.Reason
	}
	require.Equal(t, rule, got[field], "%s in %v", field, got)
}

// newWorld runs registry, contracts and matchmaking on loopback against one embedded store.
func newWorld(t testing.TB) *world { return newWorldOn(t, testkit.Database(t), nil) }

// newWorldOn is newWorld over db, with matchmaking settings added to (or replacing) the
// test's own.
func newWorldOn(t testing.TB, db *mongo.Database, settings map[string]string) *world {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	w := &world{a: a, db: db}
	w.reg = testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	w.contracts = testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, contractsapp.Register(ctx, s, testkit.Deps(t, a, "contracts", db), contractsapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": w.reg}))))
	})
	env := map[string]string{"REGISTRY_ADDR": w.reg, "CONTRACTS_ADDR": w.contracts, "HOLD_RECONCILE_INTERVAL": "100ms", "HOLD_GRACE": "1m", "MATCH_MAX_OFFERS": "1000"}
	maps.Copy(env, settings)
	w.mm = testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "matchmaking", db), app.LoadConfig(config.FromMap(env))))
	})
	r := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.reg, a.Token(t, admin)))
	org := func(kind registryv1.Organization_Kind, name, tax, commune string, womenLed bool) string {
		o, err := r.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{Kind: kind, DisplayName: name, TaxCode: tax, Address: &registryv1.Address{CommuneCode: commune}, WomenLed: womenLed}})
		require.NoError(t, err)
		_, err = r.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: "UBND " + commune, AdminAreaCode: commune}})
		require.NoError(t, err)
		return o.Name
	}
	hh := func(orgName, commune string, n int, status registryv1.PovertyStatus) []string {
		var out []string
		for i := 0; i < n; i++ {
			h, err := r.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: &registryv1.Household{HeadName: fmt.Sprint("Hộ ", i), MemberCount: 4, EthnicGroup: "Tày", PovertyStatus: status, CommuneCode: commune, Consent: &registryv1.DataConsent{ConsentDate: "2026-01-01", Purpose: "liên kết"}}})
			require.NoError(t, err)
			_, err = r.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: orgName, Membership: &registryv1.Membership{Household: h.Name}})
			require.NoError(t, err)
			out = append(out, h.Name)
		}
		return out
	}
	w.buyer = org(registryv1.Organization_KIND_BUSINESS, "Công ty Quế", "0300588569", places.BaoHa, false)     // Bảo Hà, Lào Cai
	w.near = org(registryv1.Organization_KIND_COOPERATIVE, "HTX gần", "0100109106", places.ChauQue, false)     // Châu Quế, Lào Cai
	w.far = org(registryv1.Organization_KIND_PRODUCTION_GROUP, "Tổ xa", "", places.ThapMuoi, false)            // Tháp Mười, Đồng Tháp
	w.poorGroup = org(registryv1.Organization_KIND_COOPERATIVE_GROUP, "THT nghèo", "", places.DongCuong, true) // Đông Cuông, Lào Cai
	w.nearHH = hh(w.near, places.ChauQue, 2, registryv1.PovertyStatus_POVERTY_STATUS_NON_POOR)
	w.farHH = hh(w.far, places.ThapMuoi, 2, registryv1.PovertyStatus_POVERTY_STATUS_NON_POOR)
	w.poorHH = hh(w.poorGroup, places.DongCuong, 2, registryv1.PovertyStatus_POVERTY_STATUS_POOR)
	return w
}

func (w *world) mmAs(t testing.TB, p auth.Principal) matchmakingv1.MatchmakingServiceClient {
	return matchmakingv1.NewMatchmakingServiceClient(testkit.Dial(t, w.mm, w.a.Token(t, p)))
}

func orgUser(role auth.Role, org string) auth.Principal {
	return auth.Principal{Subject: "users/" + org, Role: role, Organization: org}
}

func window(s, e string) *typesv1.DateWindow { return &typesv1.DateWindow{StartDate: s, EndDate: e} }

// certify records, as an operator, that producer holds standard for cinnamon bark over 2026
// (idempotently: one certification per producer and standard).
func (w *world) certify(t testing.TB, producer, standard string) *registryv1.CertificationRecord {
	r := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.reg, w.a.Token(t, admin)))
	c, err := r.CreateCertification(context.Background(), &registryv1.CreateCertificationRequest{Parent: producer, RequestId: "cert-" + strings.ReplaceAll(standard, "/", "-"),
		Certification: &registryv1.CertificationRecord{Standard: standard, Number: "CN-" + standard, Issuer: "QUACERT", Products: []string{"cinnamon-bark"}, ValidFrom: "2026-01-01", ValidUntil: "2026-12-31"}})
	require.NoError(t, err)
	return c
}

// offer posts an offer of cinnamon bark claiming certs, which the producer is first recorded as
// holding.
func (w *world) offer(t testing.TB, producer string, hh []string, qty, price int64, certs ...string) *matchmakingv1.Offer {
	for _, c := range certs {
		w.certify(t, producer, c)
	}
	o, err := w.mmAs(t, orgUser(auth.RoleProducer, producer)).CreateOffer(context.Background(), &matchmakingv1.CreateOfferRequest{Offer: &matchmakingv1.Offer{
		Producer: producer, Product: "products/cinnamon-bark", Quantity: qty, HarvestWindow: window("2026-05-01", "2026-07-31"),
		Certifications: certs, MinPriceVnd: price, Households: hh}})
	require.NoError(t, err)
	return o
}

func (w *world) demand(t testing.TB, qty, minLot int64, poorBps int32) *matchmakingv1.Demand {
	d, err := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer)).CreateDemand(context.Background(), &matchmakingv1.CreateDemandRequest{Demand: &matchmakingv1.Demand{
		Buyer: w.buyer, Product: "products/cinnamon-bark", RequiredStandard: "standards/VIETGAP", Quantity: qty, MinLotQuantity: minLot,
		DeliveryWindow: window("2026-06-01", "2026-06-30"), DeliveryCommuneCode: places.BaoHa, DeliveryPlace: "Kho Bảo Hà",
		PriceTerms: &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FIXED, FixedPriceVnd: 40000},
		Inclusion:  &matchmakingv1.InclusionPreference{MinPoorShareBps: poorBps}}})
	require.NoError(t, err)
	return d
}

func TestMatchRankAllocateProposeAccept(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	near := w.offer(t, w.near, w.nearHH, 3000, 38000, "standards/GLOBALGAP") // GLOBALGAP satisfies VIETGAP
	far := w.offer(t, w.far, w.farHH, 5000, 36000, "standards/VIETGAP")
	poor := w.offer(t, w.poorGroup, w.poorHH, 1500, 39000, "standards/VIETGAP")
	_ = w.offer(t, w.near, w.nearHH, 9000, 30000) // no certification: filtered out
	d := w.demand(t, 4000, 1000, 3000)

	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	m, err := buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
	require.NoError(t, err)
	require.True(t, m.Optimal, "a small allocation is proven optimal")
	require.Zero(t, m.InclusionShortfall, "the poor group covers the 30%% share")
	require.Len(t, m.Candidates, 3, "the uncertified offer fails the hard constraint")
	for _, c := range m.Candidates {
		require.NotEmpty(t, c.Breakdown.Explanation)
	}
	// The nearby, women-led group of poor households ranks first; the group 1,300 km away last.
	require.Equal(t, poor.Name, m.Candidates[0].Offer, "%v", m.Candidates)
	require.Equal(t, near.Name, m.Candidates[1].Offer)
	require.Equal(t, 0.8, m.Candidates[1].Breakdown.StandardFit, "GLOBALGAP satisfies VIETGAP")
	require.Equal(t, far.Name, m.Candidates[2].Offer)
	require.Greater(t, m.Candidates[2].Breakdown.DistanceKm, 1000.0)
	byOffer := map[string]int64{}
	var total int64
	for _, l := range m.Allocation {
		byOffer[l.Offer] = l.Quantity
		total += l.Quantity
		require.GreaterOrEqual(t, l.Quantity, int64(1000), "minimum lot")
	}
	require.EqualValues(t, 4000, total)
	require.Zero(t, m.UnallocatedQuantity)
	require.GreaterOrEqual(t, byOffer[poor.Name], int64(1200), "30%% from the poor group: %v", byOffer)

	// Other businesses may not match someone else's demand: for them it does not exist.
	_, err = w.mmAs(t, orgUser(auth.RoleBusiness, "organizations/other")).MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
	refused(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")

	// Propose: capacity and demand are reserved; over-asking is refused.
	pr, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: near.Name, Quantity: 2500}, RequestId: "p-1"})
	require.NoError(t, err)
	again, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: near.Name, Quantity: 2500}, RequestId: "p-1"})
	require.NoError(t, err)
	require.Equal(t, pr.Name, again.Name, "idempotent")
	_, err = buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: near.Name, Quantity: 600}})
	refused(t, err, codes.FailedPrecondition, "OFFER_CAPACITY", "only 500 left on the offer")
	o, err := buyer.GetOffer(ctx, &matchmakingv1.GetOfferRequest{Name: near.Name})
	require.NoError(t, err)
	require.EqualValues(t, 2500, o.ReservedQuantity, "a refused proposal reserves nothing")

	// The producer accepts twice: one contract.
	producer := w.mmAs(t, orgUser(auth.RoleProducer, w.near))
	_, err = w.mmAs(t, orgUser(auth.RoleProducer, w.far)).AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr.Name})
	refused(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "another producer")
	acc, err := producer.AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr.Name})
	require.NoError(t, err)
	require.Equal(t, matchmakingv1.Proposal_STATE_ACCEPTED, acc.State)
	require.NotEmpty(t, acc.Contract)
	acc2, err := producer.AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr.Name})
	require.NoError(t, err)
	require.Equal(t, acc.Contract, acc2.Contract)

	cc := contractsv1.NewContractsServiceClient(testkit.Dial(t, w.contracts, w.a.Token(t, orgUser(auth.RoleBusiness, w.buyer))))
	c, err := cc.GetContract(ctx, &contractsv1.GetContractRequest{Name: acc.Contract})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_DRAFT, c.State)
	require.EqualValues(t, 2500, c.Terms.TotalQuantity)
	require.Equal(t, w.near, c.Terms.Producer)
	require.NotEmpty(t, c.Terms.WitnessAuthority)
	require.Len(t, c.Terms.Allocations, 2)
	list, err := cc.ListContracts(ctx, &contractsv1.ListContractsRequest{})
	require.NoError(t, err)
	require.Len(t, list.Contracts, 1, "accepting twice never makes two contracts")

	dd, err := buyer.GetDemand(ctx, &matchmakingv1.GetDemandRequest{Name: d.Name})
	require.NoError(t, err)
	require.EqualValues(t, 2500, dd.AllocatedQuantity)
	require.Zero(t, dd.ReservedQuantity)
	require.Equal(t, matchmakingv1.Demand_STATE_PARTIALLY_ALLOCATED, dd.State)

	// Decline releases capacity.
	pr2, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: far.Name, Quantity: 1500}})
	require.NoError(t, err)
	_, err = w.mmAs(t, orgUser(auth.RoleProducer, w.far)).DeclineProposal(ctx, &matchmakingv1.DeclineProposalRequest{Name: pr2.Name, Reason: "đã bán"})
	require.NoError(t, err)
	fo, err := buyer.GetOffer(ctx, &matchmakingv1.GetOfferRequest{Name: far.Name})
	require.NoError(t, err)
	require.Zero(t, fo.ReservedQuantity)
	_, err = w.mmAs(t, orgUser(auth.RoleProducer, w.far)).AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr2.Name})
	refused(t, err, codes.FailedPrecondition, "INVALID_STATE", "a declined proposal")
}

func TestConcurrentProposalsNeverOverReserve(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	o := w.offer(t, w.near, w.nearHH, 1000, 38000, "standards/VIETGAP")
	d := w.demand(t, 100000, 0, 0)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	var ok atomic.Int64
	var wg sync.WaitGroup
	refusals := make(chan error, 30)
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 100}}); err == nil {
				ok.Add(1)
			} else {
				refusals <- err
			}
		}()
	}
	wg.Wait()
	close(refusals)
	require.EqualValues(t, 10, ok.Load(), "exactly the offer's capacity is reserved")
	for err := range refusals {
		refused(t, err, codes.FailedPrecondition, "OFFER_CAPACITY", "the others find the offer full")
	}
	got, err := buyer.GetOffer(ctx, &matchmakingv1.GetOfferRequest{Name: o.Name})
	require.NoError(t, err)
	require.EqualValues(t, 1000, got.ReservedQuantity)
	dd, err := buyer.GetDemand(ctx, &matchmakingv1.GetDemandRequest{Name: d.Name})
	require.NoError(t, err)
	require.EqualValues(t, 1000, dd.ReservedQuantity)

	// Cancelling the demand cancels its proposals and releases everything.
	_, err = buyer.CancelDemand(ctx, &matchmakingv1.CancelDemandRequest{Name: d.Name})
	require.NoError(t, err)
	got, err = buyer.GetOffer(ctx, &matchmakingv1.GetOfferRequest{Name: o.Name})
	require.NoError(t, err)
	require.Zero(t, got.ReservedQuantity)
}

func TestValidationAndBatch(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	_, err := buyer.CreateDemand(ctx, &matchmakingv1.CreateDemandRequest{Demand: &matchmakingv1.Demand{
		Buyer: w.buyer, Product: "products/unobtainium", Quantity: -3, DeliveryWindow: window("2026-07-01", "2026-06-01"), DeliveryCommuneCode: "99999"}})
	require.Equal(t, codes.InvalidArgument, code(err))
	fields := map[string]string{}
	for _, fv := range apierr.FieldViolations(err) {
		fields[fv.Field] = fv.Reason
	}
	require.Equal(t, "RANGE", fields["demand.quantity"])
	require.Equal(t, "DATE_WINDOW", fields["demand.delivery_window"])
	require.Equal(t, "PRODUCT_EXISTS", fields["demand.product"])
	require.Equal(t, "ADMIN_AREA_EXISTS", fields["demand.delivery_commune_code"])
	require.Equal(t, "ENUM_VALUE", fields["demand.price_terms.type"])
	_, err = buyer.CreateDemand(ctx, &matchmakingv1.CreateDemandRequest{Demand: &matchmakingv1.Demand{Buyer: w.near, Product: "products/cinnamon-bark", Quantity: 1}})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "posting for another organisation")
	_, err = w.mmAs(t, orgUser(auth.RoleProducer, w.near)).CreateOffer(ctx, &matchmakingv1.CreateOfferRequest{Offer: &matchmakingv1.Offer{
		Producer: w.near, Product: "products/cinnamon-bark", Quantity: 10, HarvestWindow: window("2026-05-01", "2026-07-31"), Households: w.farHH}})
	invalid(t, err, "offer.households[0]", "HOUSEHOLD_MEMBER", "households of another group")
	invalid(t, err, "offer.households[1]", "HOUSEHOLD_MEMBER", "households of another group")
	list, err := buyer.ListDemands(ctx, &matchmakingv1.ListDemandsRequest{Filter: `buyer = "` + w.buyer + `"`})
	require.NoError(t, err)
	require.Empty(t, list.Demands, "nothing written")

	w.offer(t, w.near, w.nearHH, 3000, 38000, "standards/VIETGAP")
	w.offer(t, w.far, w.farHH, 3000, 36000, "standards/VIETGAP")
	w.demand(t, 2000, 0, 0)
	w.demand(t, 2500, 0, 0)
	filtered, err := buyer.ListDemands(ctx, &matchmakingv1.ListDemandsRequest{Filter: `product = "products/cinnamon-bark" AND window = "2026-06-15" AND state = "STATE_OPEN"`})
	require.NoError(t, err)
	require.Len(t, filtered.Demands, 2)
	offers, err := buyer.ListOffers(ctx, &matchmakingv1.ListOffersRequest{Filter: `province_code = "` + places.DongThap + `"`})
	require.NoError(t, err)
	require.Len(t, offers.Offers, 1)

	_, err = buyer.BatchAllocate(ctx, &matchmakingv1.BatchAllocateRequest{})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	b, err := w.mmAs(t, admin).BatchAllocate(ctx, &matchmakingv1.BatchAllocateRequest{})
	require.NoError(t, err)
	var total int64
	for _, l := range b.Allocation {
		total += l.Quantity
	}
	require.EqualValues(t, 4500, total)
	require.Empty(t, b.Unallocated)
}

// TestBatchAllocateLotsAndInclusion: over gRPC, the batch honours every demand's minimum lot
// and poor/near-poor share, allocates all it can, and says the plan is proven optimal.
func TestBatchAllocateLotsAndInclusion(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	near := w.offer(t, w.near, w.nearHH, 3000, 38000, "standards/GLOBALGAP")
	far := w.offer(t, w.far, w.farHH, 5000, 36000, "standards/VIETGAP")
	poor := w.offer(t, w.poorGroup, w.poorHH, 1500, 39000, "standards/VIETGAP")
	a := w.demand(t, 4000, 1000, 3000) // 1,200 wanted from poor groups
	b := w.demand(t, 3500, 2000, 0)

	res, err := w.mmAs(t, admin).BatchAllocate(ctx, &matchmakingv1.BatchAllocateRequest{})
	require.NoError(t, err)
	require.True(t, res.Optimal)
	require.Empty(t, res.Unallocated)
	require.Empty(t, res.InclusionShortfall)
	capacity := map[string]int64{near.Name: 3000, far.Name: 5000, poor.Name: 1500}
	lot := map[string]int64{a.Name: 1000, b.Name: 2000}
	got := map[string]int64{}
	var fromPoor, cost int64
	for _, l := range res.Allocation {
		require.GreaterOrEqual(t, l.Quantity, lot[l.Demand], "minimum lot of %s", l.Demand)
		capacity[l.Offer] -= l.Quantity
		got[l.Demand] += l.Quantity
		if l.Demand == a.Name && l.Offer == poor.Name {
			fromPoor = l.Quantity
		}
		require.Equal(t, l.Quantity*l.UnitCostVnd, l.CostVnd)
		cost += l.CostVnd
	}
	for o, left := range capacity {
		require.GreaterOrEqual(t, left, int64(0), "capacity of %s", o)
	}
	require.Equal(t, map[string]int64{a.Name: 4000, b.Name: 3500}, got)
	require.GreaterOrEqual(t, fromPoor, int64(1200), "30%% of demand A from the poor group")
	require.Equal(t, cost, res.TotalCostVnd)
	lb := res.GetLowerBound()
	require.Equal(t, []int64{0, 0, cost}, []int64{lb.GetInclusionShortfall(), lb.GetUnallocatedQuantity(), lb.GetTotalCostVnd()}, "the proven bound is the plan")
}

// crash rewrites a document's holds as an interrupted flow would have left them.
func (w *world) crash(t *testing.T, coll, name string, set bson.D) {
	t.Helper()
	for _, e := range set { // what storage stores with pending_holds
		if e.Key == "pending_holds" {
			set = append(set, bson.E{Key: "holds_pending", Value: e.Value != 0})
		}
	}
	id := name[strings.Index(name, "/")+1:]
	res, err := w.db.Collection(coll).UpdateOne(context.Background(), bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
	require.NoError(t, err)
	require.EqualValues(t, 1, res.MatchedCount)
}

// TestReconcilerRepairsInterruptedFlows: holds left inconsistent by a crash between documents
// are brought back in line with the proposals by the background reconciler.
func TestReconcilerRepairsInterruptedFlows(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	producer := w.mmAs(t, orgUser(auth.RoleProducer, w.far))
	o := w.offer(t, w.far, w.farHH, 5000, 36000, "standards/VIETGAP")
	d := w.demand(t, 4000, 0, 0)
	offerNow := func() *matchmakingv1.Offer {
		got, err := buyer.GetOffer(ctx, &matchmakingv1.GetOfferRequest{Name: o.Name})
		require.NoError(t, err)
		return got
	}
	demandNow := func() *matchmakingv1.Demand {
		got, err := buyer.GetDemand(ctx, &matchmakingv1.GetDemandRequest{Name: d.Name})
		require.NoError(t, err)
		return got
	}
	eventually := func(what string, cond func() bool) {
		t.Helper()
		require.Eventually(t, cond, 10*time.Second, 50*time.Millisecond, what)
	}

	// 1. A create that held the offer's capacity and died before the demand and the proposal:
	// released once past the grace period; a younger one waits for its client's retry.
	old, young := time.Now().Add(-time.Hour).UTC(), time.Now().UTC()
	w.crash(t, "offers", o.Name, bson.D{
		{Key: "holds.orphan-old", Value: bson.D{{Key: "quantity", Value: int64(700)}, {Key: "committed", Value: false}, {Key: "time", Value: old}}},
		{Key: "holds.orphan-young", Value: bson.D{{Key: "quantity", Value: int64(300)}, {Key: "committed", Value: false}, {Key: "time", Value: young}}},
		{Key: "reserved_quantity", Value: int64(1000)}, {Key: "pending_holds", Value: 2}})
	eventually("the old orphan hold is released", func() bool { return offerNow().ReservedQuantity == 300 })
	time.Sleep(300 * time.Millisecond)
	require.EqualValues(t, 300, offerNow().ReservedQuantity, "the young one is kept for a retry")
	w.crash(t, "offers", o.Name, bson.D{{Key: "holds", Value: bson.D{}}, {Key: "reserved_quantity", Value: int64(0)}, {Key: "pending_holds", Value: 0}})

	// 2. An accept that marked the proposal ACCEPTED and died before committing the holds.
	pr, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 1500}, RequestId: "reconcile-accept"})
	require.NoError(t, err)
	_, err = producer.AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr.Name})
	require.NoError(t, err)
	pid := pr.Name[strings.LastIndex(pr.Name, "/")+1:]
	pending := bson.D{{Key: "quantity", Value: int64(1500)}, {Key: "committed", Value: false}, {Key: "time", Value: young}}
	w.crash(t, "offers", o.Name, bson.D{{Key: "holds." + pid, Value: pending}, {Key: "reserved_quantity", Value: int64(1500)}, {Key: "committed_quantity", Value: int64(0)}, {Key: "pending_holds", Value: 1}})
	w.crash(t, "demands", d.Name, bson.D{{Key: "holds." + pid, Value: pending}, {Key: "reserved_quantity", Value: int64(1500)}, {Key: "allocated_quantity", Value: int64(0)}, {Key: "pending_holds", Value: 1}})
	eventually("the accepted proposal's holds are committed", func() bool {
		of, de := offerNow(), demandNow()
		return of.ReservedQuantity == 0 && of.CommittedQuantity == 1500 && de.ReservedQuantity == 0 && de.AllocatedQuantity == 1500
	})

	// 3. A decline that ended the proposal and died before releasing the holds.
	pr2, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 1000}, RequestId: "reconcile-decline"})
	require.NoError(t, err)
	_, err = producer.DeclineProposal(ctx, &matchmakingv1.DeclineProposalRequest{Name: pr2.Name, Reason: "đã bán hết"})
	require.NoError(t, err)
	pid2 := pr2.Name[strings.LastIndex(pr2.Name, "/")+1:]
	w.crash(t, "offers", o.Name, bson.D{{Key: "holds." + pid2, Value: bson.D{{Key: "quantity", Value: int64(1000)}, {Key: "committed", Value: false}, {Key: "time", Value: young}}},
		{Key: "reserved_quantity", Value: int64(1000)}, {Key: "pending_holds", Value: 1}})
	eventually("the declined proposal's hold is released", func() bool { return offerNow().ReservedQuantity == 0 })
	require.EqualValues(t, 1500, offerNow().CommittedQuantity, "committed holds are never touched")

	// 4. A create that held the offer and died: the client's retry with the same request_id
	// resumes it, holding the offer once, not twice.
	subject := orgUser(auth.RoleBusiness, w.buyer).Subject
	pid4 := aip.IDForRequest("CreateProposal\x00"+subject+"\x00"+d.Name[len("demands/"):], "reconcile-retry")
	w.crash(t, "offers", o.Name, bson.D{{Key: "holds." + pid4, Value: bson.D{{Key: "quantity", Value: int64(800)}, {Key: "committed", Value: false}, {Key: "time", Value: young}}},
		{Key: "reserved_quantity", Value: int64(800)}, {Key: "pending_holds", Value: 1}})
	pr4, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 800}, RequestId: "reconcile-retry"})
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(pr4.Name, "/"+pid4))
	require.EqualValues(t, 800, offerNow().ReservedQuantity, "held once")
	require.EqualValues(t, 800, demandNow().ReservedQuantity)
}

// TestOfferRecordsHouseholdShares: an offer records, when posted, the share of poor/near-poor
// and ethnic-minority households behind it, over all its households; matching reads them from
// the offer instead of asking the registry again.
func TestOfferRecordsHouseholdShares(t *testing.T) {
	w := newWorld(t)
	st := storage.New(w.db)
	for _, tc := range []struct {
		org  string
		hh   []string
		poor float64
	}{{w.poorGroup, w.poorHH, 1}, {w.far, w.farHH, 0}} {
		o := w.offer(t, tc.org, tc.hh, 1000, 36000, "standards/VIETGAP")
		got, err := st.GetOffer(context.Background(), strings.TrimPrefix(o.Name, "offers/"))
		require.NoError(t, err)
		require.True(t, got.SharesKnown)
		require.Equal(t, tc.poor, got.PoorShare, tc.org)
	}
}

// TestMatchSeesEveryOffer: matching reads every open offer of the product, page after page, and
// refuses — rather than silently cuts — when there are more than MATCH_MAX_OFFERS (1,000 here).
func TestMatchSeesEveryOffer(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	st := storage.New(w.db)
	seed := w.offer(t, w.far, w.farHH, 100, 36000, "standards/VIETGAP")
	o, err := st.GetOffer(ctx, strings.TrimPrefix(seed.Name, "offers/"))
	require.NoError(t, err)
	insert := func(from, to int, capacity func(i int) int64) {
		for i := from; i < to; i++ {
			c := *o
			c.ID, c.Quantity = fmt.Sprintf("zz-%05d", i), capacity(i)
			_, err := st.InsertOffer(ctx, &c)
			require.NoError(t, err)
		}
	}
	// 700 offers over two pages; only the last one listed can take the demand's 5,000 lot.
	insert(0, 700, func(i int) int64 {
		if i == 699 {
			return 5000
		}
		return 100
	})
	d := w.demand(t, 5000, 5000, 0)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	m, err := buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
	require.NoError(t, err)
	require.Len(t, m.Allocation, 1)
	require.Equal(t, "offers/zz-00699", m.Allocation[0].Offer)

	insert(700, 1100, func(int) int64 { return 100 })
	_, err = buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
	refused(t, err, codes.FailedPrecondition, "TOO_MANY")
}

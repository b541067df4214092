package usecase

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/contracts/rulebooks"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// facts is a registry that knows every party of the test terms.
type facts struct{}

func (facts) RecordParties(context.Context, string, []string) error { return nil }

func (facts) Facts(_ context.Context, t domain.Terms) (domain.Facts, error) {
	f := domain.Facts{
		Buyer:    &domain.OrgFact{Kind: "BUSINESS", State: "ACTIVE", CommuneCode: places.SaiGon},
		Producer: &domain.OrgFact{Kind: "COOPERATIVE", State: "ACTIVE", CommuneCode: places.ChauQue, ProvinceCode: places.LaoCai},
		Witness:  &domain.AuthorityFact{Kind: "COMMUNE_PEOPLES_COMMITTEE", AdminAreaCode: places.ChauQue},
		Product:  &domain.ProductFact{Grades: []string{"A"}, Unit: "kg"}, Standard: true,
		Households: map[string]domain.HouseholdFact{},
	}
	for _, a := range t.Allocations {
		f.Households[a.Household] = domain.HouseholdFact{Exists: true, ActiveMember: true, Eligible: true, Poverty: "POOR"}
	}
	return f, nil
}

// Plots knows no plot.
func (facts) Plots(context.Context, []string) (map[string]domain.PlotFact, error) {
	return map[string]domain.PlotFact{}, nil
}

var (
	buyer    = auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/b"}
	producer = auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: "organizations/p"}
	official = auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue}
	admin    = auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}
)

func requireAPIError(t *testing.T, err error, c codes.Code, reason string, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, c, status.Code(err), msgAndArgs...)
	require.Equal(t, reason, apierr.Reason(err), msgAndArgs...)
}

func requireViolation(t *testing.T, err error, field, rule string) {
	t.Helper()
	requireAPIError(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")
	var got []string
	for _, fv := range apierr.FieldViolations(err) {
		got = append(got, fv.Field+":"+fv.Reason)
	}
	require.Contains(t, got, field+":"+rule)
}

// terms: two households of 100, one lot of 200, a fixed price of 1,000 VND, no tolerance.
func terms() domain.Terms {
	return domain.Terms{
		Buyer: "organizations/b", Producer: "organizations/p", WitnessAuthority: "authorities/w", LinkageForm: "PURCHASE_ONLY",
		Product: "products/quế", QualityStandard: "standards/VIETGAP", GradingRules: []domain.GradingRule{{Grade: "A"}}, TotalQuantity: 200,
		Allocations: []domain.Allocation{{Household: "households/h1", Quantity: 100}, {Household: "households/h2", Quantity: 100}},
		Lots:        []domain.Lot{{ID: "lot-1", Window: domain.DateWindow{Start: "2026-06-01", End: "2026-06-30"}, Place: "Kho", Quantity: 200}},
		Price:       domain.PriceTerms{Type: domain.PriceFixed, FixedPriceVND: 1000}, Payment: domain.PaymentTerms{DaysAfterDelivery: 15, Method: "CASH"},
		Obligations: domain.Obligations{Buyer: []string{"mua"}, Producer: []string{"bán"}}, Breach: domain.Breach{PenaltyBps: 800, Damages: "thực tế"},
		ForceMajeureEvents: []string{"NATURAL_DISASTER"}, DisputeSteps: []string{"NEGOTIATION", "COMMUNE_MEDIATION", "COURT"},
		Period: domain.DateWindow{Start: "2026-01-01", End: "2026-12-31"},
	}
}

func newService(t *testing.T) (*Service, *storage.Store) {
	st := storage.New(testkit.Database(t))
	require.NoError(t, st.EnsureIndexes(context.Background()))
	books, err := domain.LoadRulebooks(rulebooks.FS)
	require.NoError(t, err)
	return New(Deps{Store: st, Rulebooks: books, Registry: facts{}}), st
}

// activeContract stores an ACTIVE contract over t (signatures and witness are the domain's and
// the transport tests' business).
func activeContract(t *testing.T, st *storage.Store, id string, tm domain.Terms) *domain.Contract {
	c := &domain.Contract{ID: id, State: domain.StateActive, Rulebook: domain.DefaultRulebook, ProducerCommuneCode: places.ChauQue, Version: 1}
	c.SetTerms(tm)
	c.Append(domain.EventContractCreated, "users/b", "business", nil, time.Now())
	stored, _, err := st.CreateContract(context.Background(), c)
	require.NoError(t, err)
	return stored
}

// deliverAll delivers every household's allocation and returns the contract as it then is.
func deliverAll(t *testing.T, s *Service, c *domain.Contract) *domain.Contract {
	ctx := context.Background()
	for _, a := range c.Terms.Allocations {
		_, err := s.RecordDelivery(ctx, buyer, domain.ContractName(c.ID), "", &domain.DeliveryInput{Household: a.Household, Lot: "lot-1", Date: "2026-06-10", Quantity: a.Quantity, AcceptedQuantity: a.Quantity, Grade: "A"})
		require.NoError(t, err)
	}
	cur, err := s.st.GetContract(ctx, c.ID)
	require.NoError(t, err)
	return cur
}

func completions(t *testing.T, s *Service, id string) int {
	evs, _, err := s.st.ListEvents(context.Background(), id, 0, 100)
	require.NoError(t, err)
	n := 0
	for _, e := range evs {
		if e.Type == domain.EventContractCompleted {
			n++
		}
	}
	return n
}

// TestCompletionDecidedInTheWrite: whoever sees a contract as done re-decides in the
// conditional write. A payer whose view is stale (another completed the contract meanwhile)
// is answered normally and completes nothing twice; a view whose terms changed meanwhile (an
// amendment raised the lot) completes nothing.
func TestCompletionDecidedInTheWrite(t *testing.T) {
	ctx := context.Background()
	s, st := newService(t)
	c := deliverAll(t, s, activeContract(t, st, "c1", terms()))
	stale := *c
	for _, h := range []string{"households/h1", "households/h2"} {
		_, err := s.RecordPayment(ctx, buyer, "contracts/c1", "", &domain.PaymentInput{Payee: h, AmountVND: 100_000, Method: "CASH", Date: "2026-06-30"})
		require.NoError(t, err)
	}
	cur, err := st.GetContract(ctx, "c1")
	require.NoError(t, err)
	require.Equal(t, domain.StateCompleted, cur.State, "the last payment completes the contract")
	require.NoError(t, s.maybeComplete(ctx, buyer, &stale), "a payer that saw it ACTIVE is not refused")
	require.Equal(t, 1, completions(t, s, "c1"))

	c2 := deliverAll(t, s, activeContract(t, st, "c2", terms()))
	view := *c2
	_, err = st.UpdateContract(ctx, "c2", func(c *domain.Contract) error { // an amendment took effect meanwhile
		tm := c.Terms
		tm.Lots = []domain.Lot{{ID: "lot-1", Window: tm.Lots[0].Window, Place: "Kho", Quantity: 300}}
		c.SetTerms(tm)
		return nil
	})
	require.NoError(t, err)
	for _, h := range []string{"households/h1", "households/h2"} {
		_, err := s.RecordPayment(ctx, buyer, "contracts/c2", "", &domain.PaymentInput{Payee: h, AmountVND: 100_000, Method: "CASH", Date: "2026-06-30"})
		require.NoError(t, err)
	}
	require.True(t, view.Completes(domain.Statement{}, []domain.Delivery{{Lot: "lot-1", Quantity: 200}}), "the stale view says done")
	require.NoError(t, s.maybeComplete(ctx, buyer, &view))
	cur, err = st.GetContract(ctx, "c2")
	require.NoError(t, err)
	require.Equal(t, domain.StateActive, cur.State, "lot-1 now needs 300: not done")
	require.Zero(t, completions(t, s, "c2"))
}

func TestRequestsAreRefusedWithReasons(t *testing.T) {
	ctx := context.Background()
	s, st := newService(t)
	activeContract(t, st, "c1", terms())

	_, err := s.ListContracts(ctx, auth.Principal{Subject: "users/x", Role: "auditor"}, ListQuery{})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "a role without a listing scope")
	_, err = s.CreateMarketPrice(ctx, buyer, "", domain.MarketPrice{Reference: "r", Date: "2026-06-10", PriceVND: 1})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "buyers do not keep the price table")
	_, err = s.CreateContract(ctx, buyer, "", nil)
	requireViolation(t, err, "contract", "REQUIRED")
	_, err = s.UpdateContract(ctx, buyer, UpdateRequest{Name: "contracts/c1"})
	requireViolation(t, err, "contract", "REQUIRED")
	_, err = s.RecordDelivery(ctx, buyer, "contracts/c1", "", nil)
	requireViolation(t, err, "delivery", "REQUIRED")
	_, err = s.RecordDelivery(ctx, producer, "contracts/c1", "", nil)
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "deliveries are recorded by the buyer")
	_, err = s.RecordDelivery(ctx, buyer, "contracts/nope", "", nil)
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = s.GetSettlement(ctx, buyer, "contracts/c1")
	requireViolation(t, err, "name", "RESOURCE_NAME")
	_, err = s.ListContractEvents(ctx, buyer, "contracts/c1", ListQuery{PageToken: aip.EncodePageToken("x1", aip.QueryDigest("events", "c1"))})
	requireViolation(t, err, "page_token", "PAGE_TOKEN")
	_, err = s.ListDeliveries(ctx, buyer, "contracts/c1", ListQuery{Filter: `grade = "A"`})
	requireViolation(t, err, "filter", "FILTER_SYNTAX")

	floor := terms()
	floor.Price = domain.PriceTerms{Type: domain.PriceFloorWithMarket, FloorPriceVND: 900, MarketReference: "quế"}
	activeContract(t, st, "c2", floor)
	_, err = s.RecordDelivery(ctx, buyer, "contracts/c2", "", &domain.DeliveryInput{Household: "households/h1", Lot: "lot-1", Date: "2026-06-10", Quantity: 1, AcceptedQuantity: 1, Grade: "A"})
	requireViolation(t, err, "delivery.market_price_vnd", "MARKET_PRICE")
	_, err = s.CreateMarketPrice(ctx, admin, "", domain.MarketPrice{Reference: "quế", Date: "2026-06-10", PriceVND: 1000})
	require.NoError(t, err)
	d, err := s.RecordDelivery(ctx, buyer, "contracts/c2", "", &domain.DeliveryInput{Household: "households/h1", Lot: "lot-1", Date: "2026-06-10", Quantity: 1, AcceptedQuantity: 1, Grade: "A"})
	require.NoError(t, err)
	require.EqualValues(t, 1000, d.UnitPriceVND, "the price table's market price: max(900, 1,000)")
	_, err = s.CreateMarketPrice(ctx, admin, "", domain.MarketPrice{Reference: "quế", Date: "2026-06-10", PriceVND: 1200})
	requireAPIError(t, err, codes.AlreadyExists, "RESOURCE_EXISTS", "a day's price is not changed")

	inc, err := s.ReportIncident(ctx, producer, "contracts/c1", "", &domain.IncidentInput{Kind: domain.IncidentLatePayment, Description: "Chậm", BreachingParty: "organizations/b", BreachedValueVND: 1000})
	require.NoError(t, err)
	name := "contracts/c1/incidents/" + inc.ID
	_, err = s.ResolveIncident(ctx, producer, Target{Name: name}, strings.Repeat("k", domain.MaxText+1), false)
	requireViolation(t, err, "outcome", "MAX_LENGTH")
	_, err = s.ResolveIncident(ctx, producer, Target{Name: name}, "", false)
	requireViolation(t, err, "outcome", "REQUIRED")
	_, err = s.MediateIncident(ctx, producer, Target{Name: name})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "the commune mediates")
	_, err = s.MediateIncident(ctx, official, Target{Name: name})
	require.NoError(t, err)
	_, err = s.ResolveIncident(ctx, producer, Target{Name: name}, "Thoả thuận", true)
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "the commune closes its mediation")
	_, err = s.ResolveIncident(ctx, official, Target{Name: name, Etag: `"1"`}, "Thoả thuận", true)
	requireAPIError(t, err, codes.Aborted, "ETAG_MISMATCH")
	got, err := s.ResolveIncident(ctx, official, Target{Name: name}, "Thoả thuận", true)
	require.NoError(t, err)
	require.EqualValues(t, 80, got.PenaltyVND)
	_, err = s.VerifyIncident(ctx, official, Target{Name: name}, true, "")
	requireAPIError(t, err, codes.FailedPrecondition, "NOT_FORCE_MAJEURE")
}

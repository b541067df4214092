package transport_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.opentelemetry.io/otel/metric"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	registryapp "github.com/lienket/lienket/services/registry/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// meterProvider, when set, receives the domain metrics of the next world (metrics tests).
var meterProvider metric.MeterProvider

// world is a registry and a contracts service on loopback, with parties registered.
type world struct {
	a                          *testkit.Auth
	regAddr, addr              string
	buyer, producer, authority string
	households                 []string
	mandated                   string
	db                         *mongo.Database
}

var admin = auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}

func newWorld(t *testing.T, nHouseholds int) *world {
	t.Helper()
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	w := &world{a: a, db: db}
	w.regAddr = testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	w.addr, _ = testkit.ServeService(t, a, db, func(s *grpc.Server) {
		d := testkit.Deps(t, a, "contracts", db)
		if meterProvider != nil {
			d.Meter = meterProvider
		}
		require.NoError(t, app.Register(ctx, s, d, app.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": w.regAddr}))))
	})
	reg := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.regAddr, a.Token(t, admin)))
	b, err := reg.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{
		Kind: registryv1.Organization_KIND_BUSINESS, DisplayName: "Công ty CP Quế Hồi Việt", TaxCode: "0300588569",
		Address: &registryv1.Address{CommuneCode: places.SaiGon}}})
	require.NoError(t, err)
	p, err := reg.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{
		Kind: registryv1.Organization_KIND_COOPERATIVE, DisplayName: "HTX Quế Châu Quế", TaxCode: "0100109106",
		Address: &registryv1.Address{CommuneCode: places.ChauQue}}})
	require.NoError(t, err)
	au, err := reg.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{
		Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: "UBND xã Châu Quế", AdminAreaCode: places.ChauQue}})
	require.NoError(t, err)
	w.buyer, w.producer, w.authority = b.Name, p.Name, au.Name
	for i := 0; i < nHouseholds; i++ {
		h, err := reg.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: &registryv1.Household{
			HeadName: fmt.Sprintf("Hộ %d", i), MemberCount: 4, EthnicGroup: "Dao", PovertyStatus: registryv1.PovertyStatus_POVERTY_STATUS_POOR,
			CommuneCode: places.ChauQue, Consent: &registryv1.DataConsent{ConsentDate: "2026-01-02", Purpose: "Hợp đồng liên kết quế"}}})
		require.NoError(t, err)
		_, err = reg.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: p.Name, Membership: &registryv1.Membership{Household: h.Name}})
		require.NoError(t, err)
		w.households = append(w.households, h.Name)
	}
	return w
}

// replica runs a second contracts service on the same store (as a second pod would) and
// returns its address.
func (w *world) replica(t *testing.T) string {
	return testkit.Serve(t, w.a, func(s *grpc.Server) {
		require.NoError(t, app.Register(context.Background(), s, testkit.Deps(t, w.a, "contracts", w.db), app.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": w.regAddr}))))
	})
}

func (w *world) client(t *testing.T, p auth.Principal) contractsv1.ContractsServiceClient {
	return contractsv1.NewContractsServiceClient(testkit.Dial(t, w.addr, w.a.Token(t, p)))
}

func (w *world) buyerUser() auth.Principal {
	return auth.Principal{Subject: "users/buyer", Role: auth.RoleBusiness, Organization: w.buyer}
}
func (w *world) producerUser() auth.Principal {
	return auth.Principal{Subject: "users/coop", Role: auth.RoleProducer, Organization: w.producer}
}
func householdUser(h string) auth.Principal {
	return auth.Principal{Subject: "users/" + h, Role: auth.RoleHousehold, Household: h}
}

var official = auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue}

// terms builds complete terms; the last household is signed for by the producer under mandate.
func (w *world) terms() *contractsv1.ContractTerms {
	per := int64(100)
	t := &contractsv1.ContractTerms{
		Buyer: w.buyer, Producer: w.producer, WitnessAuthority: w.authority,
		LinkageForm: contractsv1.LinkageForm_LINKAGE_FORM_PURCHASE_ONLY, Product: "products/cinnamon-bark", QualityStandard: "standards/VIETGAP",
		GradingRules:  []*contractsv1.GradingRule{{Grade: "A"}, {Grade: "B", PriceAdjustmentBps: -1000}},
		TotalQuantity: per * int64(len(w.households)), ToleranceBps: 500,
		Lots:               []*contractsv1.DeliveryLot{{Id: "lot-1", Window: &typesv1.DateWindow{StartDate: "2026-06-01", EndDate: "2026-06-30"}, Place: "Kho HTX Châu Quế", Quantity: per * int64(len(w.households))}},
		PriceTerms:         &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FLOOR_WITH_MARKET, FloorPriceVnd: 38000, MarketReference: "yen-bai-cinnamon", PremiumBps: 500},
		PaymentTerms:       &contractsv1.PaymentTerms{DaysAfterDelivery: 15, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER},
		Obligations:        &contractsv1.Obligations{Buyer: []string{"Thu mua toàn bộ"}, Producer: []string{"Sản xuất theo VietGAP"}},
		Breach:             &contractsv1.BreachClause{PenaltyBps: 800, Damages: "Thiệt hại thực tế"},
		ForceMajeureEvents: []contractsv1.ForceMajeureEvent{contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER},
		DisputeResolution:  &contractsv1.DisputeResolution{Steps: []contractsv1.DisputeStep{contractsv1.DisputeStep_DISPUTE_STEP_NEGOTIATION, contractsv1.DisputeStep_DISPUTE_STEP_COMMUNE_MEDIATION, contractsv1.DisputeStep_DISPUTE_STEP_COURT}},
		Period:             &typesv1.DateWindow{StartDate: "2026-01-01", EndDate: "2026-12-31"},
	}
	for i, h := range w.households {
		a := &contractsv1.Allocation{Household: h, Quantity: per, AreaM2: 5000}
		if i == len(w.households)-1 {
			a.Mandate = &contractsv1.Mandate{Reference: "GUQ-2026-01", Date: "2026-01-05"}
			w.mandated = h
		}
		t.Allocations = append(t.Allocations, a)
	}
	return t
}

func code(err error) codes.Code { return status.Code(err) }

// requireAPIError asserts err's gRPC code and ErrorInfo reason.
func requireAPIError(t *testing.T, err error, c codes.Code, reason string, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, c, code(err), msgAndArgs...)
	require.Equal(t, reason, apierr.Reason(err), msgAndArgs...)
}

// requireViolation asserts INVALID_ARGUMENT naming field with rule (among others).
func requireViolation(t *testing.T, err error, field, rule string, msgAndArgs ...any) {
	t.Helper()
	requireAPIError(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", msgAndArgs...)
	var got []string
	for _, fv := range apierr.FieldViolations(err) {
		if fv.Field == field && fv.Reason == rule {
			return
		}
		got = append(got, fv.Field+":"+fv.Reason)
	}
	require.Failf(t, "missing field violation", "want %s:%s, got %v", field, rule, got)
}

func toDomain(evs []*contractsv1.ContractEvent, contract string) []domain.Event {
	out := make([]domain.Event, len(evs))
	for i, e := range evs {
		out[i] = domain.Event{Contract: contract, Seq: e.Sequence, Type: e.Type, Actor: e.Actor, ActorRole: e.ActorRole, Time: e.Time.AsTime(), Payload: e.Payload, PreviousHash: e.PreviousHash, Hash: e.Hash}
	}
	return out
}

func TestFullLifecycleOverGRPC(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 3)
	buyer := w.client(t, w.buyerUser())
	producer := w.client(t, w.producerUser())

	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{DisplayName: "Quế vụ 2026", Terms: w.terms(), Rulebook: "decree98"}, RequestId: "c-1"})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_DRAFT, c.State)
	require.Equal(t, places.ChauQue, c.ProducerCommuneCode)
	again, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{DisplayName: "Quế vụ 2026", Terms: w.terms(), Rulebook: "decree98"}, RequestId: "c-1"})
	require.NoError(t, err)
	require.Equal(t, c.Name, again.Name, "idempotent create")
	_, err = buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: w.terms()}, RequestId: "c-1"})
	requireAPIError(t, err, codes.AlreadyExists, "REQUEST_ID_REUSED", "the same request id with other content")

	v, err := buyer.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Empty(t, v.Violations)
	require.Equal(t, "decree98@2026.1", v.RulebookVersion)

	// Strangers cannot see it; the witness official and households can.
	_, err = w.client(t, auth.Principal{Subject: "users/x", Role: auth.RoleBusiness, Organization: "organizations/other"}).GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = w.client(t, official).GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	require.NoError(t, err)
	_, err = w.client(t, householdUser(w.households[0])).GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	require.NoError(t, err)

	// Stale etag → ABORTED; signing a draft → FAILED_PRECONDITION naming the state.
	_, err = producer.UpdateContract(ctx, &contractsv1.UpdateContractRequest{Contract: &contractsv1.Contract{Name: c.Name, DisplayName: "x", Etag: `"99"`}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}})
	requireAPIError(t, err, codes.Aborted, "ETAG_MISMATCH")
	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: c.TermsHash})
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE")
	require.Contains(t, status.Convert(err).Message(), "DRAFT")

	c, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name, RequestId: "submit-1"})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_PENDING_SIGNATURES, c.State)
	require.Equal(t, "decree98@2026.1", c.RulebookVersion)
	c2, err := buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name, RequestId: "submit-1"})
	require.NoError(t, err, "a retried submit returns the result")
	require.Equal(t, c.Etag, c2.Etag)

	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: "deadbeef"})
	require.Equal(t, codes.FailedPrecondition, code(err))
	require.Equal(t, "TERMS_CHANGED", apierr.Reason(err))
	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_PRODUCER, TermsHash: c.TermsHash})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: c.TermsHash})
	require.NoError(t, err)
	_, err = producer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_PRODUCER, TermsHash: c.TermsHash})
	require.NoError(t, err)
	for _, h := range w.households[:2] {
		_, err = w.client(t, householdUser(h)).SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: h, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	lastSign := &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: w.mandated, TermsHash: c.TermsHash, RequestId: "sign-last"}
	c, err = producer.SignContract(ctx, lastSign)
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_PENDING_WITNESS, c.State)
	require.Len(t, c.Signatures, 5)
	require.Equal(t, "GUQ-2026-01", c.Signatures[4].MandateReference)
	signed := c

	_, err = w.client(t, auth.Principal{Subject: "users/other-xa", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash})
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "an official of another commune does not see the contract")
	witness := &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash, RequestId: "witness-1"}
	c, err = w.client(t, official).WitnessContract(ctx, witness)
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_ACTIVE, c.State)
	require.Equal(t, w.authority, c.Witness.Authority)

	// Retries after the contract moved on get the first calls' results (AIP-155), not an
	// error about the state it is in now.
	again, err = producer.SignContract(ctx, lastSign)
	require.NoError(t, err, "the last signature retried after the witness")
	require.True(t, proto.Equal(signed, again), "the first result: %v", again.State)
	witnessed, err := w.client(t, official).WitnessContract(ctx, witness)
	require.NoError(t, err, "the witness retried")
	require.True(t, proto.Equal(c, witnessed))
	lastSign.TermsHash = "0000"
	_, err = producer.SignContract(ctx, lastSign)
	requireAPIError(t, err, codes.AlreadyExists, "REQUEST_ID_REUSED", "the same request id for another request")

	// Cancel is not allowed any more.
	_, err = buyer.CancelContract(ctx, &contractsv1.CancelContractRequest{Name: c.Name, Reason: "đổi ý"})
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE")

	// Amendment: proposed, re-signed by all, witnessed again.
	nt := w.terms()
	nt.PriceTerms.FloorPriceVnd = 41000
	c, err = producer.AmendContract(ctx, &contractsv1.AmendContractRequest{Name: c.Name, Terms: nt, Reason: "Giá sàn tăng theo thị trường"})
	require.NoError(t, err)
	ah := c.PendingAmendment.TermsHash
	require.NotEqual(t, c.TermsHash, ah)
	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: ah})
	require.NoError(t, err)
	_, err = producer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_PRODUCER, TermsHash: ah})
	require.NoError(t, err)
	_, err = w.client(t, official).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: ah})
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", "households have not signed the amendment")
	for _, h := range w.households[:2] {
		_, err = w.client(t, householdUser(h)).SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: h, TermsHash: ah})
		require.NoError(t, err)
	}
	_, err = producer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: w.mandated, TermsHash: ah})
	require.NoError(t, err)
	c, err = w.client(t, official).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: ah})
	require.NoError(t, err)
	require.EqualValues(t, 41000, c.Terms.PriceTerms.FloorPriceVnd)
	require.EqualValues(t, 1, c.AmendmentCount)

	evs, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 5})
	require.NoError(t, err)
	all := evs.Events
	for tok := evs.NextPageToken; tok != ""; {
		page, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 5, PageToken: tok})
		require.NoError(t, err)
		all, tok = append(all, page.Events...), page.NextPageToken
	}
	require.Len(t, all, 1+1+5+1+1+5+1) // created, submitted, 5 signatures, witnessed, amendment, 5 signatures, witnessed
	require.Equal(t, "contract.created", all[0].Type)
	require.Nil(t, domain.VerifyChain(toDomain(all, c.Name[len("contracts/"):])))
}

func TestValidationAndRulesOverGRPC(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	buyer := w.client(t, w.buyerUser())
	terms := w.terms()
	terms.Breach.PenaltyBps = 1200
	terms.Allocations[0].Quantity = 150
	terms.WitnessAuthority = ""
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms}})
	require.NoError(t, err, "an incomplete draft may be saved")
	v, err := buyer.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c.Name})
	require.NoError(t, err)
	ids := map[string]bool{}
	for _, x := range v.Violations {
		ids[x.RuleId] = true
		require.NotEmpty(t, x.MessageVi)
		require.NotEmpty(t, x.MessageEn)
		require.NotEmpty(t, x.Field)
	}
	require.True(t, ids["D98-PENALTY-CAP"] && ids["D98-ALLOCATION-SUM"] && ids["D98-WITNESS"], "%v", ids)
	_, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.Equal(t, codes.FailedPrecondition, code(err))
	require.Equal(t, "RULES_NOT_SATISFIED", apierr.Reason(err))
	rules := map[string]bool{}
	for _, fv := range apierr.FieldViolations(err) {
		rules[fv.Reason] = true
	}
	require.True(t, rules["D98-PENALTY-CAP"])

	// Structural input errors are INVALID_ARGUMENT and nothing is written.
	bad := w.terms()
	bad.TotalQuantity = -5
	bad.LinkageForm = 77
	bad.Buyer = "companies/x"
	_, err = buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: bad}})
	requireViolation(t, err, "contract.terms.total_quantity", "RANGE")
	requireViolation(t, err, "contract.terms.linkage_form", "ENUM_VALUE")
	requireViolation(t, err, "contract.terms.buyer", "RESOURCE_NAME")
	_, err = buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: w.terms(), Rulebook: "no-such-book"}})
	requireViolation(t, err, "contract.rulebook", "RULEBOOK_EXISTS")
	list, err := buyer.ListContracts(ctx, &contractsv1.ListContractsRequest{})
	require.NoError(t, err)
	require.Len(t, list.Contracts, 1)

	// A third party cannot open a contract between others.
	_, err = w.client(t, auth.Principal{Subject: "users/z", Role: auth.RoleBusiness, Organization: "organizations/zz"}).CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: w.terms()}})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	// The NTP-SEDEMA profile requires co-investment.
	c2, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: w.terms(), Rulebook: "ntp-sedema"}})
	require.NoError(t, err)
	v, err = buyer.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c2.Name})
	require.NoError(t, err)
	require.Len(t, v.Violations, 1)
	require.Equal(t, "SEDEMA-OWNER-SHARE", v.Violations[0].RuleId)

	// Witness rejection → edit → back to DRAFT.
	okT := w.terms()
	c3, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: okT}})
	require.NoError(t, err)
	_, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c3.Name})
	require.NoError(t, err)
	_, err = w.client(t, official).RejectWitnessContract(ctx, &contractsv1.RejectWitnessContractRequest{Name: c3.Name, Reason: "x"})
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", "nothing to witness before signatures")
	_, err = buyer.CancelContract(ctx, &contractsv1.CancelContractRequest{Name: c3.Name})
	requireViolation(t, err, "reason", "REQUIRED", "reason required")
	c3, err = buyer.CancelContract(ctx, &contractsv1.CancelContractRequest{Name: c3.Name, Reason: "Bên mua rút đơn hàng"})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_CANCELLED, c3.State)
}

// TestConcurrentSignaturesAndWitness: many parties sign at once — no signature is lost — and
// 50 officials' witness calls race: exactly one transition wins.
func TestConcurrentSignaturesAndWitness(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 40)
	buyer := w.client(t, w.buyerUser())
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: w.terms()}})
	require.NoError(t, err)
	c, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.NoError(t, err)

	type signer struct {
		p     auth.Principal
		party contractsv1.Signature_Party
		hh    string
	}
	signers := []signer{{w.buyerUser(), contractsv1.Signature_PARTY_BUYER, ""}, {w.producerUser(), contractsv1.Signature_PARTY_PRODUCER, ""}}
	for _, h := range w.households[:len(w.households)-1] {
		signers = append(signers, signer{householdUser(h), contractsv1.Signature_PARTY_HOUSEHOLD, h})
	}
	signers = append(signers, signer{w.producerUser(), contractsv1.Signature_PARTY_HOUSEHOLD, w.mandated})
	clients := make([]contractsv1.ContractsServiceClient, len(signers))
	for i, s := range signers {
		clients[i] = w.client(t, s.p)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(signers))
	for i, s := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = clients[i].SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: s.party, Household: s.hh, TermsHash: c.TermsHash})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "signer %d", i)
	}
	c, err = buyer.GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Len(t, c.Signatures, len(signers), "no lost signature")
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_PENDING_WITNESS, c.State)

	var wins, refused atomic.Int32
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := w.client(t, auth.Principal{Subject: fmt.Sprintf("users/official-%d", i), Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
			_, err := cl.WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash})
			switch code(err) {
			case codes.OK:
				wins.Add(1)
			case codes.FailedPrecondition:
				if r := apierr.Reason(err); r != "INVALID_STATE" {
					t.Errorf("refused with %s: %v", r, err)
				}
				refused.Add(1)
			default:
				t.Errorf("unexpected %v", err)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load(), "exactly one witness wins")
	require.EqualValues(t, 49, refused.Load())
	evs, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 500})
	require.NoError(t, err)
	require.Len(t, evs.Events, 2+len(signers)+1)
	require.Nil(t, domain.VerifyChain(toDomain(evs.Events, c.Name[len("contracts/"):])))
}

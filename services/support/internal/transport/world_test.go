package transport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	contractsapp "github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/support/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// world is the registry, the contracts service and the support service on loopback against
// one embedded store, with the parties of a linkage season registered: a business (buyer), a
// cooperative (project owner) in commune 04477 of Lào Cai (province 15), the commune's and the
// province's People's Committees, and five member households of the cooperative (three poor,
// one near-poor, one non-poor; Dao except one Kinh; two headed by women).
type world struct {
	a                            *testkit.Auth
	reg, con, sup                string
	db                           *mongo.Database
	buyer, coop                  string
	commune, province            string // authorities
	poor, nearPoor, nonPoor      []string
	regc                         registryv1.RegistryServiceClient
	investor, admin, coopU, bizU auth.Principal
	council                      []auth.Principal
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	w := &world{a: a, db: db, admin: auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}}
	w.reg = testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	w.con = testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, contractsapp.Register(ctx, s, testkit.Deps(t, a, "contracts", db), contractsapp.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": w.reg}))))
	})
	w.sup = w.replica(t)
	w.regc = registryv1.NewRegistryServiceClient(testkit.Dial(t, w.reg, a.Token(t, w.admin)))
	w.buyer = w.org(t, registryv1.Organization_KIND_BUSINESS, "Công ty CP Quế Hồi Việt", "0300588569", places.BaoHa)
	w.coop = w.org(t, registryv1.Organization_KIND_COOPERATIVE, "HTX Quế Châu Quế", "0100109106", places.ChauQue)
	w.commune = w.authority(t, registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, places.ChauQue)
	w.province = w.authority(t, registryv1.Authority_KIND_PROVINCE_PEOPLES_COMMITTEE, "15")
	for i := 0; i < 3; i++ {
		w.poor = append(w.poor, w.household(t, registryv1.PovertyStatus_POVERTY_STATUS_POOR, "Dao", i == 0))
	}
	w.nearPoor = []string{w.household(t, registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR, "Dao", true)}
	w.nonPoor = []string{w.household(t, registryv1.PovertyStatus_POVERTY_STATUS_NON_POOR, "Kinh", false)}
	w.investor = auth.Principal{Subject: "users/so-nong-nghiep", Role: auth.RoleProvinceOfficial, AdminArea: "15"}
	w.coopU = auth.Principal{Subject: "users/chu-nhiem", Role: auth.RoleProducer, Organization: w.coop}
	w.bizU = auth.Principal{Subject: "users/ke-toan", Role: auth.RoleBusiness, Organization: w.buyer}
	w.council = []auth.Principal{
		{Subject: "users/hoi-dong-1", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong},
		{Subject: "users/hoi-dong-2", Role: auth.RoleBusiness, Organization: "organizations/vien-nghien-cuu"},
	}
	return w
}

// replica runs a support service on the world's store (as another pod would) and returns its
// address.
func (w *world) replica(t *testing.T) string {
	return testkit.Serve(t, w.a, func(s *grpc.Server) {
		cfg := app.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": w.reg, "CONTRACTS_ADDR": w.con}))
		require.NoError(t, app.Register(context.Background(), s, testkit.Deps(t, w.a, "support", w.db), cfg))
	})
}

func (w *world) org(t *testing.T, kind registryv1.Organization_Kind, name, tax, commune string) string {
	o, err := w.regc.CreateOrganization(context.Background(), &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{
		Kind: kind, DisplayName: name, TaxCode: tax, Address: &registryv1.Address{CommuneCode: commune}}})
	require.NoError(t, err)
	return o.Name
}

func (w *world) authority(t *testing.T, kind registryv1.Authority_Kind, area string) string {
	a, err := w.regc.CreateAuthority(context.Background(), &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: kind, DisplayName: "UBND " + area, AdminAreaCode: area}})
	require.NoError(t, err)
	return a.Name
}

func (w *world) household(t *testing.T, poverty registryv1.PovertyStatus, ethnic string, woman bool) string {
	ctx := context.Background()
	g := registryv1.Gender_GENDER_MALE
	if woman {
		g = registryv1.Gender_GENDER_FEMALE
	}
	h, err := w.regc.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: &registryv1.Household{
		HeadName: "Hộ " + ethnic, HeadGender: g, MemberCount: 4, EthnicGroup: ethnic, PovertyStatus: poverty, CommuneCode: places.ChauQue,
		Consent: &registryv1.DataConsent{ConsentDate: "2026-01-02", Purpose: "Hợp đồng liên kết quế"}}})
	require.NoError(t, err)
	_, err = w.regc.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: w.coop, Membership: &registryv1.Membership{Household: h.Name}})
	require.NoError(t, err)
	return h.Name
}

func (w *world) contracts(t testing.TB, p auth.Principal) contractsv1.ContractsServiceClient {
	return contractsv1.NewContractsServiceClient(testkit.Dial(t, w.con, w.a.Token(t, p)))
}

func (w *world) support(t testing.TB, p auth.Principal) supportv1.SupportServiceClient {
	return supportv1.NewSupportServiceClient(testkit.Dial(t, w.sup, w.a.Token(t, p)))
}

func hhUser(h string) auth.Principal {
	return auth.Principal{Subject: "users/" + h, Role: auth.RoleHousehold, Household: h}
}

// activeContract makes a witnessed (ACTIVE) contract between the business and the cooperative
// for qty kg of cinnamon bark per household at VND 40,000/kg.
func (w *world) activeContract(t *testing.T, households []string, qty int64) string {
	ctx := context.Background()
	buyer, coop := w.contracts(t, w.bizU), w.contracts(t, w.coopU)
	terms := &contractsv1.ContractTerms{
		Buyer: w.buyer, Producer: w.coop, WitnessAuthority: w.commune, LinkageForm: contractsv1.LinkageForm_LINKAGE_FORM_PURCHASE_ONLY,
		Product: "products/cinnamon-bark", QualityStandard: "standards/VIETGAP", GradingRules: []*contractsv1.GradingRule{{Grade: "A"}},
		TotalQuantity: qty * int64(len(households)), ToleranceBps: 500,
		Lots:               []*contractsv1.DeliveryLot{{Id: "lot-1", Window: &typesv1.DateWindow{StartDate: "2026-06-01", EndDate: "2026-06-30"}, Place: "Kho HTX", Quantity: qty * int64(len(households))}},
		PriceTerms:         &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FIXED, FixedPriceVnd: 40000},
		PaymentTerms:       &contractsv1.PaymentTerms{DaysAfterDelivery: 15, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER},
		Obligations:        &contractsv1.Obligations{Buyer: []string{"Thu mua toàn bộ"}, Producer: []string{"Sản xuất theo VietGAP"}},
		Breach:             &contractsv1.BreachClause{PenaltyBps: 800, Damages: "Thiệt hại thực tế"},
		ForceMajeureEvents: []contractsv1.ForceMajeureEvent{contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER},
		DisputeResolution:  &contractsv1.DisputeResolution{Steps: []contractsv1.DisputeStep{contractsv1.DisputeStep_DISPUTE_STEP_NEGOTIATION, contractsv1.DisputeStep_DISPUTE_STEP_COMMUNE_MEDIATION, contractsv1.DisputeStep_DISPUTE_STEP_COURT}},
		Period:             &typesv1.DateWindow{StartDate: "2026-01-01", EndDate: "2026-12-31"},
	}
	for _, h := range households {
		terms.Allocations = append(terms.Allocations, &contractsv1.Allocation{Household: h, Quantity: qty, AreaM2: 5000})
	}
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{DisplayName: "Quế vụ 2026", Terms: terms}})
	require.NoError(t, err)
	c, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.NoError(t, err)
	sign := func(cl contractsv1.ContractsServiceClient, party contractsv1.Signature_Party, h string) {
		_, err := cl.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: party, Household: h, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	sign(buyer, contractsv1.Signature_PARTY_BUYER, "")
	sign(coop, contractsv1.Signature_PARTY_PRODUCER, "")
	for _, h := range households {
		sign(w.contracts(t, hhUser(h)), contractsv1.Signature_PARTY_HOUSEHOLD, h)
	}
	official := auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue}
	c, err = w.contracts(t, official).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_ACTIVE, c.State)
	return c.Name
}

// deliver records and confirms an accepted delivery of qty kg by household h.
func (w *world) deliver(t *testing.T, contract, h string, qty int64) {
	ctx := context.Background()
	d, err := w.contracts(t, w.bizU).CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: contract, Delivery: &contractsv1.Delivery{
		Household: h, Lot: "lot-1", DeliveryDate: "2026-06-15", Quantity: qty, AcceptedQuantity: qty, Grade: "A"}})
	require.NoError(t, err)
	_, err = w.contracts(t, w.coopU).ConfirmDelivery(ctx, &contractsv1.ConfirmDeliveryRequest{Name: d.Name})
	require.NoError(t, err)
}

// payInFull pays every household its settlement balance.
func (w *world) payInFull(t *testing.T, contract string) {
	ctx := context.Background()
	st, err := w.contracts(t, w.bizU).GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: contract + "/settlement"})
	require.NoError(t, err)
	for _, l := range st.Households {
		if l.BalanceVnd <= 0 {
			continue
		}
		_, err := w.contracts(t, w.bizU).CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: contract, Payment: &contractsv1.Payment{
			Payee: w.coop, Household: l.Household, AmountVnd: l.BalanceVnd, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, Reference: "UNC", PaymentDate: "2026-07-05"}})
		require.NoError(t, err)
	}
}

var ict = time.FixedZone("ICT", 7*3600)

func day(offset int) string { return time.Now().In(ict).AddDate(0, 0, offset).Format(time.DateOnly) }

// call creates and publishes a provincial NTP-SEDEMA call open from 30 days ago to 60 days on.
func (w *world) call(t *testing.T, budget int64) *supportv1.Call {
	ctx := context.Background()
	inv := w.support(t, w.investor)
	c, err := inv.CreateCall(ctx, &supportv1.CreateCallRequest{Call: &supportv1.Call{
		Investor: w.province, DisplayName: "Kêu gọi dự án liên kết chuỗi giá trị 2026", Programme: "programmes/ntp-sedema",
		ProjectTypes: []supportv1.ProjectType{supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN, supportv1.ProjectType_PROJECT_TYPE_LIVELIHOOD},
		BudgetVnd:    budget, SubmissionWindow: &typesv1.DateWindow{StartDate: day(-30), EndDate: day(60)},
		CouncilMembers: []string{w.council[0].Subject, w.council[1].Subject}}})
	require.NoError(t, err)
	c, err = inv.PublishCall(ctx, &supportv1.PublishCallRequest{Name: c.Name})
	require.NoError(t, err)
	return c
}

// proposal is a value-chain proposal at 49% programme funding (VND 490 million of 1 billion):
// milestone m1 (40%) when half the contracted quantity is delivered and accepted and both
// contracts are witnessed; m2 (60%) when three households are paid in full, VND 1 million went
// to poor and near-poor households and 20 people attended training.
func proposal(contracts ...string) *supportv1.ProjectProposal {
	return &supportv1.ProjectProposal{
		ProjectType: supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN, DisplayName: "Chuỗi quế hữu cơ Châu Quế", Summary: "Liên kết sản xuất và tiêu thụ quế hữu cơ",
		Product: "products/cinnamon-bark", CommuneCodes: []string{places.ChauQue}, Period: &typesv1.DateWindow{StartDate: day(-180), EndDate: day(365)},
		BudgetLines: []*supportv1.BudgetLine{
			{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_CONSULTING, ProgrammeVnd: 40_000_000},
			{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE, ProgrammeVnd: 180_000_000, OwnerCashVnd: 420_000_000, Description: "Lò sấy quế"},
			{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_SEEDS_INPUTS, ProgrammeVnd: 240_000_000, OwnerInKindVnd: 60_000_000, ProductionCycles: 2},
			{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_TRAINING, ProgrammeVnd: 30_000_000, OwnerLabourVnd: 30_000_000},
		},
		Contracts: contracts,
		Milestones: []*supportv1.Milestone{
			{Id: "m1", Title: "Giao nhận vụ 1", DueDate: day(30), ReleaseShareBps: 4000, Indicators: []*supportv1.Indicator{
				{Kind: supportv1.IndicatorKind_INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE, Target: 5000},
				{Kind: supportv1.IndicatorKind_INDICATOR_KIND_CONTRACTS_WITNESSED, Target: int64(len(contracts))}}},
			{Id: "m2", Title: "Thanh toán đủ, tập huấn", DueDate: day(300), ReleaseShareBps: 6000, Indicators: []*supportv1.Indicator{
				{Kind: supportv1.IndicatorKind_INDICATOR_KIND_HOUSEHOLDS_PAID_IN_FULL, Target: 3},
				{Kind: supportv1.IndicatorKind_INDICATOR_KIND_POOR_VALUE_PAID, Target: 1_000_000},
				{Kind: supportv1.IndicatorKind_INDICATOR_KIND_TRAINING_ATTENDANCE, Target: 20}}},
		},
	}
}

// scoreAll has both council members score every criterion.
func (w *world) scoreAll(t *testing.T, project string, score int32) {
	for i, m := range w.council {
		_, err := w.support(t, m).ScoreProject(context.Background(), &supportv1.ScoreProjectRequest{Name: project, Comment: fmt.Sprint("Ý kiến ", i), Criteria: []*supportv1.CriterionScore{
			{Criterion: "feasibility", Score: score * 30 / 100}, {Criterion: "linkage", Score: score * 25 / 100}, {Criterion: "inclusion", Score: score * 20 / 100},
			{Criterion: "capacity", Score: score * 15 / 100}, {Criterion: "sustainability", Score: score * 10 / 100}}})
		require.NoError(t, err)
	}
}

// approvedProject takes a project through submission, appraisal and approval, and starts it.
func (w *world) approvedProject(t *testing.T, call string, contracts ...string) *supportv1.Project {
	ctx := context.Background()
	owner, inv := w.support(t, w.coopU), w.support(t, w.investor)
	p, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call, Owner: w.coop, Proposal: proposal(contracts...)}})
	require.NoError(t, err)
	_, err = owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name})
	require.NoError(t, err)
	w.scoreAll(t, p.Name, 80)
	_, err = inv.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: p.Name})
	require.NoError(t, err)
	_, err = inv.ApproveProject(ctx, &supportv1.ApproveProjectRequest{Name: p.Name, DecisionReference: "QĐ 123/QĐ-UBND"})
	require.NoError(t, err)
	p, err = owner.StartProject(ctx, &supportv1.StartProjectRequest{Name: p.Name})
	require.NoError(t, err)
	return p
}

func (w *world) spend(t *testing.T, project string, lines map[supportv1.SupportCategory]int64) {
	r := &supportv1.SpendingReport{ReportDate: day(0), DocumentReference: "Hóa đơn, biên bản nghiệm thu"}
	for c, a := range lines {
		r.Lines = append(r.Lines, &supportv1.SpendingLine{Category: c, AmountVnd: a})
	}
	_, err := w.support(t, w.coopU).CreateSpendingReport(context.Background(), &supportv1.CreateSpendingReportRequest{Parent: project, SpendingReport: r})
	require.NoError(t, err)
}

// failure asserts an error's gRPC code and ErrorInfo reason.
func failure(t *testing.T, err error, code codes.Code, reason string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
	require.Equal(t, reason, apierr.Reason(err), err.Error())
}

// rules lists the rule ids of an error's field violations.
func rules(err error) []string {
	var out []string
	for _, v := range apierr.FieldViolations(err) {
		out = append(out, v.Reason)
	}
	return out
}

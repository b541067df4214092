package transport_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/taxcode"
)

// A season world for the report tests: a registry and two contracts replicas (a second pod)
// over one store; two provinces of two communes each, a cooperative and its witness authority
// in each commune, two businesses, and households with random profiles, some of them members
// of cooperatives in both provinces (so they take part in contracts of two provinces).

type area struct{ province, commune string }

type producerOrg struct {
	name, authority string
	area            area
	members         []string
}

type seasonWorld struct {
	a         *testkit.Auth
	addrs     []string // the contracts replicas
	reg       registryv1.RegistryServiceClient
	areas     []area
	provinces []string
	buyers    []string
	producers []*producerOrg
	profiles  map[string]*registryv1.Household
	rng       *rand.Rand
	contracts []string
}

func newSeasonWorld(t *testing.T, seed uint64) *seasonWorld {
	t.Helper()
	ctx := t.Context() // the services' background work ends with the test
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	w := &seasonWorld{a: a, profiles: map[string]*registryv1.Household{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	regAddr := testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	for range 2 {
		addr := testkit.Serve(t, a, func(s *grpc.Server) {
			cfg := app.LoadConfig(config.FromMap(map[string]string{"REGISTRY_ADDR": regAddr, "REPORT_REFRESH_INTERVAL": "2s"}))
			require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "contracts", db), cfg))
		})
		w.addrs = append(w.addrs, addr)
	}
	w.reg = registryv1.NewRegistryServiceClient(testkit.Dial(t, regAddr, a.Token(t, admin)))
	w.pickAreas(t)
	w.register(t)
	return w
}

// pickAreas takes two provinces with at least two communes each from the registry's areas.
func (w *seasonWorld) pickAreas(t *testing.T) {
	ctx := context.Background()
	byProvince := map[string][]string{}
	for tok := ""; ; {
		res, err := w.reg.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{PageSize: 500, PageToken: tok})
		require.NoError(t, err)
		for _, ar := range res.GetAdminAreas() {
			if ar.GetLevel() == registryv1.AdminArea_LEVEL_COMMUNE {
				p := strings.TrimPrefix(ar.GetParentCode(), "adminAreas/")
				byProvince[p] = append(byProvince[p], ar.GetCode())
			}
		}
		if tok = res.GetNextPageToken(); tok == "" {
			break
		}
	}
	var provinces []string
	for p, cs := range byProvince {
		if len(cs) >= 2 {
			provinces = append(provinces, p)
		}
	}
	sort.Strings(provinces)
	require.GreaterOrEqual(t, len(provinces), 2, "the registry's areas have two provinces of two communes")
	for _, p := range provinces[:2] {
		cs := byProvince[p]
		sort.Strings(cs)
		w.provinces = append(w.provinces, p)
		w.areas = append(w.areas, area{p, cs[0]}, area{p, cs[1]})
	}
}

// register creates the parties: two businesses, a cooperative and an authority per commune,
// five households per cooperative; a few households join a cooperative of the other province.
func (w *seasonWorld) register(t *testing.T) {
	ctx := context.Background()
	org := func(kind registryv1.Organization_Kind, name, commune string) string {
		tc := taxcode.From(310_000_000 + 7*int64(len(w.buyers)+len(w.producers)))
		o, err := w.reg.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{
			Kind: kind, DisplayName: name, TaxCode: tc, Address: &registryv1.Address{CommuneCode: commune}}})
		require.NoError(t, err)
		return o.Name
	}
	w.buyers = append(w.buyers, org(registryv1.Organization_KIND_BUSINESS, "Công ty CP Nông sản Việt", w.areas[0].commune))
	w.buyers = append(w.buyers, org(registryv1.Organization_KIND_BUSINESS, "Công ty TNHH Xuất khẩu Sao Mai", w.areas[3].commune))
	statuses := []registryv1.PovertyStatus{registryv1.PovertyStatus_POVERTY_STATUS_POOR, registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR,
		registryv1.PovertyStatus_POVERTY_STATUS_RECENTLY_ESCAPED, registryv1.PovertyStatus_POVERTY_STATUS_NON_POOR}
	for i, ar := range w.areas {
		p := &producerOrg{area: ar, name: org(registryv1.Organization_KIND_COOPERATIVE, fmt.Sprintf("HTX số %d", i+1), ar.commune)}
		au, err := w.reg.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{
			Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: fmt.Sprintf("UBND xã %d", i+1), AdminAreaCode: ar.commune}})
		require.NoError(t, err)
		p.authority = au.Name
		for j := range 5 {
			h, err := w.reg.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: &registryv1.Household{
				HeadName: fmt.Sprintf("Hộ %d-%d", i, j), HeadGender: []registryv1.Gender{registryv1.Gender_GENDER_MALE, registryv1.Gender_GENDER_FEMALE}[w.rng.IntN(2)],
				MemberCount: 4, EthnicGroup: []string{"Kinh", "Dao", "Tày", "H'Mông"}[w.rng.IntN(4)], PovertyStatus: statuses[w.rng.IntN(len(statuses))],
				CommuneCode: ar.commune, Consent: &registryv1.DataConsent{ConsentDate: "2026-01-02", Purpose: "Hợp đồng liên kết"}}})
			require.NoError(t, err)
			w.profiles[h.Name] = h
			p.members = append(p.members, h.Name)
		}
		w.producers = append(w.producers, p)
	}
	// Two households of the first province also join a cooperative of the second.
	w.producers[2].members = append(w.producers[2].members, w.producers[0].members[:2]...)
	for _, p := range w.producers {
		for _, h := range p.members {
			_, err := w.reg.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: p.name, Membership: &registryv1.Membership{Household: h}})
			require.NoError(t, err)
		}
	}
}

// client is a contracts client for principal p on a random replica.
func (w *seasonWorld) client(t *testing.T, p auth.Principal) contractsv1.ContractsServiceClient {
	return contractsv1.NewContractsServiceClient(testkit.Dial(t, w.addrs[w.rng.IntN(len(w.addrs))], w.a.Token(t, p)))
}

func orgUser(org string, role auth.Role) auth.Principal {
	return auth.Principal{Subject: "users/" + org[len("organizations/"):], Role: role, Organization: org}
}

func communeOfficial(commune string) auth.Principal {
	return auth.Principal{Subject: "users/official-" + commune, Role: auth.RoleCommuneOfficial, AdminArea: commune}
}

// dateIn is a random date of month m (2026) between days lo and hi.
func (w *seasonWorld) day(month, lo, hi int) string {
	return fmt.Sprintf("2026-%02d-%02d", month, lo+w.rng.IntN(hi-lo+1))
}

// newTerms draws a contract's terms: a producer, two to four of its members, a product, a
// rulebook, a linkage form, a period in 2026 with two lots, a price and payment terms.
func (w *seasonWorld) newTerms() (*contractsv1.ContractTerms, string, *producerOrg) {
	p := w.producers[w.rng.IntN(len(w.producers))]
	rulebook := []string{"decree98", "ntp-sedema"}[w.rng.IntN(2)]
	members := append([]string(nil), p.members...)
	w.rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
	hh := members[:2+w.rng.IntN(3)]
	if rulebook == "ntp-sedema" && !w.mostlyPoor(hh) {
		rulebook = "decree98"
	}
	start := 1 + w.rng.IntN(8)
	end := min(12, start+2+w.rng.IntN(6))
	mid := start + (end-start)/2
	per := int64(2 * (50 + w.rng.IntN(100)))
	total := per * int64(len(hh))
	t := &contractsv1.ContractTerms{
		Buyer: w.buyers[w.rng.IntN(len(w.buyers))], Producer: p.name, WitnessAuthority: p.authority,
		LinkageForm: contractsv1.LinkageForm(1 + w.rng.IntN(4)), Product: []string{"products/cinnamon-bark", "products/star-anise"}[w.rng.IntN(2)],
		QualityStandard: "standards/VIETGAP", GradingRules: []*contractsv1.GradingRule{{Grade: "A"}, {Grade: "B", PriceAdjustmentBps: -1000}},
		TotalQuantity: total, ToleranceBps: 500,
		Lots: []*contractsv1.DeliveryLot{
			{Id: "lot-1", Window: &typesv1.DateWindow{StartDate: fmt.Sprintf("2026-%02d-01", start), EndDate: fmt.Sprintf("2026-%02d-28", mid)}, Place: "Kho HTX", Quantity: total / 2},
			{Id: "lot-2", Window: &typesv1.DateWindow{StartDate: fmt.Sprintf("2026-%02d-01", mid+1), EndDate: fmt.Sprintf("2026-%02d-28", end)}, Place: "Kho HTX", Quantity: total / 2},
		},
		PaymentTerms:       &contractsv1.PaymentTerms{DaysAfterDelivery: int32(5 + w.rng.IntN(25)), Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER},
		Obligations:        &contractsv1.Obligations{Buyer: []string{"Thu mua toàn bộ"}, Producer: []string{"Sản xuất theo VietGAP"}},
		Breach:             &contractsv1.BreachClause{PenaltyBps: int32(300 + w.rng.IntN(500)), Damages: "Thiệt hại thực tế"},
		ForceMajeureEvents: []contractsv1.ForceMajeureEvent{contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER},
		DisputeResolution:  &contractsv1.DisputeResolution{Steps: []contractsv1.DisputeStep{contractsv1.DisputeStep_DISPUTE_STEP_NEGOTIATION, contractsv1.DisputeStep_DISPUTE_STEP_COMMUNE_MEDIATION, contractsv1.DisputeStep_DISPUTE_STEP_COURT}},
		Period:             &typesv1.DateWindow{StartDate: fmt.Sprintf("2026-%02d-01", start), EndDate: fmt.Sprintf("2026-%02d-28", end)},
	}
	if w.rng.IntN(2) == 0 {
		t.PriceTerms = &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FIXED, FixedPriceVnd: int64(38000 + 1000*w.rng.IntN(6))}
	} else {
		t.PriceTerms = &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FLOOR_WITH_MARKET, FloorPriceVnd: 38000, MarketReference: "gia-que", PremiumBps: 500}
	}
	if t.LinkageForm == contractsv1.LinkageForm_LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE || t.LinkageForm == contractsv1.LinkageForm_LINKAGE_FORM_FULL_CHAIN {
		t.InputSupply = &contractsv1.InputSupply{Items: []*contractsv1.InputItem{{Description: "Phân bón hữu cơ", Quantity: 10, Unit: "bao", ValueVnd: 5_000_000}}, RecoveredAtSettlement: true, InterestRateBps: 600}
	}
	if rulebook == "ntp-sedema" {
		t.CoInvestment = &contractsv1.CoInvestment{TotalValueVnd: 500_000_000, OwnerShareBps: 6000}
	}
	for _, h := range hh {
		t.Allocations = append(t.Allocations, &contractsv1.Allocation{Household: h, Quantity: per, AreaM2: 5000, Mandate: &contractsv1.Mandate{Reference: "GUQ-01", Date: "2026-01-05"}})
	}
	return t, rulebook, p
}

// mostlyPoor: at most half of hh are non-poor (the NTP-SEDEMA profile's rule).
func (w *seasonWorld) mostlyPoor(hh []string) bool {
	n := 0
	for _, h := range hh {
		if w.profiles[h].GetPovertyStatus() == registryv1.PovertyStatus_POVERTY_STATUS_NON_POOR {
			n++
		}
	}
	return 2*n <= len(hh)
}

// Where a drawn contract ends up.
const (
	goalDraft = iota
	goalPending
	goalCancelled
	goalWitnessRejected
	goalActive
	goalTerminated
)

// addContract draws a contract and takes it to a random state; an active one gets deliveries,
// advances, payments and incidents.
func (w *seasonWorld) addContract(t *testing.T) {
	ctx := context.Background()
	terms, rulebook, p := w.newTerms()
	buyerP, producerP := orgUser(terms.Buyer, auth.RoleBusiness), orgUser(p.name, auth.RoleProducer)
	goal := []int{goalDraft, goalPending, goalCancelled, goalWitnessRejected, goalActive, goalActive, goalActive, goalTerminated}[w.rng.IntN(8)]
	c, err := w.client(t, buyerP).CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms, Rulebook: rulebook}})
	require.NoError(t, err)
	w.contracts = append(w.contracts, c.Name)
	switch goal {
	case goalDraft:
		return
	case goalCancelled:
		_, err = w.client(t, buyerP).CancelContract(ctx, &contractsv1.CancelContractRequest{Name: c.Name, Reason: "Không đạt thỏa thuận giá"})
		require.NoError(t, err)
		return
	}
	v, err := w.client(t, buyerP).ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Empty(t, v.Violations, "drawn terms pass %s", rulebook)
	c, err = w.client(t, buyerP).SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.NoError(t, err)
	if goal == goalPending {
		return
	}
	for _, s := range []struct {
		p     auth.Principal
		party contractsv1.Signature_Party
	}{{buyerP, contractsv1.Signature_PARTY_BUYER}, {producerP, contractsv1.Signature_PARTY_PRODUCER}} {
		_, err = w.client(t, s.p).SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: s.party, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	for _, a := range terms.Allocations {
		_, err = w.client(t, producerP).SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: a.Household, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	official := w.client(t, communeOfficial(p.area.commune))
	if goal == goalWitnessRejected {
		_, err = official.RejectWitnessContract(ctx, &contractsv1.RejectWitnessContractRequest{Name: c.Name, Reason: "Thiếu phụ lục diện tích"})
		require.NoError(t, err)
		return
	}
	_, err = official.WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash})
	require.NoError(t, err)
	w.execute(t, c.Name, terms, buyerP, producerP, p)
	if goal == goalTerminated {
		cur, err := w.client(t, buyerP).GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
		require.NoError(t, err)
		if cur.State == contractsv1.ContractState_CONTRACT_STATE_ACTIVE || cur.State == contractsv1.ContractState_CONTRACT_STATE_SUSPENDED {
			_, err = w.client(t, buyerP).TerminateContract(ctx, &contractsv1.TerminateContractRequest{Name: c.Name, Reason: "Bên sản xuất vi phạm nghiêm trọng"})
			require.NoError(t, err)
		}
	}
}

// execute records a season under an active contract.
func (w *seasonWorld) execute(t *testing.T, name string, terms *contractsv1.ContractTerms, buyerP, producerP auth.Principal, p *producerOrg) {
	ctx := context.Background()
	if terms.InputSupply != nil {
		for _, a := range terms.Allocations[:w.rng.IntN(len(terms.Allocations)+1)] {
			_, err := w.client(t, buyerP).CreateInputAdvance(ctx, &contractsv1.CreateInputAdvanceRequest{Parent: name, InputAdvance: &contractsv1.InputAdvance{
				Household: a.Household, AdvanceDate: w.day(lotMonth(terms, 0), 1, 10), Description: "Phân bón", ValueVnd: int64(100_000 * (1 + w.rng.IntN(20)))}})
			require.NoError(t, err)
		}
	}
	var deliveries []*contractsv1.Delivery
	for li, lot := range terms.Lots {
		for _, a := range terms.Allocations {
			if w.rng.IntN(4) == 0 {
				continue
			}
			q := int64(1 + w.rng.IntN(int(a.Quantity/2)))
			d := &contractsv1.Delivery{Household: a.Household, Lot: lot.Id, DeliveryDate: w.day(lotMonth(terms, li), 1, 28), Quantity: q, AcceptedQuantity: q, Grade: []string{"A", "B"}[w.rng.IntN(2)]}
			if w.rng.IntN(4) == 0 {
				d.AcceptedQuantity, d.RejectionReason = q-int64(w.rng.IntN(int(q))), "Độ ẩm vượt 14%"
			}
			if terms.PriceTerms.Type == typesv1.PriceType_PRICE_TYPE_FLOOR_WITH_MARKET {
				d.MarketPriceVnd = int64(34000 + 500*w.rng.IntN(20))
			}
			got, err := w.client(t, buyerP).CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: name, Delivery: d})
			require.NoError(t, err)
			deliveries = append(deliveries, got)
		}
	}
	w.pay(t, name, terms, buyerP)
	w.incidents(t, name, terms, deliveries, buyerP, producerP, p)
}

// lotMonth is the first month of lot i.
func lotMonth(terms *contractsv1.ContractTerms, i int) int {
	var m int
	_, _ = fmt.Sscanf(terms.Lots[i].Window.StartDate, "2026-%02d", &m)
	return m
}

// pay pays part of some households' balances, some late.
func (w *seasonWorld) pay(t *testing.T, name string, terms *contractsv1.ContractTerms, buyerP auth.Principal) {
	ctx := context.Background()
	st, err := w.client(t, buyerP).GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: name + "/settlement"})
	require.NoError(t, err)
	for _, l := range st.Households {
		if l.BalanceVnd <= 0 || w.rng.IntN(3) == 0 {
			continue
		}
		amount := l.BalanceVnd
		if w.rng.IntN(2) == 0 {
			amount = max(1, l.BalanceVnd*int64(30+w.rng.IntN(70))/100)
		}
		payee, household := l.Household, ""
		if w.rng.IntN(2) == 0 {
			payee, household = terms.Producer, l.Household
		}
		month := min(12, lotMonth(terms, w.rng.IntN(2))+w.rng.IntN(3))
		_, err := w.client(t, buyerP).CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: name, Payment: &contractsv1.Payment{
			Payee: payee, Household: household, AmountVnd: amount, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, PaymentDate: w.day(month, 1, 28)}})
		require.NoError(t, err)
	}
}

// incidents opens and settles some incidents: a disputed delivery, side-selling upheld, a late
// payment mediated, a force majeure accepted or rejected, one left open.
func (w *seasonWorld) incidents(t *testing.T, name string, terms *contractsv1.ContractTerms, deliveries []*contractsv1.Delivery, buyerP, producerP auth.Principal, p *producerOrg) {
	ctx := context.Background()
	buyer, producer, official := w.client(t, buyerP), w.client(t, producerP), w.client(t, communeOfficial(p.area.commune))
	if len(deliveries) > 0 && w.rng.IntN(3) == 0 {
		_, err := producer.DisputeDelivery(ctx, &contractsv1.DisputeDeliveryRequest{Name: deliveries[0].Name, Reason: "Phân loại sai"})
		require.NoError(t, err)
	}
	if len(deliveries) > 1 && w.rng.IntN(2) == 0 {
		_, err := producer.ConfirmDelivery(ctx, &contractsv1.ConfirmDeliveryRequest{Name: deliveries[1].Name})
		require.NoError(t, err)
	}
	open := func(cl contractsv1.ContractsServiceClient, in *contractsv1.Incident) *contractsv1.Incident {
		got, err := cl.CreateIncident(ctx, &contractsv1.CreateIncidentRequest{Parent: name, Incident: in})
		require.NoError(t, err)
		return got
	}
	switch w.rng.IntN(5) {
	case 0:
		i := open(buyer, &contractsv1.Incident{Kind: contractsv1.Incident_KIND_SIDE_SELLING, Description: "Bán cho thương lái", BreachingParty: terms.Producer, BreachedValueVnd: int64(1_000_000 * (1 + w.rng.IntN(9)))})
		_, err := buyer.ResolveIncident(ctx, &contractsv1.ResolveIncidentRequest{Name: i.Name, Outcome: "Bên sản xuất nộp phạt", BreachUpheld: true})
		require.NoError(t, err)
	case 1:
		i := open(producer, &contractsv1.Incident{Kind: contractsv1.Incident_KIND_LATE_PAYMENT, Description: "Chậm thanh toán", BreachingParty: terms.Buyer, BreachedValueVnd: 2_000_000})
		_, err := official.MediateIncident(ctx, &contractsv1.MediateIncidentRequest{Name: i.Name})
		require.NoError(t, err)
		if w.rng.IntN(2) == 0 {
			_, err = official.ResolveIncident(ctx, &contractsv1.ResolveIncidentRequest{Name: i.Name, Outcome: "Hai bên thống nhất lịch trả"})
			require.NoError(t, err)
		}
	case 2:
		i := open(producer, &contractsv1.Incident{Kind: contractsv1.Incident_KIND_FORCE_MAJEURE, Description: "Lũ quét", ForceMajeureEvent: contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER, AffectedLots: []string{"lot-2"}})
		_, err := official.VerifyIncident(ctx, &contractsv1.VerifyIncidentRequest{Name: i.Name, Accept: w.rng.IntN(2) == 0, Note: "Đã kiểm tra hiện trường"})
		require.NoError(t, err)
	case 3:
		open(buyer, &contractsv1.Incident{Kind: contractsv1.Incident_KIND_REFUSAL_TO_BUY, Description: "Từ chối nhận hàng", BreachingParty: terms.Buyer, BreachedValueVnd: 500_000})
	}
}

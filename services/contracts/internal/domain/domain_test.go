package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/contracts/rulebooks"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// requireAPIError asserts the gRPC code and the ErrorInfo reason a domain error answers with.
func requireAPIError(t *testing.T, err error, c codes.Code, reason string, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, c, status.Code(err), msgAndArgs...)
	require.Equal(t, reason, apierr.Reason(err), msgAndArgs...)
}

func books(t testing.TB) Rulebooks {
	rb, err := LoadRulebooks(rulebooks.FS)
	require.NoError(t, err)
	return rb
}

func goodTerms() Terms {
	return Terms{
		Buyer: "organizations/b", Producer: "organizations/p", WitnessAuthority: "authorities/w",
		LinkageForm: "INPUT_SUPPLY_AND_PURCHASE", Product: "products/cinnamon-bark", QualityStandard: "standards/VIETGAP",
		GradingRules:  []GradingRule{{Grade: "A", PriceAdjustmentBps: 0}, {Grade: "B", PriceAdjustmentBps: -1000}},
		TotalQuantity: 3000, ToleranceBps: 500,
		Allocations:        []Allocation{{Household: "households/h1", Quantity: 1000, AreaM2: 5000}, {Household: "households/h2", Quantity: 2000, AreaM2: 9000, Mandate: &Mandate{Reference: "UQ-01", Date: "2026-01-05"}}},
		Lots:               []Lot{{ID: "lot-1", Window: DateWindow{"2026-06-01", "2026-06-15"}, Place: "Kho HTX", Quantity: 1500}, {ID: "lot-2", Window: DateWindow{"2026-09-01", "2026-09-15"}, Place: "Kho HTX", Quantity: 1500}},
		Price:              PriceTerms{Type: PriceFloorWithMarket, FloorPriceVND: 38000, MarketReference: "yen-bai-cinnamon", PremiumBps: 500},
		Payment:            PaymentTerms{DaysAfterDelivery: 15, Method: "BANK_TRANSFER"},
		InputSupply:        &InputSupply{Items: []InputItem{{Description: "Phân bón hữu cơ", Quantity: 100, Unit: "bao", ValueVND: 30_000_000}}, RecoveredAtSettlement: true, InterestRateBps: 0},
		Obligations:        Obligations{Buyer: []string{"Thu mua toàn bộ sản lượng đạt chuẩn"}, Producer: []string{"Tổ chức sản xuất theo VietGAP"}},
		Breach:             Breach{PenaltyBps: 800, Damages: "Bồi thường thiệt hại thực tế"},
		ForceMajeureEvents: []string{"NATURAL_DISASTER", "EPIDEMIC"},
		DisputeSteps:       []string{"NEGOTIATION", "COMMUNE_MEDIATION", "COURT"},
		Period:             DateWindow{"2026-01-01", "2026-12-31"},
		CoInvestment:       &CoInvestment{TotalValueVND: 1_000_000_000, OwnerShareBps: 5100},
	}
}

func goodFacts() Facts {
	return Facts{
		Buyer:    &OrgFact{Kind: "BUSINESS", State: "ACTIVE", CommuneCode: places.SaiGon},
		Producer: &OrgFact{Kind: "COOPERATIVE", State: "ACTIVE", CommuneCode: places.ChauQue},
		Witness:  &AuthorityFact{Kind: "COMMUNE_PEOPLES_COMMITTEE", AdminAreaCode: places.ChauQue},
		Product:  &ProductFact{Grades: []string{"A", "B", "C"}, Unit: "kg"},
		Standard: true,
		Households: map[string]HouseholdFact{
			"households/h1": {Exists: true, ActiveMember: true, Eligible: true, Poverty: "POOR"},
			"households/h2": {Exists: true, ActiveMember: true, Eligible: true, Poverty: "NON_POOR"},
		},
	}
}

func TestRulebooksLoadAndResolve(t *testing.T) {
	rb := books(t)
	_, label, ok := rb.Resolve("ntp-sedema")
	require.True(t, ok)
	require.Equal(t, "ntp-sedema@2026.1+decree98@2026.1", label)
	_, _, ok = rb.Resolve("nope")
	require.False(t, ok)
	vs, label, err := rb.Validate("ntp-sedema", goodTerms(), goodFacts())
	require.NoError(t, err)
	require.Empty(t, vs)
	require.Contains(t, label, "decree98@")
}

func TestEveryRule(t *testing.T) {
	rb := books(t)
	cases := map[string]struct {
		mutT func(*Terms)
		mutF func(*Facts)
		rule string
	}{
		"buyer missing":         {func(t *Terms) { t.Buyer = "" }, nil, "D98-PARTIES"},
		"buyer unknown":         {nil, func(f *Facts) { f.Buyer = nil }, "D98-PARTIES"},
		"buyer suspended":       {nil, func(f *Facts) { f.Buyer.State = "SUSPENDED" }, "D98-PARTIES"},
		"buyer is a group":      {nil, func(f *Facts) { f.Buyer.Kind = "PRODUCTION_GROUP" }, "D98-PARTIES"},
		"producer a business":   {nil, func(f *Facts) { f.Producer.Kind = "BUSINESS" }, "D98-PARTIES"},
		"same party":            {func(t *Terms) { t.Producer = t.Buyer }, nil, "D98-PARTIES"},
		"witness other commune": {nil, func(f *Facts) { f.Witness.AdminAreaCode = places.DongCuong }, "D98-WITNESS"},
		"witness province":      {nil, func(f *Facts) { f.Witness.Kind = "PROVINCE_PEOPLES_COMMITTEE" }, "D98-WITNESS"},
		"no linkage form":       {func(t *Terms) { t.LinkageForm = "" }, nil, "D98-LINKAGE-FORM"},
		"unknown product":       {nil, func(f *Facts) { f.Product = nil }, "D98-PRODUCT"},
		"no standard":           {func(t *Terms) { t.QualityStandard = "" }, nil, "D98-STANDARD"},
		"no grading":            {func(t *Terms) { t.GradingRules = nil }, nil, "D98-GRADING"},
		"foreign grade":         {func(t *Terms) { t.GradingRules[0].Grade = "Z" }, nil, "D98-GRADING"},
		"huge adjustment":       {func(t *Terms) { t.GradingRules[1].PriceAdjustmentBps = -9000 }, nil, "D98-GRADING"},
		"zero quantity":         {func(t *Terms) { t.TotalQuantity = 0 }, nil, "D98-QUANTITY"},
		"tolerance":             {func(t *Terms) { t.ToleranceBps = 5000 }, nil, "D98-QUANTITY"},
		"allocation sum":        {func(t *Terms) { t.Allocations[0].Quantity = 999 }, nil, "D98-ALLOCATION-SUM"},
		"negative allocation":   {func(t *Terms) { t.Allocations[0].Quantity = -1 }, nil, "D98-ALLOCATION-SUM"},
		"dup household":         {func(t *Terms) { t.Allocations[1].Household = t.Allocations[0].Household }, nil, "D98-ALLOCATION-SUM"},
		"non-member": {nil, func(f *Facts) {
			h := f.Households["households/h1"]
			h.ActiveMember = false
			f.Households["households/h1"] = h
		}, "D98-HOUSEHOLDS"},
		"no consent": {nil, func(f *Facts) {
			h := f.Households["households/h1"]
			h.Eligible = false
			f.Households["households/h1"] = h
		}, "D98-HOUSEHOLDS"},
		"bad mandate":        {func(t *Terms) { t.Allocations[1].Mandate.Date = "x" }, nil, "D98-HOUSEHOLDS"},
		"lots sum":           {func(t *Terms) { t.Lots[1].Quantity = 1 }, nil, "D98-LOTS"},
		"lot window order":   {func(t *Terms) { t.Lots[0].Window = DateWindow{"2026-06-15", "2026-06-01"} }, nil, "D98-LOTS"},
		"lot no place":       {func(t *Terms) { t.Lots[0].Place = "" }, nil, "D98-LOTS"},
		"lot outside period": {func(t *Terms) { t.Lots[1].Window.End = "2027-01-05" }, nil, "D98-LOTS-IN-PERIOD"},
		"period order":       {func(t *Terms) { t.Period = DateWindow{"2026-12-31", "2026-01-01"} }, nil, "D98-PERIOD"},
		"period format":      {func(t *Terms) { t.Period.Start = "01/01/2026" }, nil, "D98-PERIOD"},
		"price type":         {func(t *Terms) { t.Price.Type = "" }, nil, "D98-PRICE"},
		"floor zero":         {func(t *Terms) { t.Price.FloorPriceVND = 0 }, nil, "D98-PRICE"},
		"no market ref":      {func(t *Terms) { t.Price.MarketReference = "" }, nil, "D98-PRICE"},
		"fixed zero":         {func(t *Terms) { t.Price = PriceTerms{Type: PriceFixed} }, nil, "D98-PRICE"},
		"cost plus margin":   {func(t *Terms) { t.Price = PriceTerms{Type: PriceCostPlus, CostPriceVND: 1, MarginBps: -1} }, nil, "D98-PRICE"},
		"payment days":       {func(t *Terms) { t.Payment.DaysAfterDelivery = 91 }, nil, "D98-PAYMENT"},
		"payment method":     {func(t *Terms) { t.Payment.Method = "" }, nil, "D98-PAYMENT"},
		"inputs missing":     {func(t *Terms) { t.InputSupply = nil }, nil, "D98-INPUTS"},
		"inputs interest":    {func(t *Terms) { t.InputSupply.InterestRateBps = 9000 }, nil, "D98-INPUTS"},
		"obligations":        {func(t *Terms) { t.Obligations.Buyer = nil }, nil, "D98-OBLIGATIONS"},
		"penalty over 8%":    {func(t *Terms) { t.Breach.PenaltyBps = 801 }, nil, "D98-PENALTY-CAP"},
		"no damages":         {func(t *Terms) { t.Breach.Damages = "" }, nil, "D98-PENALTY-CAP"},
		"no force majeure":   {func(t *Terms) { t.ForceMajeureEvents = nil }, nil, "D98-FORCE-MAJEURE"},
		"dispute order":      {func(t *Terms) { t.DisputeSteps = []string{"COURT"} }, nil, "D98-DISPUTE"},
		"non-poor share": {nil, func(f *Facts) {
			h := f.Households["households/h1"]
			h.Poverty = "NON_POOR"
			f.Households["households/h1"] = h
		}, "SEDEMA-NONPOOR-SHARE"},
		"owner share":      {func(t *Terms) { t.CoInvestment.OwnerShareBps = 5000 }, nil, "SEDEMA-OWNER-SHARE"},
		"no co-investment": {func(t *Terms) { t.CoInvestment = nil }, nil, "SEDEMA-OWNER-SHARE"},
	}
	for name, tc := range cases {
		tm, f := goodTerms(), goodFacts()
		if tc.mutT != nil {
			tc.mutT(&tm)
		}
		if tc.mutF != nil {
			tc.mutF(&f)
		}
		vs, _, err := rb.Validate("ntp-sedema", tm, f)
		require.NoError(t, err)
		ids := []string{}
		for _, v := range vs {
			ids = append(ids, v.RuleID)
			require.NotEmpty(t, v.Field)
			require.NotEmpty(t, v.MessageVI)
			require.NotEmpty(t, v.MessageEN)
		}
		require.Contains(t, ids, tc.rule, name)
	}
	// The base rulebook does not apply the profile's rules.
	tm := goodTerms()
	tm.CoInvestment = nil
	vs, _, err := rb.Validate("decree98", tm, goodFacts())
	require.NoError(t, err)
	require.Empty(t, vs)
	// All violations come at once.
	vs, _, _ = rb.Validate("decree98", Terms{}, Facts{})
	require.GreaterOrEqual(t, len(vs), 12)
}

func FuzzValidate(f *testing.F) {
	rb := books(f)
	f.Add(int64(3000), int64(1000), int64(2000), int32(800), "2026-01-01", "2026-12-31", int64(38000), int32(500))
	f.Add(int64(-1), int64(1<<62), int64(1<<62), int32(-5), "x", "", int64(0), int32(99999))
	f.Fuzz(func(t *testing.T, total, a1, a2 int64, penalty int32, start, end string, price int64, premium int32) {
		tm := goodTerms()
		tm.TotalQuantity, tm.Allocations[0].Quantity, tm.Allocations[1].Quantity = total, a1, a2
		tm.Breach.PenaltyBps, tm.Period = penalty, DateWindow{start, end}
		tm.Price.FloorPriceVND, tm.Price.PremiumBps = price, premium
		vs, _, err := rb.Validate("ntp-sedema", tm, goodFacts())
		require.NoError(t, err)
		has := func(id string) bool {
			for _, v := range vs {
				if v.RuleID == id {
					return true
				}
			}
			return false
		}
		if penalty > 800 || penalty < 0 {
			require.True(t, has("D98-PENALTY-CAP"))
		}
		if a1 > 0 && a2 > 0 && a1+a2 > 0 && a1+a2 != total {
			require.True(t, has("D98-ALLOCATION-SUM"))
		}
		if len(vs) == 0 {
			require.Equal(t, total, a1+a2)
			require.LessOrEqual(t, penalty, int32(800))
		}
	})
}

func TestTermsHashStable(t *testing.T) {
	a, b := goodTerms(), goodTerms()
	require.Equal(t, a.Hash(), b.Hash())
	b.Seasons = []string{}
	require.Equal(t, a.Hash(), b.Hash(), "nil and empty lists hash alike")
	b.Lots[0].Quantity++
	require.NotEqual(t, a.Hash(), b.Hash())
}

var now = time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC)

func submitted() *Contract {
	c := &Contract{ID: "c1", State: StateDraft, ProducerCommuneCode: places.ChauQue}
	c.SetTerms(goodTerms())
	if err := c.Submit(nil); err != nil {
		panic(err)
	}
	return c
}

var (
	buyerUser    = Actor{Subject: "users/b", Role: "business", Organization: "organizations/b"}
	producerUser = Actor{Subject: "users/p", Role: "producer", Organization: "organizations/p"}
	h1User       = Actor{Subject: "users/h1", Role: "household", Household: "households/h1"}
	official     = Actor{Subject: "users/o", Role: "commune_official", AdminArea: places.ChauQue}
)

func signAll(t *testing.T, c *Contract, hash string) {
	require.NoError(t, c.Sign(buyerUser, PartyBuyer, "", hash, now))
	require.NoError(t, c.Sign(producerUser, PartyProducer, "", hash, now))
	require.NoError(t, c.Sign(h1User, PartyHousehold, "households/h1", hash, now))
	require.NoError(t, c.Sign(producerUser, PartyHousehold, "households/h2", hash, now), "producer signs for h2 under its mandate")
}

func TestLifecycleHappyPath(t *testing.T) {
	c := submitted()
	require.Equal(t, StatePendingSignatures, c.State)
	err := c.Sign(buyerUser, PartyBuyer, "", "stale", now)
	require.ErrorContains(t, err, "terms changed")
	requireAPIError(t, err, codes.FailedPrecondition, "TERMS_CHANGED")
	require.NoError(t, c.Sign(buyerUser, PartyBuyer, "", c.TermsHash, now))
	require.Equal(t, ErrAlreadyDone, c.Sign(buyerUser, PartyBuyer, "", c.TermsHash, now))
	require.Equal(t, StatePendingSignatures, c.State)
	require.NoError(t, c.Sign(producerUser, PartyProducer, "", c.TermsHash, now))
	require.NoError(t, c.Sign(h1User, PartyHousehold, "households/h1", c.TermsHash, now))
	require.Equal(t, []string{"HOUSEHOLD/households/h2"}, Missing(c.Terms, c.Signatures))
	require.NoError(t, c.Sign(producerUser, PartyHousehold, "households/h2", c.TermsHash, now))
	require.Equal(t, StatePendingWitness, c.State)
	require.Equal(t, "UQ-01", c.Signatures[3].MandateReference)

	var fe *ForbiddenError
	err = c.WitnessBy(Actor{Subject: "users/x", Role: "commune_official", AdminArea: places.DongCuong}, "authorities/w", c.TermsHash, now)
	require.ErrorAs(t, err, &fe)
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	require.NoError(t, c.WitnessBy(official, "authorities/w", c.TermsHash, now))
	require.Equal(t, StateActive, c.State)

	// Amendment: same signatures and witness again.
	nt := c.Terms
	nt.Price.FloorPriceVND = 40000
	require.NoError(t, c.Amend(nt, "giá sàn tăng", now))
	requireAPIError(t, c.Amend(nt, "again", now), codes.FailedPrecondition, "AMENDMENT_PENDING", "one amendment at a time")
	requireAPIError(t, c.WitnessBy(official, "authorities/w", c.PendingAmendment.TermsHash, now), codes.FailedPrecondition, "INVALID_STATE", "not signed yet")
	signAll(t, c, c.PendingAmendment.TermsHash)
	require.NoError(t, c.WitnessBy(official, "authorities/w", c.PendingAmendment.TermsHash, now))
	require.EqualValues(t, 40000, c.Terms.Price.FloorPriceVND)
	require.EqualValues(t, 1, c.AmendmentCount)
	require.Nil(t, c.PendingAmendment)

	require.NoError(t, c.Suspend("bão"))
	requireAPIError(t, c.Suspend("again"), codes.FailedPrecondition, "INVALID_STATE", "already suspended")
	// While suspended, the parties may amend (a disaster cut the harvest): the amendment takes
	// effect on witness and the contract stays suspended until resumed.
	cut := c.Terms
	cut.TotalQuantity = c.Terms.TotalQuantity / 2
	require.NoError(t, c.Amend(cut, "bão làm giảm sản lượng", now))
	signAll(t, c, c.PendingAmendment.TermsHash)
	require.NoError(t, c.WitnessBy(official, "authorities/w", c.PendingAmendment.TermsHash, now))
	require.Equal(t, StateSuspended, c.State)
	require.Equal(t, cut.TotalQuantity, c.Terms.TotalQuantity)
	require.EqualValues(t, 2, c.AmendmentCount)
	require.NoError(t, c.Resume())
	require.Equal(t, StateActive, c.State)
	requireAPIError(t, c.Resume(), codes.FailedPrecondition, "INVALID_STATE", "only a suspended contract resumes")
	require.NoError(t, c.Complete())
	require.NoError(t, c.Acknowledge(buyerUser))
	require.Equal(t, StateCompleted, c.State)
	require.NoError(t, c.Acknowledge(producerUser))
	require.Equal(t, StateLiquidated, c.State)
}

func TestSigningCapacity(t *testing.T) {
	c := submitted()
	var fe *ForbiddenError
	for name, tc := range map[string]struct {
		a         Actor
		party, hh string
	}{
		"other org as buyer":       {Actor{Subject: "u", Role: "business", Organization: "organizations/x"}, PartyBuyer, ""},
		"buyer as producer":        {buyerUser, PartyProducer, ""},
		"household for another":    {h1User, PartyHousehold, "households/h2"},
		"producer without mandate": {producerUser, PartyHousehold, "households/h1"},
		"stranger household":       {Actor{Subject: "u", Role: "household", Household: "households/h9"}, PartyHousehold, "households/h9"},
		"official signing":         {official, PartyBuyer, ""},
		"unknown party":            {buyerUser, "WITNESS", ""},
	} {
		err := c.Sign(tc.a, tc.party, tc.hh, c.TermsHash, now)
		require.ErrorAs(t, err, &fe, name)
		requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", name)
	}
	require.Empty(t, c.Signatures)
}

func TestIllegalTransitionsNameTheState(t *testing.T) {
	draft := &Contract{State: StateDraft}
	var se *StateError
	for name, err := range map[string]error{
		"sign draft":      draft.Sign(buyerUser, PartyBuyer, "", "", now),
		"witness draft":   (&Contract{State: StateDraft, ProducerCommuneCode: places.ChauQue}).WitnessBy(official, "a", "", now),
		"terminate draft": draft.Terminate("x"),
		"complete draft":  draft.Complete(),
		"ack draft":       draft.Acknowledge(buyerUser),
		"amend draft":     draft.Amend(Terms{}, "x", now),
		"resume draft":    draft.Resume(),
		"cancel active":   (&Contract{State: StateActive}).Cancel("x"),
		"edit active":     (&Contract{State: StateActive}).UpdateTerms(Terms{}),
		"submit pending":  (&Contract{State: StatePendingWitness}).Submit(nil),
	} {
		require.ErrorAs(t, err, &se, name)
		require.True(t, strings.Contains(se.Message, "state") || se.Reason != "", name)
		requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", name)
	}
	require.ErrorContains(t, draft.Terminate("x"), "DRAFT")
	err := (&Contract{State: StateDraft}).Submit([]Violation{{RuleID: "D98-PRICE", Field: "terms.price_terms"}})
	require.ErrorContains(t, err, "rule")
	requireAPIError(t, err, codes.FailedPrecondition, "RULES_NOT_SATISFIED")
	require.Equal(t, "D98-PRICE", apierr.FieldViolations(err)[0].Reason)
	require.Equal(t, "terms.price_terms", apierr.FieldViolations(err)[0].Field)
}

func TestWitnessRejectionAndCancel(t *testing.T) {
	c := submitted()
	signAll(t, c, c.TermsHash)
	require.NoError(t, c.RejectWitness(official, "authorities/w", "thiếu bản đồ vùng trồng", now))
	require.Equal(t, StateWitnessRejected, c.State)
	require.Empty(t, c.Signatures)
	nt := c.Terms
	nt.Seasons = []string{"2026"}
	require.NoError(t, c.UpdateTerms(nt))
	require.Equal(t, StateDraft, c.State)
	require.NoError(t, c.Submit(nil))
	require.NoError(t, c.Cancel("bên mua rút"))
	require.Equal(t, StateCancelled, c.State)
}

func TestAuditChain(t *testing.T) {
	c := &Contract{ID: "c1"}
	for i := 0; i < 5; i++ {
		c.Append("contract.changed", "users/a", "admin", map[string]any{"i": i}, now.Add(time.Duration(i)*time.Microsecond*1500))
	}
	ev := c.PendingEvents
	require.Nil(t, VerifyChain(ev))
	tampered := append([]Event(nil), ev...)
	tampered[2].Payload = `{"i":99}`
	require.EqualValues(t, 3, VerifyChain(tampered).Seq)
	dropped := append(append([]Event(nil), ev[:1]...), ev[2:]...)
	require.EqualValues(t, 2, VerifyChain(dropped).Seq)
	relinked := append([]Event(nil), ev...)
	relinked[3].PreviousHash = "00"
	relinked[3].Hash = HashEvent(relinked[3])
	require.EqualValues(t, 4, VerifyChain(relinked).Seq)
	require.Equal(t, ev[1].Time, ev[1].Time.Truncate(time.Millisecond), "times are stored at BSON precision")
}

// TestSignMessageSaysWhy: an ACTIVE contract with nothing to sign is refused with a message
// that does not contradict itself (it used to say "cannot sign in state ACTIVE (allowed in:
// PENDING_SIGNATURES, ACTIVE…)").
func TestSignMessageSaysWhy(t *testing.T) {
	c := &Contract{ID: "c1", State: StateActive}
	_, err := c.signingTable()
	require.Equal(t, "INVALID_STATE", apierr.Reason(err))
	require.Contains(t, err.Error(), "no amendment awaiting signatures")
	require.NotContains(t, err.Error(), "allowed in")
	c.State = StateCompleted
	_, err = c.signingTable()
	require.Contains(t, err.Error(), "cannot sign a contract in state COMPLETED")
}

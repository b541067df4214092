package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/lienket/lienket/services/platform/apierr"
)

func goodDelivery() DeliveryInput {
	return DeliveryInput{Household: "households/h1", Lot: "lot-1", Date: "2026-06-10", Quantity: 100, AcceptedQuantity: 90, Grade: "A", RejectionReason: "Độ ẩm vượt 14%"}
}

func TestCheckDelivery(t *testing.T) {
	c := active()
	for name, tc := range map[string]struct {
		mut  func(*DeliveryInput)
		want []string
	}{
		"good":                  {func(*DeliveryInput) {}, nil},
		"rejected consistent":   {func(d *DeliveryInput) { d.RejectedQuantity = 10 }, nil},
		"all accepted":          {func(d *DeliveryInput) { d.AcceptedQuantity, d.RejectionReason = 100, "" }, nil},
		"stranger household":    {func(d *DeliveryInput) { d.Household = "households/h9" }, []string{"delivery.household:CONTRACT_HOUSEHOLD"}},
		"unknown lot":           {func(d *DeliveryInput) { d.Lot = "lot-9" }, []string{"delivery.lot:CONTRACT_LOT"}},
		"no date":               {func(d *DeliveryInput) { d.Date = "" }, []string{"delivery.delivery_date:REQUIRED"}},
		"bad date":              {func(d *DeliveryInput) { d.Date = "10/06/2026" }, []string{"delivery.delivery_date:DATE_FORMAT"}},
		"zero quantity":         {func(d *DeliveryInput) { d.Quantity, d.AcceptedQuantity = 0, 0 }, []string{"delivery.quantity:RANGE"}},
		"huge quantity":         {func(d *DeliveryInput) { d.Quantity = MaxQuantity + 1 }, []string{"delivery.quantity:RANGE"}},
		"accepted over":         {func(d *DeliveryInput) { d.AcceptedQuantity = 101 }, []string{"delivery.accepted_quantity:RANGE"}},
		"accepted negative":     {func(d *DeliveryInput) { d.AcceptedQuantity = -1 }, []string{"delivery.accepted_quantity:RANGE"}},
		"rejected inconsistent": {func(d *DeliveryInput) { d.RejectedQuantity = 5 }, []string{"delivery.rejected_quantity:CONSISTENCY"}},
		"rejected, no reason":   {func(d *DeliveryInput) { d.RejectionReason = " " }, []string{"delivery.rejection_reason:REQUIRED"}},
		"long reason":           {func(d *DeliveryInput) { d.RejectionReason = strings.Repeat("ằ", MaxNoteText+1) }, []string{"delivery.rejection_reason:MAX_LENGTH"}},
		"negative market":       {func(d *DeliveryInput) { d.MarketPriceVND = -1 }, []string{"delivery.market_price_vnd:RANGE"}},
		"market over cap":       {func(d *DeliveryInput) { d.MarketPriceVND = MaxPriceVND + 1 }, []string{"delivery.market_price_vnd:RANGE"}},
	} {
		in := goodDelivery()
		tc.mut(&in)
		var v apierr.Violations
		c.CheckDelivery(&v, in)
		requireViolations(t, &v, tc.want, name)
	}
}

func TestDeliveryStateAndPrice(t *testing.T) {
	c := active()
	require.NoError(t, c.CanRecordDelivery("lot-1"))
	c.ExcusedLots = []string{"lot-2"}
	requireAPIError(t, c.CanRecordDelivery("lot-2"), codes.FailedPrecondition, "LOT_EXCUSED")
	c.State = StateSuspended
	err := c.CanRecordDelivery("lot-1")
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE")
	require.Equal(t, map[string]string{"state": StateSuspended}, metadata(err))

	terms := goodTerms() // floor 38,000, market + 5%, grade B −10%
	require.True(t, terms.NeedsMarketPrice(0))
	require.False(t, terms.NeedsMarketPrice(40000))
	require.False(t, Terms{Price: PriceTerms{Type: PriceFixed}}.NeedsMarketPrice(0))
	requireAPIError(t, terms.NoMarketPrice("2026-06-10"), codes.InvalidArgument, "INVALID_ARGUMENT")
	require.Equal(t, []string{"delivery.market_price_vnd:MARKET_PRICE"}, violations(terms.NoMarketPrice("2026-06-10")))

	in := goodDelivery()
	in.Grade = "B"
	unit, gross, err := terms.PriceDelivery(in, 40000)
	require.NoError(t, err)
	require.EqualValues(t, 37800, unit, "max(38,000, 40,000 × 1.05) × 0.9")
	require.EqualValues(t, 90*37800, gross, "the accepted quantity is paid")
	d := NewDelivery("d1", "c1", in, 40000, unit, gross)
	require.Equal(t, Delivery{ID: "d1", Contract: "c1", Household: "households/h1", Lot: "lot-1", Date: "2026-06-10", Quantity: 100, Grade: "B",
		AcceptedQuantity: 90, RejectedQuantity: 10, RejectionReason: "Độ ẩm vượt 14%", MarketPriceVND: 40000, UnitPriceVND: 37800, GrossVND: 3_402_000,
		State: DeliveryRecorded, Version: 1}, *d)

	in.Grade = "Z"
	_, _, err = terms.PriceDelivery(in, 40000)
	require.Equal(t, []string{"delivery.grade:PRICE_RESOLUTION"}, violations(err))
	in.Grade, in.AcceptedQuantity = "A", MaxQuantity
	_, _, err = terms.PriceDelivery(in, MaxPriceVND)
	require.Equal(t, []string{"delivery.accepted_quantity:AMOUNT_RANGE"}, violations(err), "10^12 × 10^12 does not fit int64")
}

// TestCheckFits: with a 5% tolerance, a household allocated 1000 may receive 1050 in all and a
// lot of 1500 may receive 1575; one more unit is refused, naming what was delivered.
func TestCheckFits(t *testing.T) {
	c := active()
	al, lt := *c.Terms.Allocation("households/h1"), *c.Terms.Lot("lot-1")
	recorded := []Delivery{{Household: "households/h1", Lot: "lot-1", Quantity: 1000}, {Household: "households/h2", Lot: "lot-1", Quantity: 500}}
	require.NoError(t, c.CheckFits(&Delivery{Quantity: 50}, al, lt, recorded))
	err := c.CheckFits(&Delivery{Quantity: 51}, al, lt, recorded)
	requireAPIError(t, err, codes.FailedPrecondition, "TOLERANCE_EXCEEDED")
	require.Equal(t, map[string]string{"allocation": "1000", "delivered": "1000"}, metadata(err))

	h2 := *c.Terms.Allocation("households/h2")
	require.NoError(t, c.CheckFits(&Delivery{Quantity: 75}, h2, lt, recorded))
	err = c.CheckFits(&Delivery{Quantity: 76}, h2, lt, recorded)
	requireAPIError(t, err, codes.FailedPrecondition, "TOLERANCE_EXCEEDED")
	require.Equal(t, map[string]string{"lot": "1500", "delivered": "1500"}, metadata(err), "the lot's limit")

	c.ExcusedLots = []string{"lot-1"}
	requireAPIError(t, c.CheckFits(&Delivery{Quantity: 1}, h2, lt, nil), codes.FailedPrecondition, "LOT_EXCUSED", "excused meanwhile")
}

func TestAnswerDelivery(t *testing.T) {
	d := &Delivery{State: DeliveryRecorded}
	changed, err := d.Answer(DeliveryDisputed, "ẩm")
	require.NoError(t, err)
	require.True(t, changed)
	require.Equal(t, "ẩm", d.DisputeReason)
	changed, err = d.Answer(DeliveryDisputed, "again")
	require.NoError(t, err)
	require.False(t, changed, "the same answer again changes nothing")
	require.Equal(t, "ẩm", d.DisputeReason)
	_, err = d.Answer(DeliveryConfirmed, "")
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE")
	require.Equal(t, "delivery.disputed", DeliveryAnswered(DeliveryDisputed))
}

func TestAdvancesAndPayments(t *testing.T) {
	c := active()
	for name, tc := range map[string]struct {
		in   AdvanceInput
		want []string
	}{
		"good":       {AdvanceInput{Household: "households/h1", Date: "2026-02-01", Description: "Phân bón", ValueVND: 1_500_000}, nil},
		"stranger":   {AdvanceInput{Household: "households/x", Date: "2026-02-01", Description: "Phân bón", ValueVND: 1}, []string{"input_advance.household:CONTRACT_HOUSEHOLD"}},
		"value cap":  {AdvanceInput{Household: "households/h1", Date: "2026-02-01", Description: "d", ValueVND: MaxValueVND + 1}, []string{"input_advance.value_vnd:RANGE"}},
		"zero value": {AdvanceInput{Household: "households/h1", Date: "2026-02-01", Description: "d"}, []string{"input_advance.value_vnd:RANGE"}},
		"no what":    {AdvanceInput{Household: "households/h1", Date: "2026-02-01", ValueVND: 1}, []string{"input_advance.description:REQUIRED"}},
		"no date":    {AdvanceInput{Household: "households/h1", Description: "d", ValueVND: 1}, []string{"input_advance.advance_date:REQUIRED"}},
	} {
		var v apierr.Violations
		c.CheckAdvance(&v, tc.in)
		requireViolations(t, &v, tc.want, name)
	}
	require.NoError(t, c.CanRecordAdvance())
	requireAPIError(t, (&Contract{State: StateSuspended}).CanRecordAdvance(), codes.FailedPrecondition, "INVALID_STATE")

	for name, tc := range map[string]struct {
		in      PaymentInput
		paidFor string
		want    []string
	}{
		"to the household":        {PaymentInput{Payee: "households/h1", AmountVND: 1, Method: "CASH", Date: "2026-09-01"}, "households/h1", nil},
		"to the producer for one": {PaymentInput{Payee: "organizations/p", Household: "households/h2", AmountVND: 1, Method: "BANK_TRANSFER", Date: "2026-09-01"}, "households/h2", nil},
		"to the producer, for no one": {PaymentInput{Payee: "organizations/p", AmountVND: 1, Method: "CASH", Date: "2026-09-01"}, "",
			[]string{"payment.household:CONTRACT_HOUSEHOLD"}},
		"to a stranger": {PaymentInput{Payee: "organizations/x", Household: "households/h1", AmountVND: 1, Method: "CASH", Date: "2026-09-01"}, "households/h1",
			[]string{"payment.payee:PAYEE"}},
		"nothing":        {PaymentInput{Payee: "households/h1", Method: "CASH", Date: "2026-09-01"}, "households/h1", []string{"payment.amount_vnd:RANGE"}},
		"unknown method": {PaymentInput{Payee: "households/h1", AmountVND: 1, Method: "9", Date: "2026-09-01"}, "households/h1", []string{"payment.method:ENUM_VALUE"}},
		"long reference": {PaymentInput{Payee: "households/h1", AmountVND: 1, Method: "CASH", Date: "2026-09-01", Reference: strings.Repeat("r", apierr.MaxShortText+1)}, "households/h1",
			[]string{"payment.reference:MAX_LENGTH"}},
	} {
		require.Equal(t, tc.paidFor, tc.in.PaidFor(), name)
		var v apierr.Violations
		c.CheckPayment(&v, tc.in)
		requireViolations(t, &v, tc.want, name)
	}
	for _, s := range []string{StateActive, StateSuspended, StateTerminated} {
		require.NoError(t, (&Contract{State: s}).CanRecordPayment(), s)
	}
	requireAPIError(t, (&Contract{State: StateCompleted}).CanRecordPayment(), codes.FailedPrecondition, "INVALID_STATE")

	st := Statement{Households: []Line{{Household: "households/h1", BalanceVND: 1000}}}
	require.NoError(t, CheckBalance(st, &Payment{Household: "households/h1", AmountVND: 1000}))
	err := CheckBalance(st, &Payment{Household: "households/h1", AmountVND: 1001})
	requireAPIError(t, err, codes.FailedPrecondition, "OVERPAYMENT")
	require.Equal(t, map[string]string{"balance_vnd": "1000"}, metadata(err))
	requireAPIError(t, CheckBalance(st, &Payment{Household: "households/h2", AmountVND: 1}), codes.FailedPrecondition, "OVERPAYMENT", "nothing owed to a household without a line")
}

func TestIncidents(t *testing.T) {
	c := active()
	fm := IncidentInput{Kind: IncidentForceMajeure, Description: "Bão số 3", ForceMajeureEvent: "NATURAL_DISASTER", AffectedLots: []string{"lot-2"}}
	for name, tc := range map[string]struct {
		in   IncidentInput
		want []string
	}{
		"force majeure":     {fm, nil},
		"breach":            {IncidentInput{Kind: IncidentLatePayment, Description: "Chậm", BreachingParty: "organizations/b", BreachedValueVND: 1}, nil},
		"unknown kind":      {IncidentInput{Kind: "9", Description: "x", BreachingParty: "organizations/b"}, []string{"incident.kind:ENUM_VALUE"}},
		"event not covered": {IncidentInput{Kind: IncidentForceMajeure, Description: "x", ForceMajeureEvent: "FIRE"}, []string{"incident.force_majeure_event:FORCE_MAJEURE_COVERED"}},
		"stranger breached": {IncidentInput{Kind: IncidentSideSelling, Description: "x", BreachingParty: "organizations/x"}, []string{"incident.breaching_party:CONTRACT_PARTY"}},
		"value cap": {IncidentInput{Kind: IncidentSideSelling, Description: "x", BreachingParty: "organizations/p", BreachedValueVND: MaxValueVND + 1},
			[]string{"incident.breached_value_vnd:RANGE"}},
		"affected": {IncidentInput{Kind: IncidentForceMajeure, Description: "x", ForceMajeureEvent: "EPIDEMIC", AffectedLots: []string{"lot-1", "lot-9"}, AffectedHouseholds: []string{"households/h9"}},
			[]string{"incident.affected_lots[1]:CONTRACT_LOT", "incident.affected_households[0]:CONTRACT_HOUSEHOLD"}},
		"no description": {IncidentInput{Kind: IncidentSideSelling, BreachingParty: "organizations/p"}, []string{"incident.description:REQUIRED"}},
	} {
		var v apierr.Violations
		c.CheckIncident(&v, tc.in)
		requireViolations(t, &v, tc.want, name)
	}
	require.NoError(t, c.CanReportIncident())
	requireAPIError(t, (&Contract{State: StateDraft}).CanReportIncident(), codes.FailedPrecondition, "INVALID_STATE")

	i := NewIncident("i1", "c1", fm, "users/p", now)
	require.Equal(t, IncidentOpen, i.State)
	requireAPIError(t, i.CheckResolvableKind(), codes.FailedPrecondition, "VERIFY_FORCE_MAJEURE")
	require.NoError(t, i.CanVerify())
	i.Verify(true, "Biên bản")
	require.Equal(t, VerificationAccepted, i.Verification)
	require.Equal(t, "force majeure accepted by the commune. Biên bản", i.Outcome)
	requireAPIError(t, i.CanVerify(), codes.FailedPrecondition, "INVALID_STATE", "verified once")
	require.NoError(t, c.AcceptForceMajeure(i))
	require.NoError(t, c.AcceptForceMajeure(i))
	require.Equal(t, []string{"lot-2"}, c.ExcusedLots, "excused once")
	i.SuspendContract = true
	require.NoError(t, c.AcceptForceMajeure(i))
	require.Equal(t, StateSuspended, c.State)
	require.Equal(t, "force majeure: Bão số 3", c.StateReason)

	b := NewIncident("i2", "c1", IncidentInput{Kind: IncidentLatePayment, Description: "Chậm", BreachingParty: "organizations/b", BreachedValueVND: 10_000_000}, "users/p", now)
	requireAPIError(t, b.CanVerify(), codes.FailedPrecondition, "NOT_FORCE_MAJEURE")
	require.NoError(t, b.CanMediate())
	b.Mediate()
	requireAPIError(t, b.CanMediate(), codes.FailedPrecondition, "INVALID_STATE")
	require.NoError(t, b.CheckResolvableState())
	require.NoError(t, b.Resolve("Bên mua trả lãi chậm", true, 1200))
	require.EqualValues(t, 800_000, b.PenaltyVND, "capped at 8% whatever the clause")
	requireAPIError(t, b.CheckResolvableState(), codes.FailedPrecondition, "INVALID_STATE")
	bad := &Incident{BreachedValueVND: -1}
	require.Equal(t, []string{"breach_upheld:AMOUNT_RANGE"}, violations(bad.Resolve("x", true, 800)))

	d := &Delivery{ID: "d1", Lot: "lot-1", Household: "households/h1"}
	q := c.DisputeIncident("i3", d, "ẩm", "users/p", now.Add(time.Hour))
	require.Equal(t, Incident{ID: "i3", Contract: "c1", Kind: IncidentQualityDispute, State: IncidentOpen, Description: "Delivery d1 disputed: ẩm",
		AffectedLots: []string{"lot-1"}, AffectedHouseholds: []string{"households/h1"}, BreachingParty: "organizations/b", Reporter: "users/p",
		CreateTime: now.Add(time.Hour), UpdateTime: now.Add(time.Hour), Version: 1}, *q)
}

func TestCompletes(t *testing.T) {
	c := active() // two lots of 1500, tolerance 5%
	done := []Delivery{{Lot: "lot-1", Quantity: 1425}, {Lot: "lot-2", Quantity: 1500}}
	require.True(t, c.Completes(Statement{}, done))
	require.False(t, c.Completes(Statement{}, done[:1]), "a lot not delivered")
	require.False(t, c.Completes(Statement{Total: Line{BalanceVND: 1}}, done), "a balance unpaid")
	require.False(t, c.Completes(Statement{Total: Line{OutstandingAdvVND: 1}}, done), "an advance not recovered")
	c.ExcusedLots = []string{"lot-2"}
	require.True(t, c.Completes(Statement{}, done[:1]), "an excused lot is done")
	c.State = StateSuspended
	require.False(t, c.Completes(Statement{}, done), "only an ACTIVE contract completes")
}

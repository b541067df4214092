package transport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// activeContract takes a contract with the given terms through signatures and witness.
func (w *world) activeContract(t *testing.T, terms *contractsv1.ContractTerms) *contractsv1.Contract {
	ctx := context.Background()
	buyer, producer := w.client(t, w.buyerUser()), w.client(t, w.producerUser())
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms}})
	require.NoError(t, err)
	v, err := buyer.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Empty(t, v.Violations)
	c, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.NoError(t, err)
	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: c.TermsHash})
	require.NoError(t, err)
	_, err = producer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_PRODUCER, TermsHash: c.TermsHash})
	require.NoError(t, err)
	for _, a := range terms.Allocations {
		cl := producer
		if a.Mandate == nil {
			cl = w.client(t, householdUser(a.Household))
		}
		_, err = cl.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: a.Household, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	c, err = w.client(t, official).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_ACTIVE, c.State)
	return c
}

// TestFullSeason runs a season: 30 households, 3 lots, one rejected quantity, one force
// majeure, advances recovered, payments, settlement balancing to zero, liquidation.
func TestFullSeason(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 30)
	terms := w.terms() // 100 per household, 3000 in all
	terms.LinkageForm = contractsv1.LinkageForm_LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE
	terms.InputSupply = &contractsv1.InputSupply{Items: []*contractsv1.InputItem{{Description: "Phân bón hữu cơ vi sinh", Quantity: 30, Unit: "bao", ValueVnd: 15_000_000}}, RecoveredAtSettlement: true, InterestRateBps: 600}
	terms.Lots = []*contractsv1.DeliveryLot{
		{Id: "lot-1", Window: &typesv1.DateWindow{StartDate: "2026-05-01", EndDate: "2026-05-31"}, Place: "Kho HTX", Quantity: 1000},
		{Id: "lot-2", Window: &typesv1.DateWindow{StartDate: "2026-08-01", EndDate: "2026-08-31"}, Place: "Kho HTX", Quantity: 1000},
		{Id: "lot-3", Window: &typesv1.DateWindow{StartDate: "2026-10-01", EndDate: "2026-10-31"}, Place: "Kho HTX", Quantity: 1000},
	}
	c := w.activeContract(t, terms)
	buyer, producer := w.client(t, w.buyerUser()), w.client(t, w.producerUser())

	// Market prices for the delivery dates (one above the floor, one below), from the operator.
	_, err := buyer.CreateMarketPrice(ctx, &contractsv1.CreateMarketPriceRequest{MarketPrice: &contractsv1.MarketPrice{Reference: "yen-bai-cinnamon", PriceDate: "2026-05-15", PriceVnd: 1}})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "the buyer does not set the reference it pays against")
	for _, mp := range []struct {
		date  string
		price int64
	}{{"2026-05-15", 40000}, {"2026-08-15", 35000}} {
		_, err := w.client(t, admin).CreateMarketPrice(ctx, &contractsv1.CreateMarketPriceRequest{MarketPrice: &contractsv1.MarketPrice{Reference: "yen-bai-cinnamon", PriceDate: mp.date, PriceVnd: mp.price, Source: "Sở Công Thương"}})
		require.NoError(t, err)
	}

	// Advances to the first ten households.
	for _, h := range w.households[:10] {
		_, err := buyer.CreateInputAdvance(ctx, &contractsv1.CreateInputAdvanceRequest{Parent: c.Name, InputAdvance: &contractsv1.InputAdvance{Household: h, AdvanceDate: "2026-02-01", Description: "Phân bón", ValueVnd: 1_500_000}})
		require.NoError(t, err)
	}

	// Lot 1 from households 0–9 (market 40,000 × 1.05 = 42,000 > floor 38,000); household 0
	// has 10 kg rejected as grade-B moisture. Lot 2 from households 10–19 (market 35,000 ×
	// 1.05 = 36,750 < floor: 38,000).
	var recovered int64
	for i, h := range w.households[:20] {
		lotID, date := "lot-1", "2026-05-15"
		if i >= 10 {
			lotID, date = "lot-2", "2026-08-15"
		}
		d := &contractsv1.Delivery{Household: h, Lot: lotID, DeliveryDate: date, Quantity: 100, AcceptedQuantity: 100, Grade: "A"}
		if i == 0 {
			d.AcceptedQuantity, d.RejectionReason = 90, "Độ ẩm vượt 14%"
		}
		got, err := buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: d, RequestId: fmt.Sprint("d-", i)})
		require.NoError(t, err)
		if i < 10 {
			require.EqualValues(t, 42000, got.UnitPriceVnd)
		} else {
			require.EqualValues(t, 38000, got.UnitPriceVnd, "the floor protects the farmer")
		}
		require.Equal(t, got.AcceptedQuantity*got.UnitPriceVnd, got.GrossAmountVnd)
		recovered += got.RecoveredAdvanceVnd
		_, err = producer.ConfirmDelivery(ctx, &contractsv1.ConfirmDeliveryRequest{Name: got.Name})
		require.NoError(t, err)
	}
	// A retried delivery is not recorded twice; an over-delivery is refused.
	_, err = buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: w.households[1], Lot: "lot-1", DeliveryDate: "2026-05-15", Quantity: 100, AcceptedQuantity: 100, Grade: "A"}, RequestId: "d-1"})
	require.NoError(t, err)
	_, err = buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: w.households[1], Lot: "lot-1", DeliveryDate: "2026-05-16", Quantity: 50, AcceptedQuantity: 50, Grade: "A", MarketPriceVnd: 40000}})
	requireAPIError(t, err, codes.FailedPrecondition, "TOLERANCE_EXCEEDED")
	_, err = buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: w.households[25], Lot: "lot-3", DeliveryDate: "2026-10-02", Quantity: 10, AcceptedQuantity: 20, Grade: "A"}})
	requireViolation(t, err, "delivery.accepted_quantity", "RANGE", "accepted more than delivered")

	// Typhoon: lot 3 excused once the commune verifies.
	inc, err := producer.CreateIncident(ctx, &contractsv1.CreateIncidentRequest{Parent: c.Name, Incident: &contractsv1.Incident{
		Kind: contractsv1.Incident_KIND_FORCE_MAJEURE, ForceMajeureEvent: contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER,
		Description: "Bão số 3 gây sạt lở, mất vườn quế", AffectedLots: []string{"lot-3"}, AffectedHouseholds: w.households[20:]}})
	require.NoError(t, err)
	_, err = buyer.VerifyIncident(ctx, &contractsv1.VerifyIncidentRequest{Name: inc.Name, Accept: true})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "only the commune verifies")
	inc, err = w.client(t, official).VerifyIncident(ctx, &contractsv1.VerifyIncidentRequest{Name: inc.Name, Accept: true, Note: "Biên bản xác minh thiệt hại"})
	require.NoError(t, err)
	require.Equal(t, contractsv1.Incident_VERIFICATION_ACCEPTED, inc.Verification)
	_, err = buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: w.households[25], Lot: "lot-3", DeliveryDate: "2026-10-02", Quantity: 10, AcceptedQuantity: 10, Grade: "A", MarketPriceVnd: 40000}})
	requireAPIError(t, err, codes.FailedPrecondition, "LOT_EXCUSED")

	// A late-payment breach, mediated and upheld: penalty capped by the clause (8%).
	brk, err := producer.CreateIncident(ctx, &contractsv1.CreateIncidentRequest{Parent: c.Name, Incident: &contractsv1.Incident{Kind: contractsv1.Incident_KIND_LATE_PAYMENT, Description: "Chậm thanh toán lô 1", BreachingParty: w.buyer, BreachedValueVnd: 10_000_000}})
	require.NoError(t, err)
	_, err = w.client(t, official).MediateIncident(ctx, &contractsv1.MediateIncidentRequest{Name: brk.Name})
	require.NoError(t, err)
	brk, err = w.client(t, official).ResolveIncident(ctx, &contractsv1.ResolveIncidentRequest{Name: brk.Name, Outcome: "Bên mua trả lãi chậm", BreachUpheld: true})
	require.NoError(t, err)
	require.EqualValues(t, 800_000, brk.PenaltyVnd)

	// Settlement before payment: advances fully recovered with interest.
	st, err := buyer.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: c.Name + "/settlement"})
	require.NoError(t, err)
	require.Len(t, st.Households, 30)
	var sumGross, sumBal int64
	for _, l := range st.Households {
		sumGross += l.GrossVnd
		sumBal += l.BalanceVnd
		require.Equal(t, l.GrossVnd-l.RecoveredAdvancesVnd-l.PaidVnd, l.BalanceVnd)
	}
	require.Equal(t, sumGross, st.Total.GrossVnd)
	require.Equal(t, sumBal, st.Total.BalanceVnd)
	require.EqualValues(t, 90*42000+9*100*42000+10*100*38000, st.Total.GrossVnd)
	require.Equal(t, recovered, st.Total.RecoveredAdvancesVnd)
	require.Greater(t, st.Total.RecoveredAdvancesVnd, int64(15_000_000), "principal plus interest")
	require.EqualValues(t, 1990, st.Total.AcceptedQuantity)

	// A household sees only its own line.
	own, err := w.client(t, householdUser(w.households[3])).GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: c.Name + "/settlement"})
	require.NoError(t, err)
	require.Len(t, own.Households, 1)

	// Overpaying is refused; paying every balance completes the contract.
	_, err = buyer.CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: c.Name, Payment: &contractsv1.Payment{Payee: w.households[0], AmountVnd: 1_000_000_000, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, PaymentDate: "2026-09-01"}})
	requireAPIError(t, err, codes.FailedPrecondition, "OVERPAYMENT")
	for i, l := range st.Households {
		if l.BalanceVnd == 0 {
			continue
		}
		payee := w.producer
		if i%2 == 0 {
			payee = l.Household
		}
		_, err := buyer.CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: c.Name, Payment: &contractsv1.Payment{Payee: payee, Household: l.Household, AmountVnd: l.BalanceVnd, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, Reference: fmt.Sprint("UNC-", i), PaymentDate: "2026-09-10"}, RequestId: fmt.Sprint("pay-", i)})
		require.NoError(t, err)
	}
	st, err = buyer.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: c.Name + "/settlement"})
	require.NoError(t, err)
	require.Zero(t, st.Total.BalanceVnd, "settlement balances to zero")
	cur, err := buyer.GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_COMPLETED, cur.State, "all lots delivered or excused, and settled")

	_, err = buyer.AcknowledgeSettlement(ctx, &contractsv1.AcknowledgeSettlementRequest{Name: c.Name})
	require.NoError(t, err)
	cur, err = producer.AcknowledgeSettlement(ctx, &contractsv1.AcknowledgeSettlementRequest{Name: c.Name})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_LIQUIDATED, cur.State)

	var all []*contractsv1.ContractEvent
	for tok := ""; ; {
		page, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 100, PageToken: tok})
		require.NoError(t, err)
		all = append(all, page.Events...)
		if tok = page.NextPageToken; tok == "" {
			break
		}
	}
	types := map[string]int{}
	for _, e := range all {
		types[e.Type]++
	}
	require.Equal(t, 20, types["delivery.recorded"])
	require.Equal(t, 10, types["advance.recorded"])
	require.Equal(t, 1, types["contract.completed"])
	require.Nil(t, domain.VerifyChain(toDomain(all, c.Name[len("contracts/"):])))

	deliveries, err := w.client(t, householdUser(w.households[0])).ListDeliveries(ctx, &contractsv1.ListDeliveriesRequest{Parent: c.Name})
	require.NoError(t, err)
	require.Len(t, deliveries.Deliveries, 1, "households see their own deliveries")
	require.EqualValues(t, 10, deliveries.Deliveries[0].RejectedQuantity)
	_ = auth.RoleAdmin
}

// TestConcurrentPaymentsNeverOverpay: 24 payments of an eighth of a household's balance race
// through two replicas of the service; exactly eight are recorded, the rest are refused as
// overpayments, and the household is never paid more than it is owed.
func TestConcurrentPaymentsNeverOverpay(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	second := w.replica(t)
	c := w.activeContract(t, w.terms())
	buyer, producer := w.client(t, w.buyerUser()), w.client(t, w.producerUser())
	h := w.households[0]
	del, err := buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: h, Lot: "lot-1", DeliveryDate: "2026-06-10", Quantity: 100, AcceptedQuantity: 100, Grade: "A", MarketPriceVnd: 40000}})
	require.NoError(t, err)
	_, err = producer.ConfirmDelivery(ctx, &contractsv1.ConfirmDeliveryRequest{Name: del.Name})
	require.NoError(t, err)
	balance := func() int64 {
		st, err := buyer.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: c.Name + "/settlement"})
		require.NoError(t, err)
		for _, l := range st.Households {
			if l.Household == h {
				return l.BalanceVnd
			}
		}
		return -1
	}
	owed := balance()
	require.Positive(t, owed)
	amount := owed / 8

	other := contractsv1.NewContractsServiceClient(testkit.Dial(t, second, w.a.Token(t, w.buyerUser())))
	pay := func(i int) error {
		cl := buyer
		if i%2 == 1 {
			cl = other
		}
		_, err := cl.CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: c.Name, RequestId: fmt.Sprint("race-", i), Payment: &contractsv1.Payment{
			Payee: h, AmountVnd: amount, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, PaymentDate: "2026-06-25"}})
		return err
	}
	require.Equal(t, 8, testkit.Race(t, 24, pay, "OVERPAYMENT"))
	require.Equal(t, owed-8*amount, balance())
	list, err := buyer.ListPayments(ctx, &contractsv1.ListPaymentsRequest{Parent: c.Name, PageSize: 100})
	require.NoError(t, err)
	require.Len(t, list.Payments, 8)
}

// TestConcurrentDeliveriesStayWithinTolerance: 24 deliveries of 10 for a household allocated
// 100 (tolerance 5%: at most 105) race through two replicas; exactly ten are recorded.
func TestConcurrentDeliveriesStayWithinTolerance(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	second := w.replica(t)
	c := w.activeContract(t, w.terms())
	buyer := w.client(t, w.buyerUser())
	other := contractsv1.NewContractsServiceClient(testkit.Dial(t, second, w.a.Token(t, w.buyerUser())))
	deliver := func(i int) error {
		cl := buyer
		if i%2 == 1 {
			cl = other
		}
		_, err := cl.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, RequestId: fmt.Sprint("race-", i), Delivery: &contractsv1.Delivery{
			Household: w.households[0], Lot: "lot-1", DeliveryDate: "2026-06-10", Quantity: 10, AcceptedQuantity: 10, Grade: "A", MarketPriceVnd: 40000}})
		return err
	}
	require.Equal(t, 10, testkit.Race(t, 24, deliver, "TOLERANCE_EXCEEDED"))
	st, err := buyer.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: c.Name + "/settlement"})
	require.NoError(t, err)
	require.EqualValues(t, 100, st.Total.DeliveredQuantity)
	evs, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 500})
	require.NoError(t, err)
	require.Nil(t, domain.VerifyChain(toDomain(evs.Events, c.Name[len("contracts/"):])))
}

// TestSuspendAndResume: an accepted force majeure suspends the contract (no deliveries); the
// parties may amend it meanwhile; only the producer's commune resumes it, with a reason, and
// deliveries go on.
func TestSuspendAndResume(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	c := w.activeContract(t, w.terms())
	buyer, producer, commune := w.client(t, w.buyerUser()), w.client(t, w.producerUser()), w.client(t, official)
	inc, err := producer.CreateIncident(ctx, &contractsv1.CreateIncidentRequest{Parent: c.Name, Incident: &contractsv1.Incident{
		Kind: contractsv1.Incident_KIND_FORCE_MAJEURE, ForceMajeureEvent: contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER,
		Description: "Lũ quét cuốn trôi vườn quế", SuspendContract: true}})
	require.NoError(t, err)
	_, err = commune.VerifyIncident(ctx, &contractsv1.VerifyIncidentRequest{Name: inc.Name, Accept: true, Note: "Đã xác minh"})
	require.NoError(t, err)
	got, err := buyer.GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_SUSPENDED, got.State)
	delivery := &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: w.households[0], Lot: "lot-1", DeliveryDate: "2026-06-20", Quantity: 50, AcceptedQuantity: 50, Grade: "A", MarketPriceVnd: 40000}}
	_, err = buyer.CreateDelivery(ctx, delivery)
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", "no deliveries while suspended")

	// An amendment while suspended.
	terms := got.Terms
	terms.Lots[0].Window.EndDate = "2026-09-30"
	_, err = buyer.AmendContract(ctx, &contractsv1.AmendContractRequest{Name: c.Name, Etag: got.Etag, Terms: terms, Reason: "Lùi hạn giao sau lũ"})
	require.NoError(t, err)

	_, err = buyer.ResumeContract(ctx, &contractsv1.ResumeContractRequest{Name: c.Name, Reason: "Hết lũ"})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "a party cannot end the suspension alone")
	_, err = commune.ResumeContract(ctx, &contractsv1.ResumeContractRequest{Name: c.Name})
	requireViolation(t, err, "reason", "REQUIRED", "a reason is required")
	got, err = commune.ResumeContract(ctx, &contractsv1.ResumeContractRequest{Name: c.Name, Reason: "UBND xã xác nhận đã khắc phục hậu quả lũ", RequestId: "resume-1"})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_ACTIVE, got.State)
	require.NotNil(t, got.PendingAmendment, "the amendment is still on the table")
	again, err := commune.ResumeContract(ctx, &contractsv1.ResumeContractRequest{Name: c.Name, Reason: "UBND xã xác nhận đã khắc phục hậu quả lũ", RequestId: "resume-1"})
	require.NoError(t, err, "a retry returns the first result")
	require.Equal(t, got.Etag, again.Etag)
	_, err = commune.ResumeContract(ctx, &contractsv1.ResumeContractRequest{Name: c.Name, Reason: "lần nữa"})
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", "only a suspended contract resumes")
	_, err = buyer.CreateDelivery(ctx, delivery)
	require.NoError(t, err, "deliveries go on")
	evs, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 500})
	require.NoError(t, err)
	var types []string
	for _, e := range evs.Events {
		types = append(types, e.Type)
	}
	require.Contains(t, types, "contract.resumed")
	require.Contains(t, types, "contract.amendment_proposed")
}

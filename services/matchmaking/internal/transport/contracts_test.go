package transport

import (
	"testing"

	"github.com/stretchr/testify/require"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
)

// TestDraftToProto: every name of a draft maps to a defined value of the contracts API (an
// unknown name would map to the unspecified value and the contracts service would refuse the
// draft).
func TestDraftToProto(t *testing.T) {
	d := domain.Demand{Buyer: "organizations/b", Product: "products/p", DeliveryWindow: domain.Window{Start: "2026-06-01", End: "2026-06-30"},
		DeliveryPlace: "Kho", InputsOffered: []string{"giống"}, Price: domain.Price{Type: domain.PriceFloorWithMarket, FloorPriceVND: 30000, MarketReference: "que", PremiumBps: 500}}
	o := domain.Offer{Producer: "organizations/c", HarvestWindow: d.DeliveryWindow, Households: []string{"households/a"}}
	c := draftToProto(domain.Draft(&d, &o, &domain.Proposal{ID: "p1", Quantity: 700}, "authorities/x"))
	tm := c.GetTerms()
	require.Equal(t, contractsv1.LinkageForm_LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE, tm.GetLinkageForm())
	require.Equal(t, contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, tm.GetPaymentTerms().GetMethod())
	require.EqualValues(t, domain.DraftPaymentDays, tm.GetPaymentTerms().GetDaysAfterDelivery())
	require.Equal(t, []contractsv1.ForceMajeureEvent{contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER,
		contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_EPIDEMIC, contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_EXTREME_WEATHER}, tm.GetForceMajeureEvents())
	require.Equal(t, []contractsv1.DisputeStep{contractsv1.DisputeStep_DISPUTE_STEP_NEGOTIATION,
		contractsv1.DisputeStep_DISPUTE_STEP_COMMUNE_MEDIATION, contractsv1.DisputeStep_DISPUTE_STEP_COURT}, tm.GetDisputeResolution().GetSteps())
	require.Equal(t, typesv1.PriceType_PRICE_TYPE_FLOOR_WITH_MARKET, tm.GetPriceTerms().GetType())
	require.EqualValues(t, 500, tm.GetPriceTerms().GetPremiumBps())
	require.EqualValues(t, domain.DraftToleranceBps, tm.GetToleranceBps())
	require.EqualValues(t, domain.DraftPenaltyBps, tm.GetBreach().GetPenaltyBps())
	require.Equal(t, "lot-1", tm.GetLots()[0].GetId())
	require.EqualValues(t, 700, tm.GetLots()[0].GetQuantity())
	require.Equal(t, "2026-06-01", tm.GetPeriod().GetStartDate())
	require.Len(t, tm.GetAllocations(), 1)
	require.Equal(t, "households/a", tm.GetAllocations()[0].GetHousehold())
	require.EqualValues(t, 700, tm.GetAllocations()[0].GetQuantity())
	require.Equal(t, "decree98", c.GetRulebook())
}

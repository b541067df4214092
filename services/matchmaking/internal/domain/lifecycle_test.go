package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
)

// refused checks that err is a FAILED_PRECONDITION with reason.
func refused(t *testing.T, err error, reason string) {
	t.Helper()
	require.Equal(t, codes.FailedPrecondition, status.Code(err), "%v", err)
	require.Equal(t, reason, apierr.Reason(err))
}

func TestOfferHoldCommitRelease(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	o := validOffer()
	o.State = OfferOpen
	write, err := o.Hold("p1", 600, now)
	require.NoError(t, err)
	require.True(t, write)
	write, err = o.Hold("p1", 600, now)
	require.NoError(t, err)
	require.False(t, write, "a retried hold changes nothing")
	_, err = o.Hold("p2", 401, now)
	refused(t, err, "OFFER_CAPACITY")
	require.EqualValues(t, 400, o.Available(), "a refused hold holds nothing")

	require.True(t, o.Commit("p1", 600, now))
	require.False(t, o.Commit("p1", 600, now), "a retried commit changes nothing")
	require.Equal(t, OfferOpen, o.State)
	_, err = o.Hold("p3", 400, now)
	require.NoError(t, err)
	require.True(t, o.Commit("p3", 400, now))
	require.Equal(t, OfferExhausted, o.State, "nothing left")
	require.False(t, o.Release("p3"), "a committed hold stays")

	w := validOffer()
	w.State = OfferWithdrawn
	_, err = w.Hold("p1", 1, now)
	refused(t, err, "OFFER_NOT_OPEN")
}

func TestDemandHoldCommitRelease(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	d := validDemand() // 1,000, lots of 100
	d.State = DemandOpen
	_, err := d.Hold("p1", 50, now)
	require.Equal(t, map[string]string{"proposal.quantity": "MIN_LOT"}, rules(t, err))
	_, err = d.Hold("p1", 1001, now)
	refused(t, err, "DEMAND_QUANTITY")
	write, err := d.Hold("p1", 950, now)
	require.NoError(t, err)
	require.True(t, write)
	write, err = d.Hold("p2", 50, now)
	require.NoError(t, err, "below the lot, but all that is open")
	require.True(t, write)
	require.Zero(t, d.Open())

	require.True(t, d.Release("p2"))
	require.False(t, d.Release("p2"), "a retried release changes nothing")
	require.True(t, d.Commit("p1", 950, now))
	require.Equal(t, DemandPartiallyAllocated, d.State)
	require.True(t, d.Commit("p4", 50, now), "a lost hold is committed all the same")
	require.Equal(t, DemandFilled, d.State)
	require.EqualValues(t, 1000, d.AllocatedQuantity)

	_, err = d.Hold("p5", 1, now)
	refused(t, err, "DEMAND_NOT_OPEN")
}

func TestDemandChange(t *testing.T) {
	d := validDemand()
	d.State, d.ReservedQuantity, d.AllocatedQuantity = DemandPartiallyAllocated, 300, 200
	patch := &Demand{Quantity: 400, MinPoorShareBps: 3000, PreferWomenLed: true, DeliveryPlace: "Kho mới"}
	err := d.Change(patch, []string{"quantity"})
	require.Equal(t, map[string]string{"demand.quantity": "BELOW_COMMITTED"}, rules(t, err))
	d = validDemand()
	d.State = DemandOpen
	require.NoError(t, d.Change(patch, []string{"inclusion", "delivery_place"}))
	require.Equal(t, [3]any{int32(3000), true, "Kho mới"}, [3]any{d.MinPoorShareBps, d.PreferWomenLed, d.DeliveryPlace})
	require.EqualValues(t, 1000, d.Quantity, "fields outside the mask stay")
	require.Equal(t, map[string]string{"demand.price_terms.type": "ENUM_VALUE"}, rules(t, d.Change(&Demand{}, []string{"price_terms"})))
	d.State = DemandFilled
	refused(t, d.Change(patch, []string{"quantity"}), "INVALID_STATE")
}

func TestOfferChange(t *testing.T) {
	o := validOffer()
	o.State, o.ReservedQuantity = OfferOpen, 800
	require.NoError(t, o.Change(&Offer{Quantity: 800}, []string{"quantity"}))
	require.Equal(t, OfferExhausted, o.State, "all of it is reserved")
	require.Equal(t, map[string]string{"offer.quantity": "BELOW_COMMITTED"}, rules(t, o.Change(&Offer{Quantity: 700}, []string{"quantity"})))
	require.NoError(t, o.Change(&Offer{Quantity: 900, MinPriceVND: 1}, []string{"quantity"}))
	require.Equal(t, OfferOpen, o.State, "capacity again")
	require.EqualValues(t, 36000, o.MinPriceVND, "fields outside the mask stay")
	o.State = OfferWithdrawn
	refused(t, o.Change(&Offer{Quantity: 900}, []string{"quantity"}), "INVALID_STATE")
}

func TestEnds(t *testing.T) {
	d := validDemand()
	d.State = DemandPartiallyAllocated
	done, err := d.CheckEnd(DemandClosed)
	require.NoError(t, err)
	require.False(t, done)
	d.State = DemandClosed
	done, err = d.CheckEnd(DemandClosed)
	require.NoError(t, err)
	require.True(t, done, "closing a closed demand again is a retry")
	_, err = d.CheckEnd(DemandCancelled)
	refused(t, err, "INVALID_STATE")

	pr := Proposal{State: ProposalPending}
	done, err = pr.CheckEnd(ProposalDeclined)
	require.NoError(t, err)
	require.False(t, done)
	done, err = pr.CheckAccept()
	require.NoError(t, err)
	require.False(t, done)
	pr.State = ProposalDeclined
	done, err = pr.CheckEnd(ProposalDeclined)
	require.NoError(t, err)
	require.True(t, done)
	_, err = pr.CheckEnd(ProposalCancelled)
	refused(t, err, "INVALID_STATE")
	_, err = pr.CheckAccept()
	refused(t, err, "INVALID_STATE")
	pr.State = ProposalAccepted
	done, err = pr.CheckAccept()
	require.NoError(t, err)
	require.True(t, done, "accepting an accepted proposal again is a retry")
	refused(t, ErrProposalState(ProposalCancelled), "INVALID_STATE")
}

func TestDraft(t *testing.T) {
	d := validDemand() // delivery 2026-06-01 … 2026-06-30
	d.ID, d.DeliveryWindow = "d1", Window{"2026-06-01", "2026-06-30"}
	o := validOffer()
	o.HarvestWindow, o.Certifications = Window{"2026-06-20", "2026-08-31"}, []string{"standards/VIETGAP"}
	o.Households = []string{"households/a", "households/b", "households/c"}
	pr := &Proposal{ID: "p1", Demand: "demands/d1", Quantity: 10}
	c := Draft(&d, &o, pr, "authorities/x")
	require.Equal(t, DraftLot{ID: DraftLotID, Window: Window{"2026-06-20", "2026-06-30"}, Place: "Kho", Quantity: 10}, c.Lot, "delivered where the windows overlap")
	require.Equal(t, Window{"2026-06-01", "2026-06-30"}, c.Period)
	require.Equal(t, LinkagePurchaseOnly, c.LinkageForm)
	require.Equal(t, "standards/VIETGAP", c.QualityStandard, "no required standard: the offer's first")
	require.Equal(t, []HouseholdAllocation{{"households/a", 4}, {"households/b", 3}, {"households/c", 3}}, c.Allocations)
	require.Equal(t, [3]int32{DraftToleranceBps, DraftPenaltyBps, DraftPaymentDays}, [3]int32{c.ToleranceBps, c.PenaltyBps, c.PaymentDays})
	require.Equal(t, [4]string{"organizations/b", "organizations/c", "authorities/x", DraftRulebook}, [4]string{c.Buyer, c.Producer, c.WitnessAuthority, c.Rulebook})

	d.InputsOffered, d.RequiredStandard = []string{"giống"}, "standards/GLOBALGAP"
	o.HarvestWindow = Window{"2026-08-01", "2026-08-31"}
	c = Draft(&d, &o, &Proposal{ID: "p2", Quantity: 2}, "")
	require.Equal(t, LinkageInputSupplyAndPurchase, c.LinkageForm)
	require.Equal(t, "standards/GLOBALGAP", c.QualityStandard)
	require.Equal(t, d.DeliveryWindow, c.Lot.Window, "no overlap: the delivery window")
	require.Equal(t, []HouseholdAllocation{{"households/a", 1}, {"households/b", 1}}, c.Allocations, "a household with nothing is left out")
}

func TestMatchingRules(t *testing.T) {
	d := validDemand()
	o := validOffer()
	o.State = OfferOpen
	require.True(t, Compatible(&d, &o))
	for name, change := range map[string]func(o *Offer){
		"other product":  func(o *Offer) { o.Product = "products/q" },
		"not open":       func(o *Offer) { o.State = OfferExhausted },
		"nothing left":   func(o *Offer) { o.ReservedQuantity = o.Quantity },
		"window outside": func(o *Offer) { o.HarvestWindow = Window{"2026-09-01", "2026-09-30"} },
	} {
		x := o
		change(&x)
		require.False(t, Compatible(&d, &x), name)
	}

	satisfies := func(c string) []string {
		if c == "standards/GLOBALGAP" {
			return []string{c, "standards/VIETGAP"}
		}
		return []string{c}
	}
	require.Equal(t, 1.0, StandardFit("", nil, satisfies))
	require.Equal(t, 1.0, StandardFit("standards/VIETGAP", []string{"standards/GLOBALGAP", "standards/VIETGAP"}, satisfies))
	require.Equal(t, SatisfyingStandardFit, StandardFit("standards/VIETGAP", []string{"standards/GLOBALGAP"}, satisfies))
	require.Zero(t, StandardFit("standards/VIETGAP", []string{"standards/OCOP"}, satisfies))

	require.EqualValues(t, 40000+200, UnitCost(&d, &o, 100, 2), "the buyer's price (higher than the ask) plus transport")
	o.MinPriceVND = 45000
	require.EqualValues(t, 45000, UnitCost(&d, &o, 0.2, 2), "the ask; 0.4 VND of transport rounds to 0")
	require.True(t, IsPoorGroup(PoorGroupShare))
	require.False(t, IsPoorGroup(0.49))
}

package domain

import (
	"time"

	"testing"

	"github.com/stretchr/testify/require"
)

func TestOverlap(t *testing.T) {
	w, d := Overlap(Window{"2026-06-01", "2026-06-30"}, Window{"2026-06-20", "2026-07-10"})
	require.Equal(t, Window{"2026-06-20", "2026-06-30"}, w)
	require.Equal(t, 11, d)
	_, d = Overlap(Window{"2026-06-01", "2026-06-30"}, Window{"2026-07-01", "2026-07-10"})
	require.Zero(t, d)
	_, d = Overlap(Window{"x", "y"}, Window{"2026-07-01", "2026-07-10"})
	require.Zero(t, d)
}

func TestScoreRanksSensibly(t *testing.T) {
	d := &Demand{Quantity: 1000, DeliveryWindow: Window{"2026-06-01", "2026-06-30"}, Price: Price{Type: "FIXED", FixedPriceVND: 40000}}
	near := &Offer{Quantity: 1000, HarvestWindow: Window{"2026-06-01", "2026-06-30"}, MinPriceVND: 38000}
	far := &Offer{Quantity: 1000, HarvestWindow: Window{"2026-06-01", "2026-06-30"}, MinPriceVND: 38000}
	pricey := &Offer{Quantity: 1000, HarvestWindow: Window{"2026-06-01", "2026-06-30"}, MinPriceVND: 49000}
	f := OfferFacts{StandardFit: 1, DeliveryRecord: 0.5}
	sNear, b := Score(d, near, OfferFacts{DistanceKm: 10, StandardFit: 1, DeliveryRecord: 0.5}, DefaultWeights)
	sFar, _ := Score(d, far, OfferFacts{DistanceKm: 600, StandardFit: 1, DeliveryRecord: 0.5}, DefaultWeights)
	sPricey, bp := Score(d, pricey, OfferFacts{DistanceKm: 10, StandardFit: 1, DeliveryRecord: 0.5}, DefaultWeights)
	require.Greater(t, sNear, sFar)
	require.Greater(t, sNear, sPricey)
	require.Equal(t, 1.0, b.PriceFit)
	require.Equal(t, 0.0, bp.PriceFit)
	require.Len(t, b.Explanation, 7)
	_ = f
	poor, _ := Score(d, near, OfferFacts{DistanceKm: 10, StandardFit: 1, PoorShare: 0.8, DeliveryRecord: 0.5}, DefaultWeights)
	require.Greater(t, poor, sNear)
	require.LessOrEqual(t, poor, 100.0)
	onlyPrice := Weights{Price: 1}
	a, _ := Score(d, near, OfferFacts{DistanceKm: 900}, onlyPrice)
	require.Equal(t, 100.0, a)
}

func TestParseWeights(t *testing.T) {
	w, err := ParseWeights("price=50, distance=0")
	require.NoError(t, err)
	require.Equal(t, 50.0, w.Price)
	require.Equal(t, 0.0, w.Distance)
	require.Equal(t, DefaultWeights.Standard, w.Standard)
	for bad, why := range map[string]string{"price": "want name=non-negative number", "price=-1": "want name=non-negative number",
		"speed=3": `unknown weight "speed"`, "price=abc": "want name=non-negative number"} {
		_, err := ParseWeights(bad)
		require.ErrorContains(t, err, why, bad)
	}
}

func TestDistance(t *testing.T) {
	// Hà Nội to TP HCM is about 1,140 km as the crow flies.
	d := DistanceKm(21.03, 105.85, 10.78, 106.70)
	require.InDelta(t, 1140, d, 30)
	require.Zero(t, DistanceKm(1, 2, 1, 2))
}

func TestDeliveryRecord(t *testing.T) {
	for _, tc := range []struct {
		name string
		fs   []Fulfilment
		want float64
	}{
		{"no history is neutral", nil, 0.5},
		{"one perfect contract", []Fulfilment{{100, 100}}, 0.75},
		{"one failed contract", []Fulfilment{{100, 0}}, 0.25},
		{"over-delivery counts as full", []Fulfilment{{100, 130}}, 0.75},
		{"partial", []Fulfilment{{100, 90}, {200, 200}, {50, 25}}, (0.5 + 0.9 + 1 + 0.5) / 4},
		{"nothing contracted is ignored", []Fulfilment{{0, 10}, {100, 100}}, 0.75},
		{"negative accepted counts as none", []Fulfilment{{100, -5}}, 0.25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.InDelta(t, tc.want, DeliveryRecord(tc.fs), 1e-12)
		})
	}
}

func TestLedger(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	var o Offer
	require.True(t, o.Holds.Reserve("p1", 100, now))
	require.False(t, o.Holds.Reserve("p1", 999, now), "a retried reserve changes nothing")
	require.True(t, o.Holds.Reserve("p2", 50, now))
	o.Recount()
	require.Equal(t, [3]int64{150, 0, 2}, [3]int64{o.ReservedQuantity, o.CommittedQuantity, int64(o.PendingHolds)})

	require.True(t, o.Holds.Commit("p1", 100, now))
	require.False(t, o.Holds.Commit("p1", 100, now), "a retried commit changes nothing")
	require.False(t, o.Holds.Release("p1"), "a committed hold is never released")
	require.True(t, o.Holds.Release("p2"))
	require.False(t, o.Holds.Release("p2"), "a retried release changes nothing")
	o.Recount()
	require.Equal(t, [3]int64{0, 100, 0}, [3]int64{o.ReservedQuantity, o.CommittedQuantity, int64(o.PendingHolds)})

	// Commit without a hold (the hold was lost): the accepted quantity is still counted.
	var d Demand
	require.True(t, d.Holds.Commit("p3", 70, now))
	d.Recount()
	require.Equal(t, int64(70), d.AllocatedQuantity)
}

package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzAllocate: arbitrary quantities, lots, shares, capacities and costs (including huge and
// negative ones) never panic, and every plan is consistent: lines respect the minimum lot and
// capacity, quantities add up, and cost is exactly Σ quantity × unit cost.
func FuzzAllocate(f *testing.F) {
	f.Add(int64(100), int64(50), int64(3000), int64(60), int64(10), int64(80), int64(12), true)
	f.Add(int64(1<<62), int64(0), int64(10000), int64(1<<62), int64(1<<40), int64(5), int64(-3), false)
	f.Fuzz(func(t *testing.T, q, lot, share, c1, u1, c2, u2 int64, poor bool) {
		if share < 0 || share > 10000 || lot < 0 || q > 1<<40 {
			return // outside what the transport layer lets through
		}
		p := Problem{Quantity: q, MinLot: lot, MinPoorShareBps: share, Supplies: []Supply{{ID: "a", Capacity: c1, UnitCost: u1, Poor: poor}, {ID: "b", Capacity: c2, UnitCost: u2}}}
		plan, err := Allocate(p)
		if err != nil {
			require.ErrorIs(t, err, ErrTooLarge)
			return
		}
		if q <= 0 {
			require.Empty(t, plan.Lines)
			return
		}
		var sum, cost int64
		for _, l := range plan.Lines {
			s := p.Supplies[0]
			if l.ID == "b" {
				s = p.Supplies[1]
			}
			require.Positive(t, l.Quantity)
			require.GreaterOrEqual(t, l.Quantity, lot)
			require.LessOrEqual(t, l.Quantity, s.Capacity)
			require.Equal(t, l.Quantity*s.UnitCost, l.Cost)
			sum += l.Quantity
			cost += l.Cost
		}
		require.Equal(t, plan.Allocated, sum)
		require.Equal(t, plan.Cost, cost)
		require.Equal(t, q, plan.Allocated+plan.Unallocated)
	})
}

// FuzzParseWeights: any text either parses into non-negative finite weights or is refused.
func FuzzParseWeights(f *testing.F) {
	f.Add("distance=20,price=30")
	f.Add("price=NaN")
	f.Add("x=1e400")
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeights(s)
		if err != nil {
			return
		}
		for _, v := range []float64{w.Distance, w.Standard, w.Window, w.Price, w.Capacity, w.Record, w.Inclusion} {
			require.GreaterOrEqual(t, v, 0.0)
			require.False(t, v != v || v > 1e308)
		}
	})
}

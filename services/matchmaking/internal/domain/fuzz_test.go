package domain

import (
	"context"
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

// FuzzBatchAllocate: two demands, two offers and up to four arcs taken from the fuzzer's
// bytes. Small values are compared with exhaustive enumeration (the plan is optimal and the
// proven bound equals it); any values, huge and negative included, never panic and give a
// feasible plan whose cost is exactly Σ quantity × unit cost, or ErrTooLarge.
func FuzzBatchAllocate(f *testing.F) {
	f.Add([]byte{5, 2, 30, 4, 0, 0, 3, 1, 4, 0, 15, 2, 7, 9, 1})
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		at := func(i int) int64 {
			if i < len(b) {
				return int64(b[i])
			}
			return 0
		}
		small := len(b) < 16
		scale := func(v int64, mod int64) int64 {
			if small {
				return v % mod
			}
			return v * v * v * v * v * v * v // up to ~7e16: exercises the overflow guard
		}
		p := BatchProblem{
			Demands: []BatchDemand{
				{Quantity: scale(at(0), 7), MinLot: scale(at(1), 4), MinPoorShareBps: at(2) * 50},
				{Quantity: scale(at(3), 7), MinLot: scale(at(4), 4), MinPoorShareBps: at(5) * 50},
			},
			Offers: []BatchOffer{{Capacity: scale(at(6), 7), Poor: at(7)%2 == 0}, {Capacity: scale(at(8), 7), Poor: at(9)%2 == 0}},
		}
		for k := 0; k < 4; k++ {
			if at(10+k)%3 != 0 {
				p.Arcs = append(p.Arcs, Arc{Demand: k / 2, Offer: k % 2, UnitCost: scale(at(14+k%2), 20) - 2})
			}
		}
		plan, err := BatchAllocate(context.Background(), p)
		if err != nil {
			require.ErrorIs(t, err, ErrTooLarge)
			return
		}
		// Arcs with a negative cost are refused by the allocator: drop them for the checks.
		var valid []Arc
		for _, a := range p.Arcs {
			if a.UnitCost >= 0 {
				valid = append(valid, a)
			}
		}
		p.Arcs = valid
		v := checkBatch(t, p, plan)
		if small {
			require.True(t, plan.Optimal)
			require.Equal(t, bruteBatch(p), v)
		}
	})
}

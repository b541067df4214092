package domain

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAllocateExamples(t *testing.T) {
	// Greedy would take the cheapest 60 from A then 40 from B — but B's minimum lot of 50
	// makes that infeasible; the optimum uses A=50, B=50.
	plan, err := Allocate(Problem{Quantity: 100, MinLot: 50, Supplies: []Supply{{ID: "A", Capacity: 60, UnitCost: 10}, {ID: "B", Capacity: 80, UnitCost: 12}}})
	require.NoError(t, err)
	require.EqualValues(t, 100, plan.Allocated)
	require.EqualValues(t, 50*10+50*12, plan.Cost)

	// Inclusion: 30% must come from poor groups even though they cost more.
	plan, err = Allocate(Problem{Quantity: 100, MinPoorShareBps: 3000, Supplies: []Supply{{ID: "rich", Capacity: 100, UnitCost: 10}, {ID: "poor", Capacity: 100, UnitCost: 11, Poor: true}}})
	require.NoError(t, err)
	require.Equal(t, []Line{{"rich", 70, 700}, {"poor", 30, 330}}, plan.Lines)

	// Not enough capacity: allocate what exists.
	plan, err = Allocate(Problem{Quantity: 100, Supplies: []Supply{{ID: "A", Capacity: 30, UnitCost: 10}}})
	require.NoError(t, err)
	require.EqualValues(t, 30, plan.Allocated)
	require.EqualValues(t, 70, plan.Unallocated)

	// A supplier below the minimum lot is never used.
	plan, err = Allocate(Problem{Quantity: 10, MinLot: 20, Supplies: []Supply{{ID: "A", Capacity: 15, UnitCost: 1}}})
	require.NoError(t, err)
	require.Empty(t, plan.Lines)
	require.EqualValues(t, 10, plan.Unallocated)
}

// bruteForce enumerates every integer allocation.
func bruteForce(p Problem) (allocated, cost int64) {
	var poorCap int64
	for _, s := range p.Supplies {
		if s.Poor && s.Capacity >= p.MinLot {
			poorCap += s.Capacity
		}
	}
	need := ceilDiv(p.Quantity*p.MinPoorShareBps, 10000)
	if need > poorCap {
		need = poorCap
	}
	try := func(need int64) (int64, int64, bool) {
		bestT, bestC, found := int64(-1), int64(0), false
		x := make([]int64, len(p.Supplies))
		var rec func(i int)
		rec = func(i int) {
			if i == len(p.Supplies) {
				var t, c, poor int64
				for j, q := range x {
					t += q
					c += q * p.Supplies[j].UnitCost
					if p.Supplies[j].Poor {
						poor += q
					}
				}
				if t > p.Quantity || poor < need {
					return
				}
				if t > bestT || (t == bestT && c < bestC) {
					bestT, bestC, found = t, c, true
				}
				return
			}
			s := p.Supplies[i]
			x[i] = 0
			rec(i + 1)
			lo := p.MinLot
			if lo < 1 {
				lo = 1
			}
			for q := lo; q <= s.Capacity; q++ {
				x[i] = q
				rec(i + 1)
			}
			x[i] = 0
		}
		rec(0)
		return bestT, bestC, found
	}
	t, c, ok := try(need)
	if !ok {
		t, c, _ = try(0)
	}
	return t, c
}

// TestAllocateIsOptimal compares with exhaustive enumeration on random small instances.
func TestAllocateIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 1500; n++ {
		p := Problem{Quantity: r.Int64N(14) + 1, MinLot: r.Int64N(5), MinPoorShareBps: []int64{0, 0, 2500, 5000, 8000}[r.IntN(5)]}
		for i := 0; i < r.IntN(5)+1; i++ {
			p.Supplies = append(p.Supplies, Supply{ID: fmt.Sprint("s", i), Capacity: r.Int64N(9), UnitCost: r.Int64N(20) + 1, Poor: r.IntN(2) == 0})
		}
		plan, err := Allocate(p)
		require.NoError(t, err)
		wantT, wantC := bruteForce(p)
		require.Equal(t, wantT, plan.Allocated, "instance %d: %+v", n, p)
		require.Equal(t, wantC, plan.Cost, "instance %d: %+v", n, p)
		var sum int64
		for _, l := range plan.Lines {
			require.True(t, l.Quantity >= p.MinLot && l.Quantity > 0, "min lot respected")
			sum += l.Quantity
		}
		require.Equal(t, plan.Allocated, sum)
		require.Equal(t, p.Quantity, plan.Allocated+plan.Unallocated)
	}
}

func bruteBatch(demand, capacity []int64, arcs []Arc) (int64, int64) {
	bestF, bestC := int64(-1), int64(0)
	x := make([]int64, len(arcs))
	var rec func(i int)
	rec = func(i int) {
		if i == len(arcs) {
			used := make([]int64, len(capacity))
			got := make([]int64, len(demand))
			var f, c int64
			for j, a := range arcs {
				used[a.Offer] += x[j]
				got[a.Demand] += x[j]
				f += x[j]
				c += x[j] * a.UnitCost
			}
			for o := range used {
				if used[o] > capacity[o] {
					return
				}
			}
			for d := range got {
				if got[d] > demand[d] {
					return
				}
			}
			if f > bestF || (f == bestF && c < bestC) {
				bestF, bestC = f, c
			}
			return
		}
		for q := int64(0); q <= 3; q++ {
			x[i] = q
			rec(i + 1)
		}
	}
	rec(0)
	return bestF, bestC
}

// TestBatchAllocateIsOptimal compares the min-cost flow with exhaustive enumeration.
func TestBatchAllocateIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 300; n++ {
		nd, no := r.IntN(2)+1, r.IntN(3)+1
		demand := make([]int64, nd)
		capacity := make([]int64, no)
		for i := range demand {
			demand[i] = r.Int64N(4)
		}
		for i := range capacity {
			capacity[i] = r.Int64N(4)
		}
		var arcs []Arc
		for d := 0; d < nd; d++ {
			for o := 0; o < no; o++ {
				if r.IntN(4) > 0 && len(arcs) < 6 {
					arcs = append(arcs, Arc{Demand: d, Offer: o, UnitCost: r.Int64N(10)})
				}
			}
		}
		lines, flow, cost := BatchAllocate(demand, capacity, arcs)
		wf, wc := bruteBatch(demand, capacity, arcs)
		require.Equal(t, wf, flow, "instance %d", n)
		require.Equal(t, wc, cost, "instance %d", n)
		var sum int64
		for _, l := range lines {
			sum += l.Quantity
		}
		require.Equal(t, flow, sum)
	}
}

func BenchmarkAllocateSingleDemand(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	p := Problem{Quantity: 50_000, MinLot: 2_000, MinPoorShareBps: 3000}
	for i := 0; i < 60; i++ {
		p.Supplies = append(p.Supplies, Supply{ID: fmt.Sprint(i), Capacity: r.Int64N(8_000) + 500, UnitCost: 30_000 + r.Int64N(8_000), Poor: r.IntN(3) == 0})
	}
	for b.Loop() {
		if _, err := Allocate(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchAllocate1000x10000: 1,000 demands × 10,000 offers over 16 products; arcs join a
// demand to the offers of its product whose window overlaps (about 1 in 3), as the service
// builds them.
func BenchmarkBatchAllocate1000x10000(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	const nd, no, products = 1000, 10000, 16
	demand := make([]int64, nd)
	capacity := make([]int64, no)
	dp := make([]int, nd)
	op := make([]int, no)
	for i := range demand {
		demand[i], dp[i] = 1000+r.Int64N(20_000), r.IntN(products)
	}
	for i := range capacity {
		capacity[i], op[i] = 200+r.Int64N(3_000), r.IntN(products)
	}
	byProduct := make([][]int, products)
	for o := range capacity {
		byProduct[op[o]] = append(byProduct[op[o]], o)
	}
	var arcs []Arc
	for d := range demand {
		for _, o := range byProduct[dp[d]] {
			if r.IntN(3) == 0 {
				arcs = append(arcs, Arc{Demand: d, Offer: o, UnitCost: 30_000 + r.Int64N(10_000)})
			}
		}
	}
	b.ReportMetric(float64(len(arcs)), "arcs")
	for b.Loop() {
		BatchAllocate(demand, capacity, arcs)
	}
}

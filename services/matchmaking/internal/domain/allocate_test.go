package domain

import (
	"context"
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

// TestAllocateLargeQuantities: 10,000 tonnes (in kg) at 300,000 VND/kg with a 6,000-tonne
// lot: one offer of 6,000 t or one of 9,000 t (both together exceed the demand). The larger
// wins. A big-M price for unallocated units (cost × quantity per unit) overflows int64 here
// and picked the smaller.
func TestAllocateLargeQuantities(t *testing.T) {
	plan, err := Allocate(Problem{Quantity: 10_000_000, MinLot: 6_000_000, Supplies: []Supply{
		{ID: "A", Capacity: 6_000_000, UnitCost: 300_000}, {ID: "B", Capacity: 9_000_000, UnitCost: 300_000}}})
	require.NoError(t, err)
	require.Equal(t, []Line{{"B", 9_000_000, 2_700_000_000_000}}, plan.Lines)
	require.EqualValues(t, 1_000_000, plan.Unallocated)
}

// bruteForce enumerates every integer allocation and ranks plans by inclusion shortfall,
// then quantity (more is better), then cost.
func bruteForce(p Problem) (allocated, cost, short int64) {
	need := ceilDiv(p.Quantity*p.MinPoorShareBps, 10000)
	bestS, bestT, bestC := int64(-1), int64(0), int64(0)
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
			if t > p.Quantity {
				return
			}
			short := max(need-poor, 0)
			if bestS < 0 || short < bestS || (short == bestS && (t > bestT || (t == bestT && c < bestC))) {
				bestS, bestT, bestC = short, t, c
			}
			return
		}
		s := p.Supplies[i]
		x[i] = 0
		rec(i + 1)
		for q := max(p.MinLot, 1); q <= s.Capacity; q++ {
			x[i] = q
			rec(i + 1)
		}
		x[i] = 0
	}
	rec(0)
	return bestT, bestC, bestS
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
		wantT, wantC, wantS := bruteForce(p)
		require.Equal(t, wantS, plan.InclusionShortfall, "instance %d: %+v", n, p)
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

// bruteBatch enumerates every integer batch plan (each pair gets 0 or lot..min(quantity, capacity)) and returns the best
// value under BatchAllocate's ranking: (inclusion shortfall, −quantity, cost).
func bruteBatch(p BatchProblem) lex {
	best, found := lex{}, false
	x := make([]int64, len(p.Arcs))
	var rec func(i int)
	rec = func(i int) {
		if i == len(p.Arcs) {
			used := make([]int64, len(p.Offers))
			got := make([]int64, len(p.Demands))
			poor := make([]int64, len(p.Demands))
			var v lex
			for j, a := range p.Arcs {
				used[a.Offer] += x[j]
				got[a.Demand] += x[j]
				if p.Offers[a.Offer].Poor {
					poor[a.Demand] += x[j]
				}
				v.money += x[j] * a.UnitCost
			}
			for o := range used {
				if used[o] > p.Offers[o].Capacity {
					return
				}
			}
			for d, dm := range p.Demands {
				if got[d] > dm.Quantity {
					return
				}
				v.short += max(need(dm)-poor[d], 0)
				v.unalloc += dm.Quantity - got[d]
			}
			if !found || v.less(best) {
				best, found = v, true
			}
			return
		}
		x[i] = 0
		rec(i + 1)
		a := p.Arcs[i]
		for q := max(p.Demands[a.Demand].MinLot, 1); q <= min(p.Demands[a.Demand].Quantity, p.Offers[a.Offer].Capacity); q++ {
			x[i] = q
			rec(i + 1)
		}
		x[i] = 0
	}
	rec(0)
	return best
}

// checkBatch verifies a plan's feasibility and returns its value.
func checkBatch(t *testing.T, p BatchProblem, plan BatchPlan) lex {
	t.Helper()
	used := make([]int64, len(p.Offers))
	got := make([]int64, len(p.Demands))
	poor := make([]int64, len(p.Demands))
	var v lex
	var total, cost int64
	seen := map[[2]int]bool{}
	for _, l := range plan.Lines {
		require.False(t, seen[[2]int{l.Demand, l.Offer}], "one line per pair")
		seen[[2]int{l.Demand, l.Offer}] = true
		var arc *Arc
		for i := range p.Arcs {
			if p.Arcs[i].Demand == l.Demand && p.Arcs[i].Offer == l.Offer {
				arc = &p.Arcs[i]
			}
		}
		require.NotNil(t, arc, "line on an arc")
		require.GreaterOrEqual(t, l.Quantity, max(p.Demands[l.Demand].MinLot, 1), "minimum lot")
		require.Equal(t, l.Quantity*arc.UnitCost, l.Cost)
		used[l.Offer] += l.Quantity
		got[l.Demand] += l.Quantity
		if p.Offers[l.Offer].Poor {
			poor[l.Demand] += l.Quantity
		}
		total += l.Quantity
		cost += l.Cost
	}
	for o := range used {
		require.LessOrEqual(t, used[o], p.Offers[o].Capacity, "capacity")
	}
	for d, dm := range p.Demands {
		require.LessOrEqual(t, got[d], dm.Quantity, "demand")
		require.Equal(t, dm.Quantity-got[d], plan.Unallocated[d])
		require.Equal(t, max(need(dm)-poor[d], 0), plan.InclusionShortfall[d])
		v.short += plan.InclusionShortfall[d]
		v.unalloc += plan.Unallocated[d]
	}
	require.Equal(t, total, plan.Allocated)
	require.Equal(t, cost, plan.Cost)
	v.money = cost
	return v
}

func randomBatch(r *rand.Rand, maxArcs int) BatchProblem {
	var p BatchProblem
	for i := 0; i < r.IntN(3)+1; i++ {
		p.Demands = append(p.Demands, BatchDemand{Quantity: r.Int64N(9), MinLot: r.Int64N(5), MinPoorShareBps: []int64{0, 0, 3000, 5000, 10000}[r.IntN(5)]})
	}
	for i := 0; i < r.IntN(3)+1; i++ {
		p.Offers = append(p.Offers, BatchOffer{Capacity: r.Int64N(8), Poor: r.IntN(2) == 0})
	}
	for d := range p.Demands {
		for o := range p.Offers {
			if r.IntN(4) > 0 && len(p.Arcs) < maxArcs {
				p.Arcs = append(p.Arcs, Arc{Demand: d, Offer: o, UnitCost: r.Int64N(10)})
			}
		}
	}
	return p
}

// TestBatchAllocateIsOptimal compares the branch-and-bound over min-cost flows with exhaustive
// enumeration on random instances with minimum lots and inclusion shares.
func TestBatchAllocateIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	lotsBranched := 0
	for n := 0; n < 2000; n++ {
		p := randomBatch(r, 5)
		plan, err := BatchAllocate(context.Background(), p)
		require.NoError(t, err)
		require.True(t, plan.Optimal)
		want := bruteBatch(p)
		require.Equal(t, want, checkBatch(t, p, plan), "instance %d: %+v", n, p)
		require.Equal(t, BatchValue{want.short, want.unalloc, want.money}, plan.LowerBound, "proven bound = optimum")
		require.Equal(t, plan.Value, plan.LowerBound)
		// Cut short, the plan stays feasible and the bound stays below the optimum.
		p.MaxNodes = 1
		cut, err := BatchAllocate(context.Background(), p)
		require.NoError(t, err)
		v := checkBatch(t, p, cut)
		require.False(t, want.less(v) && cut.Optimal, "a worse plan is not called optimal")
		lb := lex{short: cut.LowerBound.InclusionShortfall, unalloc: cut.LowerBound.Unallocated, money: cut.LowerBound.Cost}
		require.False(t, want.less(lb), "instance %d: bound %+v above optimum %+v", n, lb, want)
		if plan.Nodes > 1 {
			lotsBranched++
		}
	}
	t.Logf("%d of 2000 instances branched", lotsBranched)
	require.Greater(t, lotsBranched, 100, "the instances exercise branching")
}

// TestBatchOfOneIsAllocate: for one demand, BatchAllocate and Allocate agree on random instances.
func TestBatchOfOneIsAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for n := 0; n < 1500; n++ {
		p := Problem{Quantity: r.Int64N(40) + 1, MinLot: r.Int64N(12), MinPoorShareBps: []int64{0, 2500, 5000, 8000}[r.IntN(4)]}
		bp := BatchProblem{Demands: []BatchDemand{{Quantity: p.Quantity, MinLot: p.MinLot, MinPoorShareBps: p.MinPoorShareBps}}}
		for i := 0; i < r.IntN(8)+1; i++ {
			s := Supply{ID: fmt.Sprint(i), Capacity: r.Int64N(25), UnitCost: r.Int64N(50), Poor: r.IntN(2) == 0}
			p.Supplies = append(p.Supplies, s)
			bp.Offers = append(bp.Offers, BatchOffer{Capacity: s.Capacity, Poor: s.Poor})
			bp.Arcs = append(bp.Arcs, Arc{Demand: 0, Offer: i, UnitCost: s.UnitCost})
		}
		want, err := Allocate(p)
		require.NoError(t, err)
		bounded, optimal, err := AllocateBounded(context.Background(), p, 0)
		require.NoError(t, err)
		require.True(t, optimal)
		require.Equal(t, [4]int64{want.Allocated, want.Cost, want.Unallocated, want.InclusionShortfall},
			[4]int64{bounded.Allocated, bounded.Cost, bounded.Unallocated, bounded.InclusionShortfall}, "instance %d: %+v", n, p)
		var sum int64
		for _, l := range bounded.Lines {
			s := p.Supplies[mustAtoi(t, l.ID)]
			require.Equal(t, l.Quantity*s.UnitCost, l.Cost, "lines keep their supplier's id")
			require.LessOrEqual(t, l.Quantity, s.Capacity)
			sum += l.Quantity
		}
		require.Equal(t, bounded.Allocated, sum)
		got, err := BatchAllocate(context.Background(), bp)
		require.NoError(t, err)
		require.True(t, got.Optimal)
		checkBatch(t, bp, got)
		require.Equal(t, want.Allocated, got.Allocated, "instance %d: %+v", n, p)
		require.Equal(t, want.Cost, got.Cost, "instance %d: %+v", n, p)
		require.Equal(t, want.InclusionShortfall, got.InclusionShortfall[0], "instance %d: %+v", n, p)
	}
}

func mustAtoi(t *testing.T, s string) int {
	var i int
	_, err := fmt.Sscan(s, &i)
	require.NoError(t, err)
	return i
}

// TestBatchAllocateBudget: a search cut short still returns a feasible plan, marked not optimal.
func TestBatchAllocateBudget(t *testing.T) {
	p := lotHeavyBatch(rand.New(rand.NewPCG(11, 12)), 30, 120, 2)
	p.MaxNodes = 3
	plan, err := BatchAllocate(context.Background(), p)
	require.NoError(t, err)
	require.False(t, plan.Optimal)
	require.Positive(t, plan.Allocated)
	v := checkBatch(t, p, plan)
	require.Equal(t, BatchValue{v.short, v.unalloc, v.money}, plan.Value)
	lb := lex{short: plan.LowerBound.InclusionShortfall, unalloc: plan.LowerBound.Unallocated, money: plan.LowerBound.Cost}
	require.True(t, lb.less(v), "a cut-short search reports a gap")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.MaxNodes = 0
	_, err = BatchAllocate(ctx, p)
	require.ErrorIs(t, err, context.Canceled)
}

func TestBatchAllocateExamples(t *testing.T) {
	// Two demands share a poor offer: the one that needs poor supply for its share gets it,
	// the other is served by the cheaper non-poor offer.
	p := BatchProblem{
		Demands: []BatchDemand{{Quantity: 10, MinPoorShareBps: 5000}, {Quantity: 10}},
		Offers:  []BatchOffer{{Capacity: 5, Poor: true}, {Capacity: 15}},
		Arcs:    []Arc{{0, 0, 20}, {0, 1, 10}, {1, 0, 1}, {1, 1, 10}},
	}
	plan, err := BatchAllocate(context.Background(), p)
	require.NoError(t, err)
	require.ElementsMatch(t, []BatchLine{{0, 0, 5, 100}, {0, 1, 5, 50}, {1, 1, 10, 100}}, plan.Lines)
	require.Equal(t, []int64{0, 0}, plan.InclusionShortfall)

	// Minimum lot 6 on 10 units from two offers of 7: the relaxation splits 7 + 3, but any
	// split leaves one offer below the lot, so the best plan takes 7 from the cheaper offer.
	p = BatchProblem{
		Demands: []BatchDemand{{Quantity: 10, MinLot: 6}},
		Offers:  []BatchOffer{{Capacity: 7}, {Capacity: 7}},
		Arcs:    []Arc{{0, 0, 1}, {0, 1, 2}},
	}
	plan, err = BatchAllocate(context.Background(), p)
	require.NoError(t, err)
	require.Equal(t, []BatchLine{{0, 0, 7, 7}}, plan.Lines)
	require.Equal(t, []int64{3}, plan.Unallocated)

	// The local search repairs what rounding loses: the relaxation takes 7 from the cheap
	// offer and 3 from the other; rounding drops the 3 (3 unallocated); re-solving the demand
	// alone finds that the dearer offer can take all 10. Without any branching, the plan
	// already allocates everything.
	p = BatchProblem{
		Demands:  []BatchDemand{{Quantity: 10, MinLot: 6}},
		Offers:   []BatchOffer{{Capacity: 7}, {Capacity: 10}},
		Arcs:     []Arc{{0, 0, 1}, {0, 1, 5}},
		MaxNodes: 1,
	}
	plan, err = BatchAllocate(context.Background(), p)
	require.NoError(t, err)
	require.Equal(t, []BatchLine{{0, 1, 10, 50}}, plan.Lines)
	require.False(t, plan.Optimal, "one node cannot prove it")
	require.Equal(t, BatchValue{Cost: 7 + 15}, plan.LowerBound, "the root relaxation")
	p.MaxNodes = 0
	plan, err = BatchAllocate(context.Background(), p)
	require.NoError(t, err)
	require.True(t, plan.Optimal)
	require.Equal(t, []BatchLine{{0, 1, 10, 50}}, plan.Lines)
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

// market builds a batch like the service does: demands and offers spread over products;
// arcs join a demand to the offers of its product whose window overlaps (about 1 in 3).
// With lots, demands ask for minimum lots of 300–1,500 and a third want 30% from poor groups;
// a quarter of the offers are from poor groups.
func market(r *rand.Rand, nd, no, products int, lots bool) BatchProblem {
	var p BatchProblem
	dp := make([]int, nd)
	op := make([]int, no)
	for i := 0; i < nd; i++ {
		d := BatchDemand{Quantity: 1000 + r.Int64N(20_000)}
		if lots {
			d.MinLot = 300 + r.Int64N(1_200)
			if r.IntN(3) == 0 {
				d.MinPoorShareBps = 3000
			}
		}
		p.Demands = append(p.Demands, d)
		dp[i] = r.IntN(products)
	}
	for i := 0; i < no; i++ {
		p.Offers = append(p.Offers, BatchOffer{Capacity: 200 + r.Int64N(3_000), Poor: lots && r.IntN(4) == 0})
		op[i] = r.IntN(products)
	}
	byProduct := make([][]int, products)
	for o := range p.Offers {
		byProduct[op[o]] = append(byProduct[op[o]], o)
	}
	for d := range p.Demands {
		for _, o := range byProduct[dp[d]] {
			if r.IntN(3) == 0 {
				p.Arcs = append(p.Arcs, Arc{Demand: d, Offer: o, UnitCost: 30_000 + r.Int64N(10_000)})
			}
		}
	}
	return p
}

func lotHeavyBatch(r *rand.Rand, nd, no, products int) BatchProblem {
	return market(r, nd, no, products, true)
}

// BenchmarkBatchAllocate1000x10000: 1,000 demands × 10,000 offers over 16 products, about
// 208,000 arcs; no lots or shares (a pure min-cost flow).
func BenchmarkBatchAllocate1000x10000(b *testing.B) {
	p := market(rand.New(rand.NewPCG(7, 8)), 1000, 10000, 16, false)
	b.ReportMetric(float64(len(p.Arcs)), "arcs")
	for b.Loop() {
		plan, err := BatchAllocate(context.Background(), p)
		if err != nil || !plan.Optimal {
			b.Fatal(err, plan.Optimal)
		}
	}
}

// BenchmarkBatchAllocate1000x10000Lots: the same market with minimum lots and inclusion
// shares, solved by branch-and-bound; it reports the nodes explored and whether the plan was
// proven optimal within the default budget.
func BenchmarkBatchAllocate1000x10000Lots(b *testing.B) {
	p := market(rand.New(rand.NewPCG(7, 8)), 1000, 10000, 16, true)
	b.ReportMetric(float64(len(p.Arcs)), "arcs")
	for b.Loop() {
		plan, err := BatchAllocate(context.Background(), p)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(plan.Nodes), "nodes")
		b.ReportMetric(float64(plan.Value.InclusionShortfall-plan.LowerBound.InclusionShortfall), "shortfall-gap")
		b.ReportMetric(float64(plan.Value.Unallocated-plan.LowerBound.Unallocated), "unallocated-gap")
		b.ReportMetric(float64(plan.Allocated), "allocated")
		b.ReportMetric(float64(plan.Value.Cost-plan.LowerBound.Cost)*10000/float64(plan.LowerBound.Cost), "cost-gap-bps")
		opt := 0.0
		if plan.Optimal {
			opt = 1
		}
		b.ReportMetric(opt, "optimal")
	}
}

// TestInclusionMeetsItsBound: on small markets where poor groups' capacity is contested, the
// plan's inclusion shortfall equals the proven minimum — demands short of their share take
// poor capacity from demands that do not need it (the local search's pair moves).
func TestInclusionMeetsItsBound(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		p := market(rand.New(rand.NewPCG(seed, 8)), 20, 150, 1, true)
		plan, err := BatchAllocate(context.Background(), p)
		require.NoError(t, err)
		checkBatch(t, p, plan)
		require.Equal(t, plan.LowerBound.InclusionShortfall, plan.Value.InclusionShortfall, "seed %d", seed)
	}
}

// TestBatchAllocateIsDeterministic: the same batch gives the same plan, line for line.
func TestBatchAllocateIsDeterministic(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		p := market(rand.New(rand.NewPCG(seed, 8)), 20, 150, 1, true)
		first, err := BatchAllocate(context.Background(), p)
		require.NoError(t, err)
		for range 5 {
			again, err := BatchAllocate(context.Background(), p)
			require.NoError(t, err)
			require.Equal(t, first, again, "seed %d", seed)
		}
	}
}

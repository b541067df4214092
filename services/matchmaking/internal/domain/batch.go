package domain

// The public batch API: many demands against many offers at once (BatchAllocate), and the
// bounded single-demand search built on it (AllocateBounded). The method is described on
// BatchAllocate; the pieces live in lex.go (the ranking), mincostflow.go (the relaxation),
// component.go (one independent part's network), branchbound.go (minimum lots) and
// localsearch.go (improving incumbents).

import (
	"context"
)

// BatchDemand is a demand as the batch allocator sees it.
type BatchDemand struct {
	// Quantity still open.
	Quantity int64
	// MinLot: each offer supplies this demand nothing or at least this much (0 = no minimum).
	MinLot int64
	// MinPoorShareBps: the share of Quantity wanted from Poor offers, in basis points.
	MinPoorShareBps int64
}

// BatchOffer is an offer as the batch allocator sees it.
type BatchOffer struct {
	// Capacity available.
	Capacity int64
	// Poor marks offers from groups in which at least half the households are poor or near-poor.
	Poor bool
}

// Arc is a possible delivery from an offer to a demand at a unit cost (VND, ≥ 0).
type Arc struct {
	Demand, Offer int
	UnitCost      int64
}

// BatchProblem is the allocation of many demands against many offers.
type BatchProblem struct {
	Demands []BatchDemand
	Offers  []BatchOffer
	Arcs    []Arc
	// MaxNodes bounds the branch-and-bound search in each component (0 = BatchMaxNodes).
	MaxNodes int
}

// BatchLine is one allocated pair.
type BatchLine struct {
	Demand, Offer int
	Quantity      int64
	Cost          int64
}

// BatchPlan is the result of BatchAllocate.
type BatchPlan struct {
	Lines []BatchLine
	// Allocated and Cost are the totals over Lines.
	Allocated, Cost int64
	// Unallocated is, per demand, the open quantity left unallocated.
	Unallocated []int64
	// InclusionShortfall is, per demand, how many units short of its poor share the plan is.
	InclusionShortfall []int64
	// Optimal is true when the plan is proven optimal. It is false only when the search
	// budget ran out; the plan is then the best one found, feasible but maybe not optimal,
	// and LowerBound says how far from optimal it can be.
	Optimal bool
	// Value is the plan's rank; LowerBound is proven: no plan ranks better. They are equal
	// when Optimal.
	Value, LowerBound BatchValue
	// Nodes is the number of branch-and-bound nodes explored.
	Nodes int
}

// BatchValue ranks plans: smaller inclusion shortfall first, then fewer units unallocated,
// then lower cost (VND).
type BatchValue struct {
	InclusionShortfall, Unallocated, Cost int64
}

// BatchMaxNodes is the default branch-and-bound budget per component of BatchAllocate.
const BatchMaxNodes = 200

// BatchAllocate allocates many demands against many offers at once, under the same rules as
// Allocate for one demand. Among the plans that respect capacities and minimum lots it
// chooses, in this order of priority:
//
//  1. the smallest total inclusion shortfall — each demand wants ceil(Quantity × share) units
//     from Poor offers; units short of that count against the plan;
//  2. the largest total quantity allocated;
//  3. the smallest total cost.
//
// For one demand this is exactly what Allocate computes (the tests check that).
//
// Method. Without minimum lots the problem is a min-cost flow: each demand is a node supplying
// its quantity; it reaches the sink through offers (arc cost = unit cost; offer → sink arcs
// carry capacities) or through an "unallocated" arc; demands with an inclusion share reach
// Poor offers through a collector node whose first `need` units earn a bonus. Costs are
// lexicographic 4-tuples (lot violation, inclusion shortfall, unallocated, VND), so the
// priorities are exact with no big-M overflow. The flow is solved by successive shortest paths
// with Dijkstra and node potentials, and independent components (e.g. products) separately.
//
// Minimum lots make the problem a mixed-integer program (each pair gets 0 or ≥ MinLot), which
// is NP-hard in general. Branch-and-bound handles it: a node whose relaxed flow gives some
// pair 0 < x < MinLot branches into "that pair gets ≥ MinLot" (a parallel arc of capacity
// MinLot whose units earn a reward in the first cost component, so the relaxation saturates
// it whenever it can) and "that pair gets nothing" (arcs closed). Each branch re-optimises the
// previous flow incrementally: changed arcs are repaired (saturated or emptied to restore
// non-negative reduced costs), the resulting excesses are routed by shortest paths, and
// backtracking undoes the changes (an undo trail of residual capacities). Each demand's
// quantity and inclusion target are first tightened to what it could reach with the offers to
// itself (an exact cut).
//
// Incumbents: rounding the relaxed flow down (dropping pairs below the lot) is feasible at
// every node; each new incumbent is then improved by a local search (improve) that re-solves
// demands exactly with Allocate while the others stay fixed, and lets a demand short of its
// poor share take poor capacity from another. The search is exact; when a component
// needs more than MaxNodes nodes it stops there, and the plan (the best found) comes with
// Optimal false and a proven LowerBound: the smallest relaxation value among the subtrees left
// unexplored. Small batches are solved to proven optimality (the tests compare with
// exhaustive enumeration); on large markets with lots the bound typically stays at the root
// relaxation's, and the plan within a fraction of a percent of it (see the benchmark).
func BatchAllocate(ctx context.Context, p BatchProblem) (BatchPlan, error) {
	budget := p.MaxNodes
	if budget <= 0 {
		budget = BatchMaxNodes
	}
	plan := BatchPlan{Unallocated: make([]int64, len(p.Demands)), InclusionShortfall: make([]int64, len(p.Demands)), Optimal: true}
	for i, d := range p.Demands {
		plan.Unallocated[i] = max(d.Quantity, 0)
		plan.InclusionShortfall[i] = need(d)
	}
	groups, inAny := components(p)
	s := &search{ctx: ctx, budget: budget}
	for _, arcs := range groups {
		c, err := newComponent(p, arcs)
		if err != nil {
			return BatchPlan{}, err
		}
		if err := s.solve(c); err != nil {
			return BatchPlan{}, err
		}
		plan.add(p, c)
	}
	plan.rank(p, inAny)
	plan.Optimal = !s.exhausted
	plan.Nodes = s.total
	return plan, nil
}

// usable reports whether arc a can carry anything: it joins a demand and an offer of p, its
// cost is not negative, and both sides can take the demand's minimum lot.
func usable(p BatchProblem, a Arc) bool {
	if a.Demand < 0 || a.Demand >= len(p.Demands) || a.Offer < 0 || a.Offer >= len(p.Offers) || a.UnitCost < 0 {
		return false
	}
	d, o := p.Demands[a.Demand], p.Offers[a.Offer]
	lot := max(d.MinLot, 1)
	return d.Quantity >= lot && o.Capacity >= lot
}

// components splits p's usable arcs into independent groups (connected through shared
// demands or offers), in the order of each group's first arc, and marks the demands that have
// a usable arc.
func components(p BatchProblem) ([][]int, []bool) {
	nd := len(p.Demands)
	uf := newUnionFind(nd + len(p.Offers)) // demands, then offers
	var arcs []int
	inAny := make([]bool, nd)
	for i, a := range p.Arcs {
		if usable(p, a) {
			arcs = append(arcs, i)
			inAny[a.Demand] = true
			uf.union(a.Demand, nd+a.Offer)
		}
	}
	group := map[int]int{} // root → index in groups
	var groups [][]int
	for _, i := range arcs {
		r := uf.find(p.Arcs[i].Demand)
		g, ok := group[r]
		if !ok {
			g = len(groups)
			group[r] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups, inAny
}

// unionFind is a disjoint-set forest with path halving.
type unionFind []int

func newUnionFind(n int) unionFind {
	uf := make(unionFind, n)
	for i := range uf {
		uf[i] = i
	}
	return uf
}

func (uf unionFind) find(x int) int {
	for uf[x] != x {
		uf[x] = uf[uf[x]]
		x = uf[x]
	}
	return x
}

// union joins a's set to b's.
func (uf unionFind) union(a, b int) { uf[uf.find(a)] = uf.find(b) }

// add takes a solved component's incumbent into the plan and its proven bound into the
// plan's lower bound.
func (plan *BatchPlan) add(p BatchProblem, c *component) {
	for k, q := range c.best {
		if q == 0 {
			continue
		}
		a := p.Arcs[c.arcs[k]]
		plan.Lines = append(plan.Lines, BatchLine{Demand: a.Demand, Offer: a.Offer, Quantity: q, Cost: q * a.UnitCost})
		plan.Allocated += q
		plan.Cost += q * a.UnitCost
		plan.Unallocated[a.Demand] -= q
	}
	var needs int64
	for i, gd := range c.dem {
		plan.InclusionShortfall[gd] = max(0, c.needReal[i]-c.bestPoor[i])
		needs += c.needReal[i]
	}
	// Components' values are relative: shortfall counted as −min(need, poor units), which
	// the tightened targets leave unchanged; unallocated counted against the tightened
	// quantities, c.cut being what the tightening proved unattainable.
	plan.LowerBound.InclusionShortfall += needs + c.lower.short
	plan.LowerBound.Unallocated += c.lower.unalloc + c.cut.unalloc
	plan.LowerBound.Cost += c.lower.money
}

// rank totals the plan's Value, and adds to the lower bound what the demands without a usable
// arc (inAny false) cannot avoid: their whole shortfall and quantity.
func (plan *BatchPlan) rank(p BatchProblem, inAny []bool) {
	for i, d := range p.Demands {
		plan.Value.InclusionShortfall += plan.InclusionShortfall[i]
		plan.Value.Unallocated += plan.Unallocated[i]
		if !inAny[i] {
			plan.LowerBound.InclusionShortfall += need(d)
			plan.LowerBound.Unallocated += max(d.Quantity, 0)
		}
	}
	plan.Value.Cost = plan.Cost
}

// AllocateBounded allocates one demand like Allocate, but with the batch allocator's bounded
// search (maxNodes per component; 0 = BatchMaxNodes): for demands with more candidates than
// Allocate's exact search can take, it returns the best plan found and whether it is proven
// optimal.
func AllocateBounded(ctx context.Context, p Problem, maxNodes int) (Plan, bool, error) {
	bp := BatchProblem{Demands: []BatchDemand{{Quantity: p.Quantity, MinLot: p.MinLot, MinPoorShareBps: p.MinPoorShareBps}}, MaxNodes: maxNodes}
	for i, s := range p.Supplies {
		bp.Offers = append(bp.Offers, BatchOffer{Capacity: s.Capacity, Poor: s.Poor})
		bp.Arcs = append(bp.Arcs, Arc{Demand: 0, Offer: i, UnitCost: s.UnitCost})
	}
	res, err := BatchAllocate(ctx, bp)
	if err != nil {
		return Plan{}, false, err
	}
	plan := Plan{Allocated: res.Allocated, Cost: res.Cost, Unallocated: res.Unallocated[0], InclusionShortfall: res.InclusionShortfall[0]}
	for _, l := range res.Lines {
		plan.Lines = append(plan.Lines, Line{ID: p.Supplies[l.Offer].ID, Quantity: l.Quantity, Cost: l.Cost})
	}
	return plan, res.Optimal, nil
}

// need is the units demand d wants from poor groups.
func need(d BatchDemand) int64 { return inclusionTarget(d.Quantity, d.MinPoorShareBps) }

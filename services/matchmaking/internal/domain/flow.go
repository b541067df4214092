package domain

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
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
	nd, no := len(p.Demands), len(p.Offers)
	plan := BatchPlan{Unallocated: make([]int64, nd), InclusionShortfall: make([]int64, nd), Optimal: true}
	for i, d := range p.Demands {
		plan.Unallocated[i] = max(d.Quantity, 0)
		plan.InclusionShortfall[i] = need(d)
	}
	// Usable arcs; independent components (union-find over demands and offers).
	parent := make([]int, nd+no)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	var usable []int
	for i, a := range p.Arcs {
		if a.Demand < 0 || a.Demand >= nd || a.Offer < 0 || a.Offer >= no || a.UnitCost < 0 {
			continue
		}
		d, o := p.Demands[a.Demand], p.Offers[a.Offer]
		lot := max(d.MinLot, 1)
		if d.Quantity < lot || o.Capacity < lot {
			continue
		}
		usable = append(usable, i)
		parent[find(a.Demand)] = find(nd + a.Offer)
	}
	groups := map[int][]int{}
	var order []int
	for _, i := range usable {
		r := find(p.Arcs[i].Demand)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], i)
	}
	s := &search{ctx: ctx, budget: budget}
	inAny := make([]bool, nd)
	for _, i := range usable {
		inAny[p.Arcs[i].Demand] = true
	}
	for _, r := range order {
		c, err := newComponent(p, groups[r])
		if err != nil {
			return BatchPlan{}, err
		}
		if err := s.solve(c); err != nil {
			return BatchPlan{}, err
		}
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
	for i := range p.Demands {
		plan.Value.InclusionShortfall += plan.InclusionShortfall[i]
		plan.Value.Unallocated += plan.Unallocated[i]
	}
	plan.Value.Cost = plan.Cost
	// Demands with no usable arc add their fixed shortfall and quantity to the bound.
	for i, d := range p.Demands {
		if !inAny[i] {
			plan.LowerBound.InclusionShortfall += need(d)
			plan.LowerBound.Unallocated += max(d.Quantity, 0)
		}
	}
	plan.Optimal = !s.exhausted
	plan.Nodes = s.total
	return plan, nil
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

func need(d BatchDemand) int64 {
	if d.Quantity <= 0 {
		return 0
	}
	return ceilDiv(d.Quantity*min(max(d.MinPoorShareBps, 0), 10000), 10000)
}

// lex is a lexicographic cost: lot violation, inclusion shortfall, unallocated units, VND.
type lex struct{ viol, short, unalloc, money int64 }

func (a lex) add(b lex) lex {
	return lex{a.viol + b.viol, a.short + b.short, a.unalloc + b.unalloc, a.money + b.money}
}
func (a lex) sub(b lex) lex {
	return lex{a.viol - b.viol, a.short - b.short, a.unalloc - b.unalloc, a.money - b.money}
}
func (a lex) neg() lex { return lex{-a.viol, -a.short, -a.unalloc, -a.money} }
func (a lex) times(q int64) lex {
	return lex{a.viol * q, a.short * q, a.unalloc * q, a.money * q}
}
func (a lex) less(b lex) bool {
	if a.viol != b.viol {
		return a.viol < b.viol
	}
	if a.short != b.short {
		return a.short < b.short
	}
	if a.unalloc != b.unalloc {
		return a.unalloc < b.unalloc
	}
	return a.money < b.money
}
func (a lex) sign() int {
	switch z := (lex{}); {
	case a.less(z):
		return -1
	case z.less(a):
		return 1
	}
	return 0
}

type edge struct {
	to   int32
	cap  int64 // residual capacity
	cost lex
}

// graph is a residual network holding an optimal pseudoflow: every residual edge has a
// non-negative reduced cost under pot; excess records nodes' imbalances; obj is Σ flow × cost.
type graph struct {
	edges  []edge
	adj    [][]int32
	pot    []lex
	excess []int64
	obj    lex

	dist    []lex
	prev    []int32
	done    []bool
	heap    lexHeap
	reached []int32 // nodes settled by the last dijkstra

	// trail records (edge, residual capacity before) for every change while tracing, so a
	// state can be restored by undoing only what changed since (see snapshot).
	trail   []capChange
	tracing bool
}

type capChange struct {
	edge int32
	cap  int64
}

func (g *graph) remember(e int) {
	if g.tracing {
		g.trail = append(g.trail, capChange{int32(e), g.edges[e].cap})
	}
}

func newGraph(n int) *graph {
	return &graph{adj: make([][]int32, n), pot: make([]lex, n), excess: make([]int64, n),
		dist: make([]lex, n), prev: make([]int32, n), done: make([]bool, n)}
}

// add appends an edge and its residual twin; it returns the edge's index (twin = index^1).
func (g *graph) add(u, v int, c int64, cost lex) int {
	g.edges = append(g.edges, edge{int32(v), c, cost}, edge{int32(u), 0, cost.neg()})
	g.adj[u] = append(g.adj[u], int32(len(g.edges)-2))
	g.adj[v] = append(g.adj[v], int32(len(g.edges)-1))
	return len(g.edges) - 2
}

func (g *graph) from(e int) int   { return int(g.edges[e^1].to) }
func (g *graph) flow(e int) int64 { return g.edges[e^1].cap }
func (g *graph) reduced(e int) lex {
	return g.edges[e].cost.add(g.pot[g.from(e)]).sub(g.pot[g.edges[e].to])
}

// move pushes q units along residual edge e (q may be negative to push back).
func (g *graph) move(e int, q int64) {
	g.remember(e)
	g.remember(e ^ 1)
	g.edges[e].cap -= q
	g.edges[e^1].cap += q
	g.excess[g.from(e)] -= q
	g.excess[g.edges[e].to] += q
	g.obj = g.obj.add(g.edges[e].cost.times(q))
}

// set gives forward edge e a new upper bound and cost, then restores optimality locally:
// flow above the bound is cancelled, a negative reduced cost saturates the edge, a positive
// one empties it. The imbalances this leaves are routed by repair.
func (g *graph) set(e int, ub int64, c lex) {
	if f := g.flow(e); f > ub {
		g.move(e, ub-f)
	}
	g.obj = g.obj.add(c.sub(g.edges[e].cost).times(g.flow(e)))
	g.edges[e].cost, g.edges[e^1].cost = c, c.neg()
	g.remember(e)
	g.edges[e].cap = ub - g.flow(e)
	switch g.reduced(e).sign() {
	case -1:
		if g.edges[e].cap > 0 {
			g.move(e, g.edges[e].cap)
		}
	case 1:
		if f := g.flow(e); f > 0 {
			g.move(e, -f)
		}
	}
}

// repair routes every excess to a deficit along shortest paths (successive shortest paths on
// a pseudoflow), keeping reduced costs non-negative. It reports false if some excess cannot
// reach any deficit, which the network's construction rules out.
func (g *graph) repair() bool {
	for {
		src := -1
		for v, x := range g.excess {
			if x > 0 {
				src = v
				break
			}
		}
		if src < 0 {
			return true
		}
		dst := g.dijkstra(src)
		if dst < 0 {
			return false
		}
		push := min(g.excess[src], -g.excess[dst])
		for v := dst; v != src; v = g.from(int(g.prev[v])) {
			push = min(push, g.edges[g.prev[v]].cap)
		}
		for v := dst; v != src; v = g.from(int(g.prev[v])) {
			g.move(int(g.prev[v]), push)
		}
	}
}

// dijkstra finds the nearest node with a deficit from src over reduced costs and updates the
// potentials; it returns that node or -1.
func (g *graph) dijkstra(src int) int {
	for i := range g.dist {
		g.done[i], g.prev[i] = false, -1
	}
	g.dist[src] = lex{}
	g.heap = append(g.heap[:0], lexItem{int32(src), lex{}})
	g.reached = g.reached[:0]
	found := -1
	for len(g.heap) > 0 {
		it := g.heap.pop()
		u := int(it.node)
		if g.done[u] {
			continue
		}
		g.done[u] = true
		g.reached = append(g.reached, int32(u))
		if g.excess[u] < 0 {
			found = u
			break
		}
		pu := g.pot[u]
		for _, ei := range g.adj[u] {
			e := &g.edges[ei]
			if e.cap <= 0 || g.done[e.to] {
				continue
			}
			nd := it.dist.add(e.cost).add(pu).sub(g.pot[e.to])
			if g.prev[e.to] < 0 || nd.less(g.dist[e.to]) {
				g.dist[e.to], g.prev[e.to] = nd, ei
				g.heap.push(lexItem{e.to, nd})
			}
		}
	}
	if found < 0 {
		return -1
	}
	// Settled nodes move by their distance, the others by the target's: reduced costs stay
	// non-negative and the path's become zero.
	dt := g.dist[found]
	for _, v := range g.reached {
		g.pot[v] = g.pot[v].add(g.dist[v]).sub(dt)
	}
	return found
}

type lexItem struct {
	node int32
	dist lex
}

// lexHeap is a binary heap of items (no interface boxing: this is the hot loop).
type lexHeap []lexItem

func (h *lexHeap) push(it lexItem) {
	*h = append(*h, it)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if !q[i].dist.less(q[p].dist) {
			break
		}
		q[p], q[i] = q[i], q[p]
		i = p
	}
}

func (h *lexHeap) pop() lexItem {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && q[l].dist.less(q[m].dist) {
			m = l
		}
		if r < len(q) && q[r].dist.less(q[m].dist) {
			m = r
		}
		if m == i {
			break
		}
		q[m], q[i] = q[i], q[m]
		i = m
	}
	*h = q
	return top
}

// component is one connected part of the batch with its network and search state.
type component struct {
	g    *graph
	dem  []int // local demand → global index
	arcs []int // local arc → global arc index

	q, lot, need []int64 // per local demand
	arcD         []int32 // local arc → local demand
	arcPoor      []bool
	arcCost      []int64
	main         []int // local arc → its edge
	forced       []int // local arc → its lot edge (-1 until first forced)
	from         []int // local arc → its tail node (demand or poor collector)
	to           []int // local arc → offer node
	state        []int8
	offerCap     []int64
	arcOffer     []int32
	forcedD      []int64 // lot units forced per local demand
	forcedO      []int64 // per local offer
	forcedTotal  int64

	best     []int64 // incumbent: quantity per local arc
	bestPoor []int64 // incumbent: poor units per local demand
	bestObj  lex
	haveBest bool
	lower    lex // proven lower bound on the component's optimum

	kept, alloc, poor []int64 // scratch for roundDown

	// q and need above are the tightened quantities; needReal is the demand's own, and
	// cut.unalloc what the tightening proves unattainable (added to the bound).
	needReal []int64
	cut      lex
	demArcs  [][]int // per local demand: its local arcs
}

// improveNodes bounds each single-demand search in improve.
const improveNodes = 20_000

// improve is a local search on the incumbent. Each demand in turn is re-solved exactly on its
// own by the single-demand allocator, the other demands' quantities held, and the result is
// kept when it ranks better for that demand — which is better for the plan, since the others
// are unchanged. A demand short of its poor share may also take poor capacity from a demand
// that uses it: both are re-solved, the short one first, and the pair's result is kept when
// it ranks better. It repeats while something improves; the incumbent stays feasible.
func (c *component) improve() {
	ls := &localSearch{c: c, used: make([]int64, len(c.offerCap))}
	for k, q := range c.best {
		ls.used[c.arcOffer[k]] += q
	}
	for pass := 0; pass < 8; pass++ {
		better := false
		for i := range c.demArcs {
			if plan, v, ok := ls.resolve(i); ok && v.less(ls.value(i)) {
				ls.apply(i, plan)
				better = true
			}
		}
		for i := range c.demArcs {
			if c.need[i] > c.bestPoor[i] && ls.pairMoves(i) {
				better = true
			}
		}
		if !better {
			break
		}
	}
	var obj lex
	for i := range c.dem {
		obj = obj.add(ls.value(i))
	}
	c.bestObj = obj
}

// localSearch holds the incumbent's use of each offer while improve edits it.
type localSearch struct {
	c    *component
	used []int64
}

// value is demand i's part of the incumbent's rank.
func (ls *localSearch) value(i int) lex {
	c := ls.c
	v := lex{unalloc: c.q[i]}
	for _, k := range c.demArcs[i] {
		v.unalloc -= c.best[k]
		v.money += c.best[k] * c.arcCost[k]
	}
	v.short = -min(c.need[i], c.bestPoor[i])
	return v
}

// resolve solves demand i exactly against what the other demands leave of each offer.
func (ls *localSearch) resolve(i int) (Plan, lex, bool) {
	c := ls.c
	ks := c.demArcs[i]
	prob := Problem{Quantity: c.q[i], MinLot: c.lot[i]}
	for j, k := range ks {
		o := c.arcOffer[k]
		prob.Supplies = append(prob.Supplies, Supply{ID: strconv.Itoa(j), Capacity: c.offerCap[o] - ls.used[o] + c.best[k], UnitCost: c.arcCost[k], Poor: c.arcPoor[k]})
	}
	plan, err := allocate(prob, c.need[i], improveNodes)
	if err != nil {
		return Plan{}, lex{}, false // too large to re-solve exactly: keep what it has
	}
	var poor int64
	for _, l := range plan.Lines {
		if j, _ := strconv.Atoi(l.ID); c.arcPoor[ks[j]] {
			poor += l.Quantity
		}
	}
	return plan, lex{short: -min(c.need[i], poor), unalloc: plan.Unallocated, money: plan.Cost}, true
}

// apply replaces demand i's allocation with plan.
func (ls *localSearch) apply(i int, plan Plan) {
	c := ls.c
	ks := c.demArcs[i]
	for _, k := range ks {
		ls.used[c.arcOffer[k]] -= c.best[k]
		c.best[k] = 0
	}
	c.bestPoor[i] = 0
	for _, l := range plan.Lines {
		j, _ := strconv.Atoi(l.ID)
		k := ks[j]
		c.best[k] = l.Quantity
		ls.used[c.arcOffer[k]] += l.Quantity
		if c.arcPoor[k] {
			c.bestPoor[i] += l.Quantity
		}
	}
}

// saved is one demand's allocation, to put back.
type saved struct {
	i    int
	q    []int64
	poor int64
}

func (ls *localSearch) save(i int) saved {
	sv := saved{i: i, poor: ls.c.bestPoor[i]}
	for _, k := range ls.c.demArcs[i] {
		sv.q = append(sv.q, ls.c.best[k])
	}
	return sv
}

func (ls *localSearch) put(sv saved) {
	c := ls.c
	for n, k := range c.demArcs[sv.i] {
		ls.used[c.arcOffer[k]] += sv.q[n] - c.best[k]
		c.best[k] = sv.q[n]
	}
	c.bestPoor[sv.i] = sv.poor
}

// maxPairs bounds the partners tried per short demand and pass.
const maxPairs = 12

// pairMoves lets demand i, short of its poor share, take poor capacity from the demands using
// the poor offers it could use: for each such demand j, j's allocation is freed, i is
// re-solved, then j; the pair's new allocation is kept when it ranks better than before.
func (ls *localSearch) pairMoves(i int) bool {
	c := ls.c
	offers := map[int32]bool{}
	for _, k := range c.demArcs[i] {
		if c.arcPoor[k] {
			offers[c.arcOffer[k]] = true
		}
	}
	// Partners in arc order, not map order: the same batch must give the same plan.
	var partners []int32
	seen := map[int32]bool{}
	for k, q := range c.best {
		if d := c.arcD[k]; q > 0 && int(d) != i && offers[c.arcOffer[k]] && !seen[d] && len(partners) < maxPairs {
			seen[d] = true
			partners = append(partners, d)
		}
	}
	improved := false
	for _, j32 := range partners {
		j := int(j32)
		if c.need[i] <= c.bestPoor[i] {
			break
		}
		before := ls.value(i).add(ls.value(j))
		si, sj := ls.save(i), ls.save(j)
		ls.apply(j, Plan{})
		pi, _, ok := ls.resolve(i)
		if ok {
			ls.apply(i, pi)
			var pj Plan
			if pj, _, ok = ls.resolve(j); ok {
				ls.apply(j, pj)
			}
		}
		if ok && ls.value(i).add(ls.value(j)).less(before) {
			improved = true
			continue
		}
		ls.put(si)
		ls.put(sj)
	}
	return improved
}

// reach is the largest total at most q made of pieces of at least lot, each within one of caps.
func reach(caps []int64, lot, q int64) int64 {
	slices.SortFunc(caps, func(a, b int64) int { return cmp.Compare(b, a) })
	var best, sum int64
	for k, c := range caps {
		if int64(k+1)*lot > q {
			break
		}
		sum += c
		best = max(best, min(sum, q))
	}
	return best
}

const (
	free    int8 = 0
	forceIn int8 = 1
	closed  int8 = -1
)

func newComponent(p BatchProblem, idx []int) (*component, error) {
	c := &component{arcs: idx}
	dmap, omap := map[int]int{}, map[int]int{}
	var offs []int
	for _, i := range idx {
		a := p.Arcs[i]
		if _, ok := dmap[a.Demand]; !ok {
			dmap[a.Demand] = len(c.dem)
			c.dem = append(c.dem, a.Demand)
		}
		if _, ok := omap[a.Offer]; !ok {
			omap[a.Offer] = len(offs)
			offs = append(offs, a.Offer)
		}
	}
	nd, no := len(c.dem), len(offs)
	// Overflow guard: every plan's VND total must fit.
	var totalQ, maxCost int64
	for _, d := range c.dem {
		totalQ += p.Demands[d].Quantity
		if totalQ > math.MaxInt64/8 {
			return nil, ErrTooLarge
		}
	}
	for _, i := range idx {
		maxCost = max(maxCost, p.Arcs[i].UnitCost)
	}
	// The objective is at most totalQ × maxCost; potentials and path sums are at most the
	// number of edges × maxCost, far smaller.
	if maxCost > 0 && totalQ > math.MaxInt64/8/maxCost {
		return nil, ErrTooLarge
	}
	// Nodes: demand i, its poor collector nd+i, offer 2nd+j, sink 2nd+no.
	sink := 2*nd + no
	g := newGraph(sink + 1)
	c.g = g
	// What each demand could get if it had the offers to itself: pieces of at least its lot,
	// each within an offer's capacity. No plan exceeds it, so the relaxation uses it as the
	// demand's quantity (and its poor part as the inclusion target): an exact tightening.
	caps, poorCaps := make([][]int64, nd), make([][]int64, nd)
	for _, i := range idx {
		a := p.Arcs[i]
		ld := dmap[a.Demand]
		cp := min(p.Offers[a.Offer].Capacity, p.Demands[a.Demand].Quantity)
		caps[ld] = append(caps[ld], cp)
		if p.Offers[a.Offer].Poor {
			poorCaps[ld] = append(poorCaps[ld], cp)
		}
	}
	for i, d := range c.dem {
		bd := p.Demands[d]
		lot := max(bd.MinLot, 1)
		q := reach(caps[i], lot, bd.Quantity)
		c.q = append(c.q, q)
		c.lot = append(c.lot, lot)
		c.needReal = append(c.needReal, need(bd))
		c.need = append(c.need, min(need(bd), reach(poorCaps[i], lot, bd.Quantity)))
		c.cut.unalloc += bd.Quantity - q
		bd.Quantity = q
		g.add(i, sink, bd.Quantity, lex{unalloc: 1})
		if c.need[i] > 0 {
			g.add(i, nd+i, c.need[i], lex{short: -1})
		}
		g.add(i, nd+i, bd.Quantity, lex{})
		g.excess[i] = bd.Quantity
		g.excess[sink] -= bd.Quantity
	}
	for j, o := range offs {
		capy := p.Offers[o].Capacity
		c.offerCap = append(c.offerCap, capy)
		g.add(2*nd+j, sink, capy, lex{})
		// Over capacity: only ever used when forced lots cannot fit, which makes the node
		// infeasible (two violation units cost more than the one a forced unit earns).
		g.add(2*nd+j, sink, totalQ, lex{viol: 2})
	}
	c.demArcs = make([][]int, nd)
	for _, i := range idx {
		a := p.Arcs[i]
		ld, lo := dmap[a.Demand], omap[a.Offer]
		poor := p.Offers[a.Offer].Poor
		tail := ld
		if poor {
			tail = nd + ld
		}
		c.arcD = append(c.arcD, int32(ld))
		c.arcOffer = append(c.arcOffer, int32(lo))
		c.arcPoor = append(c.arcPoor, poor)
		c.arcCost = append(c.arcCost, a.UnitCost)
		c.from = append(c.from, tail)
		c.to = append(c.to, 2*nd+lo)
		c.main = append(c.main, g.add(tail, 2*nd+lo, min(c.q[ld], c.offerCap[lo]), lex{money: a.UnitCost}))
		c.forced = append(c.forced, -1)
		c.demArcs[ld] = append(c.demArcs[ld], len(c.arcD)-1)
	}
	c.state = make([]int8, len(idx))
	c.forcedD = make([]int64, nd)
	c.forcedO = make([]int64, no)
	c.best = make([]int64, len(idx))
	c.bestPoor = make([]int64, nd)
	c.kept = make([]int64, len(idx))
	c.alloc = make([]int64, nd)
	c.poor = make([]int64, nd)
	// Initial potentials: shortest distances from a virtual root with zero arcs to every node,
	// in topological order (demands, collectors, offers, sink), so that reduced costs start
	// non-negative despite the bonus arcs' negative costs.
	for v := range g.pot {
		g.pot[v] = lex{}
	}
	for u := 0; u < sink; u++ {
		for _, ei := range g.adj[u] {
			if ei&1 == 0 {
				e := g.edges[ei]
				if d := g.pot[u].add(e.cost); d.less(g.pot[e.to]) {
					g.pot[e.to] = d
				}
			}
		}
	}
	return c, nil
}

// x is the relaxed quantity on a local arc.
func (c *component) x(k int) int64 {
	q := c.g.flow(c.main[k])
	if c.forced[k] >= 0 {
		q += c.g.flow(c.forced[k])
	}
	return q
}

// snapshot is a network state to return to: a mark in the undo trail of residual
// capacities, the potentials, the objective.
type snapshot struct {
	mark int
	pot  []lex
	obj  lex
}

func (c *component) save(buf *snapshot) {
	g := c.g
	g.tracing = true
	buf.mark = len(g.trail)
	buf.pot = append(buf.pot[:0], g.pot...)
	buf.obj = g.obj
}

// restore returns to a saved state by undoing the capacity changes since, newest first. Lot
// edges added since go back to their initial capacity 0 this way. Costs changed since are
// reset by the caller.
func (c *component) restore(buf *snapshot) {
	g := c.g
	for i := len(g.trail) - 1; i >= buf.mark; i-- {
		g.edges[g.trail[i].edge].cap = g.trail[i].cap
	}
	g.trail = g.trail[:buf.mark]
	copy(g.pot, buf.pot)
	g.obj = buf.obj
	clear(g.excess)
}

type search struct {
	ctx       context.Context
	budget    int // per component
	nodes     int // this component's
	total     int
	exhausted bool
	open      lex // smallest bound of the subtrees left unexplored (this component)
	hasOpen   bool
	stack     []snapshot
}

func (s *search) solve(c *component) error {
	s.nodes, s.hasOpen = 0, false
	if !c.g.repair() {
		return errNetwork
	}
	root := c.bound()
	err := s.node(c, 0)
	s.total += s.nodes
	if s.nodes > 1 {
		c.improve()
	}
	if err != nil {
		return err
	}
	if s.hasOpen {
		s.exhausted = true
		c.lower = s.open
	} else {
		c.lower = c.bestObj
	}
	if c.lower.less(root) {
		c.lower = root // never below the root relaxation
	}
	return nil
}

var errNetwork = errors.New("allocation network has an excess with no outlet")

// bound is the relaxation's value without the violation component.
func (c *component) bound() lex {
	o := c.g.obj
	o.viol = 0
	return o
}

// roundDown takes the relaxed flow, drops pairs below their lot (always feasible), and keeps
// it if it beats the incumbent. It returns the free pair to branch on (-1 when the flow is
// integral) and its x / lot.
func (c *component) roundDown() (int, float64) {
	nd := len(c.dem)
	clear(c.kept)
	clear(c.alloc)
	clear(c.poor)
	branch, score := -1, -1.0
	var money int64
	for k := range c.arcs {
		x := c.x(k)
		if x == 0 {
			continue
		}
		d := c.arcD[k]
		if x < c.lot[d] {
			if c.state[k] == free {
				if sc := float64(x) / float64(c.lot[d]); sc > score {
					branch, score = k, sc
				}
			}
			continue
		}
		c.kept[k] = x
		c.alloc[d] += x
		if c.arcPoor[k] {
			c.poor[d] += x
		}
		money += x * c.arcCost[k]
	}
	var obj lex
	for i := 0; i < nd; i++ {
		obj.short -= min(c.need[i], c.poor[i])
		obj.unalloc += c.q[i] - c.alloc[i]
	}
	obj.money = money
	if !c.haveBest || obj.less(c.bestObj) {
		copy(c.best, c.kept)
		copy(c.bestPoor, c.poor)
		c.bestObj, c.haveBest = obj, true
		if branch >= 0 {
			c.improve() // a new incumbent from rounding: let the local search finish it
		}
	}
	return branch, score
}

// force makes pair k carry at least its lot (state and lot edge; the caller repairs).
func (c *component) force(k int) {
	d, o := c.arcD[k], c.arcOffer[k]
	if c.forced[k] < 0 {
		c.forced[k] = c.g.add(c.from[k], c.to[k], 0, lex{money: c.arcCost[k]})
	}
	c.state[k] = forceIn
	c.forcedD[d] += c.lot[d]
	c.forcedO[o] += c.lot[d]
	c.forcedTotal += c.lot[d]
	c.g.set(c.forced[k], c.lot[d], lex{viol: -1, money: c.arcCost[k]})
}

// unforce undoes force's bookkeeping and the lot edge's reward; the flow is left to a restore.
func (c *component) unforce(k int) {
	d, o := c.arcD[k], c.arcOffer[k]
	c.state[k] = free
	c.forcedD[d] -= c.lot[d]
	c.forcedO[o] -= c.lot[d]
	c.forcedTotal -= c.lot[d]
	cost := lex{money: c.arcCost[k]}
	e := c.forced[k]
	c.g.edges[e].cost, c.g.edges[e^1].cost = cost, cost.neg()
}

// close shuts pair k (the caller repairs).
func (c *component) close(k int) {
	c.state[k] = closed
	cost := lex{money: c.arcCost[k]}
	c.g.set(c.main[k], 0, cost)
	if c.forced[k] >= 0 {
		c.g.set(c.forced[k], 0, cost)
	}
}

// node explores the subtree at the current network state, which it leaves as it found it.
func (s *search) node(c *component, depth int) error {
	s.nodes++
	if s.nodes&63 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	g := c.g
	if g.obj.viol != -c.forcedTotal {
		return nil // the forced lots cannot all be delivered
	}
	if c.haveBest && !c.bound().less(c.bestObj) {
		return nil
	}
	branch, score := c.roundDown()
	if branch < 0 || !c.bound().less(c.bestObj) {
		return nil
	}
	if s.nodes >= s.budget {
		s.leaveOpen(c.bound()) // left unexplored: its relaxation bounds everything below it
		return nil
	}
	if len(s.stack) <= depth {
		s.stack = append(s.stack, snapshot{})
	}
	c.save(&s.stack[depth])
	d, o := c.arcD[branch], c.arcOffer[branch]
	in := func() error {
		if c.forcedD[d]+c.lot[d] > c.q[d] || c.forcedO[o]+c.lot[d] > c.offerCap[o] {
			return nil // the lots already forced leave no room
		}
		c.force(branch)
		err := errNetwork
		if g.repair() {
			err = s.node(c, depth+1)
		}
		c.unforce(branch)
		c.restore(&s.stack[depth])
		return err
	}
	out := func() error {
		c.close(branch)
		err := errNetwork
		if g.repair() {
			err = s.node(c, depth+1)
		}
		c.state[branch] = free
		c.restore(&s.stack[depth])
		return err
	}
	first, second := out, in
	if score >= 0.5 {
		first, second = in, out
	}
	if err := first(); err != nil {
		return err
	}
	if !c.bound().less(c.bestObj) {
		return nil
	}
	if s.nodes >= s.budget {
		s.leaveOpen(c.bound()) // the second branch is bounded by this node's relaxation
		return nil
	}
	return second()
}

// leaveOpen records the bound of a subtree the budget leaves unexplored.
func (s *search) leaveOpen(b lex) {
	if !s.hasOpen || b.less(s.open) {
		s.open, s.hasOpen = b, true
	}
}

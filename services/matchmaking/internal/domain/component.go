package domain

// One independent part of a batch (demands and offers joined by usable arcs) and the flow
// network that relaxes it: demands, their poor collectors, offers and a sink.

import (
	"cmp"
	"math"
	"slices"
)

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

// newComponent builds the network of the component made of arcs idx of p. Nodes: local demand
// i, its poor collector nd+i, local offer 2nd+j, the sink 2nd+no. Edges are added in a fixed
// order (demands, offers, arcs), which keeps the search deterministic.
func newComponent(p BatchProblem, idx []int) (*component, error) {
	c := &component{arcs: idx}
	dmap, omap, offs := c.index(p)
	totalQ, err := overflowGuard(p, c.dem, idx)
	if err != nil {
		return nil, err
	}
	nd, no := len(c.dem), len(offs)
	sink := 2*nd + no
	c.g = newGraph(sink + 1)
	c.addDemands(p, dmap, sink)
	c.addOffers(p, offs, sink, totalQ)
	c.addArcs(p, dmap, omap)
	c.state = make([]int8, len(idx))
	c.forcedD = make([]int64, nd)
	c.forcedO = make([]int64, no)
	c.best = make([]int64, len(idx))
	c.bestPoor = make([]int64, nd)
	c.kept = make([]int64, len(idx))
	c.alloc = make([]int64, nd)
	c.poor = make([]int64, nd)
	c.initPotentials(sink)
	return c, nil
}

// index numbers the component's demands (c.dem) and offers (offs) in the order of its arcs;
// dmap and omap map global indexes to local ones.
func (c *component) index(p BatchProblem) (dmap, omap map[int]int, offs []int) {
	dmap, omap = map[int]int{}, map[int]int{}
	for _, i := range c.arcs {
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
	return dmap, omap, offs
}

// overflowGuard returns the demands' total quantity, or ErrTooLarge when some plan's VND total
// might not fit in an int64.
func overflowGuard(p BatchProblem, dem, idx []int) (int64, error) {
	var totalQ, maxCost int64
	for _, d := range dem {
		totalQ += p.Demands[d].Quantity
		if totalQ > math.MaxInt64/8 {
			return 0, ErrTooLarge
		}
	}
	for _, i := range idx {
		maxCost = max(maxCost, p.Arcs[i].UnitCost)
	}
	// The objective is at most totalQ × maxCost; potentials and path sums are at most the
	// number of edges × maxCost, far smaller.
	if maxCost > 0 && totalQ > math.MaxInt64/8/maxCost {
		return 0, ErrTooLarge
	}
	return totalQ, nil
}

// addDemands tightens each demand's quantity and inclusion target to what it could reach with
// the offers to itself, and adds its edges: to the sink as unallocated, to its poor collector
// (the first need units with a bonus), and its supply as the demand node's excess.
func (c *component) addDemands(p BatchProblem, dmap map[int]int, sink int) {
	g, nd := c.g, len(c.dem)
	caps, poorCaps := c.reachable(p, dmap)
	for i, d := range c.dem {
		bd := p.Demands[d]
		lot := max(bd.MinLot, 1)
		q := reach(caps[i], lot, bd.Quantity)
		c.q = append(c.q, q)
		c.lot = append(c.lot, lot)
		c.needReal = append(c.needReal, need(bd))
		c.need = append(c.need, min(need(bd), reach(poorCaps[i], lot, bd.Quantity)))
		c.cut.unalloc += bd.Quantity - q
		g.add(i, sink, q, lex{unalloc: 1})
		if c.need[i] > 0 {
			g.add(i, nd+i, c.need[i], lex{short: -1})
		}
		g.add(i, nd+i, q, lex{})
		g.excess[i] = q
		g.excess[sink] -= q
	}
}

// reachable returns, per local demand, the pieces it could take from each of its offers (and
// from its poor offers): what it could get if it had the offers to itself, in pieces of at
// least its lot, each within an offer's capacity. No plan exceeds it, so the relaxation uses
// it as the demand's quantity (and its poor part as the inclusion target): an exact tightening.
func (c *component) reachable(p BatchProblem, dmap map[int]int) (caps, poorCaps [][]int64) {
	caps, poorCaps = make([][]int64, len(c.dem)), make([][]int64, len(c.dem))
	for _, i := range c.arcs {
		a := p.Arcs[i]
		ld := dmap[a.Demand]
		cp := min(p.Offers[a.Offer].Capacity, p.Demands[a.Demand].Quantity)
		caps[ld] = append(caps[ld], cp)
		if p.Offers[a.Offer].Poor {
			poorCaps[ld] = append(poorCaps[ld], cp)
		}
	}
	return caps, poorCaps
}

// addOffers adds each offer's edges to the sink: its capacity, and an over-capacity edge that
// is only ever used when forced lots cannot fit, which makes the node infeasible (two
// violation units cost more than the one a forced unit earns).
func (c *component) addOffers(p BatchProblem, offs []int, sink int, totalQ int64) {
	nd := len(c.dem)
	for j, o := range offs {
		capy := p.Offers[o].Capacity
		c.offerCap = append(c.offerCap, capy)
		c.g.add(2*nd+j, sink, capy, lex{})
		c.g.add(2*nd+j, sink, totalQ, lex{viol: 2})
	}
}

// addArcs adds the demand → offer edges (from the poor collector for a poor offer) and the
// per-arc bookkeeping.
func (c *component) addArcs(p BatchProblem, dmap, omap map[int]int) {
	nd := len(c.dem)
	c.demArcs = make([][]int, nd)
	for _, i := range c.arcs {
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
		c.main = append(c.main, c.g.add(tail, 2*nd+lo, min(c.q[ld], c.offerCap[lo]), lex{money: a.UnitCost}))
		c.forced = append(c.forced, -1)
		c.demArcs[ld] = append(c.demArcs[ld], len(c.arcD)-1)
	}
}

// initPotentials sets the potentials to the shortest distances from a virtual root with zero
// arcs to every node, in topological order (demands, collectors, offers, sink), so that
// reduced costs start non-negative despite the bonus arcs' negative costs.
func (c *component) initPotentials(sink int) {
	g := c.g
	for v := range g.pot {
		g.pot[v] = lex{}
	}
	for u := 0; u < sink; u++ {
		for _, ei := range g.adj[u] {
			if ei&1 != 0 {
				continue
			}
			e := g.edges[ei]
			if d := g.pot[u].add(e.cost); d.less(g.pot[e.to]) {
				g.pot[e.to] = d
			}
		}
	}
}

// x is the relaxed quantity on a local arc.
func (c *component) x(k int) int64 {
	q := c.g.flow(c.main[k])
	if c.forced[k] >= 0 {
		q += c.g.flow(c.forced[k])
	}
	return q
}

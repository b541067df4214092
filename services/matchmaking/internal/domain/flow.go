package domain

import "math"

// Arc is a possible delivery from an offer to a demand at a unit cost.
type Arc struct {
	Demand, Offer int
	UnitCost      int64
}

// BatchLine is one allocated pair.
type BatchLine struct {
	Demand, Offer int
	Quantity      int64
	Cost          int64
}

// BatchAllocate allocates many demands against many offers: it maximises the total quantity
// allocated and, among maximum allocations, minimises total cost — a min-cost maximum flow on
// the transportation network source → demand (quantity) → offer (compatible arcs, unit cost)
// → sink (capacity). It uses successive shortest paths with Johnson potentials (Dijkstra),
// which is exact for integer capacities and non-negative costs. Minimum lots and inclusion
// shares are not part of the batch model (MatchDemand honours them for one demand).
func BatchAllocate(demand, capacity []int64, arcs []Arc) ([]BatchLine, int64, int64) {
	// Independent components (e.g. one per product) are solved separately: the optimum of
	// the whole is the union of the components' optima, and each is much smaller.
	nd, no := len(demand), len(capacity)
	parent := make([]int, nd+no)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, a := range arcs {
		parent[find(a.Demand)] = find(nd + a.Offer)
	}
	groups := map[int][]int{}
	for i, a := range arcs {
		r := find(a.Demand)
		groups[r] = append(groups[r], i)
	}
	var lines []BatchLine
	var flow, cost int64
	for _, idx := range groups {
		l, f, c := solveComponent(demand, capacity, arcs, idx)
		lines = append(lines, l...)
		flow += f
		cost += c
	}
	return lines, flow, cost
}

func solveComponent(demand, capacity []int64, arcs []Arc, idx []int) ([]BatchLine, int64, int64) {
	dmap, omap := map[int]int{}, map[int]int{}
	for _, i := range idx {
		if _, ok := dmap[arcs[i].Demand]; !ok {
			dmap[arcs[i].Demand] = len(dmap)
		}
		if _, ok := omap[arcs[i].Offer]; !ok {
			omap[arcs[i].Offer] = len(omap)
		}
	}
	nd, no := len(dmap), len(omap)
	src, snk := nd+no, nd+no+1
	g := newGraph(nd + no + 2)
	for d, ld := range dmap {
		if demand[d] > 0 {
			g.add(src, ld, demand[d], 0)
		}
	}
	for o, lo := range omap {
		if capacity[o] > 0 {
			g.add(nd+lo, snk, capacity[o], 0)
		}
	}
	arcEdge := make([]int, len(idx))
	for k, i := range idx {
		a := arcs[i]
		arcEdge[k] = g.add(dmap[a.Demand], nd+omap[a.Offer], math.MaxInt64/4, a.UnitCost)
	}
	flow, cost := g.minCostMaxFlow(src, snk)
	var lines []BatchLine
	for k, i := range idx {
		a := arcs[i]
		if f := g.edges[arcEdge[k]^1].cap; f > 0 { // residual of the reverse edge = flow
			lines = append(lines, BatchLine{Demand: a.Demand, Offer: a.Offer, Quantity: f, Cost: f * a.UnitCost})
		}
	}
	return lines, flow, cost
}

type edge struct {
	to   int
	cap  int64
	cost int64
}

type graph struct {
	edges []edge
	adj   [][]int
}

func newGraph(n int) *graph { return &graph{adj: make([][]int, n)} }

// add appends an edge and its residual twin; it returns the edge's index (twin = index^1).
func (g *graph) add(u, v int, c, cost int64) int {
	g.edges = append(g.edges, edge{v, c, cost}, edge{u, 0, -cost})
	g.adj[u] = append(g.adj[u], len(g.edges)-2)
	g.adj[v] = append(g.adj[v], len(g.edges)-1)
	return len(g.edges) - 2
}

type item struct {
	node int
	dist int64
}

// minHeap is a binary heap of items (no interface boxing: this is the hot loop).
type minHeap []item

func (h *minHeap) push(it item) {
	*h = append(*h, it)
	q := *h
	for i := len(q) - 1; i > 0; {
		p := (i - 1) / 2
		if q[p].dist <= q[i].dist {
			break
		}
		q[p], q[i] = q[i], q[p]
		i = p
	}
}

func (h *minHeap) pop() item {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && q[l].dist < q[m].dist {
			m = l
		}
		if r < len(q) && q[r].dist < q[m].dist {
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

func (g *graph) minCostMaxFlow(s, t int) (int64, int64) {
	n := len(g.adj)
	pot := make([]int64, n) // all initial costs are ≥ 0, so zero potentials are valid
	dist := make([]int64, n)
	done := make([]bool, n)
	prev := make([]int, n)
	h := make(minHeap, 0, n)
	var flow, cost int64
	const inf = math.MaxInt64 / 4
	for {
		for i := range dist {
			dist[i], prev[i], done[i] = inf, -1, false
		}
		dist[s] = 0
		h = append(h[:0], item{s, 0})
		for len(h) > 0 {
			it := h.pop()
			if done[it.node] {
				continue
			}
			done[it.node] = true
			if it.node == t {
				break // nodes not settled get dist[t] below: potentials stay valid
			}
			for _, ei := range g.adj[it.node] {
				e := &g.edges[ei]
				if e.cap <= 0 || done[e.to] {
					continue
				}
				nd := it.dist + e.cost + pot[it.node] - pot[e.to]
				if nd < dist[e.to] {
					dist[e.to], prev[e.to] = nd, ei
					h.push(item{e.to, nd})
				}
			}
		}
		if !done[t] {
			return flow, cost
		}
		dt := dist[t]
		for i := range pot {
			if done[i] {
				pot[i] += dist[i]
			} else {
				pot[i] += dt
			}
		}
		push := int64(inf)
		for v := t; v != s; v = g.edges[prev[v]^1].to {
			if c := g.edges[prev[v]].cap; c < push {
				push = c
			}
		}
		for v := t; v != s; v = g.edges[prev[v]^1].to {
			g.edges[prev[v]].cap -= push
			g.edges[prev[v]^1].cap += push
			cost += push * g.edges[prev[v]].cost
		}
		flow += push
	}
}

package domain

// The min-cost flow under the batch allocator: a residual network over lexicographic costs
// kept optimal (non-negative reduced costs under node potentials) while branch-and-bound
// changes arcs, with successive shortest paths (Dijkstra) to route the imbalances.

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

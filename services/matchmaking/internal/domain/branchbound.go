package domain

// The branch-and-bound over minimum lots: each node's relaxation is the component's min-cost
// flow; a pair below its lot branches into "at least the lot" and "nothing"; the search
// stops at its node budget with a proven lower bound.

import (
	"context"
	"errors"
)

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
	if c.g.obj.viol != -c.forcedTotal {
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
	inFirst := score >= 0.5 // most of the lot is there already: try forcing it first
	if err := s.branch(c, depth, branch, inFirst); err != nil {
		return err
	}
	if !c.bound().less(c.bestObj) {
		return nil
	}
	if s.nodes >= s.budget {
		s.leaveOpen(c.bound()) // the second branch is bounded by this node's relaxation
		return nil
	}
	return s.branch(c, depth, branch, !inFirst)
}

// branch explores the child of the node at depth where pair k carries at least its lot (in)
// or nothing, and returns to the node's state (saved at s.stack[depth]).
func (s *search) branch(c *component, depth, k int, in bool) error {
	d, o := c.arcD[k], c.arcOffer[k]
	if in {
		if c.forcedD[d]+c.lot[d] > c.q[d] || c.forcedO[o]+c.lot[d] > c.offerCap[o] {
			return nil // the lots already forced leave no room
		}
		c.force(k)
	} else {
		c.close(k)
	}
	err := errNetwork
	if c.g.repair() {
		err = s.node(c, depth+1)
	}
	if in {
		c.unforce(k)
	} else {
		c.state[k] = free
	}
	c.restore(&s.stack[depth])
	return err
}

// leaveOpen records the bound of a subtree the budget leaves unexplored.
func (s *search) leaveOpen(b lex) {
	if !s.hasOpen || b.less(s.open) {
		s.open, s.hasOpen = b, true
	}
}

// Package domain holds matchmaking's pure logic: hard-constraint filtering, scoring, and
// optimal allocation of demand across offers. No protobuf, no MongoDB.
package domain

import (
	"errors"
	"math"
	"sort"
)

// Supply is an offer as the allocator sees it.
type Supply struct {
	// ID identifies the offer.
	ID string
	// Capacity is the quantity available (offer quantity − reserved − committed).
	Capacity int64
	// UnitCost is what one unit costs the buyer delivered: price + transport + penalties (VND).
	UnitCost int64
	// Poor marks offers from groups in which at least half the households are poor or near-poor.
	Poor bool
}

// Problem is the allocation of one demand.
type Problem struct {
	// Quantity to allocate.
	Quantity int64
	// MinLot: a supplier gets either nothing or at least this much (0 = no minimum).
	MinLot int64
	// MinPoorShareBps: at least this share of the allocated quantity from Poor offers.
	MinPoorShareBps int64
	// Supplies that passed the hard constraints.
	Supplies []Supply
}

// Line is one supplier's share.
type Line struct {
	ID       string
	Quantity int64
	Cost     int64
}

// Plan is an allocation.
type Plan struct {
	Lines       []Line
	Allocated   int64
	Cost        int64
	Unallocated int64
	// InclusionShortfall is how many units short of MinPoorShareBps × Quantity from Poor
	// offers the plan is.
	InclusionShortfall int64
}

// ErrTooLarge means the exact search would exceed its node budget.
var ErrTooLarge = errors.New("allocation problem too large for the exact search")

// MaxNodes bounds the branch-and-bound search.
const MaxNodes = 200_000

// Allocate finds the best allocation of one demand under capacities and the minimum lot per
// supplier. Plans are ranked, in this order, by the smallest inclusion shortfall (units short
// of MinPoorShareBps × Quantity from Poor offers), the largest quantity allocated, and the
// smallest cost — the same rule as BatchAllocate, of which this is the one-demand case.
//
// It is exact. Unallocated quantity is modelled as a virtual supplier, used last, and plans
// are compared on (inclusion shortfall, unallocated, cost) — no big-M price, so large
// quantities cannot overflow. The minimum lot makes the problem non-convex (each supplier gets 0 or
// between MinLot and its capacity); branch-and-bound over the suppliers whose relaxed share
// violates it solves it, and each node's relaxation is solved exactly by relax (greedy, which
// is optimal for linear costs with one "at least" class, by an exchange argument).
func Allocate(p Problem) (Plan, error) {
	if p.Quantity <= 0 {
		return Plan{}, nil
	}
	return allocate(p, inclusionTarget(p.Quantity, p.MinPoorShareBps), MaxNodes)
}

// inclusionTarget is how many of q units are wanted from poor groups at a share of bps basis
// points (clamped to 0–100%), rounded up.
func inclusionTarget(q, bps int64) int64 {
	if q <= 0 {
		return 0
	}
	return ceilDiv(q*min(max(bps, 0), MaxBps), MaxBps)
}

// allocate is Allocate with the inclusion target given in units (want) and a node budget.
func allocate(p Problem, want int64, maxNodes int) (Plan, error) {
	var usable []Supply
	var poorCap, maxCost int64
	for _, s := range p.Supplies {
		if s.Capacity > 0 && s.Capacity >= p.MinLot && s.UnitCost >= 0 {
			usable = append(usable, s)
			if s.Poor {
				poorCap += s.Capacity
			}
			if s.UnitCost > maxCost {
				maxCost = s.UnitCost
			}
		}
	}
	if maxCost > 0 && p.Quantity > math.MaxInt64/4/maxCost {
		return Plan{}, ErrTooLarge // costs would overflow int64
	}
	need := min(want, poorCap)
	sort.SliceStable(usable, func(i, j int) bool { return usable[i].UnitCost < usable[j].UnitCost })
	// Unallocated quantity is a virtual supplier, last in fill order; plans are compared on
	// (inclusion shortfall, unallocated, cost), so it needs no price of its own.
	all := append(usable, Supply{ID: "", Capacity: p.Quantity})
	plan, ok, err := solveTotal(all, p.MinLot, p.Quantity, need, maxNodes)
	if err != nil || !ok {
		return Plan{Unallocated: p.Quantity, InclusionShortfall: want}, err
	}
	// The search's shortfall is below need; what need leaves out of want is beyond any plan.
	out := Plan{InclusionShortfall: want - need + plan.InclusionShortfall}
	for _, l := range plan.Lines {
		if l.ID == "" {
			out.Unallocated = l.Quantity
			continue
		}
		out.Lines = append(out.Lines, l)
		out.Allocated += l.Quantity
		out.Cost += l.Cost
	}
	return out, nil
}

// solveTotal finds the allocation of exactly t with the smallest shortfall below need poor
// units, then the smallest cost (ok=false when none exists).
func solveTotal(s []Supply, minLot, t, need int64, maxNodes int) (Plan, bool, error) {
	e := &exactSearch{s: s, minLot: minLot, t: t, need: need, maxNodes: maxNodes, x: make([]int64, len(s)), state: make([]int8, len(s))}
	if err := e.node(); err != nil {
		return Plan{}, false, err
	}
	if e.bestX == nil {
		return Plan{}, false, nil
	}
	plan := Plan{Allocated: t, Cost: e.best.money, InclusionShortfall: e.best.short}
	for i, q := range e.bestX {
		if q > 0 {
			plan.Lines = append(plan.Lines, Line{ID: s[i].ID, Quantity: q, Cost: q * s[i].UnitCost})
		}
	}
	return plan, true, nil
}

// exactSearch is solveTotal's branch-and-bound: a node relaxes the problem exactly (relax),
// and branches on a used supplier below the minimum lot into "at least the lot" and "nothing".
type exactSearch struct {
	s               []Supply
	minLot, t, need int64
	maxNodes, nodes int
	x               []int64 // the relaxed allocation at the current node
	state           []int8  // 0 free, 1 forced in (≥ min lot), -1 forced out
	best            lex
	bestX           []int64 // the incumbent (nil until one is found)
	found           bool
}

// node explores the subtree at the current states; it leaves them as it found them.
func (e *exactSearch) node() error {
	e.nodes++
	if e.nodes > e.maxNodes {
		return ErrTooLarge
	}
	v, ok := relax(e.s, e.state, e.minLot, e.t, e.need, e.x)
	if !ok || (e.found && !v.less(e.best)) {
		return nil
	}
	frac := e.belowLot()
	if frac < 0 {
		e.best, e.found = v, true
		e.bestX = append(e.bestX[:0], e.x...)
		return nil
	}
	for _, st := range [...]int8{1, -1} {
		e.state[frac] = st
		if err := e.node(); err != nil {
			return err
		}
	}
	e.state[frac] = 0
	return nil
}

// belowLot returns the first free, used supplier whose relaxed share is below the minimum lot,
// or -1 when the relaxed allocation respects every lot.
func (e *exactSearch) belowLot() int {
	for i := range e.s {
		if e.s[i].ID != "" && e.x[i] > 0 && e.x[i] < e.minLot && e.state[i] == 0 {
			return i
		}
	}
	return -1
}

// relax solves the continuous relaxation at a node exactly: forced-in suppliers get their
// minimum lot, forced-out get nothing; then as much of the poor requirement as fits is met
// from the cheapest remaining poor capacity; then the rest from the cheapest remaining
// capacity. s is sorted by unit cost, with the virtual unallocated supplier (ID "") last. It
// writes the allocation into x and returns its value: poor shortfall, unallocated, cost.
func relax(s []Supply, state []int8, minLot, t, need int64, x []int64) (lex, bool) {
	r := relaxation{s: s, state: state, x: x, need: need}
	if !r.placeForced(minLot) || r.total > t {
		return lex{}, false
	}
	r.fill(true, t)
	r.fill(false, t)
	if r.total != t {
		return lex{}, false
	}
	return r.value(), true
}

// relaxation is relax's work at one node: the allocation x being built and its totals.
type relaxation struct {
	s           []Supply
	state       []int8
	x           []int64
	total, poor int64
	need        int64
}

// placeForced clears x and gives each forced-in supplier its minimum lot; it reports false
// when one cannot take it.
func (r *relaxation) placeForced(minLot int64) bool {
	for i := range r.s {
		r.x[i] = 0
		if r.state[i] != 1 {
			continue
		}
		if r.s[i].Capacity < minLot {
			return false
		}
		r.x[i] = minLot
		r.total += minLot
		if r.s[i].Poor {
			r.poor += minLot
		}
	}
	return true
}

// fill adds the cheapest remaining capacity (only poor capacity, and only up to need poor
// units, when onlyPoor) until the total reaches upTo.
func (r *relaxation) fill(onlyPoor bool, upTo int64) {
	for i := range r.s {
		if r.total >= upTo || (onlyPoor && r.poor >= r.need) {
			return
		}
		if r.state[i] == -1 || (onlyPoor && !r.s[i].Poor) {
			continue
		}
		room := min(r.s[i].Capacity-r.x[i], upTo-r.total)
		if onlyPoor {
			room = min(room, r.need-r.poor)
		}
		if room <= 0 {
			continue
		}
		r.x[i] += room
		r.total += room
		if r.s[i].Poor {
			r.poor += room
		}
	}
}

// value ranks the relaxed allocation: poor shortfall, unallocated, cost.
func (r *relaxation) value() lex {
	v := lex{short: max(r.need-r.poor, 0)}
	for i := range r.s {
		if r.s[i].ID == "" {
			v.unalloc += r.x[i]
		} else {
			v.money += r.x[i] * r.s[i].UnitCost
		}
	}
	return v
}

func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

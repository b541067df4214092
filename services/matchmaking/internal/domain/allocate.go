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
	return allocate(p, ceilDiv(p.Quantity*min(max(p.MinPoorShareBps, 0), 10000), 10000), MaxNodes)
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
	var best lex
	found := false
	var bestX []int64
	x := make([]int64, len(s))
	state := make([]int8, len(s)) // 0 free, 1 forced in (≥ min lot), -1 forced out
	nodes := 0
	var rec func() error
	rec = func() error {
		nodes++
		if nodes > maxNodes {
			return ErrTooLarge
		}
		v, ok := relax(s, state, minLot, t, need, x)
		if !ok || (found && !v.less(best)) {
			return nil
		}
		// Branch on a used supplier below the minimum lot.
		frac := -1
		for i := range s {
			if s[i].ID != "" && x[i] > 0 && x[i] < minLot && state[i] == 0 {
				frac = i
				break
			}
		}
		if frac < 0 {
			best, found = v, true
			bestX = append(bestX[:0], x...)
			return nil
		}
		state[frac] = 1
		if err := rec(); err != nil {
			return err
		}
		state[frac] = -1
		if err := rec(); err != nil {
			return err
		}
		state[frac] = 0
		return nil
	}
	if err := rec(); err != nil {
		return Plan{}, false, err
	}
	if bestX == nil {
		return Plan{}, false, nil
	}
	plan := Plan{Allocated: t, Cost: best.money, InclusionShortfall: best.short}
	for i, q := range bestX {
		if q > 0 {
			plan.Lines = append(plan.Lines, Line{ID: s[i].ID, Quantity: q, Cost: q * s[i].UnitCost})
		}
	}
	return plan, true, nil
}

// relax solves the continuous relaxation at a node exactly: forced-in suppliers get their
// minimum lot, forced-out get nothing; then as much of the poor requirement as fits is met
// from the cheapest remaining poor capacity; then the rest from the cheapest remaining
// capacity. s is sorted by unit cost, with the virtual unallocated supplier (ID "") last. It
// writes the allocation into x and returns its value: poor shortfall, unallocated, cost.
func relax(s []Supply, state []int8, minLot, t, need int64, x []int64) (lex, bool) {
	var total, poor int64
	for i := range s {
		x[i] = 0
		if state[i] == 1 {
			if s[i].Capacity < minLot {
				return lex{}, false
			}
			x[i] = minLot
			total += minLot
			if s[i].Poor {
				poor += minLot
			}
		}
	}
	if total > t {
		return lex{}, false
	}
	fill := func(onlyPoor bool, upTo int64) {
		for i := range s {
			if total >= upTo || (onlyPoor && poor >= need) {
				return
			}
			if state[i] == -1 || (onlyPoor && !s[i].Poor) {
				continue
			}
			room := s[i].Capacity - x[i]
			want := upTo - total
			if onlyPoor && need-poor < want {
				want = need - poor
			}
			if room > want {
				room = want
			}
			if room <= 0 {
				continue
			}
			x[i] += room
			total += room
			if s[i].Poor {
				poor += room
			}
		}
	}
	fill(true, t)
	fill(false, t)
	if total != t {
		return lex{}, false
	}
	v := lex{short: max(need-poor, 0)}
	for i := range s {
		if s[i].ID == "" {
			v.unalloc += x[i]
		} else {
			v.money += x[i] * s[i].UnitCost
		}
	}
	return v, true
}

func ceilDiv(a, b int64) int64 {
	if a <= 0 {
		return 0
	}
	return (a + b - 1) / b
}

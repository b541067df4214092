package domain

// The local search that improves each incumbent the branch-and-bound finds: demands re-solved
// exactly one at a time, and pair moves that let a demand short of its poor share take poor
// capacity from another.

import (
	"strconv"
)

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

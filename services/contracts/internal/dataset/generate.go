package dataset

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
)

// generator draws contracts and their records chunk by chunk, and accumulates the rollups of
// the provinces, the organisations and the household partitions until the end.
type generator struct {
	w             *world
	sum           Summary
	states        []string
	deliveriesFor []int
	provinces     map[string]*acc
	orgs          map[string]*acc
	partitions    map[string]*acc
	seq           int
}

func newGenerator(w *world) *generator {
	g := &generator{w: w, states: make([]string, w.s.Contracts), deliveriesFor: make([]int, w.s.Contracts),
		provinces: map[string]*acc{}, orgs: map[string]*acc{}, partitions: map[string]*acc{}}
	var inForce []int
	for k := range g.states {
		g.states[k] = statesBy.pick(w.r)
		if slices.Contains(domain.InForceStates, g.states[k]) {
			inForce = append(inForce, k)
		}
	}
	for i, k := range inForce {
		g.deliveriesFor[k] = w.s.Deliveries / len(inForce)
		if i < w.s.Deliveries%len(inForce) {
			g.deliveriesFor[k]++
		}
	}
	return g
}

// acc accumulates rollups: entries summed by key as they come, participations kept.
type acc struct {
	entries map[entryKey]*domain.Entry
	parts   []domain.Participation
}

type entryKey struct {
	kind  byte
	month domain.Month
	dims  domain.Dims
}

func accOf(m map[string]*acc, key string) *acc {
	a := m[key]
	if a == nil {
		a = &acc{entries: map[entryKey]*domain.Entry{}}
		m[key] = a
	}
	return a
}

func (a *acc) add(r domain.Rollup) error {
	for i := range r.Entries {
		e := &r.Entries[i]
		k := entryKey{e.Kind, e.Month, e.Dims}
		if cur := a.entries[k]; cur != nil {
			if err := cur.Fig.Add(&e.Fig); err != nil {
				return err
			}
			continue
		}
		c := *e
		a.entries[k] = &c
	}
	a.parts = append(a.parts, r.Participations...)
	return nil
}

func (a *acc) rollup() (domain.Rollup, error) {
	r := domain.Rollup{Participations: a.parts}
	for _, e := range a.entries {
		r.Entries = append(r.Entries, *e)
	}
	return domain.Merge(r) // canonical order
}

func (g *generator) id(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s%09d", prefix, g.seq)
}

// chunk generates contracts [from, to) with their records, loads them with their rollups,
// and adds the rollups to the nodes'.
func (g *generator) chunk(ctx context.Context, st *storage.Store, from, to int) error {
	var d storage.Dataset
	var reports []storage.LoadedReport
	for k := from; k < to; k++ {
		c, recs := g.contract(k)
		r, err := domain.ContractRollup(c, recs)
		if err != nil {
			return fmt.Errorf("rollup of %s: %w", c.ID, err)
		}
		if err := g.count(c, r, &reports); err != nil {
			return err
		}
		d.Contracts = append(d.Contracts, *c)
		d.Deliveries, d.Payments = append(d.Deliveries, recs.Deliveries...), append(d.Payments, recs.Payments...)
		d.Advances, d.Incidents = append(d.Advances, recs.Advances...), append(d.Incidents, recs.Incidents...)
	}
	g.sum.Contracts += to - from
	g.sum.Deliveries += len(d.Deliveries)
	g.sum.Payments += len(d.Payments)
	g.sum.Advances += len(d.Advances)
	g.sum.Incidents += len(d.Incidents)
	if err := st.LoadRecords(ctx, d); err != nil {
		return err
	}
	return st.LoadReports(ctx, reports, time.Now().UTC())
}

// count adds a contract's rollup to its nodes and partitions (as the refresher would) and
// to the reports to load.
func (g *generator) count(c *domain.Contract, r domain.Rollup, reports *[]storage.LoadedReport) error {
	b := storage.ReportBuild{Province: c.ProducerProvinceCode, Orgs: []string{c.Terms.Buyer, c.Terms.Producer}, Rollup: r}
	b.Nodes = []string{storage.OrgNode(c.Terms.Buyer), storage.OrgNode(c.Terms.Producer), storage.ProvinceNode(c.ProducerProvinceCode)}
	for _, org := range b.Orgs {
		if err := accOf(g.orgs, storage.OrgNode(org)).add(r); err != nil {
			return err
		}
	}
	if err := accOf(g.provinces, storage.ProvinceNode(c.ProducerProvinceCode)).add(r); err != nil {
		return err
	}
	for _, p := range r.Participations {
		p.Gen = 1 // the gen the loaded rollup is built from
		part := storage.Partition(p.Household)
		a := accOf(g.partitions, part)
		a.parts = append(a.parts, p)
		if !slices.Contains(b.Buckets, part) {
			b.Buckets = append(b.Buckets, part)
		}
	}
	if c.InForce() {
		g.sum.InForce++
	}
	*reports = append(*reports, storage.LoadedReport{Contract: c.ID, ReportBuild: b})
	return nil
}

// nodes loads the provinces', organisations' and partitions' rollups.
func (g *generator) nodes(ctx context.Context, st *storage.Store) error {
	now := time.Now().UTC()
	for _, m := range []map[string]*acc{g.provinces, g.orgs, g.partitions} {
		for node, a := range m {
			r, err := a.rollup()
			if err != nil {
				return err
			}
			if err := st.LoadNode(ctx, node, r, now); err != nil {
				return err
			}
		}
	}
	return nil
}

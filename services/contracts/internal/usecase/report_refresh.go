package usecase

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
)

// Keeping the report rollups: what the contracts' changes marked is rebuilt here, by the
// refresher in the background and by every report before it reads (so a report counts every
// change made before it was asked). Each step is idempotent and decided by a conditional write
// of one document, so retries, crashes and concurrent refreshers (in this process or another
// replica) neither lose nor double-count anything; see storage (reports.go).

// worklistLimit bounds the entries one pass takes from the worklist.
const worklistLimit = 10_000

// rebuildAttempts bounds how often one rebuild is retried while marks keep coming.
const rebuildAttempts = 5

// freshen rebuilds every contract rollup on the worklist, then the nodes on it that wanted
// admits.
func (s *Service) freshen(ctx context.Context, wanted func(node string) bool) error {
	work, err := s.st.Worklist(ctx, worklistLimit)
	if err != nil {
		return err
	}
	for _, w := range work {
		if id, ok := strings.CutPrefix(w, storage.WorkContract); ok {
			if err := s.refreshContract(ctx, id); err != nil {
				return err
			}
		}
	}
	if work, err = s.st.Worklist(ctx, worklistLimit); err != nil {
		return err
	}
	for _, w := range work {
		if node, ok := strings.CutPrefix(w, storage.WorkNode); ok && wanted(node) {
			if _, err := s.refreshNode(ctx, node); err != nil {
				return err
			}
		}
	}
	return nil
}

// RefreshReports rebuilds everything on the worklist.
func (s *Service) RefreshReports(ctx context.Context) error {
	return s.freshen(ctx, func(string) bool { return true })
}

// ReportLoop refreshes the reports every interval, and sweeps every sweep for marks a crash
// left without a worklist entry (also once at start), until ctx ends or the store's client is
// closed. A failure is logged when it starts, then at most once a minute while it lasts.
func (s *Service) ReportLoop(ctx context.Context, interval, sweep time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var lastSweep, lastLog time.Time
	failing := false
	for {
		err := s.reportPass(ctx, &lastSweep, sweep)
		if storage.IsClosed(err) {
			return // the store's client was closed: the process is stopping
		}
		switch {
		case err != nil && ctx.Err() == nil && (!failing || time.Since(lastLog) >= time.Minute):
			s.log.ErrorContext(ctx, "report refresh failed", "error", err)
			lastLog = time.Now()
		case err == nil && failing:
			s.log.InfoContext(ctx, "report refresh works again")
		}
		failing = err != nil
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// reportPass is one pass of the refresher: a sweep when one is due, then the worklist.
func (s *Service) reportPass(ctx context.Context, lastSweep *time.Time, sweep time.Duration) error {
	if time.Since(*lastSweep) >= sweep {
		n, err := s.st.SweepReports(ctx, worklistLimit)
		if err != nil {
			return err
		}
		*lastSweep = time.Now()
		if n > 0 {
			s.log.InfoContext(ctx, "report sweep put marks back on the worklist", "count", n)
		}
	}
	return s.RefreshReports(ctx)
}

// refreshContract rebuilds a contract's rollup if it was marked, tells its nodes and household
// partitions, and takes it off the worklist (left on it while marks keep coming).
func (s *Service) refreshContract(ctx context.Context, id string) error {
	for range rebuildAttempts {
		st, again, err := s.built(ctx, id)
		if again {
			continue // marked during the rebuild
		}
		if err != nil || st == nil {
			return err
		}
		if st.Pending {
			if err := s.tell(ctx, id, st); err != nil {
				return err
			}
		}
		return s.st.DoneWork(ctx, storage.WorkContract+id)
	}
	return nil
}

// built returns a contract's rollup as stored (nil: there is none), rebuilt first if it was
// marked; again reports that a mark came during the rebuild, which must be done again.
func (s *Service) built(ctx context.Context, id string) (st *storage.ReportState, again bool, err error) {
	st, err = s.st.ContractReport(ctx, id)
	if err != nil || st == nil || (!st.Dirty && st.Gen == st.Built) {
		return st, false, err
	}
	ok, err := s.rebuildContract(ctx, id, st)
	if err != nil || !ok {
		return nil, err == nil, err
	}
	st, err = s.st.ContractReport(ctx, id)
	return st, false, err
}

// rebuildContract computes a contract's rollup from the contract and its records, and stores
// it unless a mark came since old was read (false: rebuild again).
func (s *Service) rebuildContract(ctx context.Context, id string, old *storage.ReportState) (bool, error) {
	c, err := s.st.GetContract(ctx, id) // flushes a leftover outbox (which marks again)
	if err != nil {
		return false, err
	}
	var b storage.ReportBuild
	if c != nil {
		if b.Rollup, err = s.contractRollup(ctx, c); err != nil {
			return false, err
		}
		b.Province = c.ProducerProvinceCode
		for _, o := range []string{c.Terms.Buyer, c.Terms.Producer} {
			if o != "" && !slices.Contains(b.Orgs, o) {
				b.Orgs = append(b.Orgs, o)
				b.Nodes = append(b.Nodes, storage.OrgNode(o))
			}
		}
		if b.Province != "" {
			b.Nodes = append(b.Nodes, storage.ProvinceNode(b.Province))
		}
	}
	b.PendingNodes = union(old.Nodes, b.Nodes)
	for _, p := range b.Rollup.Participations {
		b.Buckets = union(b.Buckets, []string{storage.Partition(p.Household)})
	}
	if !sameParticipations(old.Rollup.Participations, b.Rollup.Participations) {
		b.PendingBuckets = union(old.Buckets, b.Buckets)
	}
	return s.st.StoreContractReport(ctx, id, old.Gen, b, s.now().UTC())
}

// contractRollup is what contract c contributes to reports now.
func (s *Service) contractRollup(ctx context.Context, c *domain.Contract) (domain.Rollup, error) {
	r, err := s.st.SettlementRecords(ctx, c.ID)
	if err != nil {
		return domain.Rollup{}, err
	}
	inc, err := s.st.IncidentsOf(ctx, c.ID)
	if err != nil {
		return domain.Rollup{}, err
	}
	return domain.ContractRollup(c, domain.ContractRecords{Deliveries: r.Deliveries, Advances: r.Advances, Payments: r.Payments, Incidents: inc})
}

// tell marks the nodes a contract's rollup was (and is) in, and replaces its households in the
// partitions they were (and are) in; then clears the rollup's outbox.
func (s *Service) tell(ctx context.Context, id string, st *storage.ReportState) error {
	for _, n := range st.PendingNodes {
		if err := s.st.MarkNode(ctx, n); err != nil {
			return err
		}
	}
	for _, b := range st.PendingBuckets {
		var parts []domain.Participation
		for _, p := range st.Rollup.Participations {
			if storage.Partition(p.Household) == b {
				parts = append(parts, p)
			}
		}
		if err := s.st.ApplyToPartition(ctx, b, id, st.Built, parts); err != nil {
			return err
		}
	}
	return s.st.ClearReportPending(ctx, id, st.Built)
}

// refreshNode rebuilds a node if it was marked (from the rollups of its contracts) and
// returns it (nil: nothing ever counted in it).
func (s *Service) refreshNode(ctx context.Context, node string) (*storage.NodeState, error) {
	var n *storage.NodeState
	for range rebuildAttempts {
		var err error
		if n, err = s.st.ReportNode(ctx, node); err != nil || n == nil {
			return nil, err
		}
		if !n.Dirty {
			return n, s.st.DoneWork(ctx, storage.WorkNode+node)
		}
		rs, err := s.st.NodeRollups(ctx, node)
		if err != nil {
			return nil, err
		}
		merged, err := domain.Merge(rs...)
		if err != nil {
			return nil, err
		}
		ok, err := s.st.StoreNode(ctx, node, n.Gen, merged, s.now().UTC())
		if err != nil {
			return nil, err
		}
		if ok {
			n.Dirty, n.Rollup = false, merged
			return n, s.st.DoneWork(ctx, storage.WorkNode+node)
		}
	}
	return n, nil // marked again and again: the latest stored, still on the worklist
}

// union is a ∪ b, in order, without repeats.
func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// sameParticipations reports whether two rollups have the same households in the same
// contracts, periods, dims and profiles (both in canonical order).
func sameParticipations(a, b []domain.Participation) bool {
	return slices.EqualFunc(a, b, func(x, y domain.Participation) bool {
		x.Gen, y.Gen = 0, 0
		return x == y
	})
}

package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
)

func parts(contract string, households ...string) []domain.Participation {
	var out []domain.Participation
	for _, h := range households {
		out = append(out, domain.Participation{Household: h, Contract: contract, Start: 24312, End: 24320, Dims: domain.Dims{Product: "products/p", Province: "15"}})
	}
	return out
}

func partition(t *testing.T, st *storage.Store, b string) []domain.Participation {
	var got []domain.Participation
	require.NoError(t, st.EachAreaNode(context.Background(), func(id string, n *storage.NodeState) error {
		if id == b {
			got = n.Rollup.Participations
		}
		return nil
	}))
	return got
}

// TestPartitionKeepsTheLatest: a partition holds each contract's participations from its
// latest rollup only: applying an older rollup after a newer one, again, or concurrently
// changes nothing; a contract that left the partition stays gone (its tombstone outranks the
// older rollup that still had it).
func TestPartitionKeepsTheLatest(t *testing.T) {
	ctx := context.Background()
	st, _ := newStore(t)
	b := storage.Partition("households/a")
	require.NoError(t, st.ApplyToPartition(ctx, b, "c1", 2, parts("c1", "households/a")))
	require.NoError(t, st.ApplyToPartition(ctx, b, "c1", 1, parts("c1", "households/a", "households/a")), "an older rollup")
	require.NoError(t, st.ApplyToPartition(ctx, b, "c1", 2, parts("c1", "households/a")), "again")
	got := partition(t, st, b)
	require.Len(t, got, 1)
	require.EqualValues(t, 2, got[0].Gen)

	require.NoError(t, st.ApplyToPartition(ctx, b, "c1", 3, nil), "the household left the contract")
	require.NoError(t, st.ApplyToPartition(ctx, b, "c1", 2, parts("c1", "households/a")), "a late applier of the older rollup")
	require.Empty(t, partition(t, st, b))

	// Concurrent appliers of many contracts, each applied twice, with stale rollups between.
	var wg sync.WaitGroup
	for i := range 12 {
		for _, gen := range []int64{5, 4, 5} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := fmt.Sprintf("k%02d", i)
				hh := []string{"households/a"}
				if gen == 4 {
					hh = append(hh, "households/stale")
				}
				require.NoError(t, st.ApplyToPartition(ctx, b, c, gen, parts(c, hh...)))
			}()
		}
	}
	wg.Wait()
	got = partition(t, st, b)
	require.Len(t, got, 12, "one participation per contract, from its latest rollup")
	for _, p := range got {
		require.EqualValues(t, 5, p.Gen)
		require.Equal(t, "households/a", p.Household)
	}
}

// TestContractReportIsConditional: a rollup built from what was read at mark gen is stored
// only if no mark came since; a worklist entry taken off while a mark comes is put back.
func TestContractReportIsConditional(t *testing.T) {
	ctx := context.Background()
	st, db := newStore(t)
	require.NoError(t, st.MarkReport(ctx, "c1"))
	s, err := st.ContractReport(ctx, "c1")
	require.NoError(t, err)
	require.True(t, s.Dirty)
	require.EqualValues(t, 1, s.Gen)
	require.NoError(t, st.MarkReport(ctx, "c1")) // a change while the rollup was being built
	ok, err := st.StoreContractReport(ctx, "c1", s.Gen, storage.ReportBuild{Province: "15"}, time.Now())
	require.NoError(t, err)
	require.False(t, ok, "built from before the second mark: not stored")
	ok, err = st.StoreContractReport(ctx, "c1", 2, storage.ReportBuild{Province: "15", PendingNodes: []string{"P/15"}}, time.Now())
	require.NoError(t, err)
	require.True(t, ok)
	s, err = st.ContractReport(ctx, "c1")
	require.NoError(t, err)
	require.False(t, s.Dirty)
	require.True(t, s.Pending, "its nodes are still to be told")

	// Done while still pending: the entry comes back.
	require.NoError(t, st.DoneWork(ctx, storage.WorkContract+"c1"))
	work, err := st.Worklist(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []string{storage.WorkContract + "c1"}, work)
	require.NoError(t, st.ClearReportPending(ctx, "c1", 2))
	require.NoError(t, st.DoneWork(ctx, storage.WorkContract+"c1"))
	work, err = st.Worklist(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, work)

	// A mark whose worklist entry was lost (a crash between its two steps) is swept back.
	_, err = db.Collection("report_contracts").UpdateOne(ctx, bson.D{{Key: "_id", Value: "c1"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "todo", Value: true}, {Key: "dirty", Value: true}}}})
	require.NoError(t, err)
	n, err := st.SweepReports(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	work, err = st.Worklist(ctx, 10)
	require.NoError(t, err)
	require.Equal(t, []string{storage.WorkContract + "c1"}, work)
}

// TestFlushMarksTheReport: moving a contract's outbox marks its report rollup.
func TestFlushMarksTheReport(t *testing.T) {
	ctx := context.Background()
	st, _ := newStore(t)
	_, _, err := st.CreateContract(ctx, &domain.Contract{ID: "c9", State: domain.StateDraft, Version: 1, PendingEvents: []domain.Event{{Contract: "c9", Seq: 1, Type: "contract.created"}}})
	require.NoError(t, err)
	s, err := st.ContractReport(ctx, "c9")
	require.NoError(t, err)
	require.NotNil(t, s)
	require.True(t, s.Dirty)
	work, err := st.Worklist(ctx, 10)
	require.NoError(t, err)
	require.Contains(t, work, storage.WorkContract+"c9")
}

package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/support/auditlog"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newProject(t *testing.T, st *storage.Store) *domain.Project {
	now := time.Now()
	p := &domain.Project{ID: "p1", Call: "calls/c1", Owner: "organizations/o", State: domain.StateInProgress, Version: 1,
		Milestones: []domain.MilestoneStatus{{ID: "m1", AmountVND: 100, State: domain.MilestonePending}}, ApprovedProgrammeVND: 100, ApprovedTotalVND: 100,
		Proposal: domain.Proposal{BudgetLines: []domain.BudgetLine{{Category: domain.CategoryTraining, ProgrammeVND: 100}}}}
	p.Spending = []domain.SpendingReport{{ID: "s", Lines: []domain.SpendingLine{{Category: domain.CategoryTraining, AmountVND: 100}}, TotalVND: 100}}
	p.Append(p.Name(), "project.created", "users/o", "producer", map[string]any{}, now)
	stored, created, err := st.CreateProject(context.Background(), p)
	require.NoError(t, err)
	require.True(t, created)
	return stored
}

// TestStaleWriterLoses: two writers read the same version; the first conditional replace wins,
// the second matches nothing. This is the whole concurrency guarantee of a disbursement.
func TestStaleWriterLoses(t *testing.T) {
	ctx := context.Background()
	st := storage.New(testkit.Database(t))
	require.NoError(t, st.EnsureIndexes(ctx))
	newProject(t, st)
	a, err := st.Project(ctx, "p1")
	require.NoError(t, err)
	b, err := st.Project(ctx, "p1")
	require.NoError(t, err)
	for _, p := range []*domain.Project{a, b} {
		_, err := p.Disburse("m1", "d-"+p.ID, []domain.IndicatorResult{{Kind: domain.IndicatorTrainingAttendance, Met: true}}, domain.VerifyInput{EvidenceConfirmed: true}, "users/x", time.Now())
		require.NoError(t, err, "each copy on its own would pay")
		p.Version++
	}
	ok, err := st.ReplaceProjectIf(ctx, 1, a)
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = st.ReplaceProjectIf(ctx, 1, b)
	require.NoError(t, err)
	require.False(t, ok, "the stale writer loses")
	got, err := st.Project(ctx, "p1")
	require.NoError(t, err)
	require.Len(t, got.Disbursements, 1)
	require.EqualValues(t, 100, got.DisbursedVND)
}

// TestMutateRedecidesAndFlushesTheOutbox: a mutation that loses a race re-reads and decides
// again from the current document; events reach the events collection in order and verify; a
// leftover outbox (a crash between the two writes) is flushed by the next reader.
func TestMutateRedecidesAndFlushesTheOutbox(t *testing.T) {
	ctx := context.Background()
	st := storage.New(testkit.Database(t))
	newProject(t, st)
	calls := 0
	out, err := st.MutateProject(ctx, "p1", func(p *domain.Project) error {
		calls++
		if calls == 1 { // another writer gets in between this read and this write
			other, err := st.Project(ctx, "p1")
			require.NoError(t, err)
			other.StateReason = "changed"
			other.Append(other.Name(), "project.noted", "users/y", "admin", map[string]any{}, time.Now())
			other.Version++
			ok, err := st.ReplaceProjectIf(ctx, 1, other)
			require.NoError(t, err)
			require.True(t, ok)
		}
		p.Append(p.Name(), "project.touched", "users/x", "admin", map[string]any{"seen": p.StateReason}, time.Now())
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 2, calls, "re-read and re-decided")
	require.Equal(t, "changed", out.StateReason)
	require.EqualValues(t, 3, out.Version)
	require.Empty(t, out.PendingEvents)
	// The leftover outbox of the other writer's replace is flushed by any reader.
	evs, more, err := st.Events(ctx, "projects/p1", 0, 10)
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, evs, 3)
	require.Equal(t, []string{"project.created", "project.noted", "project.touched"}, []string{evs[0].Type, evs[1].Type, evs[2].Type})
	require.Nil(t, auditlog.Verify(evs))
	page, more, err := st.Events(ctx, "projects/p1", 1, 1)
	require.NoError(t, err)
	require.True(t, more)
	require.Equal(t, int64(2), page[0].Seq)

	_, err = st.MutateProject(ctx, "p1", func(*domain.Project) error { return apierr.FailedPrecondition("NO", "no", nil) })
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	missing, err := st.MutateProject(ctx, "nope", func(*domain.Project) error { return nil })
	require.NoError(t, err)
	require.Nil(t, missing)
}

// TestOldRequestKeysAreRead: a key stored in the old NUL-joined form (method, caller, request
// id) is read as the key the same request has now, so its retry is still recognised.
func TestOldRequestKeysAreRead(t *testing.T) {
	st := storage.New(testkit.Database(t))
	p := newProject(t, st)
	_, err := st.MutateProject(context.Background(), p.ID, func(p *domain.Project) error {
		p.Requests = append(p.Requests, "StartProject\x00users/o\x00r-1", storage.RequestKey("ReportSpending", "users/o", "r-2"))
		return nil
	})
	require.NoError(t, err)
	got, err := st.Project(context.Background(), p.ID)
	require.NoError(t, err)
	require.True(t, got.Seen(storage.RequestKey("StartProject", "users/o", "r-1")))
	require.True(t, got.Seen(storage.RequestKey("ReportSpending", "users/o", "r-2")))
	require.False(t, got.Seen(storage.RequestKey("StartProject", "users/o", "r-2")))
}

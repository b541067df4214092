package transport_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// TestConcurrentVerificationsPayOnce: sixteen verifications of one met milestone race through
// two support replicas on the same store, by two officials of the investor, each with its own
// request id. Exactly one pays; every other one is refused with MILESTONE_ALREADY_DISBURSED;
// the project holds one disbursement of exactly the milestone's share. Then sixteen retries of
// one request id all answer that same disbursement.
func TestConcurrentVerificationsPayOnce(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	k1 := w.activeContract(t, w.poor, 1000)
	call := w.call(t, 2_000_000_000)
	p := w.approvedProject(t, call.Name, k1)
	for _, h := range w.poor {
		w.deliver(t, k1, h, 1000)
	}
	w.spend(t, p.Name, map[supportv1.SupportCategory]int64{supportv1.SupportCategory_SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE: 600_000_000})
	m1 := p.Name + "/milestones/m1"

	other := w.replica(t)
	officials := []auth.Principal{w.investor, {Subject: "users/pho-giam-doc", Role: auth.RoleProvinceOfficial, AdminArea: "15"}}
	clients := []supportv1.SupportServiceClient{
		w.support(t, officials[0]),
		supportv1.NewSupportServiceClient(testkit.Dial(t, other, w.a.Token(t, officials[1]))),
	}
	const n = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	paid := []*supportv1.Disbursement{}
	refused := 0
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d, err := clients[i%2].VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: m1, RequestId: fmt.Sprint("race-", i)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				paid = append(paid, d)
			case status.Code(err) == codes.FailedPrecondition && apierr.Reason(err) == "MILESTONE_ALREADY_DISBURSED":
				refused++
			default:
				t.Errorf("verification %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	require.Len(t, paid, 1, "exactly one verification pays")
	require.Equal(t, n-1, refused)
	require.EqualValues(t, 196_000_000, paid[0].AmountVnd)
	got, err := w.support(t, w.coopU).GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.EqualValues(t, 196_000_000, got.DisbursedVnd)
	ds, err := w.support(t, w.coopU).ListDisbursements(ctx, &supportv1.ListDisbursementsRequest{Parent: p.Name})
	require.NoError(t, err)
	require.Len(t, ds.Disbursements, 1)

	// m2's share with one request id, sixteen times at once: one disbursement, sixteen answers.
	w.payInFull(t, k1)
	_, err = w.support(t, w.coopU).CreateActivity(ctx, &supportv1.CreateActivityRequest{Parent: p.Name, Activity: &supportv1.Activity{
		Kind: supportv1.ActivityKind_ACTIVITY_KIND_TRAINING, Milestone: "m2", ActivityDate: day(0), Attendance: 30, DocumentReference: "DS-02"}})
	require.NoError(t, err)
	w.spend(t, p.Name, map[supportv1.SupportCategory]int64{supportv1.SupportCategory_SUPPORT_CATEGORY_CONSULTING: 40_000_000,
		supportv1.SupportCategory_SUPPORT_CATEGORY_SEEDS_INPUTS: 300_000_000, supportv1.SupportCategory_SUPPORT_CATEGORY_TRAINING: 60_000_000})
	names := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := clients[0].VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: p.Name + "/milestones/m2", EvidenceConfirmed: true, RequestId: "same"})
			if err != nil {
				t.Errorf("retry %d: %v", i, err)
				return
			}
			names <- d.Name
		}()
	}
	wg.Wait()
	close(names)
	seen := map[string]bool{}
	for nm := range names {
		seen[nm] = true
	}
	require.Len(t, seen, 1, "every retry answers the one disbursement")
	got, err = w.support(t, w.coopU).GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.EqualValues(t, 490_000_000, got.DisbursedVnd)
}

// TestConcurrentApprovalsRespectTheBudget: two appraised projects of 490 million each are
// approved at once under a call whose budget holds one: the reservations on the call are one
// conditional write each, so exactly one approval goes through and the other is refused with
// CALL_BUDGET_EXCEEDED, leaving its project APPRAISED and nothing reserved for it.
func TestConcurrentApprovalsRespectTheBudget(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	k1 := w.activeContract(t, w.poor, 1000)
	call := w.call(t, 600_000_000)
	owner, inv := w.support(t, w.coopU), w.support(t, w.investor)
	var names []string
	for i := 0; i < 2; i++ {
		p, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: proposal(k1)}})
		require.NoError(t, err)
		_, err = owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name})
		require.NoError(t, err)
		w.scoreAll(t, p.Name, 80)
		_, err = inv.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: p.Name})
		require.NoError(t, err)
		names = append(names, p.Name)
	}
	other := supportv1.NewSupportServiceClient(testkit.Dial(t, w.replica(t), w.a.Token(t, w.investor)))
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, c := range []supportv1.SupportServiceClient{inv, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.ApproveProject(ctx, &supportv1.ApproveProjectRequest{Name: names[i], DecisionReference: fmt.Sprint("QĐ ", i)})
		}()
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case status.Code(err) == codes.FailedPrecondition && apierr.Reason(err) == "CALL_BUDGET_EXCEEDED":
			refused++
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	require.Equal(t, 1, ok)
	require.Equal(t, 1, refused)
	c, err := inv.GetCall(ctx, &supportv1.GetCallRequest{Name: call.Name})
	require.NoError(t, err)
	require.EqualValues(t, 490_000_000, c.CommittedVnd)
	states := map[supportv1.ProjectState]int{}
	for _, n := range names {
		p, err := inv.GetProject(ctx, &supportv1.GetProjectRequest{Name: n})
		require.NoError(t, err)
		states[p.State]++
	}
	require.Equal(t, map[supportv1.ProjectState]int{supportv1.ProjectState_PROJECT_STATE_APPROVED: 1, supportv1.ProjectState_PROJECT_STATE_APPRAISED: 1}, states)
}

package transport_test

import (
	"context"
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/apierr"
)

func fields(err error) map[string]string {
	out := map[string]string{}
	for _, v := range apierr.FieldViolations(err) {
		out[v.Field] = v.Reason
	}
	return out
}

// TestBadInputIsRefusedAndNothingWritten: malformed requests are INVALID_ARGUMENT naming the
// field and the rule, and write nothing.
func TestBadInputIsRefusedAndNothingWritten(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	inv, owner := w.support(t, w.investor), w.support(t, w.coopU)
	good := &supportv1.Call{Investor: w.province, DisplayName: "Đợt 1", Programme: "programmes/ntp-sedema", ProjectTypes: []supportv1.ProjectType{supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN},
		BudgetVnd: 1_000_000_000, SubmissionWindow: &typesv1.DateWindow{StartDate: day(-1), EndDate: day(30)}}
	for name, tc := range map[string]struct {
		edit  func(*supportv1.Call)
		field string
		rule  string
	}{
		"no budget":         {func(c *supportv1.Call) { c.BudgetVnd = 0 }, "call.budget_vnd", "AMOUNT_RANGE"},
		"negative budget":   {func(c *supportv1.Call) { c.BudgetVnd = -5 }, "call.budget_vnd", "AMOUNT_RANGE"},
		"no types":          {func(c *supportv1.Call) { c.ProjectTypes = nil }, "call.project_types", "REQUIRED"},
		"unknown type":      {func(c *supportv1.Call) { c.ProjectTypes = []supportv1.ProjectType{99} }, "call.project_types[0]", "REQUIRED"},
		"window reversed":   {func(c *supportv1.Call) { c.SubmissionWindow.StartDate = day(40) }, "call.submission_window", "DATE_ORDER"},
		"unknown programme": {func(c *supportv1.Call) { c.Programme = "programmes/nope" }, "call.programme", "PROGRAMME_EXISTS"},
		"ceiling above 300m": {func(c *supportv1.Call) {
			c.TypeCeilings = []*supportv1.TypeCeiling{{ProjectType: supportv1.ProjectType_PROJECT_TYPE_TECHNICAL_ASSISTANCE, MaxProgrammeVnd: 400_000_000}}
		}, "call.type_ceilings[0].max_programme_vnd", "CEILING_ABOVE_PROGRAMME"},
		"no such investor": {func(c *supportv1.Call) { c.Investor = "authorities/nope" }, "call.investor", "INVESTOR_EXISTS"},
		"council api key":  {func(c *supportv1.Call) { c.CouncilMembers = []string{"apiKeys/x"} }, "call.council_members[0]", "RESOURCE_NAME"},
	} {
		t.Run(name, func(t *testing.T) {
			c := proto.Clone(good).(*supportv1.Call)
			tc.edit(c)
			_, err := inv.CreateCall(ctx, &supportv1.CreateCallRequest{Call: c})
			failure(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")
			require.Equal(t, tc.rule, fields(err)[tc.field], "%v", fields(err))
		})
	}
	calls, err := inv.ListCalls(ctx, &supportv1.ListCallsRequest{})
	require.NoError(t, err)
	require.Empty(t, calls.Calls, "nothing was written")
	_, err = inv.ListCalls(ctx, &supportv1.ListCallsRequest{Filter: `budget > 5`})
	failure(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")

	dc, err := inv.CreateCall(ctx, &supportv1.CreateCallRequest{Call: good})
	require.NoError(t, err)
	_, err = owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: dc.Name, Owner: w.coop, Proposal: proposal("contracts/k")}})
	failure(t, err, codes.NotFound, "RESOURCE_NOT_FOUND") // a draft call does not exist for owners
	_, err = inv.PublishCall(ctx, &supportv1.PublishCallRequest{Name: dc.Name, Etag: `"7"`})
	failure(t, err, codes.Aborted, "ETAG_MISMATCH")
	_, err = inv.PublishCall(ctx, &supportv1.PublishCallRequest{Name: dc.Name, Etag: dc.Etag})
	require.NoError(t, err)

	bad := proposal("k1")
	bad.BudgetLines[0].ProgrammeVnd = -1
	bad.Milestones[0].Indicators[0].Target = 20000
	_, err = owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: dc.Name, Owner: w.coop, Proposal: bad}})
	failure(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")
	require.Equal(t, map[string]string{"project.proposal.budget_lines[0].programme_vnd": "AMOUNT_RANGE", "project.proposal.contracts[0]": "RESOURCE_NAME",
		"project.proposal.milestones[0].indicators[0].target": "TARGET_RANGE"}, fields(err))
	list, err := owner.ListProjects(ctx, &supportv1.ListProjectsRequest{})
	require.NoError(t, err)
	require.Empty(t, list.Projects, "nothing was written")
}

// TestBudgetAmendmentsAndClosure: approvals reserve the call's budget and cannot exceed it; an
// amendment is checked and re-approved, moving the reservation; closing a project releases
// what it did not disburse; spending reports are idempotent and checked against the budget.
func TestBudgetAmendmentsAndClosure(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	k1 := w.activeContract(t, w.poor, 1000)
	call := w.call(t, 600_000_000)
	inv, owner := w.support(t, w.investor), w.support(t, w.coopU)
	p := w.approvedProject(t, call.Name, k1)

	// A second project of 490 million does not fit in what is left (110 million).
	q, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: proposal(k1)}})
	require.NoError(t, err)
	_, err = owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: q.Name})
	require.NoError(t, err)
	w.scoreAll(t, q.Name, 90)
	_, err = inv.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: q.Name})
	require.NoError(t, err)
	_, err = inv.ApproveProject(ctx, &supportv1.ApproveProjectRequest{Name: q.Name, DecisionReference: "QĐ 124"})
	failure(t, err, codes.FailedPrecondition, "CALL_BUDGET_EXCEEDED")
	c, err := inv.GetCall(ctx, &supportv1.GetCallRequest{Name: call.Name})
	require.NoError(t, err)
	require.EqualValues(t, 490_000_000, c.CommittedVnd, "a refused approval reserves nothing")
	q, err = inv.RejectProject(ctx, &supportv1.RejectProjectRequest{Name: q.Name, Reason: "Vượt ngân sách đợt kêu gọi"})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_REJECTED, q.State)
	require.Equal(t, "Vượt ngân sách đợt kêu gọi", q.StateReason)

	// Spending: a category without a budget line is refused; a retry is recorded once.
	report := &supportv1.SpendingReport{ReportDate: day(0), DocumentReference: "HĐ 01", Lines: []*supportv1.SpendingLine{{Category: supportv1.SupportCategory_SUPPORT_CATEGORY_MARKET_DEVELOPMENT, AmountVnd: 5}}}
	_, err = owner.CreateSpendingReport(ctx, &supportv1.CreateSpendingReportRequest{Parent: p.Name, SpendingReport: report})
	failure(t, err, codes.InvalidArgument, "INVALID_ARGUMENT")
	require.Equal(t, "CATEGORY_NOT_IN_BUDGET", fields(err)["spending_report.lines[0].category"])
	report.Lines[0].Category = supportv1.SupportCategory_SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE
	report.Lines[0].AmountVnd = 600_000_000
	r1, err := owner.CreateSpendingReport(ctx, &supportv1.CreateSpendingReportRequest{Parent: p.Name, SpendingReport: report, RequestId: "sr-1"})
	require.NoError(t, err)
	r2, err := owner.CreateSpendingReport(ctx, &supportv1.CreateSpendingReportRequest{Parent: p.Name, SpendingReport: report, RequestId: "sr-1"})
	require.NoError(t, err)
	require.Equal(t, r1.Name, r2.Name)
	got, err := owner.GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.EqualValues(t, 600_000_000, got.ReportedSpendingVnd, "recorded once")

	// An amendment that breaks a rule is refused; a sound one waits for the investor.
	am := proposal(k1)
	am.BudgetLines[1].ProgrammeVnd = 300_000_000 // machinery above 30%
	_, err = owner.AmendProject(ctx, &supportv1.AmendProjectRequest{Name: p.Name, Proposal: am, Reason: "Tăng máy móc"})
	failure(t, err, codes.FailedPrecondition, "RULES_NOT_SATISFIED")
	require.Contains(t, rules(err), "SUP-CEILING-CATEGORY")
	am = proposal(k1)
	am.BudgetLines[1].ProgrammeVnd, am.BudgetLines[1].OwnerCashVnd = 150_000_000, 390_000_000 // 460 of 940 million
	got, err = owner.AmendProject(ctx, &supportv1.AmendProjectRequest{Name: p.Name, Proposal: am, Reason: "Giảm quy mô lò sấy", Etag: got.Etag})
	require.NoError(t, err)
	require.EqualValues(t, 1, got.PendingAmendment.Number)
	_, err = owner.ApproveAmendment(ctx, &supportv1.ApproveAmendmentRequest{Name: p.Name, DecisionReference: "QĐ 130"})
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	got, err = inv.ApproveAmendment(ctx, &supportv1.ApproveAmendmentRequest{Name: p.Name, DecisionReference: "QĐ 130"})
	require.NoError(t, err)
	require.EqualValues(t, 460_000_000, got.ApprovedProgrammeVnd)
	require.EqualValues(t, 184_000_000, got.Milestones[0].AmountVnd)
	require.Nil(t, got.PendingAmendment)
	c, err = inv.GetCall(ctx, &supportv1.GetCallRequest{Name: call.Name})
	require.NoError(t, err)
	require.EqualValues(t, 460_000_000, c.CommittedVnd, "the reservation follows the amendment")

	// Milestone 1 is met and paid; the project is closed early: the rest is released.
	for _, h := range w.poor {
		w.deliver(t, k1, h, 1000)
	}
	d, err := inv.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: p.Name + "/milestones/m1"})
	require.NoError(t, err)
	require.EqualValues(t, 184_000_000, d.AmountVnd)
	_, err = inv.CompleteProject(ctx, &supportv1.CompleteProjectRequest{Name: p.Name})
	failure(t, err, codes.FailedPrecondition, "MILESTONES_OUTSTANDING")
	got, err = inv.CloseProject(ctx, &supportv1.CloseProjectRequest{Name: p.Name, Reason: "Chủ trì dừng mở rộng"})
	require.NoError(t, err)
	require.Equal(t, supportv1.ProjectState_PROJECT_STATE_CLOSED, got.State)
	c, err = inv.GetCall(ctx, &supportv1.GetCallRequest{Name: call.Name})
	require.NoError(t, err)
	require.EqualValues(t, 184_000_000, c.CommittedVnd, "only what was disbursed stays committed")
	_, err = owner.CreateSpendingReport(ctx, &supportv1.CreateSpendingReportRequest{Parent: p.Name, SpendingReport: report})
	failure(t, err, codes.FailedPrecondition, "INVALID_STATE")
}

// TestMemberGroupsAddTheirHouseholds: participants are the households of the linked contracts
// and the active members of the member groups (asked of the registry with the service's own
// credentials), each once; a group outside the project's communes breaks SUP-HOUSEHOLDS.
func TestMemberGroupsAddTheirHouseholds(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	k1 := w.activeContract(t, w.poor, 1000)
	call := w.call(t, 2_000_000_000)
	owner := w.support(t, w.coopU)
	prop := proposal(k1)
	prop.MemberGroups = []string{w.coop}
	p, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: prop}})
	require.NoError(t, err)
	v, err := owner.ValidateProject(ctx, &supportv1.ValidateProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.Empty(t, v.Violations)
	require.EqualValues(t, 5, v.Participation.Households, "three from the contract, all five members of the cooperative, each once")
	require.EqualValues(t, 1, v.Participation.NearPoor)
	require.EqualValues(t, 1, v.Participation.NonPoor)

	far := w.org(t, registryv1.Organization_KIND_PRODUCTION_GROUP, "Tổ sản xuất Tháp Mười", "", places.ThapMuoi)
	prop.MemberGroups = []string{w.coop, far}
	_, err = owner.UpdateProject(ctx, &supportv1.UpdateProjectRequest{Project: &supportv1.Project{Name: p.Name, Proposal: prop}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"proposal.member_groups"}}})
	require.NoError(t, err)
	v, err = owner.ValidateProject(ctx, &supportv1.ValidateProjectRequest{Name: p.Name})
	require.NoError(t, err)
	require.Len(t, v.Violations, 1)
	require.Equal(t, "SUP-HOUSEHOLDS", v.Violations[0].RuleId)
	require.Equal(t, "proposal.member_groups[1]", v.Violations[0].Field)
}

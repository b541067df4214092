package transport_test

import (
	"context"
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestWhoMayDoWhat: owners see and edit their projects; investor officials their authority's
// calls and submitted projects; the province oversees; council members see and score the
// submitted projects of their calls, never their own organisation's; operators see all but do
// not act for the investor or the council; everyone else is told nothing exists.
func TestWhoMayDoWhat(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	k1 := w.activeContract(t, w.poor, 1000)
	inv, owner, admin := w.support(t, w.investor), w.support(t, w.coopU), w.support(t, w.admin)
	stranger := w.support(t, auth.Principal{Subject: "users/x", Role: auth.RoleProducer, Organization: "organizations/another-coop"})
	communeOfficial := w.support(t, auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
	overseer := w.support(t, auth.Principal{Subject: "users/thanh-tra", Role: auth.RoleProvinceOfficial, AdminArea: "15"})
	otherProvince := w.support(t, auth.Principal{Subject: "users/p82", Role: auth.RoleProvinceOfficial, AdminArea: "82"})
	household := w.support(t, hhUser(w.poor[0]))

	// Calls: only the investor's officials (or an operator) issue them; drafts are theirs.
	draftCall := &supportv1.Call{Investor: w.province, DisplayName: "Đợt 2", Programme: "programmes/ntp-sedema", ProjectTypes: []supportv1.ProjectType{supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN},
		BudgetVnd: 1_000_000_000, SubmissionWindow: &typesv1.DateWindow{StartDate: day(0), EndDate: day(30)}}
	for _, c := range []supportv1.SupportServiceClient{owner, communeOfficial, otherProvince} {
		_, err := c.CreateCall(ctx, &supportv1.CreateCallRequest{Call: draftCall})
		failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	}
	dc, err := inv.CreateCall(ctx, &supportv1.CreateCallRequest{Call: draftCall})
	require.NoError(t, err)
	for _, c := range []supportv1.SupportServiceClient{inv, overseer, admin} {
		_, err := c.GetCall(ctx, &supportv1.GetCallRequest{Name: dc.Name})
		require.NoError(t, err)
	}
	for _, c := range []supportv1.SupportServiceClient{owner, communeOfficial, otherProvince, household} {
		_, err := c.GetCall(ctx, &supportv1.GetCallRequest{Name: dc.Name})
		failure(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	}
	_, err = overseer.PublishCall(ctx, &supportv1.PublishCallRequest{Name: dc.Name})
	require.NoError(t, err, "a province official acts for the province's People's Committee")
	communeCall, err := communeOfficial.CreateCall(ctx, &supportv1.CreateCallRequest{Call: &supportv1.Call{Investor: w.commune, DisplayName: "Đợt xã", Programme: "programmes/decree98-support",
		ProjectTypes: []supportv1.ProjectType{supportv1.ProjectType_PROJECT_TYPE_LIVELIHOOD}, BudgetVnd: 100_000_000, SubmissionWindow: &typesv1.DateWindow{StartDate: day(0), EndDate: day(30)}}})
	require.NoError(t, err, "a commune official issues the commune's calls")
	require.Equal(t, "15", communeCall.InvestorProvinceCode)
	_, err = inv.PublishCall(ctx, &supportv1.PublishCallRequest{Name: communeCall.Name})
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED") // the province oversees a commune's call, it does not manage it

	call := w.call(t, 2_000_000_000)
	list, err := stranger.ListCalls(ctx, &supportv1.ListCallsRequest{})
	require.NoError(t, err)
	require.Len(t, list.Calls, 2, "published calls are public; drafts are not")

	// Projects: a draft is the owner's own.
	p, err := owner.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: proposal(k1)}})
	require.NoError(t, err)
	_, err = stranger.CreateProject(ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.Name, Owner: w.coop, Proposal: proposal(k1)}})
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	for _, c := range []supportv1.SupportServiceClient{inv, overseer, w.support(t, w.council[0]), stranger} {
		_, err := c.GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
		failure(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	}
	_, err = stranger.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name})
	failure(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	_, err = owner.SubmitProject(ctx, &supportv1.SubmitProjectRequest{Name: p.Name})
	require.NoError(t, err)
	for _, c := range []supportv1.SupportServiceClient{inv, overseer, admin, owner, w.support(t, w.council[0])} {
		got, err := c.ListProjects(ctx, &supportv1.ListProjectsRequest{Filter: `state = "PROJECT_STATE_SUBMITTED"`})
		require.NoError(t, err)
		require.Len(t, got.Projects, 1)
	}
	for _, c := range []supportv1.SupportServiceClient{stranger, communeOfficial, otherProvince, household} {
		got, err := c.ListProjects(ctx, &supportv1.ListProjectsRequest{})
		require.NoError(t, err)
		require.Empty(t, got.Projects)
		_, err = c.GetProject(ctx, &supportv1.GetProjectRequest{Name: p.Name})
		failure(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
	}

	// Scoring is the council's; never of one's own organisation; not an operator's.
	score := &supportv1.ScoreProjectRequest{Name: p.Name, Criteria: []*supportv1.CriterionScore{{Criterion: "feasibility", Score: 20}, {Criterion: "linkage", Score: 20},
		{Criterion: "inclusion", Score: 15}, {Criterion: "capacity", Score: 10}, {Criterion: "sustainability", Score: 5}}}
	for _, c := range []supportv1.SupportServiceClient{admin, inv, owner} {
		_, err := c.ScoreProject(ctx, score)
		failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	}
	conflicted := auth.Principal{Subject: "users/pho-chu-nhiem", Role: auth.RoleProducer, Organization: w.coop}
	_, err = inv.UpdateCall(ctx, &supportv1.UpdateCallRequest{Call: &supportv1.Call{Name: call.Name, CouncilMembers: []string{w.council[0].Subject, w.council[1].Subject, conflicted.Subject}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"council_members"}}})
	require.NoError(t, err)
	_, err = w.support(t, conflicted).ScoreProject(ctx, score)
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = w.support(t, w.council[0]).ScoreProject(ctx, score)
	require.NoError(t, err)
	_, err = w.support(t, w.council[0]).ApproveProject(ctx, &supportv1.ApproveProjectRequest{Name: p.Name, DecisionReference: "x"})
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	// Decisions and verification are the investor's officials' acts.
	for _, c := range []supportv1.SupportServiceClient{owner, admin, w.support(t, w.council[0])} {
		_, err := c.AppraiseProject(ctx, &supportv1.AppraiseProjectRequest{Name: p.Name})
		failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
		_, err = c.VerifyMilestone(ctx, &supportv1.VerifyMilestoneRequest{Name: p.Name + "/milestones/m1"})
		failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	}
	_, err = overseer.GetCallReport(ctx, &supportv1.GetCallReportRequest{Name: call.Name + "/report"})
	require.NoError(t, err)
	for _, c := range []supportv1.SupportServiceClient{owner, w.support(t, w.council[1])} {
		_, err := c.GetCallReport(ctx, &supportv1.GetCallReportRequest{Name: call.Name + "/report"})
		failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
		_, err = c.ListCallEvents(ctx, &supportv1.ListCallEventsRequest{Parent: call.Name})
		failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	}
	_, err = owner.GetProgrammeReport(ctx, &supportv1.GetProgrammeReportRequest{Name: "programmes/ntp-sedema/report"})
	failure(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	r, err := otherProvince.GetProgrammeReport(ctx, &supportv1.GetProgrammeReportRequest{Name: "programmes/ntp-sedema/report"})
	require.NoError(t, err)
	require.Zero(t, r.Calls, "another province's official reports on its own calls only")
}

package console

import (
	"net/http"

	"golang.org/x/sync/errgroup"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// Reports of a call and of a programme (the support service computes them; the console shows
// them): projects by state, the budget committed against what was disbursed, the households
// reached with the poor, near-poor, ethnic-minority and women-headed shares, and the
// milestones met on time, late or overdue.

type stateCount struct {
	State    string
	Projects int32
}

type supportReportView struct {
	Title, Subtitle string
	Back, BackLabel string
	R               *supportv1.SupportReport
	States          []stateCount
	Projects        int32
	// CommittedBps and DisbursedBps are shares of the budget; DisbursedOfCommittedBps of the
	// commitment.
	CommittedBps, DisbursedBps, DisbursedOfCommittedBps int32
	// Milestones neither met nor overdue yet.
	MilestonesAhead int32
}

func newSupportReport(r *supportv1.SupportReport) supportReportView {
	v := supportReportView{R: r}
	// Every state, in the lifecycle's order, zeros included, so that reports compare.
	counts := map[string]int32{}
	for _, s := range r.GetProjectsByState() {
		counts[s.GetState().String()] += s.GetProjects()
		v.Projects += s.GetProjects()
	}
	for _, s := range projectStates {
		v.States = append(v.States, stateCount{State: s, Projects: counts[s]})
	}
	v.CommittedBps = shareBps(r.GetCommittedVnd(), r.GetBudgetVnd())
	v.DisbursedBps = shareBps(r.GetDisbursedVnd(), r.GetBudgetVnd())
	v.DisbursedOfCommittedBps = shareBps(r.GetDisbursedVnd(), r.GetCommittedVnd())
	v.MilestonesAhead = r.GetMilestones() - r.GetMilestonesMetOnTime() - r.GetMilestonesMetLate() - r.GetMilestonesOverdue()
	return v
}

// shareBps is part/whole in basis points, rounded down (0 when whole is 0).
func shareBps(part, whole int64) int32 {
	if whole <= 0 || part <= 0 {
		return 0
	}
	if part >= whole {
		return 10000
	}
	// part < whole ≤ 9.2e18: part*10000 may overflow for very large amounts, so divide first
	// when it would.
	if part > (1<<63-1)/10000 {
		return int32(part / (whole / 10000))
	}
	return int32(part * 10000 / whole)
}

func (c *Console) callReport(q *rq) error {
	name := callName(q.r)
	var (
		call *supportv1.Call
		rep  *supportv1.SupportReport
	)
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() (err error) {
		call, err = c.b.sup.GetCall(gctx, &supportv1.GetCallRequest{Name: name})
		return err
	})
	g.Go(func() (err error) {
		rep, err = c.b.sup.GetCallReport(gctx, &supportv1.GetCallReportRequest{Name: name + "/report"})
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	v := newSupportReport(rep)
	v.Title, v.Subtitle, v.Back, v.BackLabel = "Báo cáo đợt kêu gọi", call.GetDisplayName(), BasePath+"/"+name, call.GetDisplayName()
	q.render(http.StatusOK, "support_report", v)
	return nil
}

func (c *Console) programmeReport(q *rq) error {
	name := "programmes/" + q.r.PathValue("id")
	rep, err := c.b.sup.GetProgrammeReport(q.ctx, &supportv1.GetProgrammeReportRequest{Name: name + "/report"})
	if err != nil {
		return err
	}
	v := newSupportReport(rep)
	v.Title, v.Subtitle, v.Back, v.BackLabel = "Báo cáo chương trình", name, BasePath+"/calls", "Đợt kêu gọi dự án"
	if p := c.b.programme(q.ctx, name); p != nil {
		v.Subtitle = p.GetTitle()
	}
	q.render(http.StatusOK, "support_report", v)
	return nil
}

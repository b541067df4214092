package console

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"golang.org/x/sync/errgroup"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// Projects: the lists (an owner's own, an official's submitted ones), the proposal form
// (create and edit a draft, with the programme's findings next to their fields), and the
// decisions on the project page.

type projectsView struct {
	Rows      []projectRow
	OpenCalls []*supportv1.Call
	States    []string
	Filter    string
	Next      string
	Owner     bool
}

func (c *Console) projects(q *rq) error {
	st, filter := stateFilter(q.r, projectStates)
	v := projectsView{States: projectStates, Filter: st, Owner: projectOwnerRole(q.s)}
	var ps []*supportv1.Project
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() error {
		res, err := c.b.sup.ListProjects(gctx, &supportv1.ListProjectsRequest{Filter: filter, PageSize: 50, PageToken: q.r.URL.Query().Get("page")})
		ps, v.Next = res.GetProjects(), res.GetNextPageToken()
		return err
	})
	if v.Owner {
		g.Go(func() error {
			res, err := c.b.sup.ListCalls(gctx, &supportv1.ListCallsRequest{Filter: `state = "CALL_STATE_OPEN"`, PageSize: 50})
			v.OpenCalls = res.GetCalls()
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	v.Rows = c.projectRows(q, ps)
	q.render(http.StatusOK, "support_projects", v)
	return nil
}

// proposalView is the proposal form (a new project when P is nil).
type proposalView struct {
	P          *supportv1.Project
	Call       *supportv1.Call
	F          proposalForm
	Types      []string
	Refs       refs
	Contracts  []contractChoice
	Communes   []string // names of the communes typed
	Categories []string
	Kinds      []string
	Errors     formErrors
	Findings   int
	// Producer: the owner is a producer organisation (its members may take part).
	Producer bool
}

func projectName(r *http.Request) string { return "projects/" + r.PathValue("id") }

// ownContracts lists the contracts the owner is party to, for linking (one listing).
func (c *Console) ownContracts(q *rq) ([]*contractRef, error) {
	res, err := c.b.con.ListContracts(q.ctx, &contractsv1.ListContractsRequest{PageSize: 500})
	if err != nil {
		return nil, err
	}
	var out []*contractRef
	for _, ct := range res.GetContracts() {
		t := ct.GetTerms()
		if t.GetBuyer() != q.s.Org && t.GetProducer() != q.s.Org {
			continue
		}
		label := ct.GetDisplayName()
		if label == "" {
			label = tf(q.lang, "Hợp đồng %s", shortID(ct.GetName()))
		}
		out = append(out, &contractRef{Name: ct.GetName(), Label: label + " — " + tr(q.lang, enumLabel(ct.GetState().String(), q.lang))})
	}
	return out, nil
}

// enumLabel is the label of an enum value in lang (the value itself when it has none).
func enumLabel(name, lang string) string {
	if l, ok := enumLabels[name]; ok {
		if lang == "en" {
			return l[1]
		}
		return l[0]
	}
	return name
}

func (c *Console) newProject(q *rq) error {
	if !projectOwnerRole(q.s) {
		return refuse("projects are proposed by businesses and producer organisations")
	}
	call, err := c.b.sup.GetCall(q.ctx, &supportv1.GetCallRequest{Name: q.r.URL.Query().Get("call")})
	if err != nil {
		return err
	}
	f := proposalForm{Budget: formOf(nil).Budget, Owner: q.s.Org}.withBlankRows()
	if ts := call.GetProjectTypes(); len(ts) > 0 {
		f.Type = ts[0].String()
	}
	if o, err := c.b.reg.GetOrganization(q.ctx, &registryv1.GetOrganizationRequest{Name: q.s.Org}); err == nil {
		f.Communes = o.GetAddress().GetCommuneCode()
	}
	return c.renderProposal(q, http.StatusOK, nil, call, f, formErrors{}, 0)
}

// renderProposal shows the proposal form (of a new project when p is nil; of a draft
// otherwise, n being the number of the programme's findings placed on it).
func (c *Console) renderProposal(q *rq, code int, p *supportv1.Project, call *supportv1.Call, f proposalForm, fe formErrors, n int) error {
	if p != nil && p.GetState() != supportv1.ProjectState_PROJECT_STATE_DRAFT {
		return q.redirect(BasePath+"/"+p.GetName(), "")
	}
	r, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	own, err := c.ownContracts(q)
	if err != nil {
		return err
	}
	v := proposalView{P: p, Call: call, F: f, Refs: r, Contracts: contractChoices(own, f.Contracts), Categories: categories, Kinds: indicatorKinds,
		Errors: fe, Findings: n, Communes: c.communeNames(q.ctx, f.Communes), Producer: q.s.Role == "producer"}
	for _, t := range call.GetProjectTypes() {
		v.Types = append(v.Types, t.String())
	}
	q.render(code, "support_project_form", v)
	return nil
}

func (c *Console) createProject(q *rq) error {
	f := readProposalForm(q.r.PostForm)
	f.Owner = q.s.Org
	call, err := c.b.sup.GetCall(q.ctx, &supportv1.GetCallRequest{Name: q.r.PostForm.Get("call")})
	if err != nil {
		return err
	}
	var fe formErrors
	prop := f.toProto(&fe)
	if !fe.Any() {
		p, err := c.b.sup.CreateProject(q.ctx, &supportv1.CreateProjectRequest{Project: &supportv1.Project{Call: call.GetName(), Owner: q.s.Org, Proposal: prop},
			RequestId: q.r.PostForm.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+p.GetName(), "project")
		}
		fe = fromAPI(err, proposalSections)
	}
	return c.renderProposal(q, http.StatusUnprocessableEntity, nil, call, f.withBlankRows(), fe, 0)
}

// findings places the programme's rule findings on the proposal form's sections, each with its
// rule id and Vietnamese message.
func findings(lang string, vs []*supportv1.RuleViolation) formErrors {
	var fe formErrors
	for _, v := range vs {
		fe.add(sectionOfProposal(v.GetField()), v.GetRuleId()+": "+violationMessage(lang, v))
	}
	return fe
}

func violationMessage(lang string, v *supportv1.RuleViolation) string {
	if lang == "en" {
		return v.GetMessageEn()
	}
	return v.GetMessageVi()
}

// sectionOfProposal is the form section of an API field path ("" for the form as a whole).
func sectionOfProposal(field string) string { return sectionIn(proposalSections, field) }

func (c *Console) editProject(q *rq) error {
	p, call, vs, err := c.projectForEdit(q)
	if err != nil {
		return err
	}
	fe := findings(q.lang, vs)
	v := formOf(p.GetProposal()).ownedBy(p.GetOwner())
	return c.renderProposal(q, http.StatusOK, p, call, v, fe, len(vs))
}

// projectForEdit reads the project, its call and the programme's findings at once.
func (c *Console) projectForEdit(q *rq) (*supportv1.Project, *supportv1.Call, []*supportv1.RuleViolation, error) {
	name := projectName(q.r)
	p, err := c.b.sup.GetProject(q.ctx, &supportv1.GetProjectRequest{Name: name})
	if err != nil {
		return nil, nil, nil, err
	}
	var (
		call *supportv1.Call
		vs   []*supportv1.RuleViolation
	)
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() (err error) {
		call, err = c.b.sup.GetCall(gctx, &supportv1.GetCallRequest{Name: p.GetCall()})
		return err
	})
	g.Go(func() error {
		if res, err := c.b.sup.ValidateProject(gctx, &supportv1.ValidateProjectRequest{Name: name}); err == nil {
			vs = res.GetViolations()
		}
		return nil
	})
	return p, call, vs, g.Wait()
}

// communeNames names the communes typed (codes the registry does not know are left out).
func (c *Console) communeNames(ctx context.Context, typed string) []string {
	var out []string
	for _, code := range splitCodes(typed) {
		if a := c.b.area(ctx, code); a != nil {
			out = append(out, a.GetDisplayName()+" ("+code+")")
		}
	}
	return out
}

func (c *Console) saveProject(q *rq) error {
	f := readProposalForm(q.r.PostForm)
	f.Owner = q.s.Org
	var fe formErrors
	prop := f.toProto(&fe)
	name := projectName(q.r)
	if !fe.Any() {
		_, err := c.b.sup.UpdateProject(q.ctx, &supportv1.UpdateProjectRequest{Project: &supportv1.Project{Name: name, Etag: q.r.PostForm.Get("etag"), Proposal: prop},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"proposal"}}})
		if err == nil {
			return q.redirect(BasePath+"/"+name, "saved-project")
		}
		fe = fromAPI(err, proposalSections)
	}
	p, call, _, err := c.projectForEdit(q)
	if err != nil {
		return err
	}
	return c.renderProposal(q, http.StatusUnprocessableEntity, p, call, f.withBlankRows(), fe, 0)
}

// ---- the project page ----

// ruleRow is a finding of the programme's rules.
type ruleRow struct{ Rule, Section, Message string }

// planMilestone is a milestone of the plan with its state once approved.
type planMilestone struct {
	M       *supportv1.Milestone
	Status  *supportv1.MilestoneStatus
	Targets []string
	Overdue bool
}

// scoreRow is a council member's score.
type scoreRow struct {
	S        *supportv1.CouncilScore
	You      bool
	Criteria []criterionLine
}

type criterionLine struct {
	Name       string
	Score, Max int32
	Comment    string
}

type projectView struct {
	P             *supportv1.Project
	Prop          *supportv1.ProjectProposal
	Call          *supportv1.Call
	Owner         string
	Programme     *supportv1.Programme
	Product       string
	Communes      []string
	Totals        *supportv1.BudgetTotals
	Participation *supportv1.Participation
	Checked       bool
	Violations    []ruleRow
	Milestones    []planMilestone
	Disbursements []*supportv1.Disbursement
	Spending      []*supportv1.SpendingReport
	Activities    []*supportv1.Activity
	Scores        []scoreRow
	ScoredByYou   bool
	Is            projectRoles
	Errors        formErrors
	Form          map[string]string
	BudgetCats    []string
}

// projectRoles are what the person is to the project and what the page offers them (hints:
// the service decides).
type projectRoles struct {
	Owner, Investor, Council                    bool
	Edit, Submit, Score, Appraise, Decide       bool
	Start, Report, Complete, Close, VerifyLinks bool
}

// Value is a typed value of an action form, to show again after an error (templates).
func (v projectView) Value(k string) string { return v.Form[k] }

func (c *Console) loadProject(q *rq, name string) (*projectView, error) {
	p, err := c.b.sup.GetProject(q.ctx, &supportv1.GetProjectRequest{Name: name})
	if err != nil {
		return nil, err
	}
	v := &projectView{P: p, Prop: p.GetProposal(), Totals: p.GetTotals(), Participation: p.GetParticipation(), Form: map[string]string{}}
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() (err error) {
		v.Call, err = c.b.sup.GetCall(gctx, &supportv1.GetCallRequest{Name: p.GetCall()})
		return err
	})
	g.Go(func() error { v.Owner = c.b.displayNames(gctx, []string{p.GetOwner()})[p.GetOwner()]; return nil })
	g.Go(func() error { v.Programme = c.b.programme(gctx, p.GetProgramme()); return nil })
	if checkable(p.GetState()) {
		g.Go(func() error { c.check(gctx, q.lang, v); return nil })
	}
	if implemented(p.GetState()) {
		c.loadExecution(gctx, g, v)
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	r, err := c.b.refs(q.ctx)
	if err != nil {
		return nil, err
	}
	v.Communes = c.communeNames(q.ctx, strings.Join(v.Prop.GetCommuneCodes(), ","))
	v.arrange(q, r)
	return v, nil
}

// checkable: states in which the rules are checked again (before the decision).
func checkable(s supportv1.ProjectState) bool {
	return s == supportv1.ProjectState_PROJECT_STATE_DRAFT || s == supportv1.ProjectState_PROJECT_STATE_SUBMITTED || s == supportv1.ProjectState_PROJECT_STATE_APPRAISED
}

// implemented: states with implementation records.
func implemented(s supportv1.ProjectState) bool {
	return s == supportv1.ProjectState_PROJECT_STATE_APPROVED || s == supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS ||
		s == supportv1.ProjectState_PROJECT_STATE_COMPLETED || s == supportv1.ProjectState_PROJECT_STATE_CLOSED
}

// check runs the programme's rules; the page shows the project without the check rather than
// nothing when it cannot run.
func (c *Console) check(ctx context.Context, lang string, v *projectView) {
	res, err := c.b.sup.ValidateProject(ctx, &supportv1.ValidateProjectRequest{Name: v.P.GetName()})
	if err != nil {
		return
	}
	v.Checked, v.Totals, v.Participation = true, res.GetTotals(), res.GetParticipation()
	for _, x := range res.GetViolations() {
		v.Violations = append(v.Violations, ruleRow{Rule: x.GetRuleId(), Section: sectionOfProposal(x.GetField()), Message: violationMessage(lang, x)})
	}
}

// loadExecution reads the disbursements, spending reports and activities (one listing each;
// a project holds at most 500 of each).
func (c *Console) loadExecution(ctx context.Context, g *errgroup.Group, v *projectView) {
	name := v.P.GetName()
	g.Go(func() error {
		res, err := c.b.sup.ListDisbursements(ctx, &supportv1.ListDisbursementsRequest{Parent: name, PageSize: 500})
		v.Disbursements = res.GetDisbursements()
		return err
	})
	g.Go(func() error {
		res, err := c.b.sup.ListSpendingReports(ctx, &supportv1.ListSpendingReportsRequest{Parent: name, PageSize: 500})
		v.Spending = res.GetSpendingReports()
		return err
	})
	g.Go(func() error {
		res, err := c.b.sup.ListActivities(ctx, &supportv1.ListActivitiesRequest{Parent: name, PageSize: 500})
		v.Activities = res.GetActivities()
		return err
	})
}

// arrange derives what the page shows and offers.
func (v *projectView) arrange(q *rq, r refs) {
	p, s := v.P, q.s
	if pr := r.Products[v.Prop.GetProduct()]; pr != nil {
		v.Product = pr.GetNameVi()
		if q.lang == "en" {
			v.Product = pr.GetNameEn()
		}
	}
	v.arrangeMilestones(q.lang)
	v.arrangeScores(s, q.lang)
	for _, l := range v.Prop.GetBudgetLines() {
		v.BudgetCats = append(v.BudgetCats, l.GetCategory().String())
	}
	st := p.GetState()
	is := projectRoles{Owner: s.Org != "" && s.Org == p.GetOwner(), Investor: investorOf(s, p.GetInvestor()), Council: slices.Contains(v.Call.GetCouncilMembers(), s.User)}
	draft := st == supportv1.ProjectState_PROJECT_STATE_DRAFT
	is.Edit = draft && (is.Owner || s.Role == "admin")
	is.Submit = is.Edit && v.Checked && len(v.Violations) == 0
	is.Score = is.Council && !is.Owner && st == supportv1.ProjectState_PROJECT_STATE_SUBMITTED
	is.Appraise = is.Investor && st == supportv1.ProjectState_PROJECT_STATE_SUBMITTED
	is.Decide = is.Investor && st == supportv1.ProjectState_PROJECT_STATE_APPRAISED
	is.Start = (is.Owner || is.Investor) && st == supportv1.ProjectState_PROJECT_STATE_APPROVED
	is.Report = is.Owner && st == supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS
	is.Complete = is.Investor && st == supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS && allDisbursed(p)
	is.Close = is.Investor && (st == supportv1.ProjectState_PROJECT_STATE_APPROVED || st == supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS)
	is.VerifyLinks = st == supportv1.ProjectState_PROJECT_STATE_IN_PROGRESS
	v.Is = is
}

func allDisbursed(p *supportv1.Project) bool {
	for _, m := range p.GetMilestones() {
		if m.GetState() != supportv1.MilestoneState_MILESTONE_STATE_DISBURSED {
			return false
		}
	}
	return len(p.GetMilestones()) > 0
}

func (v *projectView) arrangeMilestones(lang string) {
	status := map[string]*supportv1.MilestoneStatus{}
	for _, m := range v.P.GetMilestones() {
		status[m.GetMilestone()] = m
	}
	today := time.Now().In(vn.Zone).Format(time.DateOnly)
	for _, m := range v.Prop.GetMilestones() {
		pm := planMilestone{M: m, Status: status[v.P.GetName()+"/milestones/"+m.GetId()]}
		for _, ind := range m.GetIndicators() {
			pm.Targets = append(pm.Targets, targetWords(lang, ind.GetKind(), ind.GetTarget()))
		}
		pm.Overdue = pm.Status != nil && pm.Status.GetState() != supportv1.MilestoneState_MILESTONE_STATE_DISBURSED && m.GetDueDate() < today
		v.Milestones = append(v.Milestones, pm)
	}
}

func (v *projectView) arrangeScores(s *session, lang string) {
	names := map[string]*supportv1.AppraisalCriterion{}
	for _, c := range v.Programme.GetCriteria() {
		names[c.GetId()] = c
	}
	for _, sc := range v.P.GetScores() {
		row := scoreRow{S: sc, You: sc.GetMember() == s.User}
		v.ScoredByYou = v.ScoredByYou || row.You
		for _, cs := range sc.GetCriteria() {
			l := criterionLine{Name: cs.GetCriterion(), Score: cs.GetScore(), Comment: cs.GetComment()}
			if c := names[cs.GetCriterion()]; c != nil {
				l.Name, l.Max = c.GetNameVi(), c.GetMaxScore()
				if lang == "en" {
					l.Name = c.GetNameEn()
				}
			}
			row.Criteria = append(row.Criteria, l)
		}
		v.Scores = append(v.Scores, row)
	}
}

func (c *Console) projectPage(q *rq) error {
	v, err := c.loadProject(q, projectName(q.r))
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "support_project", v)
	return nil
}

// projectError shows the project page again with the errors of an action and what was typed.
func (c *Console) projectError(q *rq, fe formErrors, typed map[string]string) error {
	v, err := c.loadProject(q, projectName(q.r))
	if err != nil {
		return err
	}
	v.Errors = fe
	for k, x := range typed {
		v.Form[k] = x
	}
	q.render(http.StatusUnprocessableEntity, "support_project", v)
	return nil
}

// projectAction handles the buttons of the project page.
func (c *Console) projectAction(q *rq) error {
	name, rid := projectName(q.r), q.r.PostForm.Get("request_id")
	a, ok := projectActions[q.r.PathValue("action")]
	if !ok {
		return errNotFound
	}
	typed := map[string]string{}
	for _, k := range []string{"reason", "decision_reference", "reject_reference", "note"} {
		typed[k] = trimmed(q.r, k)
	}
	if missing := a.requires(typed); missing != "" {
		return c.projectError(q, formErrors{Fields: map[string]string{missing: ruleVI["REQUIRED"]}}, typed)
	}
	if err := a.do(c, q, name, rid, typed); err != nil {
		fe := fromAPI(err, map[string]string{"reason": "reason", "decision_reference": a.referenceField, "note": "note"})
		if reasonOf(err) == "RULES_NOT_SATISFIED" {
			fe = formErrors{General: []string{tr(q.lang, "Dự án chưa đạt các quy định của chương trình; xem các điểm chưa đạt bên dưới.")}}
		}
		return c.projectError(q, fe, typed)
	}
	return q.redirect(BasePath+"/"+name, a.ok)
}

// projectActionSpec is one button of the project page: the fields it needs and the call.
type projectActionSpec struct {
	required []string
	ok       string
	// referenceField is the form field of the decision reference.
	referenceField string
	do             func(c *Console, q *rq, name, rid string, f map[string]string) error
}

func (a projectActionSpec) requires(f map[string]string) string {
	for _, k := range a.required {
		if f[k] == "" {
			return k
		}
	}
	return ""
}

var projectActions = map[string]projectActionSpec{
	"submit": {ok: "project-submitted", do: func(c *Console, q *rq, name, rid string, _ map[string]string) error {
		_, err := c.b.sup.SubmitProject(q.ctx, &supportv1.SubmitProjectRequest{Name: name, Etag: q.r.PostForm.Get("etag"), RequestId: rid})
		return err
	}},
	"appraise": {ok: "project-appraised", do: func(c *Console, q *rq, name, rid string, f map[string]string) error {
		_, err := c.b.sup.AppraiseProject(q.ctx, &supportv1.AppraiseProjectRequest{Name: name, Note: f["note"], RequestId: rid})
		return err
	}},
	"approve": {required: []string{"decision_reference"}, ok: "project-approved", referenceField: "decision_reference", do: func(c *Console, q *rq, name, rid string, f map[string]string) error {
		_, err := c.b.sup.ApproveProject(q.ctx, &supportv1.ApproveProjectRequest{Name: name, DecisionReference: f["decision_reference"], Note: f["note"],
			Etag: q.r.PostForm.Get("etag"), RequestId: rid})
		return err
	}},
	"reject": {required: []string{"reason"}, ok: "project-rejected", referenceField: "reject_reference", do: func(c *Console, q *rq, name, rid string, f map[string]string) error {
		_, err := c.b.sup.RejectProject(q.ctx, &supportv1.RejectProjectRequest{Name: name, Reason: f["reason"], DecisionReference: f["reject_reference"], RequestId: rid})
		return err
	}},
	"start": {ok: "project-started", do: func(c *Console, q *rq, name, rid string, _ map[string]string) error {
		_, err := c.b.sup.StartProject(q.ctx, &supportv1.StartProjectRequest{Name: name, RequestId: rid})
		return err
	}},
	"complete": {ok: "project-completed", do: func(c *Console, q *rq, name, rid string, _ map[string]string) error {
		_, err := c.b.sup.CompleteProject(q.ctx, &supportv1.CompleteProjectRequest{Name: name, RequestId: rid})
		return err
	}},
	"close": {required: []string{"reason"}, ok: "project-closed", do: func(c *Console, q *rq, name, rid string, f map[string]string) error {
		_, err := c.b.sup.CloseProject(q.ctx, &supportv1.CloseProjectRequest{Name: name, Reason: f["reason"], RequestId: rid})
		return err
	}},
}

// ---- implementation records: spending and activities (the owner) ----

// spendingFields places the API's spending-report violations on the form.
var spendingFields = map[string]string{
	"spending_report.report_date": "sp_date", "spending_report.document_reference": "sp_ref", "spending_report.description": "sp_desc",
	"spending_report.lines": "sp_lines",
}

func (c *Console) reportSpending(q *rq) error {
	typed := map[string]string{"sp_date": trimmed(q.r, "sp_date"), "sp_ref": trimmed(q.r, "sp_ref"), "sp_desc": trimmed(q.r, "sp_desc")}
	var fe formErrors
	n := numbers{&fe}
	r := &supportv1.SpendingReport{ReportDate: n.date("sp_date", typed["sp_date"]), DocumentReference: typed["sp_ref"], Description: typed["sp_desc"]}
	for _, cat := range categories {
		s := trimmed(q.r, "sp-"+cat)
		typed["sp-"+cat] = s
		if s != "" {
			r.Lines = append(r.Lines, &supportv1.SpendingLine{Category: supportv1.SupportCategory(supportv1.SupportCategory_value[cat]), AmountVnd: n.amount("sp_lines", s, true)})
		}
	}
	if !fe.Any() {
		_, err := c.b.sup.CreateSpendingReport(q.ctx, &supportv1.CreateSpendingReportRequest{Parent: projectName(q.r), SpendingReport: r, RequestId: q.r.PostForm.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+projectName(q.r), "spending")
		}
		fe = fromAPI(err, spendingFields)
	}
	return c.projectError(q, fe, typed)
}

// activityFields places the API's activity violations on the form.
var activityFields = map[string]string{
	"activity.kind": "act_kind", "activity.milestone": "act_milestone", "activity.activity_date": "act_date", "activity.attendance": "act_attendance",
	"activity.women_attendance": "act_women", "activity.description": "act_desc", "activity.document_reference": "act_ref",
}

func (c *Console) recordActivity(q *rq) error {
	typed := map[string]string{}
	for _, k := range []string{"act_kind", "act_milestone", "act_date", "act_attendance", "act_women", "act_desc", "act_ref"} {
		typed[k] = trimmed(q.r, k)
	}
	var fe formErrors
	n := numbers{&fe}
	a := &supportv1.Activity{Kind: supportv1.ActivityKind(supportv1.ActivityKind_value[typed["act_kind"]]), Milestone: typed["act_milestone"], ActivityDate: n.date("act_date", typed["act_date"]),
		Attendance: int32(n.amount("act_attendance", typed["act_attendance"], false)), WomenAttendance: int32(n.amount("act_women", typed["act_women"], false)),
		Description: typed["act_desc"], DocumentReference: typed["act_ref"]}
	if !fe.Any() {
		_, err := c.b.sup.CreateActivity(q.ctx, &supportv1.CreateActivityRequest{Parent: projectName(q.r), Activity: a, RequestId: q.r.PostForm.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+projectName(q.r), "activity")
		}
		fe = fromAPI(err, activityFields)
	}
	return c.projectError(q, fe, typed)
}

// milestoneTitle names a milestone id of the project (for lists of activities).
func (v projectView) MilestoneTitle(id string) string {
	if m := planned(v.P, id); m != nil {
		return m.GetTitle()
	}
	return id
}

// OwnerContribution is the owner's part of the budget (templates).
func (v projectView) OwnerContribution() int64 {
	return v.Totals.GetTotalVnd() - v.Totals.GetProgrammeVnd()
}

// sectionLabels name the proposal form's sections (for the rule findings).
var sectionLabels = map[string]string{
	secType: "Loại dự án", secTitle: "Tên và nội dung", secSummary: "Mục tiêu và tóm tắt", secProduct: "Sản phẩm liên kết",
	secCommunes: "Các xã thực hiện", secPeriod: "Thời gian thực hiện", secBudget: "Dự toán", secJustify: "Giải trình tỉ lệ hỗ trợ",
	secContracts: "Hợp đồng liên kết", secGroups: "Hộ tham gia", secMilestones: "Các mốc giải ngân",
}

// SectionLabel names a section of the proposal (templates).
func (v projectView) SectionLabel(key string) string { return sectionLabels[key] }

package console

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
)

// Calls for proposals. An investor official sees the calls of their People's Committee (drafts
// included), creates one, publishes it and closes it; owners and everyone else see the open
// calls. The call page lists the projects submitted under it (one listing, owners named from
// the cache) and links to its report.

type callsView struct {
	Title, Intro string
	Calls        []*supportv1.Call
	Programmes   []*supportv1.Programme
	CanCreate    bool
	CanPropose   bool
	Reports      bool
	Next         string
}

func (c *Console) calls(q *rq) error {
	v := callsView{Title: "Đợt kêu gọi dự án", Intro: "Các đợt kêu gọi đề xuất dự án liên kết đang mở.", CanPropose: projectOwnerRole(q.s)}
	filter := `state = "CALL_STATE_OPEN"`
	switch {
	case isOfficial(q.s) && q.s.Authority != "":
		filter, v.CanCreate, v.Reports = fmt.Sprintf("investor = %q", q.s.Authority), true, true
		v.Intro = "Các đợt kêu gọi đề xuất dự án của cơ quan bạn (cả bản nháp)."
	case q.s.Role == "admin":
		filter, v.Reports, v.Intro = "", true, "Tất cả các đợt kêu gọi."
	}
	var g errgroup.Group
	g.Go(func() error {
		res, err := c.b.sup.ListCalls(q.ctx, &supportv1.ListCallsRequest{Filter: filter, PageSize: 50, PageToken: q.r.URL.Query().Get("page")})
		v.Calls, v.Next = res.GetCalls(), res.GetNextPageToken()
		return err
	})
	if v.Reports {
		g.Go(func() error { v.Programmes, _ = c.b.programmes(q.ctx); return nil })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	q.render(http.StatusOK, "support_calls", v)
	return nil
}

// callForm is the form of a new call, as typed.
type callForm struct {
	Title, Description, Programme, Budget, Start, End, Council string
	Types                                                      []string
	Me                                                         bool
	TypeCeilings                                               map[string]string // project type → amount
	CatMax, CatShare                                           map[string]string // category → amount, percent
}

type callFormView struct {
	F          callForm
	Programmes []*supportv1.Programme
	Authority  string
	Errors     formErrors
}

func (c *Console) newCall(q *rq) error {
	today := time.Now().In(vn.Zone)
	f := callForm{Programme: "programmes/ntp-sedema", Types: []string{"PROJECT_TYPE_VALUE_CHAIN"}, Start: today.Format(time.DateOnly),
		End: today.AddDate(0, 2, 0).Format(time.DateOnly), Me: true, TypeCeilings: map[string]string{}, CatMax: map[string]string{}, CatShare: map[string]string{}}
	for _, t := range projectTypes {
		f.TypeCeilings[t] = ""
	}
	for _, cat := range categories {
		f.CatMax[cat], f.CatShare[cat] = "", ""
	}
	return c.renderCallForm(q, http.StatusOK, f, formErrors{})
}

func (c *Console) renderCallForm(q *rq, code int, f callForm, fe formErrors) error {
	if !isOfficial(q.s) || q.s.Authority == "" {
		return refuse("only officials of a People's Committee issue calls")
	}
	ps, err := c.b.programmes(q.ctx)
	if err != nil {
		return err
	}
	name := q.s.GrantLabel
	if a, err := c.b.reg.GetAuthority(q.ctx, &registryv1.GetAuthorityRequest{Name: q.s.Authority}); err == nil {
		name = a.GetDisplayName()
	}
	q.render(code, "support_call_new", callFormView{F: f, Programmes: ps, Authority: name, Errors: fe})
	return nil
}

func readCallForm(r *http.Request) callForm {
	f := callForm{Title: trimmed(r, "title"), Description: trimmed(r, "description"), Programme: trimmed(r, "programme"), Budget: trimmed(r, "budget"),
		Start: trimmed(r, "start"), End: trimmed(r, "end"), Council: r.PostForm.Get("council"), Types: chosen(r.PostForm["types"], projectTypes),
		Me: r.PostForm.Get("me") == "on", TypeCeilings: map[string]string{}, CatMax: map[string]string{}, CatShare: map[string]string{}}
	for _, t := range projectTypes {
		f.TypeCeilings[t] = trimmed(r, "ceil-"+t)
	}
	for _, cat := range categories {
		f.CatMax[cat], f.CatShare[cat] = trimmed(r, "catmax-"+cat), trimmed(r, "catshare-"+cat)
	}
	return f
}

// toProto reads the form into a call of investor; what cannot be read is a field error.
func (f callForm) toProto(investor, me string, fe *formErrors) *supportv1.Call {
	n := numbers{fe}
	call := &supportv1.Call{Investor: investor, DisplayName: f.Title, Description: f.Description, Programme: f.Programme,
		BudgetVnd: n.amount("budget", f.Budget, true), SubmissionWindow: &typesv1.DateWindow{StartDate: n.date("start", f.Start), EndDate: n.date("end", f.End)}}
	for _, t := range f.Types {
		call.ProjectTypes = append(call.ProjectTypes, supportv1.ProjectType(supportv1.ProjectType_value[t]))
	}
	for _, t := range projectTypes {
		if s := f.TypeCeilings[t]; s != "" {
			call.TypeCeilings = append(call.TypeCeilings, &supportv1.TypeCeiling{ProjectType: supportv1.ProjectType(supportv1.ProjectType_value[t]), MaxProgrammeVnd: n.amount("ceilings", s, false)})
		}
	}
	for _, cat := range categories {
		if f.CatMax[cat] != "" || f.CatShare[cat] != "" {
			call.CategoryCeilings = append(call.CategoryCeilings, &supportv1.CategoryCeiling{Category: supportv1.SupportCategory(supportv1.SupportCategory_value[cat]),
				MaxProgrammeVnd: n.amount("ceilings", f.CatMax[cat], false), MaxProgrammeShareBps: n.percent("ceilings", f.CatShare[cat])})
		}
	}
	if f.Me && me != "" {
		call.CouncilMembers = append(call.CouncilMembers, me)
	}
	for _, m := range lines(f.Council) {
		if !slices.Contains(call.CouncilMembers, m) {
			call.CouncilMembers = append(call.CouncilMembers, m)
		}
	}
	return call
}

// callFields places the API's call violations on the form.
var callFields = map[string]string{
	"call.display_name": "title", "call.description": "description", "call.programme": "programme", "call.project_types": "types",
	"call.budget_vnd": "budget", "call.submission_window": "start", "call.submission_window.start_date": "start", "call.submission_window.end_date": "end",
	"call.council_members": "council", "call.type_ceilings": "ceilings", "call.category_ceilings": "ceilings",
}

func (c *Console) createCall(q *rq) error {
	f := readCallForm(q.r)
	var fe formErrors
	call := f.toProto(q.s.Authority, q.s.User, &fe)
	if !fe.Any() {
		created, err := c.b.sup.CreateCall(q.ctx, &supportv1.CreateCallRequest{Call: call, RequestId: q.r.PostForm.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+created.GetName(), "call")
		}
		fe = fromAPI(err, callFields)
	}
	return c.renderCallForm(q, http.StatusUnprocessableEntity, f, fe)
}

// projectRow is a project of a list, with its owner's and call's names.
type projectRow struct {
	P           *supportv1.Project
	Owner, Call string
	// Scored: the person has scored it (council lists).
	Scored bool
}

type callView struct {
	C                     *supportv1.Call
	Programme             *supportv1.Programme
	Investor              string
	Projects              []projectRow
	More                  bool
	IsInvestor            bool
	CanPublish, CanClose  bool
	CanPropose, CanReport bool
	CouncilYou            bool
	OpenNow               bool
	Errors                formErrors
	Reason                string
}

func callName(r *http.Request) string { return "calls/" + r.PathValue("id") }

func (c *Console) loadCall(q *rq, name string) (*callView, error) {
	call, err := c.b.sup.GetCall(q.ctx, &supportv1.GetCallRequest{Name: name})
	if err != nil {
		return nil, err
	}
	v := &callView{C: call, Investor: call.GetInvestor(), IsInvestor: investorOf(q.s, call.GetInvestor()), CouncilYou: slices.Contains(call.GetCouncilMembers(), q.s.User)}
	today := time.Now().In(vn.Zone).Format(time.DateOnly)
	v.OpenNow = call.GetState() == supportv1.CallState_CALL_STATE_OPEN && call.GetSubmissionWindow().GetStartDate() <= today && today <= call.GetSubmissionWindow().GetEndDate()
	v.CanPublish = v.IsInvestor && call.GetState() == supportv1.CallState_CALL_STATE_DRAFT
	v.CanClose = v.IsInvestor && call.GetState() == supportv1.CallState_CALL_STATE_OPEN
	v.CanPropose = projectOwnerRole(q.s) && v.OpenNow
	v.CanReport = v.IsInvestor || q.s.Role == "admin" || (q.s.Role == "province_official" && q.s.Area == call.GetInvestorProvinceCode())
	var projects []*supportv1.Project
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() error {
		if a, err := c.b.reg.GetAuthority(gctx, &registryv1.GetAuthorityRequest{Name: call.GetInvestor()}); err == nil {
			v.Investor = a.GetDisplayName()
		}
		return nil
	})
	g.Go(func() error {
		res, err := c.b.sup.ListProjects(gctx, &supportv1.ListProjectsRequest{Filter: fmt.Sprintf("call = %q", name), PageSize: 100})
		projects, v.More = res.GetProjects(), res.GetNextPageToken() != ""
		return err
	})
	g.Go(func() error { v.Programme = c.b.programme(gctx, call.GetProgramme()); return nil })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	v.Projects = c.projectRows(q, projects)
	return v, nil
}

// projectRows names the owners and calls of projects (from the cache; the unknown ones asked
// at once).
func (c *Console) projectRows(q *rq, ps []*supportv1.Project) []projectRow {
	var names []string
	for _, p := range ps {
		names = append(names, p.GetOwner(), p.GetCall())
	}
	known := c.b.displayNames(q.ctx, names)
	out := make([]projectRow, 0, len(ps))
	for _, p := range ps {
		out = append(out, projectRow{P: p, Owner: known[p.GetOwner()], Call: known[p.GetCall()]})
	}
	return out
}

func (c *Console) callPage(q *rq) error {
	v, err := c.loadCall(q, callName(q.r))
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "support_call", v)
	return nil
}

// callAction: publish or close the call.
func (c *Console) callAction(q *rq) error {
	name := callName(q.r)
	rid := q.r.PostForm.Get("request_id")
	var err error
	ok := ""
	reason := trimmed(q.r, "reason")
	switch q.r.PathValue("action") {
	case "publish":
		_, err = c.b.sup.PublishCall(q.ctx, &supportv1.PublishCallRequest{Name: name, Etag: q.r.PostForm.Get("etag"), RequestId: rid})
		ok = "call-published"
	case "close":
		if reason == "" {
			return c.callError(q, name, formErrors{Fields: map[string]string{"reason": ruleVI["REQUIRED"]}}, reason)
		}
		_, err = c.b.sup.CloseCall(q.ctx, &supportv1.CloseCallRequest{Name: name, Reason: reason, RequestId: rid})
		ok = "call-closed"
	default:
		return errNotFound
	}
	if err != nil {
		return c.callError(q, name, fromAPI(err, map[string]string{"reason": "reason"}), reason)
	}
	return q.redirect(BasePath+"/"+name, ok)
}

func (c *Console) callError(q *rq, name string, fe formErrors, reason string) error {
	v, err := c.loadCall(q, name)
	if err != nil {
		return err
	}
	v.Errors, v.Reason = fe, reason
	q.render(http.StatusUnprocessableEntity, "support_call", v)
	return nil
}

// refuse is a refusal the console makes itself (a form that is not for the person's role);
// the service would refuse the action anyway.
func refuse(msg string) error { return status.Error(codes.PermissionDenied, msg) }

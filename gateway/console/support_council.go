package console

import (
	"fmt"
	"net/http"
	"slices"

	"golang.org/x/sync/errgroup"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// The investment council: a member (a person listed in a call's council_members) sees the
// submitted projects of the calls they sit on and scores each on the programme's criteria.
// The list costs two listings whatever the number of calls and projects: the calls the person
// may see (kept: those naming them), and the submitted projects they may see (kept: those of
// those calls).

// maxCouncilItems bounds the calls and projects the council page reads (pages of 500).
const maxCouncilItems = 2000

type councilView struct {
	Rows  []projectRow
	Calls []*supportv1.Call
}

func (c *Console) council(q *rq) error {
	var calls []*supportv1.Call
	var ps []*supportv1.Project
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() (err error) {
		calls, err = pages(func(tok string) ([]*supportv1.Call, string, error) {
			res, err := c.b.sup.ListCalls(gctx, &supportv1.ListCallsRequest{PageSize: 500, PageToken: tok})
			return res.GetCalls(), res.GetNextPageToken(), err
		}, maxCouncilItems)
		return err
	})
	g.Go(func() (err error) {
		ps, err = pages(func(tok string) ([]*supportv1.Project, string, error) {
			res, err := c.b.sup.ListProjects(gctx, &supportv1.ListProjectsRequest{Filter: `state = "PROJECT_STATE_SUBMITTED"`, PageSize: 500, PageToken: tok})
			return res.GetProjects(), res.GetNextPageToken(), err
		}, maxCouncilItems)
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	v := councilView{}
	mine := map[string]bool{}
	for _, call := range calls {
		if slices.Contains(call.GetCouncilMembers(), q.s.User) {
			v.Calls = append(v.Calls, call)
			mine[call.GetName()] = true
		}
	}
	var assigned []*supportv1.Project
	for _, p := range ps {
		if mine[p.GetCall()] && p.GetOwner() != q.s.Org {
			assigned = append(assigned, p)
		}
	}
	v.Rows = c.projectRows(q, assigned)
	for i, r := range v.Rows {
		v.Rows[i].Scored = slices.ContainsFunc(r.P.GetScores(), func(s *supportv1.CouncilScore) bool { return s.GetMember() == q.s.User })
	}
	q.render(http.StatusOK, "support_council", v)
	return nil
}

// criterionInput is a criterion of the scoring form, as typed.
type criterionInput struct {
	C              *supportv1.AppraisalCriterion
	Score, Comment string
}

type scoreView struct {
	P        *supportv1.Project
	Owner    string
	Criteria []criterionInput
	Comment  string
	Previous *supportv1.CouncilScore
	Errors   formErrors
}

func (c *Console) scoreForm(q *rq) error {
	return c.renderScore(q, http.StatusOK, nil, "", formErrors{})
}

// renderScore shows the scoring form; typed holds what was typed (nil: the person's earlier
// score, if any).
func (c *Console) renderScore(q *rq, code int, typed map[string]string, comment string, fe formErrors) error {
	p, prog, err := c.scored(q)
	if err != nil {
		return err
	}
	v := scoreView{P: p, Owner: c.b.displayNames(q.ctx, []string{p.GetOwner()})[p.GetOwner()], Comment: comment, Errors: fe}
	for _, s := range p.GetScores() {
		if s.GetMember() == q.s.User {
			v.Previous = s
		}
	}
	if typed == nil {
		typed = previousScore(v.Previous)
		v.Comment = v.Previous.GetComment()
	}
	for _, cr := range prog.GetCriteria() {
		v.Criteria = append(v.Criteria, criterionInput{C: cr, Score: typed["score-"+cr.GetId()], Comment: typed["comment-"+cr.GetId()]})
	}
	q.render(code, "support_score", v)
	return nil
}

func previousScore(s *supportv1.CouncilScore) map[string]string {
	out := map[string]string{}
	for _, c := range s.GetCriteria() {
		out["score-"+c.GetCriterion()] = fmt.Sprint(c.GetScore())
		out["comment-"+c.GetCriterion()] = c.GetComment()
	}
	return out
}

// scored is the project being scored and its programme (the criteria).
func (c *Console) scored(q *rq) (*supportv1.Project, *supportv1.Programme, error) {
	p, err := c.b.sup.GetProject(q.ctx, &supportv1.GetProjectRequest{Name: projectName(q.r)})
	if err != nil {
		return nil, nil, err
	}
	prog := c.b.programme(q.ctx, p.GetProgramme())
	if prog == nil {
		return nil, nil, fmt.Errorf("programme %s: %w", p.GetProgramme(), errNotFound)
	}
	return p, prog, nil
}

func (c *Console) scoreProject(q *rq) error {
	p, prog, err := c.scored(q)
	if err != nil {
		return err
	}
	typed := map[string]string{}
	var fe formErrors
	n := numbers{&fe}
	req := &supportv1.ScoreProjectRequest{Name: p.GetName(), Comment: trimmed(q.r, "comment"), RequestId: q.r.PostForm.Get("request_id")}
	fields := map[string]string{"comment": "comment", "criteria": "criteria"}
	for i, cr := range prog.GetCriteria() {
		k := "score-" + cr.GetId()
		typed[k], typed["comment-"+cr.GetId()] = trimmed(q.r, k), trimmed(q.r, "comment-"+cr.GetId())
		req.Criteria = append(req.Criteria, &supportv1.CriterionScore{Criterion: cr.GetId(), Score: int32(n.amount(k, typed[k], true)), Comment: typed["comment-"+cr.GetId()]})
		fields[fmt.Sprintf("criteria[%d]", i)] = k
		fields[fmt.Sprintf("criteria[%d].comment", i)] = "comment-" + cr.GetId()
	}
	if !fe.Any() {
		if _, err = c.b.sup.ScoreProject(q.ctx, req); err == nil {
			return q.redirect(BasePath+"/"+p.GetName(), "scored")
		}
		fe = fromAPI(err, fields)
	}
	return c.renderScore(q, http.StatusUnprocessableEntity, typed, req.GetComment(), fe)
}

package storage

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/support/internal/domain"
)

// Cond is one `field op value` term of a listing's filter, with the API's field name and the
// value in the stored form; Op "in" takes one of Values.
type Cond struct {
	Field, Op, Value string
	Values           []string
}

// CallFilterFields are the filter fields of ListCalls and what they are stored as.
var CallFilterFields = map[string]string{"state": "state", "programme": "programme", "investor": "investor", "investor_area_code": "investor_area_code"}

// ProjectFilterFields are the filter fields of ListProjects and what they are stored as.
var ProjectFilterFields = map[string]string{"call": "call", "owner": "owner", "state": "state", "project_type": "proposal.type", "programme": "programme"}

func conds(cs []Cond, fields map[string]string) bson.D {
	f := bson.D{}
	for _, c := range cs {
		key, ok := fields[c.Field]
		if !ok {
			continue // the usecase layer admits only known fields
		}
		switch c.Op {
		case "!=":
			f = append(f, bson.E{Key: key, Value: bson.D{{Key: "$ne", Value: c.Value}}})
		case "in":
			f = append(f, bson.E{Key: key, Value: bson.D{{Key: "$in", Value: c.Values}}})
		default:
			f = append(f, bson.E{Key: key, Value: c.Value})
		}
	}
	return f
}

// nothing matches no document.
var nothing = bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{}}}}}

// CallVisibility says which calls a caller sees: every published (not DRAFT) call, and DRAFT
// calls of the investor it is an official of (InvestorKind and InvestorArea) or of the province
// it oversees (Province); All sees everything.
type CallVisibility struct {
	All                                  bool
	InvestorKind, InvestorArea, Province string
}

func (v CallVisibility) filter() bson.D {
	if v.All {
		return bson.D{}
	}
	or := bson.A{bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{domain.CallOpen, domain.CallClosed}}}}}} // published
	if v.InvestorArea != "" {
		or = append(or, bson.D{{Key: "investor_kind", Value: v.InvestorKind}, {Key: "investor_area_code", Value: v.InvestorArea}})
	}
	if v.Province != "" {
		or = append(or, bson.D{{Key: "investor_province_code", Value: v.Province}})
	}
	return bson.D{{Key: "$or", Value: or}}
}

// ListCalls returns up to limit calls visible under v matching cs, after id after, and whether
// more follow.
func (s *Store) ListCalls(ctx context.Context, v CallVisibility, cs []Cond, after string, limit int) ([]domain.Call, bool, error) {
	f := append(v.filter(), conds(cs, CallFilterFields)...)
	return s.calls.repo.List(ctx, f, after, limit)
}

// ProjectVisibility says which projects a caller sees: All; or the projects of the owner it
// acts for (in any state); and, once submitted (not DRAFT), the projects of the investor it is
// an official of, of the province it oversees, and of the calls on whose council it sits. A
// visibility with none of these sees nothing.
type ProjectVisibility struct {
	All                                  bool
	Owner                                string
	InvestorKind, InvestorArea, Province string
	CouncilCalls                         []string
}

func (v ProjectVisibility) filter() bson.D {
	if v.All {
		return bson.D{}
	}
	var or bson.A
	if v.Owner != "" {
		or = append(or, bson.D{{Key: "owner", Value: v.Owner}})
	}
	submitted := bson.E{Key: "state", Value: bson.D{{Key: "$ne", Value: domain.StateDraft}}}
	if v.InvestorArea != "" {
		or = append(or, bson.D{{Key: "investor_kind", Value: v.InvestorKind}, {Key: "investor_area_code", Value: v.InvestorArea}, submitted})
	}
	if v.Province != "" {
		or = append(or, bson.D{{Key: "investor_province_code", Value: v.Province}, submitted})
	}
	if len(v.CouncilCalls) > 0 {
		or = append(or, bson.D{{Key: "call", Value: bson.D{{Key: "$in", Value: v.CouncilCalls}}}, submitted})
	}
	if len(or) == 0 {
		return nothing
	}
	return bson.D{{Key: "$or", Value: or}}
}

// ListProjects returns up to limit projects visible under v matching cs, after id after, and
// whether more follow.
func (s *Store) ListProjects(ctx context.Context, v ProjectVisibility, cs []Cond, after string, limit int) ([]domain.Project, bool, error) {
	f := append(v.filter(), conds(cs, ProjectFilterFields)...)
	return s.projects.repo.List(ctx, f, after, limit)
}

// MaxCouncilCalls bounds the calls one person may sit on the council of (for listings).
const MaxCouncilCalls = 1000

// CouncilCalls returns the names of the calls on whose council subject sits.
func (s *Store) CouncilCalls(ctx context.Context, subject string) ([]string, error) {
	calls, more, err := s.calls.repo.List(ctx, bson.D{{Key: "council_members", Value: subject}}, "", MaxCouncilCalls)
	if err != nil {
		return nil, err
	}
	if more {
		return nil, tooMany(MaxCouncilCalls, "calls with this council member")
	}
	out := make([]string, len(calls))
	for i := range calls {
		out[i] = calls[i].Name()
	}
	return out, nil
}

// MaxReportCalls and MaxReportProjects bound what one report aggregates.
const (
	MaxReportCalls    = 1000
	MaxReportProjects = 20000
)

// ProgrammeCalls returns the calls of programme visible under v (for a report).
func (s *Store) ProgrammeCalls(ctx context.Context, programme string, v CallVisibility) ([]domain.Call, error) {
	f := append(v.filter(), bson.E{Key: "programme", Value: programme})
	calls, more, err := s.calls.repo.List(ctx, f, "", MaxReportCalls)
	if err == nil && more {
		err = tooMany(MaxReportCalls, "calls in the programme")
	}
	return calls, err
}

// ProjectsOfCalls returns every project of the calls named (for a report).
func (s *Store) ProjectsOfCalls(ctx context.Context, calls []string) ([]domain.Project, error) {
	if len(calls) == 0 {
		return nil, nil
	}
	ps, more, err := s.projects.repo.List(ctx, bson.D{{Key: "call", Value: bson.D{{Key: "$in", Value: calls}}}}, "", MaxReportProjects)
	if err == nil && more {
		err = tooMany(MaxReportProjects, "projects")
	}
	return ps, err
}

func tooMany(n int, what string) error {
	return apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("more than %d %s", n, what), map[string]string{"limit": fmt.Sprint(n)})
}

package usecase

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
)

// Report is a report over the projects of a call or programme.
type Report struct {
	domain.Report
	Name string
	Time time.Time
}

// mayReport: reports are for the investor's officials, the province's officials and operators.
func mayReport(p auth.Principal, c *domain.Call) bool {
	return p.Privileged() || investorOfficial(p, c.InvestorKind, c.InvestorAreaCode) || overseer(p, c.InvestorProvinceCode)
}

// GetCallReport reports on one call.
func (s *Service) GetCallReport(ctx context.Context, p auth.Principal, name string) (*Report, error) {
	callName, ok := strings.CutSuffix(name, "/report")
	if !ok {
		return nil, apierr.Field("name", "RESOURCE_NAME", "must be of the form calls/{call}/report")
	}
	c, err := s.loadCall(ctx, p, "name", callName)
	if err != nil {
		return nil, err
	}
	if !mayReport(p, c) {
		return nil, apierr.PermissionDenied("a call's report is for its investor, the province and operators")
	}
	return s.report(ctx, name, []domain.Call{*c})
}

// GetProgrammeReport reports on every call of a programme the caller may report on: all for an
// operator, the province's for a province official, the commune's for a commune official.
func (s *Service) GetProgrammeReport(ctx context.Context, p auth.Principal, name string) (*Report, error) {
	prog, ok := strings.CutSuffix(name, "/report")
	if !ok {
		return nil, apierr.Field("name", "RESOURCE_NAME", "must be of the form programmes/{programme}/report")
	}
	if _, err := aip.ParseName("name", prog, "programmes"); err != nil {
		return nil, err
	}
	id := ProgrammeID(prog)
	if _, ok := s.books.Rules(id); !ok {
		return nil, apierr.NotFound(prog)
	}
	if !p.Privileged() && !p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial) {
		return nil, apierr.PermissionDenied("programme reports are for officials and operators")
	}
	calls, err := s.st.ProgrammeCalls(ctx, id, callVisibility(p))
	if err != nil {
		return nil, fmt.Errorf("calls of %s: %w", prog, err)
	}
	mine := calls[:0]
	for _, c := range calls {
		if mayReport(p, &c) {
			mine = append(mine, c)
		}
	}
	return s.report(ctx, name, mine)
}

// report aggregates calls and their submitted projects (drafts are the owners' own).
func (s *Service) report(ctx context.Context, name string, calls []domain.Call) (*Report, error) {
	names := make([]string, len(calls))
	for i := range calls {
		names[i] = calls[i].Name()
	}
	projects, err := s.st.ProjectsOfCalls(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("projects of the calls: %w", err)
	}
	submitted := projects[:0]
	for _, pr := range projects {
		if pr.State != domain.StateDraft {
			submitted = append(submitted, pr)
		}
	}
	now := s.now()
	return &Report{Report: domain.BuildReport(calls, submitted, DateOf(now), DateOf), Name: name, Time: now.UTC()}, nil
}

// Programme is a programme as the API shows it.
type Programme struct {
	ID, Title, Version, Base string
	Rules                    []domain.EffectiveRule
	Appraisal                *domain.AppraisalSpec
}

func (s *Service) programme(id string) (*Programme, bool) {
	rules, ok := s.books.Rules(id)
	if !ok {
		return nil, false
	}
	_, label, _ := s.books.Resolve(id)
	rb := s.books[id]
	return &Programme{ID: id, Title: rb.Title, Version: label, Base: rb.Base, Rules: rules, Appraisal: s.books.Appraisal(id)}, true
}

// ListProgrammes lists the programmes (every authenticated caller may read them).
func (s *Service) ListProgrammes(_ context.Context, _ auth.Principal) []Programme {
	var out []Programme
	for _, id := range s.books.IDs() {
		if pg, ok := s.programme(id); ok {
			out = append(out, *pg)
		}
	}
	return out
}

// GetProgramme returns a programme.
func (s *Service) GetProgramme(_ context.Context, _ auth.Principal, name string) (*Programme, error) {
	if _, err := aip.ParseName("name", name, "programmes"); err != nil {
		return nil, err
	}
	pg, ok := s.programme(ProgrammeID(name))
	if !ok {
		return nil, apierr.NotFound(name)
	}
	return pg, nil
}

package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
)

// Who may do what in the support service. The service decides it itself on every call.
//
//   - Operators (admin) see everything and manage calls; services read. Neither acts for the
//     investor authority (appraisal, decisions, verification) nor scores as a council member:
//     those are acts of the persons the programme names.
//   - An investor official is a commune official whose area is a commune investor's commune,
//     or a province official whose area is a province investor's province. They manage their
//     authority's calls and see its submitted projects (drafts are the owner's own); they close
//     appraisals, decide on projects and amendments, verify milestones (which disburses),
//     complete and close projects.
//   - A province official oversees, read-only, every call and submitted project of authorities
//     in the province (commune investors' included), and its reports.
//   - A council member is a person (principal subject users/{id}, not an API key or a service)
//     listed in a call's council_members: they see the call's submitted projects and score them
//     while SUBMITTED, never a project of an organisation they act for.
//   - An owner is a principal acting for the project's owner organisation (its business or
//     producer users, or its partner API key): they create, edit, validate, submit and amend
//     their projects, start them, report spending and activities, and see them in every state.
//   - Published calls (OPEN, CLOSED) are visible to every authenticated caller, so that owners
//     find them; everything else is NOT_FOUND to those who may not see it.

func investorOfficial(p auth.Principal, kind, area string) bool {
	switch p.Role {
	case auth.RoleCommuneOfficial:
		return kind == domain.AuthorityCommune && area != "" && p.AdminArea == area
	case auth.RoleProvinceOfficial:
		return kind == domain.AuthorityProvince && area != "" && p.AdminArea == area
	}
	return false
}

func overseer(p auth.Principal, province string) bool {
	return p.Is(auth.RoleProvinceOfficial) && province != "" && p.AdminArea == province
}

// person reports whether the principal is a person (not an API key or a service).
func person(p auth.Principal) bool {
	return strings.HasPrefix(p.Subject, "users/") && !p.Is(auth.RolePartner, auth.RoleService)
}

func councilMember(p auth.Principal, c *domain.Call) bool {
	return c != nil && person(p) && slices.Contains(c.Council, p.Subject)
}

func maySeeCall(p auth.Principal, c *domain.Call) bool {
	return c.State != domain.CallDraft || p.Privileged() || investorOfficial(p, c.InvestorKind, c.InvestorAreaCode) || overseer(p, c.InvestorProvinceCode)
}

func mayManageCall(p auth.Principal, c *domain.Call) bool {
	return p.Is(auth.RoleAdmin) || investorOfficial(p, c.InvestorKind, c.InvestorAreaCode)
}

func owns(p auth.Principal, pr *domain.Project) bool { return p.ActsFor(pr.Owner) }

func maySeeProject(p auth.Principal, pr *domain.Project, c *domain.Call) bool {
	if p.Privileged() || owns(p, pr) {
		return true
	}
	return pr.State != domain.StateDraft && (investorOfficial(p, pr.InvestorKind, pr.InvestorAreaCode) ||
		overseer(p, pr.InvestorProvinceCode) || councilMember(p, c))
}

func mayEditProject(p auth.Principal, pr *domain.Project) bool {
	return p.Is(auth.RoleAdmin) || owns(p, pr)
}

func mayDecide(p auth.Principal, pr *domain.Project) bool {
	return investorOfficial(p, pr.InvestorKind, pr.InvestorAreaCode)
}

// callVisibility is what ListCalls shows the caller.
func callVisibility(p auth.Principal) storage.CallVisibility {
	v := storage.CallVisibility{All: p.Privileged()}
	switch p.Role {
	case auth.RoleCommuneOfficial:
		v.InvestorKind, v.InvestorArea = domain.AuthorityCommune, p.AdminArea
	case auth.RoleProvinceOfficial:
		v.InvestorKind, v.InvestorArea, v.Province = domain.AuthorityProvince, p.AdminArea, p.AdminArea
	}
	return v
}

// projectVisibility is what ListProjects shows the caller.
func (s *Service) projectVisibility(ctx context.Context, p auth.Principal) (storage.ProjectVisibility, error) {
	v := storage.ProjectVisibility{All: p.Privileged()}
	if p.Is(auth.RoleBusiness, auth.RoleProducer, auth.RolePartner) {
		v.Owner = p.Organization
	}
	switch p.Role {
	case auth.RoleCommuneOfficial:
		v.InvestorKind, v.InvestorArea = domain.AuthorityCommune, p.AdminArea
	case auth.RoleProvinceOfficial:
		v.InvestorKind, v.InvestorArea, v.Province = domain.AuthorityProvince, p.AdminArea, p.AdminArea
	}
	if person(p) && !v.All {
		calls, err := s.st.CouncilCalls(ctx, p.Subject)
		if err != nil {
			return v, fmt.Errorf("council calls: %w", err)
		}
		v.CouncilCalls = calls
	}
	return v, nil
}

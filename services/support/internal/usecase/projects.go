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
	"github.com/lienket/lienket/services/support/internal/storage"
)

// CreateProject opens a DRAFT project of owner under an OPEN call (the owner, or an operator).
func (s *Service) CreateProject(ctx context.Context, p auth.Principal, call, owner string, prop domain.Proposal, requestID string) (*domain.Project, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	domain.CheckName(&v, "project.call", call, "calls", true)
	domain.CheckName(&v, "project.owner", owner, "organizations", true)
	domain.CheckProposalInput(&v, "project.proposal", prop)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(owner) {
		return nil, apierr.PermissionDenied("only the owner organisation (or an operator) proposes its projects")
	}
	c, err := s.loadCall(ctx, p, "project.call", call)
	if err != nil {
		return nil, err
	}
	if c.State != domain.CallOpen {
		return nil, apierr.FailedPrecondition("CALL_NOT_OPEN", call+" is "+c.State+": projects are proposed under an OPEN call", map[string]string{"state": c.State})
	}
	now := s.now().UTC()
	pr := &domain.Project{
		ID: aip.IDForRequest("CreateProject\x00"+p.Subject, requestID), Call: c.Name(), Owner: owner, Programme: c.Programme,
		Investor: c.Investor, InvestorKind: c.InvestorKind, InvestorAreaCode: c.InvestorAreaCode, InvestorProvinceCode: c.InvestorProvinceCode,
		Proposal: prop, State: domain.StateDraft, CreateTime: now, UpdateTime: now, Version: 1,
	}
	pr.Append(pr.Name(), "project.created", p.Subject, string(p.Role), map[string]any{"call": pr.Call, "owner": owner, "totals": prop.Totals()}, now)
	stored, _, err := s.st.CreateProject(ctx, pr)
	if err != nil {
		return nil, fmt.Errorf("create project: %w", err)
	}
	return stored, nil
}

// loadProject returns the project name refers to, and its call, if the caller may see it; else
// NOT_FOUND.
func (s *Service) loadProject(ctx context.Context, p auth.Principal, field, name string) (*domain.Project, *domain.Call, error) {
	ids, err := aip.ParseName(field, name, "projects")
	if err != nil {
		return nil, nil, err
	}
	pr, err := s.st.Project(ctx, ids[0])
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", name, err)
	}
	if pr == nil {
		return nil, nil, apierr.NotFound(name)
	}
	c, err := s.st.Call(ctx, strings.TrimPrefix(pr.Call, "calls/"))
	if err != nil {
		return nil, nil, fmt.Errorf("load %s: %w", pr.Call, err)
	}
	if c == nil {
		return nil, nil, fmt.Errorf("%s: its call %s is missing", name, pr.Call)
	}
	if !maySeeProject(p, pr, c) {
		return nil, nil, apierr.NotFound(name)
	}
	return pr, c, nil
}

// GetProject returns a project.
func (s *Service) GetProject(ctx context.Context, p auth.Principal, name string) (*domain.Project, error) {
	pr, _, err := s.loadProject(ctx, p, "name", name)
	return pr, err
}

// ListProjects lists the projects the caller may see.
func (s *Service) ListProjects(ctx context.Context, p auth.Principal, expr string, size int32, token string) (Page[domain.Project], error) {
	cs, canon, err := filter(expr, storage.ProjectFilterFields, map[string]enumField{"state": {"PROJECT_STATE_", domain.ProjectStates},
		"project_type": {"PROJECT_TYPE_", domain.ProjectTypes}}, func(f, v string) string {
		switch f {
		case "programme":
			return ProgrammeID(v)
		case "state":
			return strings.TrimPrefix(v, "PROJECT_STATE_")
		case "project_type":
			return strings.TrimPrefix(v, "PROJECT_TYPE_")
		}
		return v
	})
	if err != nil {
		return Page[domain.Project]{}, err
	}
	n, err := aip.PageSize(size)
	if err != nil {
		return Page[domain.Project]{}, err
	}
	vis, err := s.projectVisibility(ctx, p)
	if err != nil {
		return Page[domain.Project]{}, err
	}
	if err := scoped(vis.All, cs, "call", "owner", "state", "project_type", "programme"); err != nil {
		return Page[domain.Project]{}, err
	}
	digest := aip.QueryDigest("projects", p.String(), p.Organization, p.AdminArea, canon)
	after, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return Page[domain.Project]{}, err
	}
	items, more, err := s.st.ListProjects(ctx, vis, cs, after, n)
	if err != nil {
		return Page[domain.Project]{}, fmt.Errorf("list projects: %w", err)
	}
	out := Page[domain.Project]{Items: items}
	if more && len(items) > 0 {
		out.Next = aip.EncodePageToken(items[len(items)-1].ID, digest)
	}
	return out, nil
}

// change is the common path of a project change: load (NOT_FOUND when hidden), authorise, check
// the etag and the idempotency key, apply fn to the current project, append the audit event,
// store with one conditional write.
type change struct {
	name, etag, key string
	allow           func(*domain.Project) error
	apply           func(*domain.Project, *domain.Call) (typ string, payload any, err error)
}

func (s *Service) changeProject(ctx context.Context, p auth.Principal, ch change) (*domain.Project, error) {
	ver, err := aip.ParseEtag("etag", ch.etag)
	if err != nil {
		return nil, err
	}
	pr, c, err := s.loadProject(ctx, p, "name", ch.name)
	if err != nil {
		return nil, err
	}
	if err := ch.allow(pr); err != nil {
		return nil, err
	}
	return s.mutateProject(ctx, p, pr.ID, ver, ch.key, func(cur *domain.Project) (string, any, error) { return ch.apply(cur, c) })
}

// mutateProject applies fn to the current project with one conditional write, appending the
// event fn names.
func (s *Service) mutateProject(ctx context.Context, p auth.Principal, id string, ver int64, key string, fn func(*domain.Project) (string, any, error)) (*domain.Project, error) {
	out, err := s.st.MutateProject(ctx, id, func(cur *domain.Project) error {
		now, err := s.record(p, cur, ver, key, func() (string, any, error) { return fn(cur) })
		if err == nil {
			cur.UpdateTime = now
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, apierr.NotFound(domain.ProjectName(id))
	}
	return out, nil
}

// journaled is a call or a project: a versioned resource with an audit chain.
type journaled interface {
	Name() string
	Revision() *int64
	Journal() *domain.Chain
}

// record applies a change to r by p inside a conditional write: an applied idempotency key
// leaves r as it is (storage.ErrUnchanged); a stale etag is ABORTED; otherwise fn changes r and
// the event it names is appended to r's chain. It returns the time of the change (the zero
// time when nothing changed).
func (s *Service) record(p auth.Principal, r journaled, ver int64, key string, fn func() (string, any, error)) (time.Time, error) {
	j := r.Journal()
	if j.Seen(key) {
		return time.Time{}, storage.ErrUnchanged
	}
	if ver != 0 && ver != *r.Revision() {
		return time.Time{}, apierr.EtagMismatch(r.Name())
	}
	typ, payload, err := fn()
	if err != nil {
		return time.Time{}, err
	}
	now := s.now().UTC()
	j.Remember(key)
	j.Append(r.Name(), typ, p.Subject, string(p.Role), payload, now)
	return now, nil
}

func editor(p auth.Principal) func(*domain.Project) error {
	return func(pr *domain.Project) error {
		if !mayEditProject(p, pr) {
			return apierr.PermissionDenied("only the owner organisation (or an operator) edits its project")
		}
		return nil
	}
}

func decider(p auth.Principal, what string) func(*domain.Project) error {
	return func(pr *domain.Project) error {
		if !mayDecide(p, pr) {
			return apierr.PermissionDenied("only an official of the investor authority " + what)
		}
		return nil
	}
}

// UpdateProject changes the proposal of a DRAFT: paths "proposal" or "proposal.<field>".
func (s *Service) UpdateProject(ctx context.Context, p auth.Principal, name, etag string, in domain.Proposal, paths []string) (*domain.Project, error) {
	if len(paths) == 0 {
		return nil, apierr.Field("update_mask", "REQUIRED", "name the fields to update (proposal or proposal.<field>)")
	}
	for _, path := range paths {
		if path != "proposal" && !proposalFields[strings.TrimPrefix(path, "proposal.")] {
			return nil, apierr.Field("update_mask", "UPDATE_MASK_PATH", "unknown, immutable or output-only field %q", path)
		}
	}
	return s.changeProject(ctx, p, change{name: name, etag: etag, allow: editor(p), apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
		next := mergeProposal(pr.Proposal, in, paths)
		var v apierr.Violations
		domain.CheckProposalInput(&v, "project.proposal", next)
		if err := v.Err(); err != nil {
			return "", nil, err
		}
		if err := pr.UpdateProposal(next); err != nil {
			return "", nil, err
		}
		return "project.updated", map[string]any{"paths": paths, "totals": next.Totals()}, nil
	}})
}

var proposalFields = map[string]bool{"project_type": true, "display_name": true, "summary": true, "product": true, "commune_codes": true, "period": true,
	"budget_lines": true, "co_investment_justification": true, "contracts": true, "member_groups": true, "milestones": true}

// mergeProposal takes the fields paths names from in, the rest from cur.
func mergeProposal(cur, in domain.Proposal, paths []string) domain.Proposal {
	out := cur
	for _, path := range paths {
		switch strings.TrimPrefix(path, "proposal.") {
		case "proposal":
			return in
		case "project_type":
			out.Type = in.Type
		case "display_name":
			out.DisplayName = in.DisplayName
		case "summary":
			out.Summary = in.Summary
		case "product":
			out.Product = in.Product
		default:
			mergeLists(&out, in, strings.TrimPrefix(path, "proposal."))
		}
	}
	return out
}

func mergeLists(out *domain.Proposal, in domain.Proposal, field string) {
	switch field {
	case "commune_codes":
		out.Communes = in.Communes
	case "period":
		out.PeriodStart, out.PeriodEnd = in.PeriodStart, in.PeriodEnd
	case "budget_lines":
		out.BudgetLines = in.BudgetLines
	case "co_investment_justification":
		out.Justification = in.Justification
	case "contracts":
		out.Contracts = in.Contracts
	case "member_groups":
		out.MemberGroups = in.MemberGroups
	case "milestones":
		out.Milestones = in.Milestones
	}
}

// Validation is the result of checking a project against its programme.
type Validation struct {
	Violations    []domain.Violation
	Version       string
	Totals        domain.Totals
	Participation domain.Participation
}

// ValidateProject checks the project's proposal (or, while an amendment is pending, the
// amendment) and lists every violation.
func (s *Service) ValidateProject(ctx context.Context, p auth.Principal, name string) (*Validation, error) {
	pr, c, err := s.loadProject(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	prop := pr.Proposal
	if pr.PendingAmendment != nil {
		prop = pr.PendingAmendment.Proposal
	}
	vs, label, f, err := s.validate(ctx, pr, c, prop)
	if err != nil {
		return nil, err
	}
	return &Validation{Violations: vs, Version: label, Totals: prop.Totals(), Participation: domain.Count(f.Participants)}, nil
}

// prepared is a project change whose checks need other services (the rules and their facts),
// made before its conditional write: the project loaded and the caller authorised, the etag
// parsed, a retried request recognised, and the action allowed in the state read.
type prepared struct {
	pr   *domain.Project
	c    *domain.Call
	ver  int64
	key  string
	seen bool
}

func (s *Service) prepare(ctx context.Context, p auth.Principal, name, etag, method, requestID string, allow func(*domain.Project) error, action string) (*prepared, error) {
	ver, err := aip.ParseEtag("etag", etag)
	if err != nil {
		return nil, err
	}
	pr, c, err := s.loadProject(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	if err := allow(pr); err != nil {
		return nil, err
	}
	pp := &prepared{pr: pr, c: c, ver: ver, key: requestKey(method, p, requestID)}
	if pp.seen = pr.Seen(pp.key); !pp.seen {
		if _, err := domain.Next(pr.State, action); err != nil {
			return nil, err
		}
	}
	return pp, nil
}

// stillAsChecked refuses a write when the project changed since its checks were made.
func (pp *prepared) stillAsChecked(cur *domain.Project) error {
	if cur.Version != pp.pr.Version {
		return apierr.FailedPrecondition("PROPOSAL_CHANGED", "the project changed while it was being checked: try again", nil)
	}
	return nil
}

// SubmitProject submits a DRAFT whose every rule passes.
func (s *Service) SubmitProject(ctx context.Context, p auth.Principal, name, etag, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, err
	}
	pp, err := s.prepare(ctx, p, name, etag, "SubmitProject", requestID, editor(p), domain.ActionSubmit)
	if err != nil || pp.seen {
		return prOf(pp), err
	}
	vs, label, f, err := s.validate(ctx, pp.pr, pp.c, pp.pr.Proposal)
	if err != nil {
		return nil, err
	}
	return s.mutateProject(ctx, p, pp.pr.ID, pp.ver, pp.key, func(cur *domain.Project) (string, any, error) {
		if err := pp.stillAsChecked(cur); err != nil {
			return "", nil, err
		}
		if err := cur.Submit(vs, f.Participants, label); err != nil {
			return "", nil, err
		}
		return "project.submitted", map[string]any{"rulebook_version": label, "totals": cur.Proposal.Totals(), "participation": domain.Count(f.Participants)}, nil
	})
}

// prOf is the project a prepared change found (nil when there is none).
func prOf(pp *prepared) *domain.Project {
	if pp == nil {
		return nil
	}
	return pp.pr
}

// ListProjectEvents pages through a project's audit events.
func (s *Service) ListProjectEvents(ctx context.Context, p auth.Principal, name string, size int32, token string) (Page[domain.Event], error) {
	pr, _, err := s.loadProject(ctx, p, "parent", name)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	return s.events(ctx, pr.Name(), size, token)
}

package usecase

import (
	"context"
	"fmt"
	"strings"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
)

// ProgrammeID is the rulebook id of a programmes/{id} name ("" when malformed).
func ProgrammeID(name string) string {
	id, ok := strings.CutPrefix(name, "programmes/")
	if !ok {
		return ""
	}
	return id
}

// checkProgramme checks that a call's programme exists and its ceilings only tighten the
// programme's. Rules: PROGRAMME_EXISTS, CEILING_ABOVE_PROGRAMME.
func (s *Service) checkProgramme(v *apierr.Violations, in domain.CallInput) {
	id := ProgrammeID(in.Programme)
	if _, ok := s.books.Rules(id); !ok {
		v.Add("call.programme", "PROGRAMME_EXISTS", "unknown programme %q (known: programmes/%s)", in.Programme, strings.Join(s.books.IDs(), ", programmes/"))
		return
	}
	domain.CheckCallCeilings(v, "call", in, s.books.Params(id, domain.RuleCeilingType), s.books.Params(id, domain.RuleCeilingCategory))
}

// investor looks up the investor authority and the province it lies in.
func (s *Service) investor(ctx context.Context, name string) (kind, area, province string, err error) {
	a, err := s.reg.Authority(ctx, name)
	if err != nil {
		return "", "", "", fmt.Errorf("investor %s: %w", name, err)
	}
	if a == nil {
		return "", "", "", apierr.Field("call.investor", "INVESTOR_EXISTS", "%s does not exist", name)
	}
	if a.Kind == domain.AuthorityProvince {
		return a.Kind, a.AreaCode, a.AreaCode, nil
	}
	af, err := s.reg.Area(ctx, a.AreaCode)
	if err != nil {
		return "", "", "", fmt.Errorf("area %s: %w", a.AreaCode, err)
	}
	if af == nil {
		return "", "", "", apierr.Field("call.investor", "INVESTOR_EXISTS", "the area %s of %s does not exist", a.AreaCode, name)
	}
	return a.Kind, a.AreaCode, af.ProvinceCode, nil
}

// CreateCall opens a DRAFT call for the investor authority (its officials, or an operator).
func (s *Service) CreateCall(ctx context.Context, p auth.Principal, in domain.CallInput, requestID string) (*domain.Call, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	domain.CheckCallInput(&v, "call", in, nil)
	if v.Empty() {
		s.checkProgramme(&v, in)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	kind, area, province, err := s.investor(ctx, in.Investor)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !investorOfficial(p, kind, area) {
		return nil, apierr.PermissionDenied("only an official of the investor authority (or an operator) issues its calls")
	}
	now := s.now().UTC()
	c := &domain.Call{
		ID: aip.IDForRequest("CreateCall\x00"+p.Subject, requestID), Investor: in.Investor, InvestorKind: kind, InvestorAreaCode: area,
		InvestorProvinceCode: province, State: domain.CallDraft, Commitments: map[string]int64{},
		CreateTime: now, UpdateTime: now, Version: 1,
	}
	_ = c.Apply(in, nil)
	c.Append(c.Name(), "call.created", p.Subject, string(p.Role), map[string]any{"investor": in.Investor, "programme": c.Programme, "budget_vnd": c.BudgetVND}, now)
	stored, _, err := s.st.CreateCall(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("create call: %w", err)
	}
	return stored, nil
}

// loadCall returns the call name refers to if the caller may see it, else NOT_FOUND.
func (s *Service) loadCall(ctx context.Context, p auth.Principal, field, name string) (*domain.Call, error) {
	ids, err := aip.ParseName(field, name, "calls")
	if err != nil {
		return nil, err
	}
	c, err := s.st.Call(ctx, ids[0])
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	if c == nil || !maySeeCall(p, c) {
		return nil, apierr.NotFound(name)
	}
	return c, nil
}

// GetCall returns a call.
func (s *Service) GetCall(ctx context.Context, p auth.Principal, name string) (*domain.Call, error) {
	return s.loadCall(ctx, p, "name", name)
}

// ListCalls lists the calls the caller may see.
func (s *Service) ListCalls(ctx context.Context, p auth.Principal, expr string, size int32, token string) (Page[domain.Call], error) {
	cs, canon, err := filter(expr, storage.CallFilterFields, map[string]enumField{"state": {"CALL_STATE_", []string{domain.CallDraft, domain.CallOpen, domain.CallClosed}}}, func(f, v string) string {
		if f == "programme" {
			return ProgrammeID(v)
		}
		return strings.TrimPrefix(v, "CALL_STATE_")
	})
	if err != nil {
		return Page[domain.Call]{}, err
	}
	n, err := aip.PageSize(size)
	if err != nil {
		return Page[domain.Call]{}, err
	}
	digest := aip.QueryDigest("calls", p.String(), p.AdminArea, canon)
	after, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return Page[domain.Call]{}, err
	}
	vis := callVisibility(p)
	if err := scoped(vis.All, cs, "state", "programme", "investor", "investor_area_code"); err != nil {
		return Page[domain.Call]{}, err
	}
	items, more, err := s.st.ListCalls(ctx, vis, cs, after, n)
	if err != nil {
		return Page[domain.Call]{}, fmt.Errorf("list calls: %w", err)
	}
	out := Page[domain.Call]{Items: items}
	if more && len(items) > 0 {
		out.Next = aip.EncodePageToken(items[len(items)-1].ID, digest)
	}
	return out, nil
}

// callPaths are the update_mask paths of a call.
var callPaths = map[string]bool{"display_name": true, "description": true, "programme": true, "project_types": true, "budget_vnd": true,
	"type_ceilings": true, "category_ceilings": true, "submission_window": true, "submission_window.end_date": true, "council_members": true}

// UpdateCall changes the fields paths names (etag optional); the call as changed must be valid
// as a whole.
func (s *Service) UpdateCall(ctx context.Context, p auth.Principal, name, etag string, in domain.CallInput, paths []string) (*domain.Call, error) {
	mask, err := updateMask(paths, callPaths)
	if err != nil {
		return nil, err
	}
	return s.changeCall(ctx, p, name, etag, "", func(c *domain.Call) (string, any, error) {
		if err := c.Apply(in, mask); err != nil {
			return "", nil, err
		}
		var v apierr.Violations
		merged := callInput(c)
		domain.CheckCallInput(&v, "call", merged, nil)
		if v.Empty() {
			s.checkProgramme(&v, merged)
		}
		if err := v.Err(); err != nil {
			return "", nil, err
		}
		if c.BudgetVND < c.CommittedVND {
			return "", nil, apierr.FailedPrecondition("BUDGET_BELOW_COMMITTED", fmt.Sprintf("the budget cannot go below the %d VND committed", c.CommittedVND), nil)
		}
		return "call.updated", map[string]any{"paths": paths}, nil
	})
}

// callInput is a call's current settings as an input (to check them after a partial update).
func callInput(c *domain.Call) domain.CallInput {
	return domain.CallInput{Investor: c.Investor, DisplayName: c.DisplayName, Description: c.Description, Programme: "programmes/" + c.Programme,
		ProjectTypes: c.ProjectTypes, BudgetVND: c.BudgetVND, TypeCeilings: c.TypeCeilings, CategoryCeilings: c.CategoryCeilings,
		OpenDate: c.OpenDate, CloseDate: c.CloseDate, Council: c.Council}
}

func updateMask(paths []string, allowed map[string]bool) (map[string]bool, error) {
	if len(paths) == 0 {
		return nil, apierr.Field("update_mask", "REQUIRED", "name the fields to update")
	}
	mask := map[string]bool{}
	for _, p := range paths {
		if !allowed[p] {
			return nil, apierr.Field("update_mask", "UPDATE_MASK_PATH", "unknown, immutable or output-only field %q", p)
		}
		mask[p] = true
	}
	return mask, nil
}

// PublishCall opens a DRAFT call.
func (s *Service) PublishCall(ctx context.Context, p auth.Principal, name, etag, requestID string) (*domain.Call, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, err
	}
	return s.changeCall(ctx, p, name, etag, requestKey("PublishCall", p, requestID), func(c *domain.Call) (string, any, error) {
		_, version, _ := s.books.Resolve(c.Programme)
		if err := c.Publish(version, s.today()); err != nil {
			return "", nil, err
		}
		return "call.published", map[string]any{"programme_version": version}, nil
	})
}

// CloseCall closes an OPEN call.
func (s *Service) CloseCall(ctx context.Context, p auth.Principal, name, reason, requestID string) (*domain.Call, error) {
	if err := checkRequest(requestID, reasonText("reason", reason)); err != nil {
		return nil, err
	}
	return s.changeCall(ctx, p, name, "", requestKey("CloseCall", p, requestID), func(c *domain.Call) (string, any, error) {
		return "call.closed", map[string]any{"reason": reason}, c.Close(reason)
	})
}

// changeCall is the common path of a call change by its managers: authorise, check the etag and
// the idempotency key, apply, append the audit event, store with one conditional write.
func (s *Service) changeCall(ctx context.Context, p auth.Principal, name, etag, key string, fn func(*domain.Call) (string, any, error)) (*domain.Call, error) {
	ver, err := aip.ParseEtag("etag", etag)
	if err != nil {
		return nil, err
	}
	c, err := s.loadCall(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	if !mayManageCall(p, c) {
		return nil, apierr.PermissionDenied("only an official of the investor authority (or an operator) manages its calls")
	}
	out, err := s.st.MutateCall(ctx, c.ID, func(c *domain.Call) error {
		now, err := s.record(p, c, ver, key, func() (string, any, error) { return fn(c) })
		if err == nil {
			c.UpdateTime = now
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, apierr.NotFound(name)
	}
	return out, nil
}

// ListCallEvents pages through a call's audit events.
func (s *Service) ListCallEvents(ctx context.Context, p auth.Principal, name string, size int32, token string) (Page[domain.Event], error) {
	c, err := s.loadCall(ctx, p, "parent", name)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	if !mayManageCall(p, c) && !overseer(p, c.InvestorProvinceCode) && !p.Privileged() {
		return Page[domain.Event]{}, apierr.PermissionDenied("a call's audit log is for its investor, the province and operators")
	}
	return s.events(ctx, c.Name(), size, token)
}

package usecase

import (
	"context"
	"time"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
)

// owner admits the project's owner (and operators) to report on it.
func owner(p auth.Principal) func(*domain.Project) error {
	return func(pr *domain.Project) error {
		if !mayEditProject(p, pr) {
			return apierr.PermissionDenied("only the owner organisation (or an operator) reports on its project")
		}
		return nil
	}
}

// addRecord adds an item to a project (a spending report, an activity) for its owner,
// idempotently: the item's id derives from the request id, and a retry finds it recorded (find)
// instead of adding it again (add).
func addRecord[T any](ctx context.Context, s *Service, p auth.Principal, parent string, find func(*domain.Project) *T, add func(*domain.Project) (*T, string, any, error)) (*T, string, error) {
	var out *T
	pr, err := s.changeProject(ctx, p, change{name: parent, allow: owner(p), apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
		if out = find(pr); out != nil {
			return "", nil, storage.ErrUnchanged
		}
		item, typ, payload, err := add(pr)
		out = item
		return typ, payload, err
	}})
	if err != nil {
		return nil, "", err
	}
	return out, pr.ID, nil
}

// CreateSpendingReport records actual spending of an IN_PROGRESS project. Idempotent on
// request_id.
func (s *Service) CreateSpendingReport(ctx context.Context, p auth.Principal, parent string, r domain.SpendingReport, requestID string) (*domain.SpendingReport, string, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, "", err
	}
	r.ID = aip.IDForRequest("CreateSpendingReport\x00"+p.Subject+"\x00"+parent, requestID)
	r.Reporter, r.CreateTime = p.Subject, s.now().UTC()
	return addRecord(ctx, s, p, parent, func(pr *domain.Project) *domain.SpendingReport {
		return findByID(pr.Spending, r.ID, func(x domain.SpendingReport) string { return x.ID })
	}, func(pr *domain.Project) (*domain.SpendingReport, string, any, error) {
		var v apierr.Violations
		domain.CheckSpendingInput(&v, "spending_report", r, pr.Proposal.BudgetLines)
		if err := v.Err(); err != nil {
			return nil, "", nil, err
		}
		if err := pr.AddSpending(r); err != nil {
			return nil, "", nil, err
		}
		out := &pr.Spending[len(pr.Spending)-1]
		return out, "spending.reported", map[string]any{"report": out.ID, "lines": out.Lines, "total_vnd": out.TotalVND, "reported_vnd": pr.ReportedVND()}, nil
	})
}

func findByID[T any](items []T, id string, key func(T) string) *T {
	for i := range items {
		if key(items[i]) == id {
			return &items[i]
		}
	}
	return nil
}

// CreateActivity records an activity of an IN_PROGRESS project as evidence. Idempotent on
// request_id.
func (s *Service) CreateActivity(ctx context.Context, p auth.Principal, parent string, a domain.Activity, requestID string) (*domain.Activity, string, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, "", err
	}
	a.ID = aip.IDForRequest("CreateActivity\x00"+p.Subject+"\x00"+parent, requestID)
	a.Reporter, a.CreateTime = p.Subject, s.now().UTC()
	return addRecord(ctx, s, p, parent, func(pr *domain.Project) *domain.Activity {
		return findByID(pr.Activities, a.ID, func(x domain.Activity) string { return x.ID })
	}, func(pr *domain.Project) (*domain.Activity, string, any, error) {
		var v apierr.Violations
		domain.CheckActivityInput(&v, "activity", a, pr.Proposal)
		if err := v.Err(); err != nil {
			return nil, "", nil, err
		}
		if err := pr.AddActivity(a); err != nil {
			return nil, "", nil, err
		}
		return &pr.Activities[len(pr.Activities)-1], "activity.recorded", map[string]any{"activity": a.ID, "kind": a.Kind, "milestone": a.Milestone, "attendance": a.Attendance, "date": a.Date}, nil
	})
}

// subList loads a project the caller may see for one of its lists.
func (s *Service) subList(ctx context.Context, p auth.Principal, parent string) (*domain.Project, error) {
	pr, _, err := s.loadProject(ctx, p, "parent", parent)
	return pr, err
}

// ListSpendingReports pages through a project's spending reports.
func (s *Service) ListSpendingReports(ctx context.Context, p auth.Principal, parent string, size int32, token string) (Page[domain.SpendingReport], string, error) {
	pr, err := s.subList(ctx, p, parent)
	if err != nil {
		return Page[domain.SpendingReport]{}, "", err
	}
	page, err := pageOf(pr.Spending, func(x domain.SpendingReport) string { return x.ID }, "spending\x00"+pr.ID, size, token)
	return page, pr.ID, err
}

// ListActivities pages through a project's activities.
func (s *Service) ListActivities(ctx context.Context, p auth.Principal, parent string, size int32, token string) (Page[domain.Activity], string, error) {
	pr, err := s.subList(ctx, p, parent)
	if err != nil {
		return Page[domain.Activity]{}, "", err
	}
	page, err := pageOf(pr.Activities, func(x domain.Activity) string { return x.ID }, "activities\x00"+pr.ID, size, token)
	return page, pr.ID, err
}

// ListDisbursements pages through a project's disbursements.
func (s *Service) ListDisbursements(ctx context.Context, p auth.Principal, parent string, size int32, token string) (Page[domain.Disbursement], string, error) {
	pr, err := s.subList(ctx, p, parent)
	if err != nil {
		return Page[domain.Disbursement]{}, "", err
	}
	page, err := pageOf(pr.Disbursements, func(x domain.Disbursement) string { return x.ID }, "disbursements\x00"+pr.ID, size, token)
	return page, pr.ID, err
}

// Evaluation is a milestone's indicators computed now and what a verification would pay.
type Evaluation struct {
	ProjectID, Milestone string
	Indicators           []domain.IndicatorResult
	Met                  bool
	Limits               domain.Limits
	Time                 time.Time
}

// milestone loads the project of a milestone name the caller may see, and the milestone id.
func (s *Service) milestone(ctx context.Context, p auth.Principal, name string) (*domain.Project, string, error) {
	ids, err := aip.ParseName("name", name, "projects", "milestones")
	if err != nil {
		return nil, "", err
	}
	pr, _, err := s.loadProject(ctx, p, "name", domain.ProjectName(ids[0]))
	if err != nil {
		return nil, "", err
	}
	if pr.Proposal.Milestone(ids[1]) == nil {
		return nil, "", apierr.NotFound(name)
	}
	return pr, ids[1], nil
}

// EvaluateMilestone computes a milestone's indicators from the contracts now, with the figures,
// and the limits a disbursement would meet. Anyone who sees the project may.
func (s *Service) EvaluateMilestone(ctx context.Context, p auth.Principal, name string) (*Evaluation, error) {
	pr, id, err := s.milestone(ctx, p, name)
	if err != nil {
		return nil, err
	}
	in, err := s.evaluationInput(ctx, pr)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{ProjectID: pr.ID, Milestone: id, Indicators: pr.Evaluate(id, in), Limits: pr.LimitsFor(id), Time: s.now().UTC()}
	ev.Met = allMet(ev.Indicators)
	return ev, nil
}

func allMet(rs []domain.IndicatorResult) bool {
	for _, r := range rs {
		if !r.Met {
			return false
		}
	}
	return len(rs) > 0
}

// VerifyMilestone is an official's verification of a milestone: the indicators are computed
// from the contracts, then the verification and its disbursement are decided and recorded in
// one conditional write of the project (domain.Project.Disburse). Of concurrent verifications
// of one milestone, one writes; the others re-read the project, find the milestone DISBURSED
// and are refused (MILESTONE_ALREADY_DISBURSED), so nothing is paid twice. A retry with the
// same request_id returns the first disbursement: its id derives from the request id.
func (s *Service) VerifyMilestone(ctx context.Context, p auth.Principal, name string, in domain.VerifyInput, requestID string) (*domain.Disbursement, string, error) {
	if err := checkRequest(requestID, func(v *apierr.Violations) {
		v.Text("payment_reference", in.PaymentReference, false, apierr.MaxShortText)
		v.Text("note", in.Note, false, apierr.MaxLongText)
	}); err != nil {
		return nil, "", err
	}
	pr, id, err := s.milestone(ctx, p, name)
	if err != nil {
		return nil, "", err
	}
	if err := decider(p, "verifies milestones")(pr); err != nil {
		return nil, "", err
	}
	did := aip.IDForRequest("VerifyMilestone\x00"+p.Subject+"\x00"+name, requestID)
	if d := pr.Disbursement(did); d != nil {
		return d, pr.ID, nil
	}
	if _, err := domain.Next(pr.State, domain.ActionVerify); err != nil {
		return nil, "", err
	}
	ev, err := s.evaluationInput(ctx, pr)
	if err != nil {
		return nil, "", err
	}
	results := pr.Evaluate(id, ev)
	var out *domain.Disbursement
	_, err = s.mutateProject(ctx, p, pr.ID, 0, "", func(cur *domain.Project) (string, any, error) {
		if out = cur.Disbursement(did); out != nil {
			return "", nil, storage.ErrUnchanged
		}
		d, err := cur.Disburse(id, did, results, in, p.Subject, s.now())
		if err != nil {
			return "", nil, err
		}
		out = d
		return "milestone.disbursed", map[string]any{"milestone": id, "disbursement": d.ID, "amount_vnd": d.AmountVND, "limits": d.Limits,
			"indicators": d.Indicators, "payment_reference": d.PaymentReference}, nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, pr.ID, nil
}

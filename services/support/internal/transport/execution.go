package transport

import (
	"context"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/usecase"
)

// of is an item of a project, with the project's id for its name.
type of[T any] struct {
	item    T
	project string
}

func pair[T any](item T, project string, err error) (of[T], error) {
	return of[T]{item: item, project: project}, err
}

// itemsOf converts a page of a project's items and gives its next page token.
func itemsOf[T, R any](pg of[usecase.Page[T]], conv func(string, T) R) ([]R, string) {
	out := make([]R, 0, len(pg.item.Items))
	for _, x := range pg.item.Items {
		out = append(out, conv(pg.project, x))
	}
	return out, pg.item.Next
}

// EvaluateMilestone implements the RPC.
func (s *Server) EvaluateMilestone(ctx context.Context, req *supportv1.EvaluateMilestoneRequest) (*supportv1.MilestoneEvaluation, error) {
	return run(ctx, func(p auth.Principal) (*usecase.Evaluation, error) {
		return s.uc.EvaluateMilestone(ctx, p, req.GetName())
	}, evaluationToProto)
}

// VerifyMilestone implements the RPC.
func (s *Server) VerifyMilestone(ctx context.Context, req *supportv1.VerifyMilestoneRequest) (*supportv1.Disbursement, error) {
	return run(ctx, func(p auth.Principal) (of[*domain.Disbursement], error) {
		in := domain.VerifyInput{EvidenceConfirmed: req.GetEvidenceConfirmed(), PaymentReference: req.GetPaymentReference(), Note: req.GetNote()}
		return pair(s.uc.VerifyMilestone(ctx, p, req.GetName(), in, req.GetRequestId()))
	}, func(d of[*domain.Disbursement]) *supportv1.Disbursement {
		return disbursementToProto(d.project, *d.item)
	})
}

// ListDisbursements implements the RPC.
func (s *Server) ListDisbursements(ctx context.Context, req *supportv1.ListDisbursementsRequest) (*supportv1.ListDisbursementsResponse, error) {
	return run(ctx, func(p auth.Principal) (of[usecase.Page[domain.Disbursement]], error) {
		return pair(s.uc.ListDisbursements(ctx, p, req.GetParent(), req.GetPageSize(), req.GetPageToken()))
	}, func(pg of[usecase.Page[domain.Disbursement]]) *supportv1.ListDisbursementsResponse {
		items, next := itemsOf(pg, disbursementToProto)
		return &supportv1.ListDisbursementsResponse{Disbursements: items, NextPageToken: next}
	})
}

// CreateSpendingReport implements the RPC.
func (s *Server) CreateSpendingReport(ctx context.Context, req *supportv1.CreateSpendingReportRequest) (*supportv1.SpendingReport, error) {
	return run(ctx, func(p auth.Principal) (of[*domain.SpendingReport], error) {
		return pair(s.uc.CreateSpendingReport(ctx, p, req.GetParent(), spendingToDomain(req.GetSpendingReport()), req.GetRequestId()))
	}, func(r of[*domain.SpendingReport]) *supportv1.SpendingReport {
		return spendingToProto(r.project, *r.item)
	})
}

// ListSpendingReports implements the RPC.
func (s *Server) ListSpendingReports(ctx context.Context, req *supportv1.ListSpendingReportsRequest) (*supportv1.ListSpendingReportsResponse, error) {
	return run(ctx, func(p auth.Principal) (of[usecase.Page[domain.SpendingReport]], error) {
		return pair(s.uc.ListSpendingReports(ctx, p, req.GetParent(), req.GetPageSize(), req.GetPageToken()))
	}, func(pg of[usecase.Page[domain.SpendingReport]]) *supportv1.ListSpendingReportsResponse {
		items, next := itemsOf(pg, spendingToProto)
		return &supportv1.ListSpendingReportsResponse{SpendingReports: items, NextPageToken: next}
	})
}

// CreateActivity implements the RPC.
func (s *Server) CreateActivity(ctx context.Context, req *supportv1.CreateActivityRequest) (*supportv1.Activity, error) {
	return run(ctx, func(p auth.Principal) (of[*domain.Activity], error) {
		return pair(s.uc.CreateActivity(ctx, p, req.GetParent(), activityToDomain(req.GetActivity()), req.GetRequestId()))
	}, func(a of[*domain.Activity]) *supportv1.Activity { return activityToProto(a.project, *a.item) })
}

// ListActivities implements the RPC.
func (s *Server) ListActivities(ctx context.Context, req *supportv1.ListActivitiesRequest) (*supportv1.ListActivitiesResponse, error) {
	return run(ctx, func(p auth.Principal) (of[usecase.Page[domain.Activity]], error) {
		return pair(s.uc.ListActivities(ctx, p, req.GetParent(), req.GetPageSize(), req.GetPageToken()))
	}, func(pg of[usecase.Page[domain.Activity]]) *supportv1.ListActivitiesResponse {
		items, next := itemsOf(pg, activityToProto)
		return &supportv1.ListActivitiesResponse{Activities: items, NextPageToken: next}
	})
}

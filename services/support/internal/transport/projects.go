package transport

import (
	"context"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/usecase"
)

// project runs a project operation and answers the project.
func (s *Server) project(ctx context.Context, op func(auth.Principal) (*domain.Project, error)) (*supportv1.Project, error) {
	return run(ctx, op, projectToProto)
}

// CreateProject implements the RPC.
func (s *Server) CreateProject(ctx context.Context, req *supportv1.CreateProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		in := req.GetProject()
		return s.uc.CreateProject(ctx, p, in.GetCall(), in.GetOwner(), proposalToDomain(in.GetProposal()), req.GetRequestId())
	})
}

// GetProject implements the RPC.
func (s *Server) GetProject(ctx context.Context, req *supportv1.GetProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) { return s.uc.GetProject(ctx, p, req.GetName()) })
}

// ListProjects implements the RPC.
func (s *Server) ListProjects(ctx context.Context, req *supportv1.ListProjectsRequest) (*supportv1.ListProjectsResponse, error) {
	return run(ctx, func(p auth.Principal) (usecase.Page[domain.Project], error) {
		return s.uc.ListProjects(ctx, p, req.GetFilter(), req.GetPageSize(), req.GetPageToken())
	}, func(pg usecase.Page[domain.Project]) *supportv1.ListProjectsResponse {
		out := &supportv1.ListProjectsResponse{NextPageToken: pg.Next}
		for i := range pg.Items {
			out.Projects = append(out.Projects, projectToProto(&pg.Items[i]))
		}
		return out
	})
}

// UpdateProject implements the RPC.
func (s *Server) UpdateProject(ctx context.Context, req *supportv1.UpdateProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		in := req.GetProject()
		return s.uc.UpdateProject(ctx, p, in.GetName(), in.GetEtag(), proposalToDomain(in.GetProposal()), req.GetUpdateMask().GetPaths())
	})
}

// ValidateProject implements the RPC.
func (s *Server) ValidateProject(ctx context.Context, req *supportv1.ValidateProjectRequest) (*supportv1.ValidateProjectResponse, error) {
	return run(ctx, func(p auth.Principal) (*usecase.Validation, error) {
		return s.uc.ValidateProject(ctx, p, req.GetName())
	},
		func(v *usecase.Validation) *supportv1.ValidateProjectResponse {
			out := &supportv1.ValidateProjectResponse{RulebookVersion: v.Version, Totals: totalsToProto(v.Totals), Participation: participationToProto(v.Participation)}
			for _, x := range v.Violations {
				out.Violations = append(out.Violations, &supportv1.RuleViolation{RuleId: x.RuleID, Field: x.Field, MessageVi: x.MessageVI, MessageEn: x.MessageEN})
			}
			return out
		})
}

// SubmitProject implements the RPC.
func (s *Server) SubmitProject(ctx context.Context, req *supportv1.SubmitProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.SubmitProject(ctx, p, req.GetName(), req.GetEtag(), req.GetRequestId())
	})
}

// ScoreProject implements the RPC.
func (s *Server) ScoreProject(ctx context.Context, req *supportv1.ScoreProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		in := domain.ScoreInput{Comment: req.GetComment()}
		for _, c := range req.GetCriteria() {
			in.Criteria = append(in.Criteria, domain.CriterionScore{Criterion: c.GetCriterion(), Score: c.GetScore(), Comment: c.GetComment()})
		}
		return s.uc.ScoreProject(ctx, p, req.GetName(), in, req.GetRequestId())
	})
}

// AppraiseProject implements the RPC.
func (s *Server) AppraiseProject(ctx context.Context, req *supportv1.AppraiseProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.AppraiseProject(ctx, p, req.GetName(), req.GetNote(), req.GetRequestId())
	})
}

// ApproveProject implements the RPC.
func (s *Server) ApproveProject(ctx context.Context, req *supportv1.ApproveProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.ApproveProject(ctx, p, req.GetName(), req.GetDecisionReference(), req.GetNote(), req.GetEtag(), req.GetRequestId())
	})
}

// RejectProject implements the RPC.
func (s *Server) RejectProject(ctx context.Context, req *supportv1.RejectProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.RejectProject(ctx, p, req.GetName(), req.GetReason(), req.GetDecisionReference(), req.GetRequestId())
	})
}

// StartProject implements the RPC.
func (s *Server) StartProject(ctx context.Context, req *supportv1.StartProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.StartProject(ctx, p, req.GetName(), req.GetRequestId())
	})
}

// AmendProject implements the RPC.
func (s *Server) AmendProject(ctx context.Context, req *supportv1.AmendProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.AmendProject(ctx, p, req.GetName(), proposalToDomain(req.GetProposal()), req.GetReason(), req.GetEtag(), req.GetRequestId())
	})
}

// ApproveAmendment implements the RPC.
func (s *Server) ApproveAmendment(ctx context.Context, req *supportv1.ApproveAmendmentRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.ApproveAmendment(ctx, p, req.GetName(), req.GetDecisionReference(), req.GetRequestId())
	})
}

// RejectAmendment implements the RPC.
func (s *Server) RejectAmendment(ctx context.Context, req *supportv1.RejectAmendmentRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.RejectAmendment(ctx, p, req.GetName(), req.GetReason(), req.GetRequestId())
	})
}

// CompleteProject implements the RPC.
func (s *Server) CompleteProject(ctx context.Context, req *supportv1.CompleteProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.CompleteProject(ctx, p, req.GetName(), req.GetRequestId())
	})
}

// CloseProject implements the RPC.
func (s *Server) CloseProject(ctx context.Context, req *supportv1.CloseProjectRequest) (*supportv1.Project, error) {
	return s.project(ctx, func(p auth.Principal) (*domain.Project, error) {
		return s.uc.CloseProject(ctx, p, req.GetName(), req.GetReason(), req.GetRequestId())
	})
}

// ListProjectEvents implements the RPC.
func (s *Server) ListProjectEvents(ctx context.Context, req *supportv1.ListProjectEventsRequest) (*supportv1.ListProjectEventsResponse, error) {
	return run(ctx, func(p auth.Principal) (usecase.Page[domain.Event], error) {
		return s.uc.ListProjectEvents(ctx, p, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	}, func(pg usecase.Page[domain.Event]) *supportv1.ListProjectEventsResponse {
		evs, next := eventsToProto(pg)
		return &supportv1.ListProjectEventsResponse{Events: evs, NextPageToken: next}
	})
}

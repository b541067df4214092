package transport

import (
	"context"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// BatchCreateHouseholds implements the RPC.
func (s *Server) BatchCreateHouseholds(ctx context.Context, req *registryv1.BatchCreateHouseholdsRequest) (*registryv1.BatchCreateHouseholdsResponse, error) {
	items := make([]usecase.HouseholdItem, len(req.GetRequests()))
	for i, r := range req.GetRequests() {
		items[i] = usecase.HouseholdItem{Household: householdToDomain(r.GetHousehold()), NationalID: r.GetHousehold().GetNationalId(), RequestID: r.GetRequestId()}
	}
	return serve(ctx, func(p auth.Principal) ([]domain.Household, error) {
		return s.uc.BatchCreateHouseholds(ctx, p, items, req.GetRequestId())
	}, func(hs []domain.Household) *registryv1.BatchCreateHouseholdsResponse {
		return &registryv1.BatchCreateHouseholdsResponse{Households: each(hs, householdToProto)}
	})
}

// BatchCreateMemberships implements the RPC.
func (s *Server) BatchCreateMemberships(ctx context.Context, req *registryv1.BatchCreateMembershipsRequest) (*registryv1.BatchCreateMembershipsResponse, error) {
	items := make([]usecase.MembershipItem, len(req.GetRequests()))
	for i, r := range req.GetRequests() {
		items[i] = usecase.MembershipItem{Membership: membershipToDomain(r.GetMembership()), Parent: r.GetParent(), RequestID: r.GetRequestId()}
	}
	return serve(ctx, func(p auth.Principal) ([]domain.Membership, error) {
		return s.uc.BatchCreateMemberships(ctx, p, req.GetParent(), items, req.GetRequestId())
	}, func(ms []domain.Membership) *registryv1.BatchCreateMembershipsResponse {
		return &registryv1.BatchCreateMembershipsResponse{Memberships: each(ms, membershipToProto)}
	})
}

// ImportHouseholds implements the RPC.
func (s *Server) ImportHouseholds(ctx context.Context, req *registryv1.ImportHouseholdsRequest) (*registryv1.ImportHouseholdsResponse, error) {
	in := usecase.ImportInput{Parent: req.GetParent(), Format: protoenum.Input(req.GetFormat(), "IMPORT_FORMAT_"), Content: req.GetContent(), ValidateOnly: req.GetValidateOnly()}
	return serve(ctx, func(p auth.Principal) (*usecase.ImportReport, error) { return s.uc.ImportHouseholds(ctx, p, in) }, importReportToProto)
}

func importReportToProto(r *usecase.ImportReport) *registryv1.ImportHouseholdsResponse {
	out := &registryv1.ImportHouseholdsResponse{Rows: int32(r.Rows), HouseholdsCreated: int32(r.HouseholdsCreated), MembershipsCreated: int32(r.MembershipsCreated),
		Unchanged: int32(r.Unchanged), Households: r.Households}
	for _, e := range r.Errors {
		out.Errors = append(out.Errors, &registryv1.ImportRowError{Row: int32(e.Row), Column: e.Column, Rule: e.Rule, MessageVi: e.MessageVI, MessageEn: e.MessageEN})
	}
	return out
}

// GetHouseholdImportTemplate implements the RPC.
func (s *Server) GetHouseholdImportTemplate(ctx context.Context, req *registryv1.GetHouseholdImportTemplateRequest) (*registryv1.ImportTemplate, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.Template, error) {
		return s.uc.HouseholdImportTemplate(ctx, p, protoenum.Input(req.GetFormat(), "IMPORT_FORMAT_"))
	}, func(t *usecase.Template) *registryv1.ImportTemplate {
		return &registryv1.ImportTemplate{Filename: t.Filename, ContentType: t.ContentType, Content: t.Content}
	})
}

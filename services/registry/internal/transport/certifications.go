package transport

import (
	"context"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateCertification implements the RPC.
func (s *Server) CreateCertification(ctx context.Context, req *registryv1.CreateCertificationRequest) (*registryv1.CertificationRecord, error) {
	return serve(ctx, func(p auth.Principal) (*domain.CertificationRecord, error) {
		return s.uc.CreateCertification(ctx, p, req.GetParent(), certToDomain(req.GetCertification()), req.GetRequestId())
	}, certToProto)
}

// GetCertification implements the RPC.
func (s *Server) GetCertification(ctx context.Context, req *registryv1.GetCertificationRequest) (*registryv1.CertificationRecord, error) {
	return serve(ctx, func(p auth.Principal) (*domain.CertificationRecord, error) {
		return s.uc.GetCertification(ctx, p, req.GetName())
	}, certToProto)
}

// ListCertifications implements the RPC.
func (s *Server) ListCertifications(ctx context.Context, req *registryv1.ListCertificationsRequest) (*registryv1.ListCertificationsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.CertificationRecord], error) {
		return s.uc.ListCertifications(ctx, p, req.GetParent(), listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.CertificationRecord]) *registryv1.ListCertificationsResponse {
		return &registryv1.ListCertificationsResponse{Certifications: each(pg.Items, certToProto), NextPageToken: pg.Next}
	})
}

// ApproveCertification implements the RPC.
func (s *Server) ApproveCertification(ctx context.Context, req *registryv1.ApproveCertificationRequest) (*registryv1.CertificationRecord, error) {
	return serve(ctx, func(p auth.Principal) (*domain.CertificationRecord, error) {
		return s.uc.ApproveCertification(ctx, p, req.GetName(), req.GetEtag())
	}, certToProto)
}

// RejectCertification implements the RPC.
func (s *Server) RejectCertification(ctx context.Context, req *registryv1.RejectCertificationRequest) (*registryv1.CertificationRecord, error) {
	return serve(ctx, func(p auth.Principal) (*domain.CertificationRecord, error) {
		return s.uc.RejectCertification(ctx, p, req.GetName(), req.GetReason(), req.GetEtag())
	}, certToProto)
}

// RevokeCertification implements the RPC.
func (s *Server) RevokeCertification(ctx context.Context, req *registryv1.RevokeCertificationRequest) (*registryv1.CertificationRecord, error) {
	return serve(ctx, func(p auth.Principal) (*domain.CertificationRecord, error) {
		return s.uc.RevokeCertification(ctx, p, req.GetName(), req.GetReason(), req.GetEtag())
	}, certToProto)
}

func certToDomain(c *registryv1.CertificationRecord) *domain.CertificationRecord {
	if c == nil {
		return nil
	}
	return &domain.CertificationRecord{Standard: c.GetStandard(), Number: c.GetNumber(), Issuer: c.GetIssuer(), Products: c.GetProducts(),
		ValidFrom: c.GetValidFrom(), ValidUntil: c.GetValidUntil(), Plots: c.GetPlots()}
}

func certToProto(c *domain.CertificationRecord) *registryv1.CertificationRecord {
	out := &registryv1.CertificationRecord{
		Name: c.Name(), Standard: c.Standard, Number: c.Number, Issuer: c.Issuer, Products: c.Products, ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil,
		Plots: c.Plots, State: enumOf(registryv1.CertificationRecord_STATE_UNSPECIFIED, "STATE_", c.State), RequestedBy: c.RequestedBy, RecordedBy: c.RecordedBy,
		Reason: c.Reason, CreateTime: ts(c.CreateTime), Etag: aip.Etag(c.Version),
	}
	if c.RecordTime != nil {
		out.RecordTime = ts(*c.RecordTime)
	}
	return out
}

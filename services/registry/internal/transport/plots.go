package transport

import (
	"context"
	"encoding/json"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreatePlot implements the RPC.
func (s *Server) CreatePlot(ctx context.Context, req *registryv1.CreatePlotRequest) (*registryv1.Plot, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Plot, error) {
		return s.uc.CreatePlot(ctx, p, req.GetParent(), plotToDomain(req.GetPlot()), req.GetRequestId())
	}, plotToProto)
}

// GetPlot implements the RPC.
func (s *Server) GetPlot(ctx context.Context, req *registryv1.GetPlotRequest) (*registryv1.Plot, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Plot, error) { return s.uc.GetPlot(ctx, p, req.GetName()) }, plotToProto)
}

// ListPlots implements the RPC.
func (s *Server) ListPlots(ctx context.Context, req *registryv1.ListPlotsRequest) (*registryv1.ListPlotsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Plot], error) {
		return s.uc.ListPlots(ctx, p, req.GetParent(), listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[domain.Plot]) *registryv1.ListPlotsResponse {
		return &registryv1.ListPlotsResponse{Plots: each(pg.Items, plotToProto), NextPageToken: pg.Next}
	})
}

// DeletePlot implements the RPC.
func (s *Server) DeletePlot(ctx context.Context, req *registryv1.DeletePlotRequest) (*emptypb.Empty, error) {
	return empty(ctx, func(p auth.Principal) error { return s.uc.DeletePlot(ctx, p, req.GetName(), req.GetEtag()) })
}

func plotToDomain(p *registryv1.Plot) usecase.PlotInput {
	if p == nil {
		return usecase.PlotInput{}
	}
	var geometry []byte
	if g := p.GetGeometry(); g != nil {
		geometry, _ = protojson.Marshal(g) // a Struct always marshals
	}
	return usecase.PlotInput{
		Plot: &domain.Plot{DisplayName: p.GetDisplayName(), Products: p.GetProducts(), DeclaredAreaHa: p.GetDeclaredAreaHa(),
			CertificateType: protoenum.Input(p.GetLandUseCertificateType(), "LAND_USE_CERTIFICATE_TYPE_")},
		Geometry: geometry, CertificateNumber: p.GetLandUseCertificateNumber(),
	}
}

func plotToProto(pl *domain.Plot) *registryv1.Plot {
	var m map[string]any
	_ = json.Unmarshal([]byte(pl.Geometry), &m) // stored as checked GeoJSON
	g, _ := structpb.NewStruct(m)
	return &registryv1.Plot{
		Name: pl.Name(), DisplayName: pl.DisplayName, Products: pl.Products, Geometry: g, AreaHa: pl.AreaHa, DeclaredAreaHa: pl.DeclaredAreaHa,
		LandUseCertificateType:  enumOf(registryv1.Plot_LAND_USE_CERTIFICATE_TYPE_UNSPECIFIED, "LAND_USE_CERTIFICATE_TYPE_", pl.CertificateType),
		LandUseCertificateLast4: pl.CertificateLast4,
		CommuneCode:             pl.CommuneCode,
		CreateTime:              ts(pl.CreateTime),
		Etag:                    aip.Etag(pl.Version),
	}
}

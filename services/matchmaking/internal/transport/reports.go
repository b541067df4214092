package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// ReportDemands implements the RPC.
func (s *Server) ReportDemands(ctx context.Context, req *matchmakingv1.ReportDemandsRequest) (*matchmakingv1.DemandReport, error) {
	in := usecase.DemandReportRequest{Scope: req.GetScope(), StartMonth: req.GetStartMonth(), EndMonth: req.GetEndMonth(), Filter: req.GetFilter()}
	return serve(ctx, func(p auth.Principal) (*usecase.DemandReport, error) { return s.uc.ReportDemands(ctx, p, in) }, demandReportToProto)
}

func demandReportToProto(r *usecase.DemandReport) *matchmakingv1.DemandReport {
	return &matchmakingv1.DemandReport{Scope: r.Scope, StartMonth: r.Period.From, EndMonth: r.Period.To, Filter: r.Filter, ByProvince: r.ByProvince,
		Total: demandFiguresToProto(r.Total), ByArea: demandLinesToProto(r.ByArea), ByProduct: demandLinesToProto(r.ByProduct), ByMonth: demandLinesToProto(r.ByMonth),
		ComputeTime: timestamppb.New(r.ComputeTime)}
}

func demandLinesToProto(ls []domain.DemandLine) []*matchmakingv1.DemandReportLine {
	out := make([]*matchmakingv1.DemandReportLine, len(ls))
	for i, l := range ls {
		out[i] = &matchmakingv1.DemandReportLine{Key: l.Key, Figures: demandFiguresToProto(l.DemandFigures)}
	}
	return out
}

func demandFiguresToProto(f domain.DemandFigures) *matchmakingv1.DemandFigures {
	return &matchmakingv1.DemandFigures{Posted: f.Posted, Quantity: f.Quantity, AllocatedQuantity: f.Allocated, Open: f.Open, PartiallyAllocated: f.Partial,
		Filled: f.Filled, Closed: f.Closed, Cancelled: f.Cancelled}
}

// Package transport maps the lienket.support.v1 gRPC API onto the usecase layer (proto ⇄ domain
// and usecase types, one call per handler), and holds the clients of the registry and the
// contracts service behind the interfaces the usecase layer declares.
package transport

import (
	"context"

	"google.golang.org/grpc"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/usecase"
)

// Server implements supportv1.SupportServiceServer.
type Server struct {
	supportv1.UnimplementedSupportServiceServer
	uc *usecase.Service
}

// Register registers the support API on s.
func Register(s *grpc.Server, uc *usecase.Service) {
	supportv1.RegisterSupportServiceServer(s, &Server{uc: uc})
}

// run authenticates the call, runs op as the caller and converts its result.
func run[T, R any](ctx context.Context, op func(auth.Principal) (T, error), out func(T) R) (R, error) {
	var zero R
	p, err := auth.Require(ctx)
	if err != nil {
		return zero, err
	}
	v, err := op(p)
	if err != nil {
		return zero, err
	}
	return out(v), nil
}

// ListProgrammes implements the RPC.
func (s *Server) ListProgrammes(ctx context.Context, _ *supportv1.ListProgrammesRequest) (*supportv1.ListProgrammesResponse, error) {
	return run(ctx, func(p auth.Principal) ([]usecase.Programme, error) { return s.uc.ListProgrammes(ctx, p), nil },
		func(ps []usecase.Programme) *supportv1.ListProgrammesResponse {
			out := &supportv1.ListProgrammesResponse{}
			for _, p := range ps {
				out.Programmes = append(out.Programmes, programmeToProto(p))
			}
			return out
		})
}

// GetProgramme implements the RPC.
func (s *Server) GetProgramme(ctx context.Context, req *supportv1.GetProgrammeRequest) (*supportv1.Programme, error) {
	return run(ctx, func(p auth.Principal) (*usecase.Programme, error) { return s.uc.GetProgramme(ctx, p, req.GetName()) },
		func(p *usecase.Programme) *supportv1.Programme { return programmeToProto(*p) })
}

// GetProgrammeReport implements the RPC.
func (s *Server) GetProgrammeReport(ctx context.Context, req *supportv1.GetProgrammeReportRequest) (*supportv1.SupportReport, error) {
	return run(ctx, func(p auth.Principal) (*usecase.Report, error) { return s.uc.GetProgrammeReport(ctx, p, req.GetName()) }, reportToProto)
}

// GetCallReport implements the RPC.
func (s *Server) GetCallReport(ctx context.Context, req *supportv1.GetCallReportRequest) (*supportv1.SupportReport, error) {
	return run(ctx, func(p auth.Principal) (*usecase.Report, error) { return s.uc.GetCallReport(ctx, p, req.GetName()) }, reportToProto)
}

// CreateCall implements the RPC.
func (s *Server) CreateCall(ctx context.Context, req *supportv1.CreateCallRequest) (*supportv1.Call, error) {
	return run(ctx, func(p auth.Principal) (*domain.Call, error) {
		return s.uc.CreateCall(ctx, p, callInput(req.GetCall()), req.GetRequestId())
	}, callToProto)
}

// GetCall implements the RPC.
func (s *Server) GetCall(ctx context.Context, req *supportv1.GetCallRequest) (*supportv1.Call, error) {
	return run(ctx, func(p auth.Principal) (*domain.Call, error) { return s.uc.GetCall(ctx, p, req.GetName()) }, callToProto)
}

// ListCalls implements the RPC.
func (s *Server) ListCalls(ctx context.Context, req *supportv1.ListCallsRequest) (*supportv1.ListCallsResponse, error) {
	return run(ctx, func(p auth.Principal) (usecase.Page[domain.Call], error) {
		return s.uc.ListCalls(ctx, p, req.GetFilter(), req.GetPageSize(), req.GetPageToken())
	}, func(pg usecase.Page[domain.Call]) *supportv1.ListCallsResponse {
		out := &supportv1.ListCallsResponse{NextPageToken: pg.Next}
		for i := range pg.Items {
			out.Calls = append(out.Calls, callToProto(&pg.Items[i]))
		}
		return out
	})
}

// UpdateCall implements the RPC.
func (s *Server) UpdateCall(ctx context.Context, req *supportv1.UpdateCallRequest) (*supportv1.Call, error) {
	return run(ctx, func(p auth.Principal) (*domain.Call, error) {
		c := req.GetCall()
		return s.uc.UpdateCall(ctx, p, c.GetName(), c.GetEtag(), callInput(c), req.GetUpdateMask().GetPaths())
	}, callToProto)
}

// PublishCall implements the RPC.
func (s *Server) PublishCall(ctx context.Context, req *supportv1.PublishCallRequest) (*supportv1.Call, error) {
	return run(ctx, func(p auth.Principal) (*domain.Call, error) {
		return s.uc.PublishCall(ctx, p, req.GetName(), req.GetEtag(), req.GetRequestId())
	}, callToProto)
}

// CloseCall implements the RPC.
func (s *Server) CloseCall(ctx context.Context, req *supportv1.CloseCallRequest) (*supportv1.Call, error) {
	return run(ctx, func(p auth.Principal) (*domain.Call, error) {
		return s.uc.CloseCall(ctx, p, req.GetName(), req.GetReason(), req.GetRequestId())
	}, callToProto)
}

func eventsToProto(pg usecase.Page[domain.Event]) ([]*supportv1.AuditEvent, string) {
	out := make([]*supportv1.AuditEvent, len(pg.Items))
	for i, e := range pg.Items {
		out[i] = eventToProto(e)
	}
	return out, pg.Next
}

// ListCallEvents implements the RPC.
func (s *Server) ListCallEvents(ctx context.Context, req *supportv1.ListCallEventsRequest) (*supportv1.ListCallEventsResponse, error) {
	return run(ctx, func(p auth.Principal) (usecase.Page[domain.Event], error) {
		return s.uc.ListCallEvents(ctx, p, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	}, func(pg usecase.Page[domain.Event]) *supportv1.ListCallEventsResponse {
		evs, next := eventsToProto(pg)
		return &supportv1.ListCallEventsResponse{Events: evs, NextPageToken: next}
	})
}

// Package transport maps the lienket.webhooks.v1 gRPC API onto the usecase layer, and holds
// the service's clients: of the registry, of the event sources (EventSourceService), and of
// partners' endpoints (the HTTP sender with its address policy).
package transport

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// Server implements webhooksv1.WebhooksServiceServer over the operations.
type Server struct {
	webhooksv1.UnimplementedWebhooksServiceServer
	uc *usecase.Service
}

// Register registers the webhooks API, served by uc, on s.
func Register(s *grpc.Server, uc *usecase.Service) {
	webhooksv1.RegisterWebhooksServiceServer(s, &Server{uc: uc})
}

func reply[T, P any](v T, err error, to func(T) P) (P, error) {
	if err != nil {
		var zero P
		return zero, err
	}
	return to(v), nil
}

func fields(w *webhooksv1.Webhook) domain.Fields {
	return domain.Fields{URL: w.GetUrl(), EventTypes: w.GetEventTypes(), Description: w.GetDescription()}
}

// CreateWebhook implements the RPC.
func (s *Server) CreateWebhook(ctx context.Context, req *webhooksv1.CreateWebhookRequest) (*webhooksv1.CreateWebhookResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	w, secret, err := s.uc.CreateWebhook(ctx, p, req.GetParent(), req.GetRequestId(), fields(req.GetWebhook()))
	if err != nil {
		return nil, err
	}
	return &webhooksv1.CreateWebhookResponse{Webhook: toWebhook(w), Secret: secret}, nil
}

// GetWebhook implements the RPC.
func (s *Server) GetWebhook(ctx context.Context, req *webhooksv1.GetWebhookRequest) (*webhooksv1.Webhook, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.GetWebhook(ctx, p, req.GetName())
	return reply(v, err, toWebhook)
}

// ListWebhooks implements the RPC.
func (s *Server) ListWebhooks(ctx context.Context, req *webhooksv1.ListWebhooksRequest) (*webhooksv1.ListWebhooksResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListWebhooks(ctx, p, req.GetParent(), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	out := &webhooksv1.ListWebhooksResponse{NextPageToken: page.NextPageToken}
	for i := range page.Items {
		out.Webhooks = append(out.Webhooks, toWebhook(&page.Items[i]))
	}
	return out, nil
}

// UpdateWebhook implements the RPC.
func (s *Server) UpdateWebhook(ctx context.Context, req *webhooksv1.UpdateWebhookRequest) (*webhooksv1.Webhook, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	w := req.GetWebhook()
	u := usecase.Update{Name: w.GetName(), Etag: w.GetEtag(), Paths: req.GetUpdateMask().GetPaths(), Fields: fields(w)}
	v, err := s.uc.UpdateWebhook(ctx, p, u)
	return reply(v, err, toWebhook)
}

// DeleteWebhook implements the RPC.
func (s *Server) DeleteWebhook(ctx context.Context, req *webhooksv1.DeleteWebhookRequest) (*emptypb.Empty, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.uc.DeleteWebhook(ctx, p, req.GetName(), req.GetEtag()); err != nil {
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

// EnableWebhook implements the RPC.
func (s *Server) EnableWebhook(ctx context.Context, req *webhooksv1.EnableWebhookRequest) (*webhooksv1.Webhook, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.EnableWebhook(ctx, p, req.GetName(), req.GetEtag())
	return reply(v, err, toWebhook)
}

// DisableWebhook implements the RPC.
func (s *Server) DisableWebhook(ctx context.Context, req *webhooksv1.DisableWebhookRequest) (*webhooksv1.Webhook, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.DisableWebhook(ctx, p, req.GetName(), req.GetEtag())
	return reply(v, err, toWebhook)
}

// RotateWebhookSecret implements the RPC.
func (s *Server) RotateWebhookSecret(ctx context.Context, req *webhooksv1.RotateWebhookSecretRequest) (*webhooksv1.RotateWebhookSecretResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	w, secret, err := s.uc.RotateWebhookSecret(ctx, p, req.GetName(), req.GetEtag())
	if err != nil {
		return nil, err
	}
	return &webhooksv1.RotateWebhookSecretResponse{Webhook: toWebhook(w), Secret: secret}, nil
}

// TestWebhook implements the RPC.
func (s *Server) TestWebhook(ctx context.Context, req *webhooksv1.TestWebhookRequest) (*webhooksv1.WebhookDelivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.TestWebhook(ctx, p, req.GetName())
	return reply(v, err, toDelivery)
}

// ListWebhookDeliveries implements the RPC.
func (s *Server) ListWebhookDeliveries(ctx context.Context, req *webhooksv1.ListWebhookDeliveriesRequest) (*webhooksv1.ListWebhookDeliveriesResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListDeliveries(ctx, p, req.GetParent(), req.GetFilter(), req.GetPageSize(), req.GetPageToken())
	if err != nil {
		return nil, err
	}
	out := &webhooksv1.ListWebhookDeliveriesResponse{NextPageToken: page.NextPageToken}
	for i := range page.Items {
		out.Deliveries = append(out.Deliveries, toDelivery(&page.Items[i]))
	}
	return out, nil
}

// GetWebhookDelivery implements the RPC.
func (s *Server) GetWebhookDelivery(ctx context.Context, req *webhooksv1.GetWebhookDeliveryRequest) (*webhooksv1.WebhookDelivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.GetDelivery(ctx, p, req.GetName())
	return reply(v, err, toDelivery)
}

// ReplayWebhookDelivery implements the RPC.
func (s *Server) ReplayWebhookDelivery(ctx context.Context, req *webhooksv1.ReplayWebhookDeliveryRequest) (*webhooksv1.WebhookDelivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.ReplayDelivery(ctx, p, req.GetName())
	return reply(v, err, toDelivery)
}

// ReplayWebhookDeliveries implements the RPC.
func (s *Server) ReplayWebhookDeliveries(ctx context.Context, req *webhooksv1.ReplayWebhookDeliveriesRequest) (*webhooksv1.ReplayWebhookDeliveriesResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	r := usecase.Range{Webhook: req.GetName(), Start: timeOf(req.GetStartTime()), End: timeOf(req.GetEndTime())}
	n, resume, err := s.uc.ReplayDeliveries(ctx, p, r)
	if err != nil {
		return nil, err
	}
	out := &webhooksv1.ReplayWebhookDeliveriesResponse{ReplayedCount: int32(n)}
	if resume != nil {
		out.ResumeTime = timestamppb.New(*resume)
	}
	return out, nil
}

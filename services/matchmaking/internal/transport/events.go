package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// EventSource implements webhooksv1.EventSourceServiceServer: the proposals' partner events,
// for the webhooks service.
type EventSource struct {
	webhooksv1.UnimplementedEventSourceServiceServer
	uc *usecase.Service
}

// PullEvents implements the RPC.
func (s *EventSource) PullEvents(ctx context.Context, req *webhooksv1.PullEventsRequest) (*webhooksv1.PullEventsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	evs, err := s.uc.PullEvents(ctx, p, req.GetPageSize())
	if err != nil {
		return nil, err
	}
	out := &webhooksv1.PullEventsResponse{Records: make([]*webhooksv1.OutboxRecord, len(evs))}
	for i, e := range evs {
		out.Records[i] = &webhooksv1.OutboxRecord{Id: e.ID, Events: []*webhooksv1.Event{{Id: e.EventID, Type: e.Notice.Type, Time: timestamppb.New(e.Notice.Time),
			Subject: e.Proposal, Position: e.Notice.Seq, Organizations: e.Organizations, Data: e.Notice.Data}}}
	}
	return out, nil
}

// AckEvents implements the RPC.
func (s *EventSource) AckEvents(ctx context.Context, req *webhooksv1.AckEventsRequest) (*webhooksv1.AckEventsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.uc.AckEvents(ctx, p, req.GetIds()); err != nil {
		return nil, err
	}
	return &webhooksv1.AckEventsResponse{}, nil
}

package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// EventSource implements webhooksv1.EventSourceServiceServer: the contracts' partner events,
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
	recs, err := s.uc.PullEvents(ctx, p, req.GetPageSize())
	if err != nil {
		return nil, err
	}
	out := &webhooksv1.PullEventsResponse{Records: make([]*webhooksv1.OutboxRecord, len(recs))}
	for i, r := range recs {
		rec := &webhooksv1.OutboxRecord{Id: r.ID}
		for _, e := range r.Events {
			rec.Events = append(rec.Events, &webhooksv1.Event{Id: e.ID, Type: e.Type, Time: timestamppb.New(r.Time), Subject: r.Subject,
				Position: e.Position, Organizations: e.Organizations, Data: e.Data})
		}
		out.Records[i] = rec
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

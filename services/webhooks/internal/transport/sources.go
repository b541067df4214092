package transport

import (
	"context"

	"google.golang.org/grpc"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// Source is a service's EventSourceService as the dispatcher pulls it (usecase.Source).
type Source struct {
	name string
	c    webhooksv1.EventSourceServiceClient
}

// NewSource returns the event source called name, served over cc.
func NewSource(name string, cc grpc.ClientConnInterface) *Source {
	return &Source{name: name, c: webhooksv1.NewEventSourceServiceClient(cc)}
}

// Name implements usecase.Source.
func (s *Source) Name() string { return s.name }

// Pull implements usecase.Source.
func (s *Source) Pull(ctx context.Context, limit int) ([]usecase.Record, error) {
	res, err := s.c.PullEvents(ctx, &webhooksv1.PullEventsRequest{PageSize: int32(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]usecase.Record, len(res.GetRecords()))
	for i, r := range res.GetRecords() {
		out[i].ID = r.GetId()
		for _, e := range r.GetEvents() {
			out[i].Events = append(out[i].Events, domain.Event{ID: e.GetId(), Type: e.GetType(), Time: timeOf(e.GetTime()), Subject: e.GetSubject(),
				Position: e.GetPosition(), Organizations: e.GetOrganizations(), Data: e.GetData()})
		}
	}
	return out, nil
}

// Ack implements usecase.Source.
func (s *Source) Ack(ctx context.Context, ids []string) error {
	_, err := s.c.AckEvents(ctx, &webhooksv1.AckEventsRequest{Ids: ids})
	return err
}

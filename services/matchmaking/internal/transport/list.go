package transport

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// listAll returns every document matching filter (the driver's cursor fetches them in
// batches). More than max is refused — an allocation over a silently cut list would not be
// optimal — with FAILED_PRECONDITION saying what to narrow.
func listAll[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], filter bson.D, max int, what, narrow string) ([]T, error) {
	items, more, err := repo.List(ctx, filter, "", max)
	if err != nil {
		return nil, s.internal(ctx, "list "+what, err)
	}
	if more {
		return nil, apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("more than %d %s: %s", max, what, narrow), map[string]string{"limit": fmt.Sprint(max)})
	}
	return items, nil
}

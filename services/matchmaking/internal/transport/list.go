package transport

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// scanPage is how many documents listAll reads per query.
const scanPage = 500

// listAll returns every document matching filter, page by page (keyset on _id). More than max
// is refused — an allocation over a silently cut list would not be optimal — with
// FAILED_PRECONDITION saying what to narrow.
func listAll[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], filter bson.D, id func(*T) string, max int, what, narrow string) ([]T, error) {
	var out []T
	after := ""
	for {
		page, more, err := repo.List(ctx, filter, after, scanPage)
		if err != nil {
			return nil, s.internal(ctx, "list "+what, err)
		}
		out = append(out, page...)
		if len(out) > max {
			return nil, apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("more than %d %s: %s", max, what, narrow), map[string]string{"limit": fmt.Sprint(max)})
		}
		if !more || len(page) == 0 {
			return out, nil
		}
		after = id(&page[len(page)-1])
	}
}

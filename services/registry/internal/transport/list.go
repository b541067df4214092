package transport

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// page runs a keyset-paged List of repo: it validates page size and token (bound to the query
// digest of scope and filter), and returns the page and the next token.
func page[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], scope string, filter bson.D, size int32, token string, key func(*T) string) ([]T, string, error) {
	n, err := aip.PageSize(size)
	if err != nil {
		return nil, "", err
	}
	digest := aip.QueryDigest(scope)
	after, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return nil, "", err
	}
	items, more, err := repo.List(ctx, filter, after, n)
	if err != nil {
		return nil, "", s.internal(ctx, "list "+repo.C.Name(), err)
	}
	next := ""
	if more && len(items) > 0 {
		next = aip.EncodePageToken(key(&items[len(items)-1]), digest)
	}
	return items, next, nil
}

// conds turns parsed filter conditions into a Mongo filter with field renames.
func conds(cs []aip.Condition, fields map[string]string, enumPrefix map[string]string) bson.D {
	f := bson.D{}
	for _, c := range cs {
		v := c.Value
		if p, ok := enumPrefix[c.Field]; ok {
			v = enumName(v, p)
		}
		if c.Op == "!=" {
			f = append(f, bson.E{Key: fields[c.Field], Value: bson.D{{Key: "$ne", Value: v}}})
		} else {
			f = append(f, bson.E{Key: fields[c.Field], Value: v})
		}
	}
	return f
}

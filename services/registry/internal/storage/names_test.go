package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/registry/internal/domain"
)

// TestBackfillNameKeys: records written before names were indexed become searchable at the
// next start (Migrate); a second start has nothing to do.
func TestBackfillNameKeys(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	_, err := st.Households.repo.C.InsertOne(ctx, bson.D{{Key: "_id", Value: "h1"}, {Key: "head_name", Value: "Đặng Thị Hoa"}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	_, err = st.Orgs.repo.C.InsertOne(ctx, bson.D{{Key: "_id", Value: "o1"}, {Key: "display_name", Value: "Tổ hợp tác Đông Cuông"}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	hs, _, err := st.Households.List(ctx, []Cond{Prefix("name", domain.FoldName("thi hoa"))}, Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	os, _, err := st.Orgs.List(ctx, []Cond{Prefix("name", "dong cuong")}, Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, os, 1)
	_, err = st.Households.repo.C.InsertOne(ctx, bson.D{{Key: "_id", Value: "h2"}, {Key: "head_name", Value: "Lò Văn Sáng"}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	hs, _, err = st.Households.List(ctx, []Cond{Prefix("name", "sang")}, Page{Limit: 10})
	require.NoError(t, err)
	require.Empty(t, hs, "a second start has nothing to do (new records get their keys when written)")
}

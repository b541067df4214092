package storage

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/registry/internal/domain"
)

// TestBackfillNameKeys: records written before names were indexed become searchable at the
// next start; a second start has nothing to do.
func TestBackfillNameKeys(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	_, err := st.Households.repo.C.InsertOne(ctx, bson.D{{Key: "_id", Value: "h1"}, {Key: "head_name", Value: "Đặng Thị Hoa"}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	_, err = st.Orgs.repo.C.InsertOne(ctx, bson.D{{Key: "_id", Value: "o1"}, {Key: "display_name", Value: "Tổ hợp tác Đông Cuông"}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	n, err := st.BackfillNameKeys(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	hs, _, err := st.Households.List(ctx, []Cond{Prefix("name", domain.FoldName("thi hoa"))}, Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	os, _, err := st.Orgs.List(ctx, []Cond{Prefix("name", "dong cuong")}, Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, os, 1)
	n, err = st.BackfillNameKeys(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

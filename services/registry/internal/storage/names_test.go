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

// TestGetManyMatchesLikeTheStore: GetMany's conditions, evaluated in the service on documents
// read by _id, select what the same conditions select in the store — an array field (the name
// keys) is met by any of its elements.
func TestGetManyMatchesLikeTheStore(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	for id, h := range map[string]*domain.Household{
		"h1": {HeadName: "Nguyễn Văn A", CommuneCode: "c1", PovertyStatus: domain.PovertyPoor},
		"h2": {HeadName: "Trần Văn An", CommuneCode: "c1", PovertyStatus: domain.PovertyNearPoor},
		"h3": {HeadName: "Nguyễn Thị Ân", CommuneCode: "c2", PovertyStatus: domain.PovertyPoor},
	} {
		h.ID, h.NameKeys = id, domain.NameKeys(h.HeadName)
		_, _, err := st.Households.Insert(ctx, id, h)
		require.NoError(t, err)
	}
	for _, cs := range [][]Cond{
		{Prefix("name", "van a")}, {Prefix("name", "nguyen")}, {Prefix("name", "an")}, {Prefix("name", "thi an"), Eq("commune_code", "c2")},
		{Eq("commune_code", "c1"), Ne("poverty_status", domain.PovertyPoor)}, {In("poverty_status", []string{domain.PovertyNearPoor})},
	} {
		listed, _, err := st.Households.List(ctx, cs, Page{Limit: 10})
		require.NoError(t, err)
		got, err := st.Households.GetMany(ctx, []string{"h1", "h2", "h3"}, cs...)
		require.NoError(t, err)
		require.NotEmpty(t, got, cs)
		require.ElementsMatch(t, heads(listed), heads(got), cs)
	}
}

func heads(hs []domain.Household) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.HeadName
	}
	return out
}

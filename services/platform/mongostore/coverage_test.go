package mongostore_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

func raw(t *testing.T, d bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(d)
	require.NoError(t, err)
	return b
}

func find(coll string, filter bson.D, sort bson.D) bson.D {
	cmd := bson.D{{Key: "find", Value: coll}, {Key: "filter", Value: filter}}
	if sort != nil {
		cmd = append(cmd, bson.E{Key: "sort", Value: sort})
	}
	return cmd
}

var byID = bson.D{{Key: "_id", Value: 1}}

// TestCheck: which queries the declared indexes serve by the equality–sort–range rule, and
// what a failure says.
func TestCheck(t *testing.T) {
	ix := mongostore.Index
	declared := []mongostore.Collection{
		{Name: "households", Indexes: []mongo.IndexModel{ix("commune_code", "_id"), ix("poverty_status")}},
		{Name: "offers", Indexes: []mongo.IndexModel{ix("product", "state", "harvest_months", "_id")}},
		{Name: "products", Bounded: true},
		{Name: "streams", Indexes: []mongo.IndexModel{ix("due_time", "lease_until")}},
	}
	for _, tc := range []struct {
		name string
		cmd  bson.D
		need string // "" when served
	}{
		{"a scope, sorted by _id", find("households", bson.D{{Key: "commune_code", Value: "04477"}}, byID), ""},
		{"a scope and a keyset cursor", find("households", bson.D{{Key: "commune_code", Value: "04477"}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: "k"}}}}, byID), ""},
		{"a scope with a residual condition", find("households", bson.D{{Key: "commune_code", Value: "04477"}, {Key: "village", Value: "Thôn 1"}}, byID), ""},
		{"a scope whose index lacks the sort", find("households", bson.D{{Key: "poverty_status", Value: "POOR"}}, byID), "(poverty_status, _id)"},
		{"the same, unsorted", find("households", bson.D{{Key: "poverty_status", Value: "POOR"}}, nil), ""},
		{"no scope: a page in _id order", find("households", bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: "k"}}}}, byID), ""},
		{"no scope, a condition on every document", find("households", bson.D{{Key: "village", Value: bson.D{{Key: "$ne", Value: "x"}}}}, byID), "(_id, village)"},
		{"no scope, sorted, a range the index holds after the sort", find("streams", bson.D{{Key: "due_time", Value: bson.D{{Key: "$lte", Value: 5}}}, {Key: "lease_until", Value: bson.D{{Key: "$lt", Value: 5}}}}, bson.D{{Key: "due_time", Value: 1}}), ""},
		{"the same on an index without it", find("streams", bson.D{{Key: "due_time", Value: bson.D{{Key: "$lte", Value: 5}}}, {Key: "owner", Value: bson.D{{Key: "$ne", Value: "x"}}}}, bson.D{{Key: "due_time", Value: 1}}), "(due_time, owner)"},
		{"an unindexed equality", find("households", bson.D{{Key: "national_id_hash", Value: "h"}}, nil), "(national_id_hash)"},
		{"by _id", find("households", bson.D{{Key: "_id", Value: "h1"}}, nil), ""},
		{"$in is an equality", find("households", bson.D{{Key: "commune_code", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}}}}, byID), ""},
		{"every branch of an $or", find("households", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "commune_code", Value: "a"}}, bson.D{{Key: "province_code", Value: "15"}}}}}, byID), "(province_code, _id)"},
		{"an $and is one conjunction", find("households", bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "commune_code", Value: "a"}}, bson.D{{Key: "poverty_status", Value: "POOR"}}}}}, byID), ""},
		{"equalities, then the sort", find("offers", bson.D{{Key: "product", Value: "p"}, {Key: "state", Value: "OPEN"}, {Key: "harvest_months", Value: "2026-06"}}, byID), ""},
		{"an equality prefix with the sort out of place", find("offers", bson.D{{Key: "product", Value: "p"}}, byID), "(product, _id)"},
		{"a bounded collection", find("products", bson.D{{Key: "category", Value: "CROP"}}, byID), ""},
		{"an undeclared collection", find("nope", bson.D{}, nil), "not declared"},
		{"count", bson.D{{Key: "count", Value: "households"}, {Key: "query", Value: bson.D{{Key: "poverty_status", Value: "POOR"}}}}, ""},
		{"aggregate: the leading $match and $sort", bson.D{{Key: "aggregate", Value: "households"}, {Key: "pipeline", Value: bson.A{
			bson.D{{Key: "$match", Value: bson.D{{Key: "commune_code", Value: "a"}}}}, bson.D{{Key: "$sort", Value: byID}}, bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: 1}}}}}}}, ""},
		{"aggregate over a scan", bson.D{{Key: "aggregate", Value: "households"}, {Key: "pipeline", Value: bson.A{
			bson.D{{Key: "$match", Value: bson.D{{Key: "province_code", Value: "15"}}}}, bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: 1}}}}}}}, "(province_code)"},
		{"a conditional update by _id", bson.D{{Key: "update", Value: "households"}, {Key: "updates", Value: bson.A{bson.D{{Key: "q", Value: bson.D{{Key: "_id", Value: "h"}, {Key: "version", Value: 3}}}, {Key: "u", Value: bson.D{}}}}}}, ""},
		{"a delete by an unindexed field", bson.D{{Key: "delete", Value: "households"}, {Key: "deletes", Value: bson.A{bson.D{{Key: "q", Value: bson.D{{Key: "phone", Value: "0912"}}}, {Key: "limit", Value: 1}}}}}, "(phone)"},
		{"an insert reads nothing", bson.D{{Key: "insert", Value: "households"}, {Key: "documents", Value: bson.A{bson.D{{Key: "_id", Value: "h"}}}}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mongostore.Check(declared, []bson.Raw{raw(t, tc.cmd)})
			if tc.need == "" {
				require.Empty(t, got)
				return
			}
			require.Len(t, got, 1, "%v", got)
			require.Contains(t, got[0].String(), tc.need)
			require.NotContains(t, got[0].String(), "04477", "values are not shown")
		})
	}
}

// TestCommandsRecorded: what a client sends is recorded and checked: a list by an unindexed
// field is reported, naming the query; with the index declared it is not.
func TestCommandsRecorded(t *testing.T) {
	ctx := context.Background()
	cmds := &testkit.Commands{}
	c := testkit.Database(t, cmds.Option()).Collection("things")
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "kind", Value: "x"}})
	require.NoError(t, err)
	cur, err := c.Find(ctx, bson.D{{Key: "kind", Value: "x"}}, options.Find().SetSort(byID).SetLimit(51))
	require.NoError(t, err)
	require.NoError(t, cur.All(ctx, &[]bson.M{}))
	got := mongostore.Check([]mongostore.Collection{{Name: "things"}}, cmds.All())
	require.Len(t, got, 1)
	require.True(t, strings.HasPrefix(got[0].String(), "find on things {kind: string} sort [_id]"), got[0].String())
	require.Contains(t, got[0].String(), "(kind, _id)")
	require.Empty(t, mongostore.Check([]mongostore.Collection{{Name: "things", Indexes: []mongo.IndexModel{mongostore.Index("kind", "_id")}}}, cmds.All()))
}

// TestBackfill: a migration sets fields on every document once (pages in _id order), skips a
// document changed meanwhile (its version moved on), and is not run again.
func TestBackfill(t *testing.T) {
	ctx := context.Background()
	db := testkit.PostgresDatabase(t) // its writes are quicker than SQLite's
	c := db.Collection("things")
	var docs []any
	for i := range 1200 { // more than one page
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("%04d", i)}, {Key: "version", Value: int64(1)}})
	}
	_, err := c.InsertMany(ctx, docs)
	require.NoError(t, err)
	runs := 0
	fn := func(d bson.Raw) (bson.D, error) {
		runs++
		if d.Lookup("_id").StringValue() == "0007" { // a writer got there first
			_, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "0007"}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
			require.NoError(t, err)
		}
		return bson.D{{Key: "migrated", Value: true}}, nil
	}
	require.NoError(t, mongostore.Backfill(ctx, db, "things-1", "things", fn))
	require.Equal(t, 1200, runs)
	n, err := c.CountDocuments(ctx, bson.D{{Key: "migrated", Value: true}})
	require.NoError(t, err)
	require.EqualValues(t, 1199, n, "every document but the one changed meanwhile")
	require.NoError(t, mongostore.Backfill(ctx, db, "things-1", "things", fn))
	require.Equal(t, 1200, runs, "done once")
}

// TestWarnSlowReads: a read past the threshold is logged, as unscoped when no declared index
// serves it by an equality, as a slow scope otherwise; values are not logged.
func TestWarnSlowReads(t *testing.T) {
	ctx := context.Background()
	var buf strings.Builder
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &buf}, nil))
	declared := []mongostore.Collection{{Name: "things", Indexes: []mongo.IndexModel{mongostore.Index("kind", "_id")}}}
	c := testkit.Database(t, mongostore.WarnSlowReads(log, declared, 0)).Collection("things")
	_, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "kind", Value: "secret-value"}})
	require.NoError(t, err)
	for _, f := range []bson.D{{{Key: "kind", Value: "secret-value"}}, {}} {
		cur, err := c.Find(ctx, f, options.Find().SetSort(byID).SetLimit(51))
		require.NoError(t, err)
		require.NoError(t, cur.All(ctx, &[]bson.M{}))
	}
	out := buf.String()
	require.Contains(t, out, `msg="slow store read: its scope holds more documents`)
	require.Contains(t, out, `filter="{kind: string}"`)
	require.Contains(t, out, `msg="unscoped store read past 0s`)
	require.NotContains(t, out, "secret-value")
	require.NotContains(t, out, "insert", "writes are not reads")
}

type syncWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// TestCheckHinted: a query that names its index needs it declared, holding every equality of
// the query before the sort — an index that would merely bound it (by the product alone) is
// not enough.
func TestCheckHinted(t *testing.T) {
	ix := mongostore.Index
	cmd := append(find("offers", bson.D{{Key: "product", Value: "p"}, {Key: "state", Value: "OPEN"}, {Key: "harvest_months", Value: "2026-06"}}, byID),
		bson.E{Key: "hint", Value: bson.D{{Key: "product", Value: 1}, {Key: "state", Value: 1}, {Key: "harvest_months", Value: 1}, {Key: "_id", Value: 1}}})
	full := []mongostore.Collection{{Name: "offers", Indexes: []mongo.IndexModel{ix("product", "_id"), ix("product", "state", "harvest_months", "_id")}}}
	require.Empty(t, mongostore.Check(full, []bson.Raw{raw(t, cmd)}))
	partial := []mongostore.Collection{{Name: "offers", Indexes: []mongo.IndexModel{ix("product", "_id")}}}
	got := mongostore.Check(partial, []bson.Raw{raw(t, cmd)})
	require.Len(t, got, 1)
	require.Contains(t, got[0].String(), "which is not declared")
	short := append(find("offers", bson.D{{Key: "product", Value: "p"}, {Key: "state", Value: "OPEN"}}, byID), bson.E{Key: "hint", Value: bson.D{{Key: "product", Value: 1}, {Key: "_id", Value: 1}}})
	got = mongostore.Check(full, []bson.Raw{raw(t, short)})
	require.Len(t, got, 1)
	require.Contains(t, got[0].String(), "does not hold every equality")
}

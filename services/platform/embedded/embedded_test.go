package embedded

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestStoreSurvivesRestartAndEnforcesUniqueness checks the properties the services rely on:
// data persists across restarts, a unique index rejects duplicates, _id collides on retry, and
// a conditional single-document update is atomic (only the matching version wins).
func TestStoreSurvivesRestartAndEnforcesUniqueness(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Start(ctx, dir, "127.0.0.1:0", nil)
	require.NoError(t, err)
	c, err := mongo.Connect(options.Client().ApplyURI(s.URI()))
	require.NoError(t, err)
	coll := c.Database("lk").Collection("things")
	_, err = coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetUnique(true)})
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.M{"_id": "a", "code": "x", "version": 1})
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.M{"_id": "b", "code": "x"})
	require.True(t, mongo.IsDuplicateKeyError(err), "unique index: %v", err)
	_, err = coll.InsertOne(ctx, bson.M{"_id": "a", "code": "y"})
	require.True(t, mongo.IsDuplicateKeyError(err), "_id: %v", err)

	res, err := coll.UpdateOne(ctx, bson.M{"_id": "a", "version": 1}, bson.M{"$set": bson.M{"state": "S1"}, "$inc": bson.M{"version": 1}})
	require.NoError(t, err)
	require.EqualValues(t, 1, res.MatchedCount)
	res, err = coll.UpdateOne(ctx, bson.M{"_id": "a", "version": 1}, bson.M{"$set": bson.M{"state": "S2"}, "$inc": bson.M{"version": 1}})
	require.NoError(t, err)
	require.EqualValues(t, 0, res.MatchedCount, "stale version must not match")
	require.NoError(t, c.Disconnect(ctx))
	s.Stop()

	s2, err := Start(ctx, dir, "127.0.0.1:0", nil)
	require.NoError(t, err)
	defer s2.Stop()
	c2, err := mongo.Connect(options.Client().ApplyURI(s2.URI()))
	require.NoError(t, err)
	defer c2.Disconnect(ctx)
	var got bson.M
	require.NoError(t, c2.Database("lk").Collection("things").FindOne(ctx, bson.M{"_id": "a"}).Decode(&got))
	require.Equal(t, "S1", got["state"])
}

// TestPostgreSQLHandler: the store over a private PostgreSQL cluster behaves as the services
// need (persistence across restarts of both, unique indexes, conditional updates), and an
// equality filter on an indexed field is pushed down to PostgreSQL.
func TestPostgreSQLHandler(t *testing.T) {
	ctx := context.Background()
	pgDir := t.TempDir()
	pg, err := StartPostgres(ctx, pgDir, PostgresOptions{}, nil)
	require.NoError(t, err, "PostgreSQL is needed by the tests: run `make postgres`")
	defer pg.Stop()
	s, err := StartWith(ctx, Options{Addr: "127.0.0.1:0", PostgreSQLURL: pg.URL()})
	require.NoError(t, err)
	c, err := mongo.Connect(options.Client().ApplyURI(s.URI()))
	require.NoError(t, err)
	coll := c.Database("lk").Collection("things")
	_, err = coll.Indexes().CreateOne(ctx, mongo.IndexModel{Keys: bson.D{{Key: "code", Value: 1}}, Options: options.Index().SetUnique(true)})
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.M{"_id": "a", "code": "x", "version": 1})
	require.NoError(t, err)
	_, err = coll.InsertOne(ctx, bson.M{"_id": "b", "code": "x"})
	require.True(t, mongo.IsDuplicateKeyError(err), "unique index: %v", err)
	res, err := coll.UpdateOne(ctx, bson.M{"_id": "a", "version": 1}, bson.M{"$set": bson.M{"state": "S1"}, "$inc": bson.M{"version": 1}})
	require.NoError(t, err)
	require.EqualValues(t, 1, res.MatchedCount)
	res, err = coll.UpdateOne(ctx, bson.M{"_id": "a", "version": 1}, bson.M{"$set": bson.M{"state": "S2"}})
	require.NoError(t, err)
	require.EqualValues(t, 0, res.MatchedCount, "stale version must not match")

	var explain bson.M
	require.NoError(t, c.Database("lk").RunCommand(ctx, bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: "things"}, {Key: "filter", Value: bson.D{{Key: "code", Value: "x"}}}}}}).Decode(&explain))
	require.Equal(t, true, explain["filterPushdown"], "equality on an indexed field is pushed down: %v", explain)
	// ... and PostgreSQL answers it from an index (equalityIndexes), for _id too, rather than by
	// scanning the table.
	requireIndexScans(t, c)
	// A cluster whose indexes were made before (without equality indexes) gets them at start.
	pc, err := pgx.Connect(ctx, pg.URL())
	require.NoError(t, err)
	_, err = pc.Exec(ctx, `DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT schemaname, indexname FROM pg_indexes WHERE indexname LIKE 'lk_eq_%' LOOP
			EXECUTE format('DROP INDEX %I.%I', r.schemaname, r.indexname);
		END LOOP; END $$`)
	require.NoError(t, err)
	require.NoError(t, pc.Close(ctx))
	require.NoError(t, c.Disconnect(ctx))
	s.Stop()
	pg.Stop()

	pg, err = StartPostgres(ctx, pgDir, PostgresOptions{}, nil)
	require.NoError(t, err)
	defer pg.Stop()
	s, err = StartWith(ctx, Options{Addr: "127.0.0.1:0", PostgreSQLURL: pg.URL()})
	require.NoError(t, err)
	defer s.Stop()
	c, err = mongo.Connect(options.Client().ApplyURI(s.URI()))
	require.NoError(t, err)
	defer c.Disconnect(ctx)
	var got bson.M
	require.NoError(t, c.Database("lk").Collection("things").FindOne(ctx, bson.M{"_id": "a"}).Decode(&got))
	require.Equal(t, "S1", got["state"], "data survives a restart of the cluster")
	pc, err = pgx.Connect(ctx, pg.URL())
	require.NoError(t, err)
	defer pc.Close(ctx)
	var n int
	require.NoError(t, pc.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'lk' AND tablename LIKE 'things%' AND indexdef LIKE '%USING gin%'`).Scan(&n))
	require.Equal(t, 2, n, "the start made the equality indexes of _id and code again")
}

// requireIndexScans: equalities on the indexed field "code" and on _id of lk.things are
// answered from an index.
func requireIndexScans(t *testing.T, c *mongo.Client) {
	t.Helper()
	for _, f := range []bson.D{{{Key: "code", Value: "x"}}, {{Key: "_id", Value: "a"}}} {
		var plan bson.M
		require.NoError(t, c.Database("lk").RunCommand(context.Background(), bson.D{{Key: "explain", Value: bson.D{{Key: "find", Value: "things"}, {Key: "filter", Value: f}}}}).Decode(&plan))
		require.Contains(t, fmt.Sprint(plan["queryPlanner"]), "Index Scan", "%v: %v", f, plan["queryPlanner"])
	}
}

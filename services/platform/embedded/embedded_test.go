package embedded

import (
	"context"
	"testing"

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

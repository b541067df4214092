package mongostore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

type thing struct {
	ID      string `bson:"_id"`
	Kind    string `bson:"kind"`
	Version int64  `bson:"version"`
}

func TestRepo(t *testing.T) {
	ctx := context.Background()
	r := mongostore.NewRepo[thing](testkit.Database(t), "things")

	got, created, err := r.Insert(ctx, "a", &thing{ID: "a", Kind: "x", Version: 1})
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, "x", got.Kind, "a create returns the stored document")
	got, created, err = r.Insert(ctx, "a", &thing{ID: "a", Kind: "DIFFERENT", Version: 1})
	require.NoError(t, err)
	require.False(t, created, "retry returns the first result")
	require.Equal(t, "x", got.Kind)

	for i := 0; i < 7; i++ {
		_, _, err := r.Insert(ctx, fmt.Sprintf("b%d", i), &thing{ID: fmt.Sprintf("b%d", i), Kind: "y", Version: 1})
		require.NoError(t, err)
	}
	var seen []string
	after := ""
	for pages := 0; ; pages++ {
		page, more, err := r.List(ctx, bson.D{{Key: "kind", Value: "y"}}, after, 3)
		require.NoError(t, err)
		for _, p := range page {
			seen = append(seen, p.ID)
		}
		if !more {
			require.Equal(t, 2, pages)
			break
		}
		after = page[len(page)-1].ID
	}
	require.Equal(t, []string{"b0", "b1", "b2", "b3", "b4", "b5", "b6"}, seen)

	ok, err := r.Replace(ctx, "a", 1, &thing{ID: "a", Kind: "z", Version: 2})
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = r.Replace(ctx, "a", 1, &thing{ID: "a", Kind: "stale", Version: 2})
	require.NoError(t, err)
	require.False(t, ok, "stale version loses")
	ok, err = r.UpdateIf(ctx, "a", bson.D{{Key: "kind", Value: "z"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "kind", Value: "w"}}}})
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = r.Delete(ctx, "a", 1)
	require.NoError(t, err)
	require.False(t, ok)
	ok, err = r.Delete(ctx, "a", 2)
	require.NoError(t, err)
	require.True(t, ok)
	missing, err := r.Get(ctx, "a")
	require.NoError(t, err)
	require.Nil(t, missing)
}

// TestConcurrentWritesLoseNothing: replaces that append items race with $set updates of
// another field. FerretDB v1 applies an update by reading the document and writing it back
// whole, so without per-document serialisation an update could write back a stale copy and
// erase an append (this is how a race test of contract signatures lost signatures).
func TestConcurrentWritesLoseNothing(t *testing.T) {
	ctx := context.Background()
	r := mongostore.NewRepo[bag](testkit.Database(t), "bags")
	_, _, err := r.Insert(ctx, "x", &bag{ID: "x", Version: 1})
	require.NoError(t, err)
	var wg sync.WaitGroup
	appended := atomic.Int32{}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 15; n++ {
				for {
					cur, err := r.Get(ctx, "x")
					require.NoError(t, err)
					prev := cur.Version
					cur.Items = append(cur.Items, fmt.Sprintf("%d-%d", i, n))
					cur.Version++
					ok, err := r.Replace(ctx, "x", prev, cur)
					require.NoError(t, err)
					if ok {
						appended.Add(1)
						break
					}
				}
			}
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 30; n++ {
				cur, err := r.Get(ctx, "x")
				require.NoError(t, err)
				_, err = r.UpdateIf(ctx, "x", bson.D{{Key: "version", Value: cur.Version}}, bson.D{{Key: "$set", Value: bson.D{{Key: "touched", Value: n}}}})
				require.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	final, err := r.Get(ctx, "x")
	require.NoError(t, err)
	require.Len(t, final.Items, int(appended.Load()), "no append lost")
}

type bag struct {
	ID      string   `bson:"_id"`
	Items   []string `bson:"items"`
	Touched int      `bson:"touched"`
	Version int64    `bson:"version"`
}

// TestConcurrentConditionalReplace: 50 writers race to replace version 1; exactly one wins.
// (Without the per-document serialisation, FerretDB v1 let several win and lost updates.)
func TestConcurrentConditionalReplace(t *testing.T) {
	ctx := context.Background()
	r := mongostore.NewRepo[thing](testkit.Database(t), "race")
	_, _, err := r.Insert(ctx, "x", &thing{ID: "x", Kind: "start", Version: 1})
	require.NoError(t, err)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := r.Replace(ctx, "x", 1, &thing{ID: "x", Kind: fmt.Sprint(i), Version: 2})
			if err == nil && ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())
}

// TestEnsureIndexesIsRepeatable: a restart creates the same indexes again, over existing data,
// from another client (another replica) too.
func TestEnsureIndexesIsRepeatable(t *testing.T) {
	ctx := context.Background()
	db := testkit.Database(t)
	models := []mongo.IndexModel{{Keys: bson.D{{Key: "a", Value: 1}}}, {Keys: bson.D{{Key: "b", Value: 1}, {Key: "c", Value: 1}}}, {Keys: bson.D{{Key: "d", Value: 1}}}}
	require.NoError(t, mongostore.EnsureIndexes(ctx, db.Collection("idx"), models...))
	_, err := db.Collection("idx").InsertOne(ctx, bson.D{{Key: "_id", Value: "x"}, {Key: "a", Value: 1}})
	require.NoError(t, err)
	require.NoError(t, mongostore.EnsureIndexes(ctx, db.Collection("idx"), models...))
	other := testkit.Database(t)
	require.NoError(t, mongostore.EnsureIndexes(ctx, other.Client().Database(db.Name()).Collection("idx"), models...))
}

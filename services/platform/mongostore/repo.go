package mongostore

import (
	"context"
	"errors"
	"hash/maphash"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Repo is a typed collection of documents keyed by a string _id and versioned by a "version"
// field for optimistic concurrency. It covers what every Lienket resource needs: idempotent
// insert, get, keyset-paged list, conditional replace and delete, all single-document atomic
// operations that behave the same on MongoDB and on the embedded store.
type Repo[T any] struct {
	C *mongo.Collection
}

// FerretDB v1 (the embedded store) applies an update operator by reading the document and
// writing it back whole, without locking against other writers, so an update racing with a
// replace can write back a stale copy and erase the replace (a 42-signer race test lost
// signatures; TestConcurrentWritesLoseNothing reproduces it without this lock). MongoDB applies a single-document update atomically. To keep one code path
// correct on both, every conditional write of this package is also serialised per document
// inside the process (striped locks, held only for the one write): within a process that
// closes the embedded store's gap, and across replicas against MongoDB the conditional update
// alone is atomic. Each collection is written by one service only.
var (
	stripes [256]sync.Mutex
	seed    = maphash.MakeSeed()
)

func (r Repo[T]) lock(id string) func() {
	m := &stripes[maphash.String(seed, r.C.Name()+"\x00"+id)%uint64(len(stripes))]
	m.Lock()
	return m.Unlock
}

// NewRepo returns a repo over collection name of db.
func NewRepo[T any](db *mongo.Database, name string) Repo[T] {
	return Repo[T]{C: db.Collection(name)}
}

// Insert stores doc. If a document with the same _id exists (an idempotent retry), it returns
// that document and created=false.
func (r Repo[T]) Insert(ctx context.Context, id string, doc *T) (stored *T, created bool, err error) {
	_, err = r.C.InsertOne(ctx, doc)
	if err == nil {
		return doc, true, nil
	}
	if !IsDuplicateKey(err) {
		return nil, false, err
	}
	existing, gerr := r.Get(ctx, id)
	if gerr != nil {
		return nil, false, gerr
	}
	if existing == nil {
		return nil, false, err // duplicate on another unique index
	}
	return existing, false, nil
}

// Get returns the document with id, or nil when there is none.
func (r Repo[T]) Get(ctx context.Context, id string) (*T, error) {
	return r.FindOne(ctx, bson.D{{Key: "_id", Value: id}})
}

// FindOne returns the first document matching filter, or nil.
func (r Repo[T]) FindOne(ctx context.Context, filter bson.D) (*T, error) {
	var out T
	err := r.C.FindOne(ctx, filter).Decode(&out)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// List returns up to limit documents matching filter with _id > after, in _id order, and
// whether more follow.
func (r Repo[T]) List(ctx context.Context, filter bson.D, after string, limit int) ([]T, bool, error) {
	return r.ListHinted(ctx, filter, nil, after, limit)
}

// ListHinted is List through the index index (its model, as declared): for a query that is
// cheap only on that index (MongoDB then uses no other; the index coverage test checks that it
// is declared and holds every equality of the query; the embedded store ignores hints).
func (r Repo[T]) ListHinted(ctx context.Context, filter bson.D, index *mongo.IndexModel, after string, limit int) ([]T, bool, error) {
	f := append(bson.D{}, filter...)
	if after != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	o := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit + 1))
	if index != nil {
		o.SetHint(index.Keys)
	}
	cur, err := r.C.Find(ctx, f, o)
	if err != nil {
		return nil, false, err
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Replace replaces the document id whose version is version with doc (whose version the caller
// has already incremented). It reports false when the document is missing or its version moved
// on: the caller re-reads to tell NOT_FOUND from ABORTED.
func (r Repo[T]) Replace(ctx context.Context, id string, version int64, doc *T) (bool, error) {
	defer r.lock(id)()
	res, err := r.C.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}, doc)
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// UpdateIf applies update to the document id when it also matches cond; it reports whether a
// document matched. This is the primitive behind every state transition: one atomic
// conditional single-document update, so concurrent callers can never both win.
func (r Repo[T]) UpdateIf(ctx context.Context, id string, cond bson.D, update bson.D) (bool, error) {
	defer r.lock(id)()
	f := append(bson.D{{Key: "_id", Value: id}}, cond...)
	res, err := r.C.UpdateOne(ctx, f, update)
	if err != nil {
		return false, err
	}
	return res.MatchedCount == 1, nil
}

// Delete removes the document id; version 0 means unconditionally. It reports whether a
// document was removed.
func (r Repo[T]) Delete(ctx context.Context, id string, version int64) (bool, error) {
	defer r.lock(id)()
	f := bson.D{{Key: "_id", Value: id}}
	if version != 0 {
		f = append(f, bson.E{Key: "version", Value: version})
	}
	res, err := r.C.DeleteOne(ctx, f)
	if err != nil {
		return false, err
	}
	return res.DeletedCount == 1, nil
}

// Upsert writes doc under id unconditionally (reference data loads).
func (r Repo[T]) Upsert(ctx context.Context, id string, doc *T) error {
	defer r.lock(id)()
	_, err := r.C.ReplaceOne(ctx, bson.D{{Key: "_id", Value: id}}, doc, options.Replace().SetUpsert(true))
	return err
}

// UpsertWith applies update (operators such as $set, $inc, $min, $setOnInsert) to the document
// id, inserting it when there is none. Two concurrent first calls may race on the insert: the
// loser's duplicate-key error is retried once as a plain update.
func (r Repo[T]) UpsertWith(ctx context.Context, id string, update bson.D) error {
	defer r.lock(id)()
	f := bson.D{{Key: "_id", Value: id}}
	_, err := r.C.UpdateOne(ctx, f, update, options.UpdateOne().SetUpsert(true))
	if IsDuplicateKey(err) {
		_, err = r.C.UpdateOne(ctx, f, update)
	}
	return err
}

// DeleteIf removes the document id when it also matches cond; it reports whether it did.
func (r Repo[T]) DeleteIf(ctx context.Context, id string, cond bson.D) (bool, error) {
	defer r.lock(id)()
	res, err := r.C.DeleteOne(ctx, append(bson.D{{Key: "_id", Value: id}}, cond...))
	if err != nil {
		return false, err
	}
	return res.DeletedCount == 1, nil
}

package mongostore

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// MigrationsCollection records the one-time migrations (Backfill) that have run in a database.
const MigrationsCollection = "migrations"

// MigrationsDeclaration declares the migrations collection (read and written by _id only).
var MigrationsDeclaration = Collection{Name: MigrationsCollection}

// backfillPage is how many documents a backfill reads at a time.
const backfillPage = 500

// Backfill runs the one-time migration name over every document of collection coll: fn gets
// each stored document and returns what to do with it — fields to $set (nil: nothing) — and
// may do other idempotent writes of its own (a claim). Documents are read a page at a time in
// _id order (an index-bound scan, whatever the collection's size); a document carrying a
// version is updated only if it is still at that version (one a service changed meanwhile was
// written by code that sets the fields itself). The migration is recorded when it completes,
// so later starts skip it; one interrupted runs again from the start.
func Backfill(ctx context.Context, db *mongo.Database, name, coll string, fn func(bson.Raw) (bson.D, error)) error {
	done := db.Collection(MigrationsCollection)
	err := done.FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Err()
	if err == nil {
		return nil
	}
	if !errors.Is(err, mongo.ErrNoDocuments) {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	c := db.Collection(coll)
	after := ""
	for {
		f := bson.D{}
		if after != "" {
			f = bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}}
		}
		cur, err := c.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(backfillPage))
		if err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		var docs []bson.Raw
		if err := cur.All(ctx, &docs); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		for _, d := range docs {
			if err := backfillOne(ctx, c, d, fn); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			after, _ = d.Lookup("_id").StringValueOK()
		}
		if len(docs) < backfillPage {
			break
		}
	}
	if _, err := done.InsertOne(ctx, bson.D{{Key: "_id", Value: name}, {Key: "time", Value: Now()}}); err != nil && !IsDuplicateKey(err) {
		return fmt.Errorf("migration %s: %w", name, err)
	}
	return nil
}

func backfillOne(ctx context.Context, c *mongo.Collection, d bson.Raw, fn func(bson.Raw) (bson.D, error)) error {
	set, err := fn(d)
	if err != nil || len(set) == 0 {
		return err
	}
	id, _ := d.Lookup("_id").StringValueOK()
	q := bson.D{{Key: "_id", Value: id}}
	if v, ok := d.Lookup("version").AsInt64OK(); ok {
		q = append(q, bson.E{Key: "version", Value: v})
	}
	r := Repo[bson.Raw]{C: c}
	defer r.lock(id)()
	_, err = c.UpdateOne(ctx, q, bson.D{{Key: "$set", Value: set}})
	return err
}

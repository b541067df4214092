package storage

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// bulkBatch is how many documents one insert command carries.
const bulkBatch = 1000

// InsertMany inserts docs (each carries its _id), unordered, in commands of up to 1,000; a
// document whose _id exists already (a retry) is left as it is. It reports, per doc, whether it
// was inserted now.
func (t Table[T]) InsertMany(ctx context.Context, docs []*T) ([]bool, error) {
	created := make([]bool, len(docs))
	for start := 0; start < len(docs); start += bulkBatch {
		end := min(start+bulkBatch, len(docs))
		batch := make([]any, 0, end-start)
		for _, d := range docs[start:end] {
			batch = append(batch, d)
		}
		for i := start; i < end; i++ {
			created[i] = true
		}
		_, err := t.repo.C.InsertMany(ctx, batch, options.InsertMany().SetOrdered(false))
		if err == nil {
			continue
		}
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
			return nil, err
		}
		for _, we := range bwe.WriteErrors {
			if !mongostore.IsDuplicateKey(we) {
				return nil, err
			}
			created[start+we.Index] = false
		}
	}
	return created, nil
}

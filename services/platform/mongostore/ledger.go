package mongostore

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// LedgerCollection keeps, per service, which request ids have been used for which request
// content (AIP-155): a retry with the same id and content is let through (the service returns
// the first result), the same id with other content is refused.
const LedgerCollection = "request_ids"

// RequestLedger records request ids with a digest of their request.
type RequestLedger struct {
	c *mongo.Collection
}

// NewRequestLedger is the ledger of db.
func NewRequestLedger(db *mongo.Database) *RequestLedger {
	return &RequestLedger{c: db.Collection(LedgerCollection)}
}

type ledgerEntry struct {
	Key    string    `bson:"_id"`
	Digest string    `bson:"digest"`
	At     time.Time `bson:"at"`
}

// Claim records key with digest. It reports reused = true when key was recorded before with
// another digest (nothing is recorded then); a claim of the same key and digest succeeds again
// (a retry). One insert on the unique _id decides between concurrent first claims.
func (l *RequestLedger) Claim(ctx context.Context, key, digest string) (reused bool, err error) {
	_, err = l.c.InsertOne(ctx, ledgerEntry{Key: key, Digest: digest, At: time.Now().UTC()})
	if err == nil {
		return false, nil
	}
	if !IsDuplicateKey(err) {
		return false, err
	}
	var e ledgerEntry
	if err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&e); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return false, nil // released meanwhile: this call may go ahead
		}
		return false, err
	}
	return e.Digest != digest, nil
}

// Release forgets key if it is still recorded with digest (a request that failed may be sent
// again, corrected, with the same id).
func (l *RequestLedger) Release(ctx context.Context, key, digest string) error {
	_, err := l.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "digest", Value: digest}})
	return err
}

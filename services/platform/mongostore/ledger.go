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
	Key      string    `bson:"_id"`
	Digest   string    `bson:"digest"`
	At       time.Time `bson:"at"`
	Response []byte    `bson:"response,omitempty"`
}

// MaxStoredResponse bounds the response kept for a request id; a larger one is not kept (a
// retry then gets the service's own idempotent answer: the resource as it is now).
const MaxStoredResponse = 1 << 20

// Claim records key with digest. It reports reused = true when key was recorded before with
// another digest (nothing is recorded then); a claim of the same key and digest succeeds again
// (a retry), with the first call's response when it completed. One insert on the unique _id
// decides between concurrent first claims.
func (l *RequestLedger) Claim(ctx context.Context, key, digest string) (reused bool, response []byte, err error) {
	_, err = l.c.InsertOne(ctx, ledgerEntry{Key: key, Digest: digest, At: time.Now().UTC()})
	if err == nil {
		return false, nil, nil
	}
	if !IsDuplicateKey(err) {
		return false, nil, err
	}
	var e ledgerEntry
	if err := l.c.FindOne(ctx, bson.D{{Key: "_id", Value: key}}).Decode(&e); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return false, nil, nil // released meanwhile: this call may go ahead
		}
		return false, nil, err
	}
	if e.Digest != digest {
		return true, nil, nil
	}
	return false, e.Response, nil
}

// Complete keeps the response of the call that claimed key with digest, for its retries.
func (l *RequestLedger) Complete(ctx context.Context, key, digest string, response []byte) error {
	if len(response) > MaxStoredResponse {
		return nil
	}
	_, err := l.c.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "digest", Value: digest}, {Key: "response", Value: bson.D{{Key: "$exists", Value: false}}}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "response", Value: response}}}})
	return err
}

// Release forgets key if it is still recorded with digest (a request that failed may be sent
// again, corrected, with the same id).
func (l *RequestLedger) Release(ctx context.Context, key, digest string) error {
	_, err := l.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "digest", Value: digest}})
	return err
}

// LedgerDeclaration declares the ledger's collection (read and written by _id only).
var LedgerDeclaration = Collection{Name: LedgerCollection}

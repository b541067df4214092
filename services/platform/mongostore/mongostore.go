// Package mongostore connects to MongoDB (or the embedded store) through the official driver
// and offers the few helpers every storage package needs.
package mongostore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/embedded"
)

// ClientOption adjusts the driver options (e.g. adds a tracing monitor).
type ClientOption func(*options.ClientOptions)

// Connect opens a client to uri and pings it.
func Connect(ctx context.Context, uri string, opts ...ClientOption) (*mongo.Client, error) {
	co := options.Client().ApplyURI(uri).SetTimeout(20 * time.Second).SetConnectTimeout(5 * time.Second)
	for _, o := range opts {
		o(co)
	}
	c, err := mongo.Connect(co)
	if err != nil {
		return nil, fmt.Errorf("mongo connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := c.Ping(pctx, nil); err != nil {
		_ = c.Disconnect(context.Background())
		return nil, fmt.Errorf("mongo ping: %w", err)
	}
	return c, nil
}

// Open connects to uri, or, when uri is empty, starts an embedded store under
// dataDir/<service> for a service run on its own (make run starts one shared store process and
// passes MONGODB_URI instead). The returned close function disconnects and stops what it started.
func Open(ctx context.Context, uri, dataDir, service string, log *slog.Logger, opts ...ClientOption) (*mongo.Client, func(), error) {
	var store *embedded.Store
	if uri == "" {
		var err error
		quiet := slog.New(slog.DiscardHandler) // FerretDB warns about every unsupported driver command
		store, err = embedded.Start(ctx, filepath.Join(dataDir, service), "127.0.0.1:0", quiet)
		if err != nil {
			return nil, nil, err
		}
		uri = store.URI()
		log.Info("MONGODB_URI not set: using an embedded store", "dir", filepath.Join(dataDir, service))
	}
	c, err := Connect(ctx, uri, opts...)
	if err != nil {
		if store != nil {
			store.Stop()
		}
		return nil, nil, err
	}
	return c, func() {
		dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.Disconnect(dctx)
		if store != nil {
			store.Stop()
		}
	}, nil
}

// IsDuplicateKey reports a unique-index violation (an idempotent retry, or a real conflict).
func IsDuplicateKey(err error) bool { return mongo.IsDuplicateKeyError(err) }

// IsNotFound reports a FindOne without a match.
func IsNotFound(err error) bool { return errors.Is(err, mongo.ErrNoDocuments) }

// EnsureIndexes creates indexes idempotently (creating an existing identical index is a no-op).
func EnsureIndexes(ctx context.Context, coll *mongo.Collection, models ...mongo.IndexModel) error {
	if len(models) == 0 {
		return nil
	}
	// One index per command: FerretDB 1.24 panics (and drops the connection) when one
	// createIndexes names several indexes some of which exist already — which is every
	// restart against an existing store (FerretDB/FerretDB#3858).
	for _, m := range models {
		if _, err := coll.Indexes().CreateOne(ctx, m); err != nil {
			return fmt.Errorf("indexes on %s: %w", coll.Name(), err)
		}
	}
	return nil
}

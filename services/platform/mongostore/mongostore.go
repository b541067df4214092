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

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/lienket/lienket/services/platform/embedded"
)

// Database is a MongoDB database handle. Packages outside storage pass it along without
// importing the driver.
type Database = mongo.Database

// Client is a MongoDB client handle.
type Client = mongo.Client

// ClientOption adjusts the driver options (e.g. adds a tracing monitor).
type ClientOption func(*options.ClientOptions)

// DefaultTimeout is how long an operation waits to find a reachable store (server selection)
// and to open a connection: past it the call fails as unavailable instead of waiting for the
// caller's whole deadline.
const DefaultTimeout = 2 * time.Second

// WithTimeout sets the server-selection and connect timeouts (STORE_TIMEOUT).
func WithTimeout(d time.Duration) ClientOption {
	return func(o *options.ClientOptions) {
		if d > 0 {
			o.SetServerSelectionTimeout(d).SetConnectTimeout(d)
		}
	}
}

// Connect opens a client to uri and pings it.
func Connect(ctx context.Context, uri string, opts ...ClientOption) (*mongo.Client, error) {
	co := options.Client().ApplyURI(uri).SetTimeout(20 * time.Second).
		SetServerSelectionTimeout(DefaultTimeout).SetConnectTimeout(DefaultTimeout)
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

// IsUnavailable reports an error that means the store cannot be reached or did not answer in
// time: no server could be selected, the network failed, the client was closed, or the
// driver's own operation timeout passed. The gRPC error mapper answers these
// UNAVAILABLE / BACKEND_UNAVAILABLE (checking the caller's own deadline first).
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var sse topology.ServerSelectionError
	var ce topology.ConnectionError
	var pool driver.RetryablePoolError // a pool cleared after a connection failed
	return errors.As(err, &sse) || errors.As(err, &ce) || errors.As(err, &pool) || mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.Is(err, mongo.ErrClientDisconnected) || errors.Is(err, topology.ErrTopologyClosed)
}

// Index is an ascending index on keys, in order (equality fields first, then sort, then
// ranges).
func Index(keys ...string) mongo.IndexModel {
	d := bson.D{}
	for _, k := range keys {
		d = append(d, bson.E{Key: k, Value: 1})
	}
	return mongo.IndexModel{Keys: d}
}

// UniqueIndex is a unique ascending index on keys.
func UniqueIndex(keys ...string) mongo.IndexModel {
	m := Index(keys...)
	m.Options = options.Index().SetUnique(true)
	return m
}

// Collection declares one collection and the indexes its queries need, in one place per
// service next to the queries (storage/indexes.go), so that start-up creates them and a test
// can check every query against them.
type Collection struct {
	// Name of the collection.
	Name string
	// Indexes the queries on it use (besides _id).
	Indexes []mongo.IndexModel
	// Bounded marks a small reference collection (products, admin areas) that is read whole
	// into memory, so its queries need no index.
	Bounded bool
}

// EnsureCollections creates the declared indexes of every collection; idempotent.
func EnsureCollections(ctx context.Context, db *mongo.Database, cs []Collection) error {
	for _, c := range cs {
		if err := EnsureIndexes(ctx, db.Collection(c.Name), c.Indexes...); err != nil {
			return err
		}
	}
	return nil
}

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

// Now is the current time in UTC at the store's precision (BSON dates keep milliseconds), so a
// resource returned by the call that wrote it carries the same timestamps as every later read
// of it. Services use it as their clock.
func Now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

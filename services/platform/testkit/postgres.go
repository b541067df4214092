package testkit

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/embedded"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// NewPostgresStore starts a store of the test's own on FerretDB's PostgreSQL handler, over a
// private PostgreSQL cluster in a temporary directory (`make postgres` installs PostgreSQL;
// without it the test fails saying so). Stop and Start stop and restart the store over the
// same cluster; both stop when the test ends.
func NewPostgresStore(t testing.TB) *Store {
	t.Helper()
	pg, err := embedded.StartPostgres(context.Background(), t.TempDir(), embedded.PostgresOptions{}, nil)
	if err != nil {
		t.Fatalf("PostgreSQL-backed store: %v", err)
	}
	t.Cleanup(pg.Stop)
	st := &Store{t: t, dir: t.TempDir(), addr: "127.0.0.1:0", pgURL: pg.URL()}
	st.Start()
	t.Cleanup(st.Stop) // runs before pg.Stop
	return st
}

// The package's PostgreSQL-backed store, started on first use (PostgresDatabase) and stopped
// when the package's tests end (Main).
var shared struct {
	sync.Mutex
	uri  string
	stop func()
}

// PostgresDatabase is Database on a store backed by FerretDB's PostgreSQL handler, shared by
// the package's tests (started on first use; testkit.Main must be the package's TestMain).
func PostgresDatabase(t testing.TB, opts ...mongostore.ClientOption) *mongo.Database {
	t.Helper()
	if storeURI == "" {
		t.Fatal("testkit.Main is not the TestMain of this package")
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.uri == "" {
		uri, stop, err := startSharedPostgres()
		if err != nil {
			t.Fatalf("PostgreSQL-backed store: %v", err)
		}
		shared.uri, shared.stop = uri, stop
	}
	return DatabaseAt(t, shared.uri, opts...)
}

func startSharedPostgres() (string, func(), error) {
	dir, err := os.MkdirTemp("", "lienket-pg-*")
	if err != nil {
		return "", nil, err
	}
	ctx := context.Background()
	pg, err := embedded.StartPostgres(ctx, dir, embedded.PostgresOptions{}, nil)
	if err != nil {
		_ = os.RemoveAll(dir)
		return "", nil, err
	}
	// The PostgreSQL handler logs every failed statement (a duplicate key is an idempotent
	// retry) as an error: its log says nothing a test needs.
	s, err := embedded.StartWith(ctx, embedded.Options{Addr: "127.0.0.1:0", PostgreSQLURL: pg.URL(), Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		pg.Stop()
		_ = os.RemoveAll(dir)
		return "", nil, fmt.Errorf("FerretDB over PostgreSQL: %w", err)
	}
	return s.URI(), func() { s.Stop(); pg.Stop(); _ = os.RemoveAll(dir) }, nil
}

func stopSharedPostgres() {
	shared.Lock()
	defer shared.Unlock()
	if shared.stop != nil {
		shared.stop()
		shared.stop, shared.uri = nil, ""
	}
}

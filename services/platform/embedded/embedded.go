// Package embedded runs FerretDB (v1, SQLite backend) in-process as a MongoDB-wire-compatible
// store, so that the suite runs on a fresh machine with no database installed. Services reach
// it through the ordinary mongo-driver over TCP, exactly as they reach a real MongoDB.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Store is a running embedded FerretDB.
type Store struct {
	uri  string
	done chan error
	stop context.CancelFunc
}

// Start runs FerretDB on addr ("127.0.0.1:0" picks a free port) with its SQLite files in dir,
// and waits until it accepts connections. It stops when ctx ends or Stop is called.
func Start(ctx context.Context, dir, addr string, log *slog.Logger) (*Store, error) {
	return StartWith(ctx, Options{Dir: dir, Addr: addr, Log: log})
}

// Options select the store's backend.
type Options struct {
	// Addr to listen on ("127.0.0.1:0" picks a free port).
	Addr string
	// Dir holds the SQLite files (SQLite handler).
	Dir string
	// PostgreSQLURL selects FerretDB's PostgreSQL handler over that database instead.
	PostgreSQLURL string
	// Log receives FerretDB's own log.
	Log *slog.Logger
}

// Handler names the backend of o: "postgresql" or "sqlite".
func (o Options) Handler() string {
	if o.PostgreSQLURL != "" {
		return "postgresql"
	}
	return "sqlite"
}

// StartWith runs FerretDB as o says and waits until it accepts connections. It stops when ctx
// ends or Stop is called.
func StartWith(ctx context.Context, o Options) (*Store, error) {
	addr, log := o.Addr, o.Log
	abs, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	if o.PostgreSQLURL == "" {
		if err := os.MkdirAll(abs, 0o750); err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if host, port, err := net.SplitHostPort(addr); err == nil && port == "0" {
		// FerretDB reports the configured address, so pick the free port ourselves.
		l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return nil, err
		}
		addr = l.Addr().String()
		_ = l.Close()
	}
	if log == nil {
		log = slog.Default()
	}
	fc := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: addr},
		Handler:  o.Handler(),
		Logger:   log.With("component", "ferretdb"),
	}
	if o.PostgreSQLURL != "" {
		fc.PostgreSQLURL = o.PostgreSQLURL
	} else {
		fc.SQLiteURL = "file:" + abs + "/"
	}
	f, err := ferretdb.New(fc)
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	s := &Store{uri: f.MongoDBURI(), done: make(chan error, 1), stop: cancel}
	go func() { s.done <- f.Run(rctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return s, nil
		}
		select {
		case err := <-s.done:
			cancel()
			return nil, fmt.Errorf("embedded store exited: %w", err)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			return nil, errors.New("embedded store did not start listening within 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// URI is the mongodb:// URI of the store.
func (s *Store) URI() string { return s.uri }

// Stop shuts the store down and waits for it.
func (s *Store) Stop() {
	s.stop()
	<-s.done
	s.done <- nil // let a second Stop return at once
}

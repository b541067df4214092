// Command lienket-store runs the embedded MongoDB-wire-compatible store (FerretDB, SQLite
// backend) as its own process for `make run`; the services reach it through MONGODB_URI.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/embedded"
	"github.com/lienket/lienket/services/platform/logging"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "lienket-store:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	env := config.FromOS()
	addr := env.Addr("STORE_ADDR", config.DefaultStoreAddr)
	dir := filepath.Join(env.String("LIENKET_DATA_DIR", "./data"), "store")
	format := env.String("LOG_FORMAT", "json")
	log := logging.Setup("store", format, env.String("LOG_LEVEL", "info"))
	// FerretDB logs every unsupported driver command (endSessions, ...) as a warning.
	fdbLog := logging.New(os.Stderr, "store", format, env.String("FERRETDB_LOG_LEVEL", "error"))
	if err := env.Err(); err != nil {
		return err
	}
	s, err := embedded.Start(ctx, dir, addr, fdbLog)
	if err != nil {
		return err
	}
	log.Info("embedded store ready", "uri", s.URI(), "dir", dir)
	<-ctx.Done()
	s.Stop()
	return nil
}

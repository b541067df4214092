// Command lienket-store runs the embedded MongoDB-wire-compatible store (FerretDB) as its own
// process for `make run`; the services reach it through MONGODB_URI.
//
// STORE_BACKEND chooses FerretDB's backend: "postgresql" (a private PostgreSQL cluster under
// $LIENKET_DATA_DIR/store-pg, started and stopped with the store: filters on indexed fields are
// pushed down, so lists cost what their scope costs), "sqlite" (files under
// $LIENKET_DATA_DIR/store: every list scans its whole collection), or "auto" (the default:
// PostgreSQL when its programs are installed, SQLite otherwise — and SQLite when a data
// directory already holds SQLite data and no PostgreSQL cluster, so no data is left behind).
// The backend in use is logged and written to $LIENKET_DATA_DIR/store.backend.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	data := env.String("LIENKET_DATA_DIR", config.DefaultDataDir)
	backend := env.String("STORE_BACKEND", "auto")
	env.Check(backend == "auto" || backend == "postgresql" || backend == "sqlite", "STORE_BACKEND", "%q is not auto, postgresql or sqlite", backend)
	format := env.String("LOG_FORMAT", "json")
	log := logging.Setup("store", format, env.String("LOG_LEVEL", "info"))
	// FerretDB logs every unsupported driver command (endSessions, ...) as a warning.
	fdbLog := logging.New(os.Stderr, "store", format, env.String("FERRETDB_LOG_LEVEL", "error"))
	if err := env.Err(); err != nil {
		return err
	}
	o := embedded.Options{Addr: addr, Dir: filepath.Join(data, "store"), Log: fdbLog}
	pgDir := filepath.Join(data, "store-pg")
	note := ""
	if backend == "auto" && hasSQLiteData(o.Dir) && !exists(filepath.Join(pgDir, "PG_VERSION")) {
		backend, note = "sqlite", "existing SQLite data in "+o.Dir+" (set STORE_BACKEND=postgresql to start a new PostgreSQL store)"
	}
	if backend != "sqlite" {
		pg, err := embedded.StartPostgres(ctx, pgDir, embedded.PostgresOptions{Durable: true}, log)
		switch {
		case err == nil:
			defer pg.Stop()
			o.PostgreSQLURL = pg.URL()
		case backend == "postgresql":
			return err
		default:
			note = "PostgreSQL unavailable: " + err.Error()
			log.Warn("falling back to the SQLite handler: every list scans its whole collection (see README, Limits)", "reason", err.Error())
		}
	}
	s, err := embedded.StartWith(ctx, o)
	if err != nil {
		return err
	}
	where := o.Dir
	if o.PostgreSQLURL != "" {
		where = pgDir
	}
	desc := fmt.Sprintf("FerretDB with its %s handler, data in %s", o.Handler(), where)
	if note != "" {
		desc += "; " + note
	}
	if err := os.WriteFile(filepath.Join(data, "store.backend"), []byte(desc+"\n"), 0o644); err != nil {
		log.Warn("cannot record the backend", "error", err.Error())
	}
	log.Info("embedded store ready", "uri", s.URI(), "backend", o.Handler(), "data", where, slog.String("note", note))
	<-ctx.Done()
	s.Stop()
	return nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, os.ErrNotExist)
}

// hasSQLiteData reports whether dir holds FerretDB SQLite databases.
func hasSQLiteData(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	return len(m) > 0
}

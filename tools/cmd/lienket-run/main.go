// Command lienket-run is the supervisor behind `make run`: it starts the embedded store, the
// registry, contracts and matchmaking services and the gateway as separate processes,
// prefixes their logs, waits for each to be healthy (and to be the process it started, not a
// stranger on its port), prints the URLs, restarts a process that crashes (with backoff), and
// stops them all on Ctrl-C (exit 0). It gives up, stopping everything with exit 1, when a
// process cannot start or crashes five times within two minutes.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/tools/internal/supervisor"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "lienket-run:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := supervisor.LoadConfig(config.FromOS())
	if err != nil {
		return err
	}
	return supervisor.Run(ctx, cfg, os.Stdout)
}

// Command lienket-run is the small supervisor behind `make run`: it starts the embedded store,
// the registry, contracts and matchmaking services and the gateway as separate processes,
// prefixes their logs, waits for each to be healthy, prints the URLs, and stops them all on
// Ctrl-C (exit 0). If any process dies, it stops the others and exits 1.
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

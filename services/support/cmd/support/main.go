// Command support runs the Lienket support service (gRPC; see the README for settings):
// calls for proposals, linkage projects and post-investment disbursement.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lienket/lienket/services/support/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "support:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error { return app.Run(ctx) }

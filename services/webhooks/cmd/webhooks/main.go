// Command webhooks runs the Lienket webhooks service: the webhook API and the dispatcher that
// delivers partner events (gRPC; see the README for settings).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/lienket/lienket/services/webhooks/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "webhooks:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error { return app.Run(ctx) }

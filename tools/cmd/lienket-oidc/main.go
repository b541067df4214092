// Command lienket-oidc is the development OpenID provider of `make run` (package devoidc,
// built on zitadel/oidc's certified op package): the demo people of package demo sign in with
// a username and password, and the console is its one registered client.
//
// Settings: OIDC_DEV_ADDR (listen, 127.0.0.1:9400), OIDC_ISSUER (http://OIDC_DEV_ADDR),
// OIDC_CLIENT_ID (lienket-console), OIDC_CLIENT_SECRET (required), CONSOLE_URL (where the
// console is: its callback and signed-out pages are the registered redirects; default
// http://127.0.0.1:8080), OIDC_DEMO_PASSWORD (every demo person's password, default
// "lienket-demo").
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/logging"
	"github.com/lienket/lienket/tools/internal/demo"
	"github.com/lienket/lienket/tools/internal/devoidc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "lienket-oidc:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	e := config.FromOS()
	addr := e.Addr("OIDC_DEV_ADDR", demo.ProviderAddr)
	issuer := e.String("OIDC_ISSUER", "http://"+addr)
	consoleURL := e.String("CONSOLE_URL", "http://"+config.DefaultGatewayAddr)
	clientID := e.String("OIDC_CLIENT_ID", demo.ClientID)
	secret := e.String("OIDC_CLIENT_SECRET", "")
	password := e.String("OIDC_DEMO_PASSWORD", demo.Password)
	log := logging.Setup("lienket-oidc", e.String("LOG_FORMAT", "json"), e.String("LOG_LEVEL", "info"))
	e.Check(secret != "", "OIDC_CLIENT_SECRET", "is required")
	if err := e.Err(); err != nil {
		return err
	}
	h, err := devoidc.New(devoidc.Config{Issuer: issuer, People: demo.ProviderPeople(password), Log: log, Clients: []devoidc.Client{{
		ID: clientID, Secret: secret,
		RedirectURIs:           []string{consoleURL + "/console/callback"},
		PostLogoutRedirectURIs: []string{consoleURL + "/console/signed-out"},
	}}})
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("development OpenID provider listening", "issuer", issuer, "people", len(demo.People))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

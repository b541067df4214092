package supervisor

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/tools/internal/demo"
)

// The console's part of `make run`: the development OpenID provider (lienket-oidc) with the
// demo people, the gateway's sign-in settings, and the demo records seeded through the APIs
// once the services are healthy.

// consoleEnv are the settings the provider and the gateway share: a client secret made for
// this run, and the console's session key (kept under the data directory, so sessions survive
// a restart).
type consoleEnv struct {
	provider, gateway []string
	issuer            string
}

func (c Config) prepareConsole() (consoleEnv, error) {
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return consoleEnv{}, err
	}
	keyFile := filepath.Join(c.DataDir, "keys", "console-session.key")
	if err := ensureSessionKey(keyFile); err != nil {
		return consoleEnv{}, fmt.Errorf("console session key: %w", err)
	}
	issuer := "http://" + c.OIDCAddr
	shared := []string{"OIDC_ISSUER=" + issuer, "OIDC_CLIENT_ID=" + demo.ClientID, "OIDC_CLIENT_SECRET=" + base64.RawURLEncoding.EncodeToString(secret), "CONSOLE_URL=" + c.ConsoleURL}
	return consoleEnv{
		issuer:   issuer,
		provider: append([]string{"OIDC_DEV_ADDR=" + c.OIDCAddr}, shared...),
		gateway:  append([]string{"CONSOLE_SESSION_KEY_FILE=" + keyFile}, shared...),
	}, nil
}

func ensureSessionKey(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(k)+"\n"), 0o600)
}

// seed creates the demo records through the registry, matchmaking and support APIs, as the
// development issuer's operator (and the province official for the support call), and (with a
// receiver) the business's demo webhook to it, and says so.
func (c Config) seed(ctx context.Context, keyPath, oidcIssuer string, rcv *demo.Receiver, out io.Writer) error {
	key, err := auth.LoadPrivateKey(keyPath)
	if err != nil {
		return err
	}
	issuer := auth.NewIssuer(key, "lienket-dev", "lienket")
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	seeded, err := c.seedRecords(sctx, issuer, oidcIssuer)
	if err != nil {
		return fmt.Errorf("demo records: %w", err)
	}
	fmt.Fprintln(out, "lienket-run: demo organisations, households (one with a plot), a certification and people are in the registry; the province's support call is open")
	if rcv == nil {
		return nil
	}
	if err := c.seedWebhook(sctx, issuer, seeded, rcv); err != nil {
		return fmt.Errorf("demo webhook: %w", err)
	}
	fmt.Fprintf(out, "lienket-run: %s has a webhook for every event to the development receiver http://%s/ (each delivery is printed here)\n", demoOrgName(demo.Business), c.DemoWebhookAddr)
	return nil
}

func dialInsecure(addr string) (*grpc.ClientConn, error) {
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
}

func (c Config) seedRecords(ctx context.Context, issuer *auth.Issuer, oidcIssuer string) (demo.Seeded, error) {
	reg, err := dialInsecure(c.RegistryGRPC)
	if err != nil {
		return demo.Seeded{}, err
	}
	defer reg.Close()
	mm, err := dialInsecure(c.MatchmakingGRPC)
	if err != nil {
		return demo.Seeded{}, err
	}
	defer mm.Close()
	sup, err := dialInsecure(c.SupportGRPC)
	if err != nil {
		return demo.Seeded{}, err
	}
	defer sup.Close()
	seeded, err := demo.Seed(ctx, reg, mm, issuer, oidcIssuer)
	if err != nil {
		return seeded, err
	}
	_, err = demo.SeedSupport(ctx, sup, issuer, seeded)
	return seeded, err
}

// seedWebhook gives the demo business its webhook to the receiver, whose secret the receiver
// then checks.
func (c Config) seedWebhook(ctx context.Context, issuer *auth.Issuer, seeded demo.Seeded, rcv *demo.Receiver) error {
	hooks, err := dialInsecure(c.WebhooksGRPC)
	if err != nil {
		return err
	}
	defer hooks.Close()
	_, secret, err := demo.SeedWebhook(ctx, hooks, issuer, seeded.Names[demo.Business], "http://"+c.DemoWebhookAddr+"/")
	if err != nil {
		return err
	}
	rcv.SetSecret(secret)
	return nil
}

// webhookReceiver serves the development webhook receiver until ctx ends; nil (with a notice)
// when its address is taken: `make run` goes on without the demo webhook.
func (c Config) webhookReceiver(ctx context.Context, out io.Writer) *demo.Receiver {
	l, err := net.Listen("tcp", c.DemoWebhookAddr)
	if err != nil {
		fmt.Fprintf(out, "lienket-run: the development webhook receiver cannot listen on %s (%v): set DEMO_WEBHOOK_ADDR to a free address; going on without the demo webhook\n", c.DemoWebhookAddr, err)
		return nil
	}
	rcv := &demo.Receiver{Out: prefixed{out, "lienket-run: "}}
	srv := &http.Server{Handler: rcv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	return rcv
}

// prefixed writes each write (one line) after a prefix.
type prefixed struct {
	w      io.Writer
	prefix string
}

func (p prefixed) Write(b []byte) (int, error) {
	if _, err := p.w.Write(append([]byte(p.prefix), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// demoOrgName is the display name of the demo organisation key.
func demoOrgName(key string) string {
	for _, o := range demo.Orgs {
		if o.Key == key {
			return o.DisplayName
		}
	}
	return key
}

// printConsole prints where the console is and who can sign in.
func (c Config) printConsole(out io.Writer, issuer string) {
	fmt.Fprintf(out, `
  console        %[1]s/console/   (sign in at the development OpenID provider %[2]s)
  demo people    password for all: %[3]s
`, c.ConsoleURL, issuer, c.DemoPassword)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "                 username\tname\twho")
	for _, p := range demo.People {
		fmt.Fprintf(tw, "                 %s\t%s\t%s\n", p.Username, p.Name, p.Does)
	}
	_ = tw.Flush()
}

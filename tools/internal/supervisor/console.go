package supervisor

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
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
// development issuer's operator (and the province official for the support call), and says so.
func (c Config) seed(ctx context.Context, keyPath, oidcIssuer string, out io.Writer) error {
	if _, err := c.seedRecords(ctx, keyPath, oidcIssuer); err != nil {
		return fmt.Errorf("demo records: %w", err)
	}
	fmt.Fprintln(out, "lienket-run: demo organisations, households and people are in the registry; the province's support call is open")
	return nil
}

func (c Config) seedRecords(ctx context.Context, keyPath, oidcIssuer string) (demo.Seeded, error) {
	key, err := auth.LoadPrivateKey(keyPath)
	if err != nil {
		return demo.Seeded{}, err
	}
	dial := func(addr string) (*grpc.ClientConn, error) {
		return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	reg, err := dial(c.RegistryGRPC)
	if err != nil {
		return demo.Seeded{}, err
	}
	defer reg.Close()
	mm, err := dial(c.MatchmakingGRPC)
	if err != nil {
		return demo.Seeded{}, err
	}
	defer mm.Close()
	sup, err := dial(c.SupportGRPC)
	if err != nil {
		return demo.Seeded{}, err
	}
	defer sup.Close()
	sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	issuer := auth.NewIssuer(key, "lienket-dev", "lienket")
	seeded, err := demo.Seed(sctx, reg, mm, issuer, oidcIssuer)
	if err != nil {
		return seeded, err
	}
	_, err = demo.SeedSupport(sctx, sup, issuer, seeded)
	return seeded, err
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

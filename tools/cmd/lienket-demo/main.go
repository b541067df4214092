// Command lienket-demo runs Lienket's end-to-end stories over REST against a running suite
// (`make run`), printing each step: `make demo` — the contract story, then the support season
// (a provincial call, a project funded at milestones computed from its contracts). Tokens are minted with the development
// issuer's key that `make run` keeps under ./data/keys.
//
// Settings: GATEWAY_ADDR (default 127.0.0.1:8080, as make run), DEV_ISSUER_KEY
// ($LIENKET_DATA_DIR/keys/dev-issuer.pem, LIENKET_DATA_DIR defaulting to ./data, as for
// `make run`), JWT_ISSUER (lienket-dev), JWT_AUDIENCE (lienket).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "lienket-demo: FAILED:", err)
		os.Exit(1)
	}
	fmt.Println("lienket-demo: the whole story and the support season passed")
}

func run() error {
	e := config.FromOS()
	base := "http://" + e.Addr("GATEWAY_ADDR", config.DefaultGatewayAddr)
	key, err := auth.LoadPrivateKey(e.String("DEV_ISSUER_KEY", filepath.Join(e.String("LIENKET_DATA_DIR", "./data"), "keys", "dev-issuer.pem")))
	if err != nil {
		return fmt.Errorf("%w (start the suite with `make run` first)", err)
	}
	iss := auth.NewIssuer(key, e.String("JWT_ISSUER", "lienket-dev"), e.String("JWT_AUDIENCE", "lienket"))
	mint := func(p auth.Principal) (string, error) { return iss.Mint(p, 10*time.Minute) }
	if err := story.Run(base, mint, func(line string) { fmt.Println(line) }); err != nil {
		return err
	}
	return story.Season(base, mint, func(line string) { fmt.Println(line) })
}

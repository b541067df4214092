// Command lienketctl is the developer CLI. `lienketctl token` mints a development JWT with the
// key of the development issuer that `make run` creates under $LIENKET_DATA_DIR/keys.
//
//	lienketctl token --role commune_official --area 04387 --sub users/can-bo-xa
//	lienketctl token --role business --org organizations/abc
//	lienketctl keygen --out deploy/keys/issuer.pem
//	LIENKET_API_KEY=lk_… lienketctl apikey verify
//	lienketctl import households hộ.xlsx --org organizations/abc [--dry-run]
//	lienketctl import template --format xlsx
//
// It reads the same variables as the servers: LIENKET_DATA_DIR (or DEV_ISSUER_KEY) for the
// development key, JWT_ISSUER, JWT_AUDIENCE, REGISTRY_ADDR; import acts as LIENKET_TOKEN's
// principal (a development token for --org when it is not set).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
)

func main() {
	if err := run(os.Args[1:], config.FromOS(), os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lienketctl:", err)
		os.Exit(2)
	}
}

const usage = "usage: lienketctl token|keygen|apikey verify|import households FILE|import template [flags]"

func run(args []string, env *config.Env, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	d := defaultsFrom(env)
	if err := env.Err(); err != nil {
		return err
	}
	switch {
	case args[0] == "token":
		return token(args[1:], d, out)
	case args[0] == "keygen":
		return keygen(args[1:], out)
	case args[0] == "import":
		return importCmd(args[1:], d, env.String("LIENKET_TOKEN", ""), out)
	case args[0] == "apikey" && len(args) > 1 && args[1] == "verify":
		return verifyKey(args[2:], d, env.String("LIENKET_API_KEY", ""), in, out)
	default:
		return fmt.Errorf("unknown command %q (%s)", strings.Join(args, " "), usage)
	}
}

// defaults are the flags' defaults, from the same variables the servers read.
type defaults struct {
	key, issuer, audience, registry string
}

func defaultsFrom(e *config.Env) defaults {
	dataDir := e.String("LIENKET_DATA_DIR", config.DefaultDataDir)
	return defaults{
		key:      e.String("DEV_ISSUER_KEY", filepath.Join(dataDir, "keys", "dev-issuer.pem")),
		issuer:   e.String("JWT_ISSUER", "lienket-dev"),
		audience: e.String("JWT_AUDIENCE", "lienket"),
		registry: e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
	}
}

func roleNames() string {
	var names []string
	for _, r := range auth.Roles {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

func token(args []string, d defaults, out io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	key := fs.String("key", d.key, "development issuer private key (PEM)")
	role := fs.String("role", "", "role: "+roleNames())
	sub := fs.String("sub", "", "subject, e.g. users/nguyen-van-a (default users/<role>)")
	org := fs.String("org", "", "organisation scope: organizations/{id}")
	household := fs.String("household", "", "household scope: households/{id}")
	area := fs.String("area", "", "admin-area scope (commune or province code)")
	issuer := fs.String("issuer", d.issuer, "iss claim")
	audience := fs.String("audience", d.audience, "aud claim")
	ttl := fs.Duration("ttl", 12*time.Hour, "lifetime (the services accept at most JWT_MAX_LIFETIME, 12 h by default)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := auth.ParseRole(*role)
	if err != nil {
		return err
	}
	if *sub == "" {
		*sub = "users/" + string(r)
	}
	k, err := auth.LoadPrivateKey(*key)
	if err != nil {
		return fmt.Errorf("%w (run `make run` once to create the development issuer)", err)
	}
	tok, err := auth.NewIssuer(k, *issuer, *audience).Mint(auth.Principal{Subject: *sub, Role: r, Organization: *org, Household: *household, AdminArea: *area}, *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(out, tok)
	return err
}

// keygen writes a new Ed25519 key pair (PKCS#8 and PKIX PEM) for an issuer or a service.
func keygen(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	path := fs.String("out", "", "private key path; the public key goes next to it as *.pub.pem")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		return fmt.Errorf("keygen needs --out")
	}
	if _, err := os.Stat(*path); err == nil {
		return fmt.Errorf("%s exists; not overwriting a key", *path)
	}
	k, err := auth.GenerateKey()
	if err != nil {
		return err
	}
	if err := auth.WriteKeyPair(*path, k); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "wrote %s and %s\n", *path, auth.PublicPath(*path))
	return err
}

// verifyKey asks the registry which organisation an API key belongs to, as the gateway does,
// with a service token minted from the development issuer's key. The key is read from the
// environment or stdin, never from the command line (shell history, ps).
func verifyKey(args []string, d defaults, secret string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("apikey verify", flag.ContinueOnError)
	key := fs.String("key", d.key, "issuer private key (PEM) for the service token")
	registry := fs.String("registry", d.registry, "registry gRPC address")
	issuer := fs.String("issuer", d.issuer, "iss claim")
	audience := fs.String("audience", d.audience, "aud claim")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if secret == "" {
		b, err := io.ReadAll(io.LimitReader(in, 4096))
		if err != nil {
			return err
		}
		secret = strings.TrimSpace(string(b))
	}
	if secret == "" {
		return fmt.Errorf("no API key: set LIENKET_API_KEY or pipe it on stdin")
	}
	k, err := auth.LoadPrivateKey(*key)
	if err != nil {
		return fmt.Errorf("%w (run `make run` once to create the development issuer)", err)
	}
	cc, err := grpc.NewClient(*registry, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(auth.NewServiceCredentials(auth.NewIssuer(k, *issuer, *audience), "lienketctl")))
	if err != nil {
		return err
	}
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ak, err := registryv1.NewRegistryServiceClient(cc).VerifyApiKey(ctx, &registryv1.VerifyApiKeyRequest{Secret: secret})
	if err != nil {
		return fmt.Errorf("not valid: %s", status.Convert(err).Message())
	}
	_, err = fmt.Fprintf(out, "valid: %s (prefix %s) for %s\n", ak.GetName(), ak.GetPrefix(), ak.GetOrganization())
	return err
}

// Command lienketctl is the developer CLI. `lienketctl token` mints a development JWT with the
// key of the development issuer that `make run` creates under ./data/keys.
//
//	lienketctl token --role commune_official --area 08001 --sub users/can-bo-xa
//	lienketctl token --role business --org organizations/abc
//	lienketctl keygen --out deploy/keys/issuer.pem
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/lienket/lienket/services/platform/auth"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lienketctl:", err)
		os.Exit(2)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: lienketctl token|keygen [flags]")
	}
	switch args[0] {
	case "token":
		return token(args[1:], out)
	case "keygen":
		return keygen(args[1:], out)
	default:
		return fmt.Errorf("unknown command %q (commands: token, keygen)", args[0])
	}
}

func token(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	key := fs.String("key", "./data/keys/dev-issuer.pem", "development issuer private key (PEM)")
	role := fs.String("role", "", "role: admin, business, producer, household, commune_official, province_official, partner")
	sub := fs.String("sub", "", "subject, e.g. users/nguyen-van-a (default users/<role>)")
	org := fs.String("org", "", "organisation scope: organizations/{id}")
	household := fs.String("household", "", "household scope: households/{id}")
	area := fs.String("area", "", "admin-area scope (commune or province code)")
	issuer := fs.String("issuer", "lienket-dev", "iss claim")
	audience := fs.String("audience", "lienket", "aud claim")
	ttl := fs.Duration("ttl", 12*time.Hour, "lifetime")
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

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
)

// importTimeout bounds one import call (10,000 rows take seconds to tens of seconds).
const importTimeout = 5 * time.Minute

// maxImportMessage is the largest import request or template the CLI sends or accepts.
const maxImportMessage = 16 << 20

// importHouseholds imports a CSV or XLSX file of an organisation's member households through
// the registry and prints its row-level report. The caller is LIENKET_TOKEN's principal, or,
// without one, a development producer token for --org minted with the development key.
//
//	lienketctl import households FILE --org organizations/{id} [--dry-run]
//	lienketctl import template --format xlsx|csv [--out FILE]
func importCmd(args []string, d defaults, token string, out io.Writer) error {
	if len(args) > 0 && args[0] == "template" {
		return importTemplate(args[1:], d, token, out)
	}
	if len(args) < 2 || args[0] != "households" || strings.HasPrefix(args[1], "-") {
		return errors.New("usage: lienketctl import households FILE --org organizations/{id} [--dry-run] | import template --format xlsx|csv [--out FILE]")
	}
	file := args[1]
	fs := flag.NewFlagSet("import households", flag.ContinueOnError)
	org := fs.String("org", "", "the producer organisation: organizations/{id}")
	format := fs.String("format", "", "csv or xlsx (default: from the file name)")
	dry := fs.Bool("dry-run", false, "check the file and report, writing nothing")
	c := clientFlags(fs, d)
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if *org == "" {
		return errors.New("import households needs --org organizations/{id}")
	}
	f, err := importFormat(*format, file)
	if err != nil {
		return err
	}
	content, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	reg, done, err := c.dial(token, auth.Principal{Subject: "users/lienketctl", Role: auth.RoleProducer, Organization: *org})
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), importTimeout)
	defer cancel()
	r, err := reg.ImportHouseholds(ctx, &registryv1.ImportHouseholdsRequest{Parent: *org, Format: f, Content: content, ValidateOnly: *dry})
	if err != nil {
		return fmt.Errorf("import refused: %s", status.Convert(err).Message())
	}
	return printReport(out, r, *dry)
}

func printReport(out io.Writer, r *registryv1.ImportHouseholdsResponse, dry bool) error {
	for _, e := range r.GetErrors() {
		col := e.GetColumn()
		if col == "" {
			col = "—"
		}
		fmt.Fprintf(out, "dòng %d\t%s\t%s\t%s / %s\n", e.GetRow(), col, e.GetRule(), e.GetMessageVi(), e.GetMessageEn())
	}
	if n := len(r.GetErrors()); n > 0 {
		return fmt.Errorf("%d problem(s) in %d rows: nothing was imported; correct the file and import it again", n, r.GetRows())
	}
	if dry {
		_, err := fmt.Fprintf(out, "%d rows checked: no problem (nothing written: --dry-run)\n", r.GetRows())
		return err
	}
	_, err := fmt.Fprintf(out, "%d rows: %d households and %d memberships created, %d unchanged\n",
		r.GetRows(), r.GetHouseholdsCreated(), r.GetMembershipsCreated(), r.GetUnchanged())
	return err
}

func importTemplate(args []string, d defaults, token string, out io.Writer) error {
	fs := flag.NewFlagSet("import template", flag.ContinueOnError)
	format := fs.String("format", "xlsx", "xlsx or csv")
	path := fs.String("out", "", "file to write (default: the template's own name)")
	c := clientFlags(fs, d)
	if err := fs.Parse(args); err != nil {
		return err
	}
	f, err := importFormat(*format, "")
	if err != nil {
		return err
	}
	reg, done, err := c.dial(token, auth.Principal{Subject: "users/lienketctl", Role: auth.RoleAdmin})
	if err != nil {
		return err
	}
	defer done()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t, err := reg.GetHouseholdImportTemplate(ctx, &registryv1.GetHouseholdImportTemplateRequest{Format: f})
	if err != nil {
		return fmt.Errorf("template: %s", status.Convert(err).Message())
	}
	if *path == "" {
		*path = t.GetFilename()
	}
	if err := os.WriteFile(*path, t.GetContent(), 0o644); err != nil {
		return err
	}
	_, err = fmt.Fprintf(out, "wrote %s\n", *path)
	return err
}

func importFormat(flagValue, file string) (registryv1.ImportFormat, error) {
	v := strings.ToLower(flagValue)
	if v == "" {
		v = strings.TrimPrefix(strings.ToLower(filepath.Ext(file)), ".")
	}
	switch v {
	case "csv":
		return registryv1.ImportFormat_IMPORT_FORMAT_CSV, nil
	case "xlsx":
		return registryv1.ImportFormat_IMPORT_FORMAT_XLSX, nil
	}
	return 0, fmt.Errorf("format %q: use csv or xlsx (--format)", v)
}

// client is how the CLI reaches the registry.
type client struct {
	key, registry, issuer, audience *string
}

func clientFlags(fs *flag.FlagSet, d defaults) client {
	return client{
		key:      fs.String("key", d.key, "development issuer key (PEM), used when LIENKET_TOKEN is not set"),
		registry: fs.String("registry", d.registry, "registry gRPC address"),
		issuer:   fs.String("issuer", d.issuer, "iss claim"),
		audience: fs.String("audience", d.audience, "aud claim"),
	}
}

// dial connects to the registry as token's principal, or as dev minted with the development
// key when token is empty.
func (c client) dial(token string, dev auth.Principal) (registryv1.RegistryServiceClient, func(), error) {
	if token == "" {
		k, err := auth.LoadPrivateKey(*c.key)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (set LIENKET_TOKEN, or run `make run` once to create the development issuer)", err)
		}
		if token, err = auth.NewIssuer(k, *c.issuer, *c.audience).Mint(dev, importTimeout+time.Minute); err != nil {
			return nil, nil, err
		}
	}
	cc, err := grpc.NewClient(*c.registry, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(auth.TokenCredentials(token)),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(maxImportMessage), grpc.MaxCallRecvMsgSize(maxImportMessage)))
	if err != nil {
		return nil, nil, err
	}
	return registryv1.NewRegistryServiceClient(cc), func() { _ = cc.Close() }, nil
}

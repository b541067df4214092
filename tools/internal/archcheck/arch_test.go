// Package archcheck holds tests of the shape every service shares (docs/ARCHITECTURE.md):
// which layer may import what, where queries live, and how long a gRPC handler may be.
package archcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lienket/lienket/"

// maxHandlerLines bounds a function in a transport package: it maps proto to the application
// layer and back, and nothing else.
const maxHandlerLines = 40

type goFile struct {
	path    string // relative to the repository root, slash-separated
	fset    *token.FileSet
	f       *ast.File
	imports []string
}

func repoFiles(t *testing.T) []goFile {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	var out []goFile
	err = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "data", "bin", "codegen", "lint", "chartcheck":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || strings.Contains(rel, ".pb.") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			return err
		}
		full, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		g := goFile{path: rel, fset: fset, f: full}
		for _, im := range f.Imports {
			s, _ := strconv.Unquote(im.Path.Value)
			g.imports = append(g.imports, s)
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 50 {
		t.Fatalf("found only %d Go files under %s: is the test running from tools/internal/archcheck?", len(out), root)
	}
	return out
}

var (
	storageDir   = regexp.MustCompile(`^services/[a-z]+/internal/storage/`)
	mongoAllowed = regexp.MustCompile(`^services/platform/(mongostore|embedded|telemetry|testkit)/`)
	layer        = regexp.MustCompile(`^services/([a-z]+)/internal/(transport|usecase|domain|storage)/`)
)

// TestOnlyStorageTalksToMongo: queries live in storage (and the platform's store plumbing);
// nothing else imports the driver, so every query is in one place per service.
func TestOnlyStorageTalksToMongo(t *testing.T) {
	for _, g := range repoFiles(t) {
		for _, im := range g.imports {
			if strings.HasPrefix(im, "go.mongodb.org/mongo-driver") && !storageDir.MatchString(g.path) && !mongoAllowed.MatchString(g.path) {
				t.Errorf("%s imports %s: only */internal/storage and platform/{mongostore,embedded,telemetry,testkit} may", g.path, im)
			}
		}
	}
}

// TestLayersPointDown: transport → usecase → domain, usecase → storage → domain. Domain is
// pure (it may use the platform's error vocabulary, apierr, and nothing else of Lienket);
// storage never calls up; transport never queries.
func TestLayersPointDown(t *testing.T) {
	forbidden := map[string][]string{
		"domain":    {"/internal/transport", "/internal/usecase", "/internal/storage", "/proto/", "services/platform/auth", "services/platform/mongostore", "services/platform/aip", "google.golang.org/grpc", "google.golang.org/protobuf"},
		"storage":   {"/internal/transport", "/internal/usecase", "/proto/"},
		"usecase":   {"/internal/transport", "/proto/", "google.golang.org/grpc"},
		"transport": {"/internal/storage", "services/platform/mongostore"},
	}
	seen := map[string]bool{}
	for _, g := range repoFiles(t) {
		m := layer.FindStringSubmatch(g.path)
		if m == nil {
			continue
		}
		seen[m[1]+"/"+m[2]] = true
		for _, im := range g.imports {
			for _, bad := range forbidden[m[2]] {
				if strings.Contains(im, bad) {
					t.Errorf("%s (%s) imports %s", g.path, m[2], im)
				}
			}
			if m[2] == "domain" && strings.HasPrefix(im, module) && !domainMayImport(m[1], im) {
				t.Errorf("%s (domain) imports %s: domain imports nothing of Lienket but itself, its service's pure public packages, apierr and vn", g.path, im)
			}
		}
	}
	for _, svc := range []string{"registry", "contracts", "matchmaking", "support", "webhooks"} {
		for _, l := range []string{"transport", "usecase", "domain", "storage"} {
			if !seen[svc+"/"+l] {
				t.Errorf("services/%s has no internal/%s package", svc, l)
			}
		}
	}
}

// domainMayImport: the service's own domain, its pure public packages (auditchain, taxcode,
// rulebooks: not app, not cmd, nothing else internal), the error vocabulary and Vietnam's
// conventions (platform/vn: civil time, digit grouping).
func domainMayImport(svc, im string) bool {
	own := module + "services/" + svc + "/"
	switch {
	case im == module+"services/platform/apierr", im == module+"services/platform/vn", strings.HasPrefix(im, own+"internal/domain"):
		return true
	case strings.HasPrefix(im, own):
		rest := strings.TrimPrefix(im, own)
		return !strings.HasPrefix(rest, "internal/") && !strings.HasPrefix(rest, "app") && !strings.HasPrefix(rest, "cmd/")
	}
	return false
}

// TestHandlersAreThin: no function in a transport package is longer than maxHandlerLines.
func TestHandlersAreThin(t *testing.T) {
	for _, g := range repoFiles(t) {
		if !strings.Contains(g.path, "/internal/transport/") {
			continue
		}
		for _, d := range g.f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			n := g.fset.Position(fd.End()).Line - g.fset.Position(fd.Pos()).Line + 1
			if n > maxHandlerLines {
				t.Errorf("%s: %s is %d lines (at most %d): move the work into the usecase layer", g.path, fd.Name.Name, n, maxHandlerLines)
			}
		}
	}
}

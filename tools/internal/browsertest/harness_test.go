package browsertest

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/console"
	"github.com/lienket/lienket/gateway/signin"
	"github.com/lienket/lienket/gateway/testsuite"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/tools/internal/demo"
	"github.com/lienket/lienket/tools/internal/devoidc"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// stranger can sign in at the provider but is bound to no one in the registry.
const stranger = "khach"

//go:embed testdata/axe/axe.min.js
var axeSource string

// env is the whole suite for a browser: the services on loopback over a fresh store, the
// development OpenID provider with the demo people, the console (as the gateway mounts it,
// with the token exchange), the demo records seeded through the APIs, and a Chromium.
type env struct {
	t          *testing.T
	issuer     string
	consoleURL string
	seeded     demo.Seeded
	call       string // the demo support call
	alloc      context.Context
	out        string
	a          *testkit.Auth
	conns      [4]*grpc.ClientConn
	secret     string // the console's client secret at the provider
}

// listen picks a loopback port for a server whose URL must be known before it is built.
func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return l, "http://" + l.Addr().String()
}

func serve(t *testing.T, l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// start starts the suite and seeds the demo records (people included).
func start(t *testing.T) *env {
	t.Helper()
	e := startBare(t)
	var err error
	e.seeded, err = demo.Seed(context.Background(), e.conns[0], e.conns[2], e.a.Issuer, e.issuer)
	require.NoError(t, err, "seeding the demo records")
	e.call, err = demo.SeedSupport(context.Background(), e.conns[3], e.a.Issuer, e.seeded)
	require.NoError(t, err, "seeding the demo support call")
	return e
}

// startBare starts the suite without the demo records (for pages before sign-in).
func startBare(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, a: testkit.NewAuth(t), out: outputDir(t)}
	db := testkit.Database(t)
	addrs := testsuite.Start(t, e.a, db)
	reg, con, mm := addrs.Registry, addrs.Contracts, addrs.Matchmaking
	for i, addr := range []string{reg, con, mm, addrs.Support} {
		e.conns[i] = testkit.Dial(t, addr, "")
	}
	idpL, issuer := listen(t)
	conL, consoleURL := listen(t)
	e.issuer, e.consoleURL = issuer, consoleURL

	secret := randomString(t)
	e.secret = secret
	// Besides the demo people, someone the provider knows and the registry does not.
	people := append(demo.ProviderPeople(demo.Password), devoidc.Person{Username: stranger, Password: demo.Password, Subject: "not-registered", Name: "Người lạ"})
	idp, err := devoidc.New(devoidc.Config{Issuer: issuer, People: people, Clients: []devoidc.Client{{
		ID: demo.ClientID, Secret: secret, RedirectURIs: []string{consoleURL + "/console/callback"}, PostLogoutRedirectURIs: []string{consoleURL + "/console/signed-out"}}}})
	require.NoError(t, err)
	serve(t, idpL, idp)

	// The gateway's identity for LookupIdentity, as in the gateway.
	directory := registryv1.NewRegistryServiceClient(testkit.Dial(t, reg, "", grpc.WithPerRPCCredentials(auth.NewServiceCredentials(e.a.Issuer, "gateway"))))
	svc := signin.New(signin.Config{Issuer: issuer, ClientID: demo.ClientID, ClientSecret: secret, RedirectURL: consoleURL + "/console/callback"}, directory, e.a.Issuer, nil)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	c, err := console.New(console.Config{PublicURL: consoleURL, SessionKey: key}, console.Deps{Registry: e.conns[0], Contracts: e.conns[1], Matchmaking: e.conns[2], Support: e.conns[3], SignIn: svc})
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/console/", c)
	mux.Handle("/oauth/token", signin.ExchangeHandler(svc, nil))
	serve(t, conL, mux)

	return e
}

// chrome starts Chromium for the suite, once.
func (e *env) chrome() context.Context {
	t := e.t
	t.Helper()
	if e.alloc != nil {
		return e.alloc
	}
	bin := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
	}
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	// The browser starts with a first tab; each person then gets a browser context of their
	// own (separate cookies), like separate browsers.
	root, cancelRoot := chromedp.NewContext(alloc)
	t.Cleanup(cancelRoot)
	require.NoError(t, chromedp.Do(root, chromedp.Navigate("about:blank")), "starting Chromium")
	e.alloc = root
	return root
}

func randomString(t *testing.T) string {
	b := make([]byte, 24)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}

// chromium finds the browser: LIENKET_CHROMIUM (make test), CHROMIUM, or PATH. The tests never
// skip: without Chromium they fail and say how to get it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, v := range []string{os.Getenv("LIENKET_CHROMIUM"), os.Getenv("CHROMIUM")} {
		if v != "" {
			return v
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("the console's browser tests need Chromium: run `make chromium` (installs Debian's package as root) or `sudo apt-get install -y chromium`, or set CHROMIUM=/path/to/chromium")
	return ""
}

// outputDir is where screenshots go: LIENKET_TEST_OUTPUT, else test-output/console at the
// repository root (gitignored).
func outputDir(t *testing.T) string {
	dir := os.Getenv("LIENKET_TEST_OUTPUT")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "test-output", "console")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// person is one demo person in a browser context of their own (own cookies).
type person struct {
	e        *env
	t        *testing.T
	ctx      context.Context
	username string
}

// browser opens a fresh browser context (no cookies) for username.
func (e *env) browser(username string) *person {
	e.t.Helper()
	ctx, cancel := chromedp.NewContext(e.chrome(), chromedp.WithNewBrowserContext())
	e.t.Cleanup(cancel)
	p := &person{e: e, t: e.t, ctx: ctx, username: username}
	// The first run makes the tab and must not carry a timeout (the tab lives as long as the
	// context of its first run).
	require.NoError(e.t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	return p
}

// signIn opens the console and signs in at the development provider with the demo password.
func (e *env) signIn(username string) *person {
	e.t.Helper()
	p := e.browser(username)
	p.open("/console/")
	require.Contains(p.t, p.location(), "/console/signin", "a person without a session is sent to sign in")
	p.clickNav(`a.button[href*="/console/signin/start"]`)
	require.True(p.t, strings.HasPrefix(p.location(), e.issuer+"/login"), "the provider's sign-in page: %s", p.location())
	p.fill("#username", username)
	p.fill("#password", demo.Password)
	p.clickNav(`button[type=submit]`)
	require.True(p.t, strings.HasPrefix(p.location(), e.consoleURL+"/console/"), "back at the console: %s", p.location())
	return p
}

func (p *person) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	require.NoError(p.t, chromedp.Do(ctx, steps...))
}

func run[T any](p *person, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	require.NoError(p.t, err)
	return v
}

// open navigates to a console path and returns the HTTP status of the document.
func (p *person) open(path string) int64 {
	p.t.Helper()
	res := run(p, chromedp.NavigateResponse(p.e.consoleURL+path))
	if res == nil {
		return 0
	}
	return res.Status
}

// clickNav clicks what css selects (a link, a form's button) and waits for the page it loads;
// it returns the HTTP status of that page.
func (p *person) clickNav(css string) int64 {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
	require.NoError(p.t, err, "click %s on %s", css, p.location())
	if res == nil {
		return 0
	}
	return res.Status
}

func (p *person) fill(css, value string) {
	p.t.Helper()
	p.do(chromedp.SetValue(chromedp.CSS(css), value, chromedp.NodeVisible))
}

func (p *person) location() string { return run(p, chromedp.Location()) }

// text is the page's visible text.
func (p *person) text() string {
	return run(p, chromedp.Evaluate[string](`document.body.innerText`))
}

// shot writes screenshots of the current page with a 360×800 and a 1280×800 viewport: what
// the screen shows (name-360x800.png) and the whole page (name-360x800-full.png).
func (p *person) shot(name string) {
	p.t.Helper()
	for _, size := range [][2]int64{{360, 800}, {1280, 800}} {
		p.do(chromedp.EmulateViewport(size[0], size[1]))
		base := filepath.Join(p.e.out, fmt.Sprintf("%s-%dx%d", name, size[0], size[1]))
		require.NoError(p.t, os.WriteFile(base+".png", run(p, chromedp.CaptureScreenshot()), 0o644))
		require.NoError(p.t, os.WriteFile(base+"-full.png", run(p, chromedp.FullScreenshot(100)), 0o644))
	}
	p.do(chromedp.EmulateViewport(1280, 800))
}

// axeViolation is one serious or critical finding.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the current page (injected through DevTools, which the page's CSP does
// not restrict) and fails on any serious or critical violation, at both widths.
func (p *person) axe(name string) {
	p.t.Helper()
	for _, w := range []int64{360, 1280} {
		p.do(chromedp.EmulateViewport(w, 800))
		raw := run(p, chromedp.Evaluate[string](axeSource+`;
			axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
				.filter(v => v.impact === "serious" || v.impact === "critical")
				.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.html)}))))`, chromedp.EvalAwaitPromise))
		var vs []axeViolation
		require.NoError(p.t, json.Unmarshal([]byte(raw), &vs))
		require.Empty(p.t, vs, "axe-core on %s at %d px: serious or critical violations", name, w)
	}
	p.do(chromedp.EmulateViewport(1280, 800))
}

// cookies returns the browser's cookies for the console.
func (p *person) cookies() []*network.Cookie {
	res := run(p, func(ctx context.Context, t *chromedp.Target) (network.GetCookiesResult, error) {
		return cdp.Call(ctx, t, network.GetCookies, network.GetCookiesParams{URLs: []string{p.e.consoleURL + "/console/"}})
	})
	return res.Cookies
}

package devoidc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/lienket/lienket/gateway/signin"
	"github.com/lienket/lienket/tools/internal/devoidc"
)

// serve starts h on a loopback port chosen before h is built (the issuer must know its URL).
func serve(t *testing.T, build func(base string) http.Handler) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + lis.Addr().String()
	srv := httptest.NewUnstartedServer(nil)
	srv.Listener.Close()
	srv.Listener = lis
	srv.Config.Handler = build(base)
	srv.Start()
	t.Cleanup(srv.Close)
	return base
}

type provider struct {
	issuer, redirect string
	codes            chan url.Values
	svc              *signin.Service
}

func start(t *testing.T) *provider {
	p := &provider{codes: make(chan url.Values, 1)}
	app := serve(t, func(string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.codes <- r.URL.Query() })
	})
	p.redirect = app + "/callback"
	p.issuer = serve(t, func(base string) http.Handler {
		h, err := devoidc.New(devoidc.Config{Issuer: base,
			People:  []devoidc.Person{{Username: "lan", Password: "pw-lan", Subject: "sub-lan", Name: "Lý Thị Lan", Email: "lan@x.test"}},
			Clients: []devoidc.Client{{ID: "console", Secret: "s3cret", RedirectURIs: []string{p.redirect}, PostLogoutRedirectURIs: []string{app + "/bye"}}}})
		require.NoError(t, err)
		return h
	})
	p.svc = signin.New(signin.Config{Issuer: p.issuer, ClientID: "console", ClientSecret: "s3cret", RedirectURL: p.redirect}, nil, nil, nil)
	return p
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// signIn walks the browser's part: authorize → sign-in page → password → back to the app.
func (p *provider) signIn(t *testing.T, state, nonce, verifier, user, password string) (*http.Response, url.Values) {
	t.Helper()
	u, err := p.svc.AuthCodeURL(context.Background(), state, nonce, verifier)
	require.NoError(t, err)
	res, err := noRedirect.Get(u)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode)
	loginURL, err := res.Location()
	require.NoError(t, err)
	page, err := http.Get(loginURL.String())
	require.NoError(t, err)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	require.Equal(t, http.StatusOK, page.StatusCode, string(body))
	require.Contains(t, string(body), "Đăng nhập")
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	id := loginURL.Query().Get("authRequestID")
	res, err = noRedirect.PostForm(p.issuer+"/login", url.Values{"id": {id}, "username": {user}, "password": {password}})
	require.NoError(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		return res, nil
	}
	// Follow the provider's own redirects until it sends the browser back to the app.
	for res.StatusCode == http.StatusFound {
		next, err := res.Location()
		require.NoError(t, err)
		if strings.HasPrefix(next.String(), p.redirect) {
			return res, next.Query()
		}
		res, err = noRedirect.Get(next.String())
		require.NoError(t, err)
		res.Body.Close()
	}
	return res, nil
}

func TestCodeFlowWithPKCE(t *testing.T) {
	p := start(t)
	verifier := oauth2.GenerateVerifier()
	_, q := p.signIn(t, "state-1", "nonce-1", verifier, "lan", "pw-lan")
	require.NotNil(t, q)
	require.Equal(t, "state-1", q.Get("state"))
	id, err := p.svc.SignIn(context.Background(), q.Get("code"), verifier, "nonce-1")
	require.NoError(t, err)
	require.Equal(t, p.issuer, id.Issuer)
	require.Equal(t, "sub-lan", id.Subject)
	require.Equal(t, "Lý Thị Lan", id.Name)

	// A code works once.
	_, err = p.svc.SignIn(context.Background(), q.Get("code"), verifier, "nonce-1")
	require.Error(t, err)
}

func TestCodeNeedsTheVerifierAndTheNonce(t *testing.T) {
	p := start(t)
	verifier := oauth2.GenerateVerifier()
	_, q := p.signIn(t, "s", "n", verifier, "lan", "pw-lan")
	_, err := p.svc.SignIn(context.Background(), q.Get("code"), oauth2.GenerateVerifier(), "n")
	require.Error(t, err, "a code redeemed without its PKCE verifier is refused")

	_, q = p.signIn(t, "s", "n", verifier, "lan", "pw-lan")
	_, err = p.svc.SignIn(context.Background(), q.Get("code"), verifier, "another nonce")
	require.True(t, errors.Is(err, signin.ErrInvalidIDToken), "%v", err)
}

func TestWrongPasswordIsRefused(t *testing.T) {
	p := start(t)
	res, q := p.signIn(t, "s", "n", oauth2.GenerateVerifier(), "lan", "wrong")
	require.Nil(t, q)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
	res, q = p.signIn(t, "s", "n", oauth2.GenerateVerifier(), "nobody", "pw-lan")
	require.Nil(t, q)
	require.Equal(t, http.StatusUnauthorized, res.StatusCode)
}

func TestPlainHTTPOnlyOnLoopback(t *testing.T) {
	_, err := devoidc.New(devoidc.Config{Issuer: "http://lienket.example.vn"})
	require.Error(t, err)
}

func TestEndSessionReturnsToTheApp(t *testing.T) {
	p := start(t)
	u := p.svc.EndSessionURL(context.Background(), strings.TrimSuffix(p.redirect, "/callback")+"/bye")
	require.NotEmpty(t, u)
	res, err := noRedirect.Get(u)
	require.NoError(t, err)
	res.Body.Close()
	loc, _ := res.Location()
	require.NotNil(t, loc, "status %d", res.StatusCode)
	require.True(t, strings.HasSuffix(loc.Path, "/bye"), loc.String())
}

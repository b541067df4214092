package server

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
)

func TestLoadConsoleConfig(t *testing.T) {
	e := config.FromMap(map[string]string{"OIDC_ISSUER": "https://id.example.vn"})
	c := LoadConsoleConfig(e, "127.0.0.1:8080")
	require.NoError(t, e.Err())
	require.Equal(t, "http://127.0.0.1:8080", c.PublicURL)
	require.Equal(t, "http://127.0.0.1:8080/console/callback", c.OIDC.RedirectURL)
	require.Equal(t, "lienket-console", c.OIDC.ClientID)
	require.Equal(t, 12*time.Hour, c.OIDC.TokenTTL)
	require.Equal(t, 30*time.Minute, c.IdleTimeout)
	require.Nil(t, c.SessionKey)

	key := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	file := filepath.Join(t.TempDir(), "session.key")
	require.NoError(t, os.WriteFile(file, []byte(key+"\n"), 0o600))
	e = config.FromMap(map[string]string{"CONSOLE_URL": "https://lienket.example.vn/", "CONSOLE_SESSION_KEY_FILE": file, "LIENKET_TOKEN_TTL": "2h"})
	c = LoadConsoleConfig(e, "127.0.0.1:8080")
	require.NoError(t, e.Err())
	require.Equal(t, "https://lienket.example.vn", c.PublicURL)
	require.Equal(t, "https://lienket.example.vn/console/callback", c.OIDC.RedirectURL)
	require.Len(t, c.SessionKey, 32)
	require.Equal(t, 2*time.Hour, c.OIDC.TokenTTL)

	e = config.FromMap(map[string]string{"LIENKET_TOKEN_TTL": "24h", "CONSOLE_SESSION_KEY": "short", "CONSOLE_IDLE_TIMEOUT": "5s"})
	LoadConsoleConfig(e, "127.0.0.1:8080")
	err := e.Err()
	require.ErrorContains(t, err, "LIENKET_TOKEN_TTL")
	require.ErrorContains(t, err, "CONSOLE_SESSION_KEY")
	require.ErrorContains(t, err, "CONSOLE_IDLE_TIMEOUT")
}

// TestGatewayMountsTheConsole: with an issuer the gateway serves the console, the token
// exchange and a redirect from / to the console, next to the REST API; without one, none.
func TestGatewayMountsTheConsole(t *testing.T) {
	key, err := auth.GenerateKey()
	require.NoError(t, err)
	issuer := auth.NewIssuer(key, "lienket-dev", "lienket")
	dial := func() *grpc.ClientConn {
		cc, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
		require.NoError(t, err)
		t.Cleanup(func() { _ = cc.Close() })
		return cc
	}
	conns := [4]*grpc.ClientConn{dial(), dial(), dial(), dial()}
	cfg := Config{MaxBodyBytes: 1 << 20, KeyLookupRPS: 5, KeyLookupBurst: 20}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	none, err := consoleRoutes(ConsoleConfig{}, cfg, log, issuer, registryv1.NewRegistryServiceClient(conns[0]), conns)
	require.NoError(t, err)
	require.Nil(t, none)

	cc := LoadConsoleConfig(config.FromMap(map[string]string{"OIDC_ISSUER": "http://127.0.0.1:1"}), "127.0.0.1:8080")
	routes, err := consoleRoutes(cc, cfg, log, issuer, registryv1.NewRegistryServiceClient(conns[0]), conns)
	require.NoError(t, err)
	h, err := Handler(context.Background(), cfg, Edge{Verifier: auth.NewVerifier("lienket-dev", "lienket", issuer.Public()), Issuer: issuer, Log: log, Keys: registryv1.NewRegistryServiceClient(conns[0]), Routes: routes}, conns[0], conns[1], conns[2], conns[3], nil)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, err := noFollow.Get(srv.URL + "/")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, "/console/", res.Header.Get("Location"))

	res, err = noFollow.Get(srv.URL + "/console/signin")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, string(body), "Đăng nhập")
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.NotEmpty(t, res.Header.Get("X-Request-Id"), "the console is behind the gateway's request ids")

	res, err = noFollow.PostForm(srv.URL+"/oauth/token", url.Values{"grant_type": {"client_credentials"}})
	require.NoError(t, err)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
	require.True(t, strings.Contains(string(body), `"unsupported_grant_type"`), string(body))

	res, err = noFollow.Get(srv.URL + "/v1/products")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusUnauthorized, res.StatusCode, "the REST API is as before")
}

package supervisor

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/tools/internal/demo"
)

func TestConsoleSettings(t *testing.T) {
	c, err := LoadConfig(config.FromMap(map[string]string{"GATEWAY_ADDR": "127.0.0.1:18080", "LIENKET_DATA_DIR": t.TempDir()}))
	require.NoError(t, err)
	require.Equal(t, demo.ProviderAddr, c.OIDCAddr)
	require.Equal(t, "http://127.0.0.1:18080", c.ConsoleURL)
	require.Equal(t, demo.Password, c.DemoPassword)

	env, err := c.prepareConsole()
	require.NoError(t, err)
	require.Equal(t, "http://"+demo.ProviderAddr, env.issuer)
	get := func(list []string, key string) string {
		for _, kv := range list {
			if v, ok := strings.CutPrefix(kv, key+"="); ok {
				return v
			}
		}
		return ""
	}
	secret := get(env.provider, "OIDC_CLIENT_SECRET")
	require.NotEmpty(t, secret)
	require.Equal(t, secret, get(env.gateway, "OIDC_CLIENT_SECRET"), "provider and gateway share the client secret")
	require.Equal(t, env.issuer, get(env.gateway, "OIDC_ISSUER"))
	keyFile := get(env.gateway, "CONSOLE_SESSION_KEY_FILE")
	first, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	st, err := os.Stat(keyFile)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	again, err := c.prepareConsole()
	require.NoError(t, err)
	require.NotEqual(t, secret, get(again.provider, "OIDC_CLIENT_SECRET"), "a new client secret each run")
	second, err := os.ReadFile(filepath.Clean(get(again.gateway, "CONSOLE_SESSION_KEY_FILE")))
	require.NoError(t, err)
	require.Equal(t, first, second, "the session key is kept: sessions survive a restart")

	var out bytes.Buffer
	c.printConsole(&out, env.issuer)
	for _, p := range demo.People {
		require.Contains(t, out.String(), p.Username)
	}
	require.Contains(t, out.String(), "http://127.0.0.1:18080/console/")
	require.Contains(t, out.String(), demo.Password)
}

// TestWebhookReceiver: the development receiver answers deliveries on DEMO_WEBHOOK_ADDR and
// prints them; with its address taken, make run goes on without it and says how to move it.
func TestWebhookReceiver(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	c, err := LoadConfig(config.FromMap(map[string]string{"DEMO_WEBHOOK_ADDR": addr}))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out lockedBuffer
	rcv := c.webhookReceiver(ctx, &out)
	require.NotNil(t, rcv)
	res, err := http.Post("http://"+addr+"/", "application/json", strings.NewReader(`{"type":"contract.signed","data":{"resource":"contracts/1"}}`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	require.Contains(t, out.String(), "lienket-run: webhook received: contract.signed contracts/1")
	require.Contains(t, out.String(), "SIGNATURE DOES NOT VERIFY", "no secret yet, no signature")

	var taken lockedBuffer
	require.Nil(t, c.webhookReceiver(ctx, &taken), "the address is in use by the first receiver")
	require.Contains(t, taken.String(), "set DEMO_WEBHOOK_ADDR to a free address")
}

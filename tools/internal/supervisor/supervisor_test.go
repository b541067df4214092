package supervisor

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/config"
)

func TestPrefixerPrefixesEachLine(t *testing.T) {
	var mu sync.Mutex
	var out bytes.Buffer
	p := &prefixer{mu: &mu, out: &out}
	w := p.writer("registry")
	_, _ = fmt.Fprint(w, "one\ntwo\n")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(out.String(), "[registry]") == 2
	}, 2*time.Second, 10*time.Millisecond)
	require.Contains(t, out.String(), "[registry]   one\n")
}

// TestLoadConfigDefaults reads a given environment, never the caller's: a developer who has
// exported REGISTRY_ADDR must not see it fail.
func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(config.FromMap(map[string]string{"GATEWAY_ADDR": "127.0.0.1:18080"}))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:18080", c.GatewayHTTP)
	require.Equal(t, "127.0.0.1:9101", c.RegistryGRPC)
	require.Equal(t, "127.0.0.1:9104", c.SupportGRPC)
	require.Equal(t, "127.0.0.1:9204", c.SupportHTTP)
	require.Equal(t, "./data", c.DataDir)
	_, err = LoadConfig(config.FromMap(map[string]string{"START_TIMEOUT": "soon", "REGISTRY_ADDR": "nowhere"}))
	require.ErrorContains(t, err, `START_TIMEOUT: "soon" is not a duration`)
	require.ErrorContains(t, err, `REGISTRY_ADDR: "nowhere" is not host:port`)
}

func TestHealthChecks(t *testing.T) {
	ctx := context.Background()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	require.NoError(t, httpCheck(srv.URL+"/healthz")(ctx))
	require.Error(t, httpCheck(srv.URL+"/other")(ctx))
	require.NoError(t, tcpCheck(strings.TrimPrefix(srv.URL, "http://"))(ctx))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	require.Error(t, tcpCheck(addr)(ctx))
	require.Error(t, grpcHealth(addr)(ctx))
}

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

func TestLoadConfigDefaults(t *testing.T) {
	t.Setenv("GATEWAY_ADDR", "127.0.0.1:18080")
	c, err := LoadConfig()
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:18080", c.GatewayHTTP)
	require.Equal(t, "127.0.0.1:9101", c.RegistryGRPC)
	require.Equal(t, "./data", c.DataDir)
	t.Setenv("START_TIMEOUT", "soon")
	_, err = LoadConfig()
	require.Error(t, err)
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

package transport_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/webhooks/internal/transport"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// names is a resolver for tests: host names to chosen addresses.
type names map[string][]string

func (n names) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	var out []netip.Addr
	for _, s := range n[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if len(out) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return out, nil
}

// TestSSRFRefusals: in production the sender connects to no loopback, private, link-local,
// unique-local or metadata address — given as an IP literal or behind a host name that
// resolves to one (checked on the address actually dialled) — and makes no connection at all
// to them. A local listener counts the connections it gets.
func TestSSRFRefusals(t *testing.T) {
	var hits atomic.Int32
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer local.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(local.URL, "http://"))
	s := transport.NewSender(transport.SenderConfig{Timeout: 2 * time.Second, Resolver: names{
		"erp.internal.example": {"10.1.2.3"},
		"rebind.example":       {"127.0.0.1"},
		"mixed.example":        {"192.168.1.10", "fd00::7"},
		"metadata.example":     {"169.254.169.254"},
	}})
	for _, url := range []string{
		"http://127.0.0.1:" + port + "/h",
		"https://127.0.0.1:" + port + "/h",
		"https://10.0.0.1/h",
		"https://172.16.5.4/h",
		"https://192.168.0.1/h",
		"https://169.254.169.254/latest/meta-data/",
		"https://[::1]:" + port + "/h",
		"https://[fc00::1]/h",
		"https://[fd12:3456::1]/h",
		"https://[fe80::1]/h",
		"https://[::ffff:10.0.0.1]/h",
		"https://100.64.0.1/h",
		"https://0.0.0.0:" + port + "/h",
		"https://erp.internal.example/h",
		"http://rebind.example:" + port + "/h",
		"https://mixed.example/h",
		"https://metadata.example/h",
	} {
		a := s.Send(context.Background(), usecase.Request{URL: url, Body: []byte(`{}`)})
		require.Zero(t, a.StatusCode, url)
		require.Contains(t, a.Error, "is refused", url)
	}
	system := transport.NewSender(transport.SenderConfig{Timeout: 2 * time.Second}) // the system's resolver
	a := system.Send(context.Background(), usecase.Request{URL: "http://localhost:" + port + "/h", Body: []byte(`{}`)})
	require.Contains(t, a.Error, "is refused", "localhost resolves to loopback")
	require.Zero(t, hits.Load(), "no request reached the local endpoint")

	// The development setting admits local endpoints, but never metadata addresses.
	dev := transport.NewSender(transport.SenderConfig{AllowInternal: true, Timeout: 2 * time.Second, Resolver: names{"metadata.example": {"169.254.169.254"}}})
	a = dev.Send(context.Background(), usecase.Request{URL: local.URL + "/h", Body: []byte(`{}`)})
	require.Equal(t, 200, a.StatusCode, a.Error)
	a = dev.Send(context.Background(), usecase.Request{URL: "http://metadata.example/", Body: []byte(`{}`)})
	require.Contains(t, a.Error, "is refused")
}

// TestSenderBounds: redirects are not followed (the 3xx is the answer, and the target is not
// contacted), an answer is read up to the cap, a slow endpoint times out, Retry-After is read,
// and the signature headers go out as given.
func TestSenderBounds(t *testing.T) {
	var targetHits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { targetHits.Add(1) }))
	defer target.Close()
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, target.URL+"/elsewhere", http.StatusFound)
		case "/huge":
			w.WriteHeader(http.StatusOK)
			chunk := []byte(strings.Repeat("x", 1<<16))
			for i := 0; i < 1024; i++ { // 64 MiB, if anyone read it all
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		case "/slow":
			time.Sleep(2 * time.Second)
		case "/busy":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	s := transport.NewSender(transport.SenderConfig{AllowInternal: true, Timeout: 500 * time.Millisecond, MaxResponseBytes: 1024})

	a := s.Send(context.Background(), usecase.Request{URL: srv.URL + "/redirect", Body: []byte(`{}`), Headers: map[string]string{"webhook-id": "msg_1"}})
	require.Equal(t, http.StatusFound, a.StatusCode)
	require.Contains(t, a.Failure(), "redirects are not followed")
	require.Zero(t, targetHits.Load(), "the redirect's target is not contacted")
	require.Equal(t, "msg_1", seen.Get("webhook-id"))
	require.Equal(t, "application/json", seen.Get("Content-Type"))

	start := time.Now()
	a = s.Send(context.Background(), usecase.Request{URL: srv.URL + "/huge", Body: []byte(`{}`)})
	require.Equal(t, http.StatusOK, a.StatusCode)
	require.LessOrEqual(t, len(a.Excerpt), 256, "an excerpt is kept, not the answer")
	require.Less(t, time.Since(start), 5*time.Second, "the answer is not read to its end")

	a = s.Send(context.Background(), usecase.Request{URL: srv.URL + "/slow", Body: []byte(`{}`)})
	require.Zero(t, a.StatusCode)
	require.Contains(t, a.Error, "timeout")

	a = s.Send(context.Background(), usecase.Request{URL: srv.URL + "/busy", Body: []byte(`{}`)})
	require.Equal(t, http.StatusServiceUnavailable, a.StatusCode)
	require.Equal(t, 120*time.Second, a.RetryAfter)
}

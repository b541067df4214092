package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// SenderConfig configures the HTTP sender.
type SenderConfig struct {
	// AllowInternal admits loopback, private, link-local and unique-local addresses
	// (development only; metadata addresses stay refused).
	AllowInternal bool
	// Timeout bounds a whole request (connect, TLS, headers, the capped body).
	Timeout time.Duration
	// MaxResponseBytes caps how much of an answer is read.
	MaxResponseBytes int64
	// Resolver resolves host names (nil: the system's). Tests map names to chosen addresses.
	Resolver Resolver
}

// Resolver resolves a host name to IP addresses.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// DefaultSenderConfig: 15 s per request (the Standard Webhooks recommendation is 15-30 s), 64
// KiB of answer at most.
var DefaultSenderConfig = SenderConfig{Timeout: 15 * time.Second, MaxResponseBytes: 64 << 10}

// Sender sends webhook requests (usecase.Sender). Against server-side request forgery: the
// address policy (domain.CheckAddress) is applied to every address a name resolves to, and
// the connection is made to the checked address itself (no second resolution that a DNS
// rebinding could answer differently), and checked once more by the socket's Control hook just
// before connect; no proxy from the environment is used; redirects are not followed (a 3xx is a
// failed attempt); the answer is read up to a cap; the whole request has a timeout.
type Sender struct {
	client *http.Client
	max    int64
}

// NewSender returns a sender.
func NewSender(cfg SenderConfig) *Sender {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultSenderConfig.Timeout
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultSenderConfig.MaxResponseBytes
	}
	var res Resolver = net.DefaultResolver
	if cfg.Resolver != nil {
		res = cfg.Resolver
	}
	g := &guard{allow: cfg.AllowInternal, resolver: res}
	g.dialer = &net.Dialer{Timeout: min(5*time.Second, cfg.Timeout), Control: g.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.dial,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   min(10*time.Second, cfg.Timeout),
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Sender{max: cfg.MaxResponseBytes, client: &http.Client{
		Transport:     tr,
		Timeout:       cfg.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Send implements usecase.Sender.
func (s *Sender) Send(ctx context.Context, r usecase.Request) domain.Attempt {
	start := time.Now()
	a := domain.Attempt{Time: start.UTC()}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		a.Error = "malformed URL"
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Lienket-Webhooks/1")
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	res, err := s.client.Do(req)
	if err != nil {
		a.Error, a.DurationMS = describe(err), time.Since(start).Milliseconds()
		return a
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, s.max))
	a.StatusCode, a.Excerpt = res.StatusCode, domain.Excerpt(body, 256)
	a.RetryAfter = retryAfter(res.Header.Get("Retry-After"), start)
	a.DurationMS = time.Since(start).Milliseconds()
	return a
}

// describe says in a line why a request failed (an address refused, a timeout, a refused
// connection…).
func describe(err error) string {
	var ae *domain.AddressError
	var ne net.Error
	switch {
	case errors.As(err, &ae):
		return ae.Error()
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout: " + trim(err.Error())
	}
	return trim(err.Error())
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// guard resolves and checks addresses before connecting.
type guard struct {
	allow    bool
	resolver Resolver
	dialer   *net.Dialer
}

// dial resolves addr's host, refuses the addresses the policy refuses, and connects to the
// first allowed one that answers (by its IP address: nothing is resolved again).
func (g *guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := g.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	var firstErr error
	for _, ip := range ips {
		if err := domain.CheckAddress(ip, g.allow); err != nil {
			firstErr = cmp(firstErr, err)
			continue
		}
		c, err := g.dialer.DialContext(ctx, network, net.JoinHostPort(ip.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		firstErr = cmp(firstErr, err)
	}
	if firstErr == nil {
		firstErr = fmt.Errorf("%s has no address", host)
	}
	return nil, firstErr
}

func cmp(prev, err error) error {
	if prev != nil {
		return prev
	}
	return err
}

func (g *guard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	return g.resolver.LookupNetIP(ctx, "ip", host)
}

// control checks the address the socket is about to connect to (defence in depth: whatever
// path led here, no connection to a refused address is made).
func (g *guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("connect to %q: not an IP address", address)
	}
	return domain.CheckAddress(ap.Addr(), g.allow)
}

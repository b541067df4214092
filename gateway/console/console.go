// Package console is Lienket's web front door for people: commune and province officials,
// cooperatives, businesses, households and operators. It is server-rendered HTML (html/template,
// plain forms, no JavaScript), mounted by the gateway under /console, signs people in with
// OpenID Connect (package signin), and calls the services over gRPC with the signed-in
// person's Lienket token, so every authorization rule stays in the services.
//
// Vietnamese first (English switchable); money as 1.250.000 ₫, dates dd/mm/yyyy in
// Asia/Ho_Chi_Minh, quantities with their unit. Every form carries a CSRF token; cookies are
// HttpOnly, SameSite=Lax and Secure over HTTPS; pages are sent with a strict
// Content-Security-Policy (no script at all) and frame-ancestors 'none'.
package console

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/signin"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// Config of the console.
type Config struct {
	// PublicURL is where people reach the gateway, e.g. https://lienket.example.vn
	// (CONSOLE_URL). Over https the cookies are Secure; plain http is for loopback development.
	PublicURL string
	// SessionKey seals the session cookies (32 bytes; CONSOLE_SESSION_KEY).
	SessionKey []byte
	// IdleTimeout ends a session without activity (CONSOLE_IDLE_TIMEOUT, default 30 min).
	IdleTimeout time.Duration
	// RequestTimeout bounds the backend calls of one page (default 15 s).
	RequestTimeout time.Duration
}

// Deps are the console's connections.
type Deps struct {
	// Registry, Contracts, Matchmaking and Support are connections to the services, without
	// credentials of their own: each call carries the signed-in person's token.
	Registry, Contracts, Matchmaking, Support grpc.ClientConnInterface
	// SignIn signs people in.
	SignIn *signin.Service
	// Log is the gateway's logger.
	Log *slog.Logger
}

// BasePath is where the console is mounted.
const BasePath = "/console"

//go:embed templates/*.html static/*
var files embed.FS

// Console serves the console.
type Console struct {
	cfg     Config
	b       *backend
	signin  *signin.Service
	seal    *sealer
	cookies cookies
	revoked *revoked
	log     *slog.Logger
	pages   map[string]*template.Template
	static  http.Handler
	mux     *http.ServeMux
}

// New builds the console's handler.
func New(cfg Config, d Deps) (*Console, error) {
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("console URL %q is not an http(s) URL", cfg.PublicURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("console URL %q: plain HTTP only on the loopback interface; serve the console over HTTPS", cfg.PublicURL)
	}
	seal, err := newSealer(cfg.SessionKey)
	if err != nil {
		return nil, err
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 15 * time.Second
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	static, _ := fs.Sub(files, "static")
	c := &Console{
		cfg: cfg, signin: d.SignIn, seal: seal, log: d.Log, pages: pages,
		cookies: cookies{secure: u.Scheme == "https", path: BasePath},
		revoked: &revoked{ids: map[string]time.Time{}},
		b: &backend{
			reg: registryv1.NewRegistryServiceClient(conn{d.Registry}),
			con: contractsv1.NewContractsServiceClient(conn{d.Contracts}),
			mm:  matchmakingv1.NewMatchmakingServiceClient(conn{d.Matchmaking}),
			sup: supportv1.NewSupportServiceClient(conn{d.Support}),
			ref: &reference{},
		},
		static: http.StripPrefix(BasePath+"/static/", http.FileServerFS(static)),
	}
	c.routes()
	return c, nil
}

// ServeHTTP serves everything under BasePath.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' "+c.formTargets()+"; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.cookies.secure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	c.mux.ServeHTTP(w, r)
}

// formTargets: a form posted to the console may be answered with a redirect to the OpenID
// provider (sign-out), which form-action must allow.
func (c *Console) formTargets() string {
	if c.signin == nil {
		return ""
	}
	u, err := url.Parse(c.signin.Config().Issuer)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

// rq is one request to a page: the person's session and the context carrying their token.
type rq struct {
	c    *Console
	w    http.ResponseWriter
	r    *http.Request
	s    *session
	ctx  context.Context
	lang string
	st   *stats
	// cancel releases the request's backend deadline.
	cancel context.CancelFunc
}

// handler is a page or action; an error it returns becomes an error page.
type handler func(q *rq) error

// page wraps h: a signed-in person who has chosen a grant is required.
func (c *Console) page(h handler) http.Handler {
	return c.withSession(true, h)
}

// withSession loads the session; needGrant sends a person without a chosen grant to the
// chooser. A state-changing request must carry the session's CSRF token.
func (c *Console) withSession(needGrant bool, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, reason := c.session(r)
		if s == nil {
			c.toSignIn(w, r, reason)
			return
		}
		if r.Method == http.MethodPost {
			if err := parsePost(w, r); err != nil {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			if !equalToken(r.PostForm.Get("csrf"), s.CSRF) {
				c.forbidden(w, r)
				return
			}
		}
		if needGrant && s.Grant == "" {
			http.Redirect(w, r, BasePath+"/grants", http.StatusSeeOther)
			return
		}
		c.touch(w, s)
		q := c.newRQ(w, r, s)
		defer q.done()
		if err := h(q); err != nil {
			q.fail(err)
		}
	})
}

func (c *Console) newRQ(w http.ResponseWriter, r *http.Request, s *session) *rq {
	st := &stats{}
	ctx, cancel := context.WithTimeout(r.Context(), c.cfg.RequestTimeout)
	ctx = context.WithValue(ctx, statsKey, st)
	if id := r.Header.Get("X-Request-Id"); id != "" {
		ctx = context.WithValue(ctx, requestIDKey, id)
	}
	if s != nil && s.Token != "" {
		ctx = withToken(ctx, s.Token)
	}
	return &rq{c: c, w: w, r: r, s: s, ctx: ctx, lang: language(r), st: st, cancel: cancel}
}

func (q *rq) done() { q.cancel() }

// session returns the valid session of r, or nil and why not ("" or "expired").
func (c *Console) session(r *http.Request) (*session, string) {
	ck, err := r.Cookie(c.cookies.name("lienket_session"))
	if err != nil {
		return nil, ""
	}
	var s session
	if err := c.seal.open("session", ck.Value, &s); err != nil {
		return nil, ""
	}
	now := time.Now()
	switch {
	case c.revoked.has(s.ID):
		return nil, ""
	case now.Unix() >= s.Expires, now.Sub(time.Unix(s.Seen, 0)) > c.cfg.IdleTimeout:
		return nil, "expired"
	}
	return &s, ""
}

// touch renews the cookie's idle clock at most once a minute.
func (c *Console) touch(w http.ResponseWriter, s *session) {
	if time.Since(time.Unix(s.Seen, 0)) < time.Minute {
		return
	}
	s.Seen = time.Now().Unix()
	_ = c.writeSession(w, s)
}

func (c *Console) writeSession(w http.ResponseWriter, s *session) error {
	v, err := c.seal.seal("session", s)
	if err != nil {
		return err
	}
	c.cookies.set(w, "lienket_session", v, time.Until(time.Unix(s.Expires, 0)))
	return nil
}

func (c *Console) toSignIn(w http.ResponseWriter, r *http.Request, reason string) {
	next := r.URL.Path
	if r.Method != http.MethodGet {
		next = BasePath + "/"
	}
	q := url.Values{"next": {next}}
	if reason != "" {
		q.Set("reason", reason)
	}
	http.Redirect(w, r, BasePath+"/signin?"+q.Encode(), http.StatusSeeOther)
}

func (c *Console) forbidden(w http.ResponseWriter, r *http.Request) {
	q := c.newRQ(w, r, nil)
	defer q.done()
	q.render(http.StatusForbidden, "error", errorView{Title: "Yêu cầu không hợp lệ", Message: "Biểu mẫu đã hết hạn hoặc không đến từ trang này. Hãy tải lại trang và thử lại."})
}

// errorView is shown for an error.
type errorView struct{ Title, Message string }

// render executes page into a buffer and sends it with code.
func (q *rq) render(code int, page string, data any) {
	t, ok := q.c.pages[page]
	if !ok {
		panic("console: no page " + page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", q.view(page, data)); err != nil {
		q.c.log.ErrorContext(q.r.Context(), "console template", "page", page, "error", err)
		http.Error(q.w, "Đã có lỗi khi hiển thị trang.", http.StatusInternalServerError)
		return
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Server-Timing", fmt.Sprintf(`grpc;desc="%d calls";dur=%.1f`, q.st.calls.Load(), float64(q.st.nanos.Load())/1e6))
	q.w.WriteHeader(code)
	_, _ = q.w.Write(buf.Bytes())
}

// redirect answers a successful action: back to a page, with a message key.
func (q *rq) redirect(path, ok string) error {
	if ok != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "ok=" + url.QueryEscape(ok)
	}
	http.Redirect(q.w, q.r, path, http.StatusSeeOther)
	return nil
}

// fail renders an error the page could not handle itself.
func (q *rq) fail(err error) {
	code, title, msg := describe(err)
	if code >= 500 {
		q.c.log.ErrorContext(q.r.Context(), "console page failed", "path", q.r.URL.Path, "error", err)
	}
	q.render(code, "error", errorView{Title: title, Message: msg})
}

// errNotFound is a page that does not exist.
var errNotFound = errors.New("not found")

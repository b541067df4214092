// Package devoidc is the development OpenID provider of `make run`: zitadel/oidc's op package
// (an OpenID-certified implementation of the provider side: discovery, authorization code flow
// with PKCE, ID tokens signed RS256, JWKS, userinfo, end session) over an in-memory store of
// demo people and registered clients, with a plain username/password sign-in page.
//
// It is for development and tests only: people and passwords come from configuration, state is
// in memory, and it refuses a plain-HTTP issuer that is not on the loopback interface.
package devoidc

import (
	"context"
	"crypto/rand"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"

	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// Person is someone who can sign in.
type Person struct {
	Username, Password, Subject string
	Name, Email, Phone          string
	// Does is shown on the sign-in page next to the username.
	Does string
}

// Client is a registered application.
type Client struct {
	ID, Secret                           string
	RedirectURIs, PostLogoutRedirectURIs []string
}

// Config of the provider.
type Config struct {
	// Issuer URL, e.g. http://127.0.0.1:9400; the handler must be served at its root.
	Issuer  string
	People  []Person
	Clients []Client
	Log     *slog.Logger
}

//go:embed login.html login.css
var files embed.FS

var loginPage = template.Must(template.ParseFS(files, "login.html"))

// New returns the provider's HTTP handler.
func New(cfg Config) (http.Handler, error) {
	u, err := url.Parse(cfg.Issuer)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("issuer %q is not an http(s) URL", cfg.Issuer)
	}
	var opts []op.Option
	if u.Scheme == "http" {
		if !loopback(u.Hostname()) {
			return nil, fmt.Errorf("issuer %q: plain HTTP only on the loopback interface", cfg.Issuer)
		}
		opts = append(opts, op.WithAllowInsecure())
	}
	if cfg.Log != nil {
		opts = append(opts, op.WithLogger(cfg.Log))
	}
	st, err := newStorage(cfg.People, cfg.Clients)
	if err != nil {
		return nil, err
	}
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return nil, err
	}
	provider, err := op.NewProvider(&op.Config{
		CryptoKey:                key,
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		DefaultLogoutRedirectURI: "/signed-out",
		SupportedUILocales:       []language.Tag{language.Vietnamese, language.English},
	}, st, op.StaticIssuer(cfg.Issuer), opts...)
	if err != nil {
		return nil, err
	}
	l := &login{st: st, callback: op.AuthCallbackURL(provider), people: cfg.People}
	mux := http.NewServeMux()
	mux.Handle("GET /login", secure(http.HandlerFunc(l.show)))
	mux.Handle("POST /login", secure(op.NewIssuerInterceptor(provider.IssuerFromRequest).HandlerFunc(l.submit)))
	mux.HandleFunc("GET /login.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		http.ServeFileFS(w, r, files, "login.css")
	})
	mux.HandleFunc("GET /signed-out", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("Đã đăng xuất. / Signed out.\n"))
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	mux.Handle("/", provider)
	return mux, nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// secure sets the headers of the provider's own pages.
func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

type login struct {
	st       *storage
	callback func(context.Context, string) string
	people   []Person
}

type loginData struct {
	ID, Username, Error string
	People              []Person
}

func (l *login) show(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	if _, ok := l.st.request(id); !ok {
		http.Error(w, "Phiên đăng nhập không tồn tại hoặc đã hết hạn; hãy bắt đầu lại từ ứng dụng. / Unknown or expired sign-in; start again from the application.", http.StatusBadRequest)
		return
	}
	l.render(w, http.StatusOK, loginData{ID: id})
}

func (l *login) submit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id, user := r.PostForm.Get("id"), r.PostForm.Get("username")
	if err := l.st.authenticate(user, r.PostForm.Get("password"), id); err != nil {
		l.render(w, http.StatusUnauthorized, loginData{ID: id, Username: user, Error: "Sai tên đăng nhập hoặc mật khẩu, hoặc phiên đã hết hạn."})
		return
	}
	http.Redirect(w, r, l.callback(r.Context(), id), http.StatusFound)
}

func (l *login) render(w http.ResponseWriter, code int, d loginData) {
	d.People = l.people
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = loginPage.Execute(w, d)
}

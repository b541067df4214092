package server

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/console"
	"github.com/lienket/lienket/gateway/signin"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
)

// The console and OpenID Connect sign-in, mounted by the gateway: /console/ (the web front door)
// and POST /oauth/token (RFC 8693: a provider's ID token in, a Lienket token out).

// ConsoleConfig holds the sign-in and console settings.
type ConsoleConfig struct {
	// OIDC is the OpenID Connect client (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET,
	// OIDC_REDIRECT_URL, OIDC_EXCHANGE_CLIENT_IDS, OIDC_EXCHANGE_MAX_AGE, LIENKET_TOKEN_TTL).
	// Without an issuer the console and the token exchange are off.
	OIDC signin.Config
	// PublicURL is where people reach the gateway (CONSOLE_URL; default http://HTTP_ADDR).
	PublicURL string
	// SessionKey seals session cookies: CONSOLE_SESSION_KEY (base64 of 32 bytes) or the file
	// CONSOLE_SESSION_KEY_FILE holding it; unset, a random key per process (sessions do not
	// survive a restart and several replicas need a shared key).
	SessionKey []byte
	// IdleTimeout ends idle sessions (CONSOLE_IDLE_TIMEOUT, 30m).
	IdleTimeout time.Duration
}

// LoadConsoleConfig reads the console settings; httpAddr is the gateway's listen address.
func LoadConsoleConfig(e *config.Env, httpAddr string) ConsoleConfig {
	c := ConsoleConfig{
		PublicURL:   strings.TrimRight(e.String("CONSOLE_URL", "http://"+httpAddr), "/"),
		IdleTimeout: e.Duration("CONSOLE_IDLE_TIMEOUT", 30*time.Minute),
	}
	c.OIDC = signin.Config{
		Issuer:            e.String("OIDC_ISSUER", ""),
		ClientID:          e.String("OIDC_CLIENT_ID", "lienket-console"),
		ClientSecret:      e.String("OIDC_CLIENT_SECRET", ""),
		RedirectURL:       e.String("OIDC_REDIRECT_URL", c.PublicURL+console.BasePath+"/callback"),
		ExchangeAudiences: e.List("OIDC_EXCHANGE_CLIENT_IDS", nil),
		MaxIDTokenAge:     e.Duration("OIDC_EXCHANGE_MAX_AGE", 10*time.Minute),
		TokenTTL:          e.Duration("LIENKET_TOKEN_TTL", signin.MaxTokenTTL),
	}
	e.Check(c.OIDC.TokenTTL > 0 && c.OIDC.TokenTTL <= signin.MaxTokenTTL, "LIENKET_TOKEN_TTL", "must be between 1s and %s", signin.MaxTokenTTL)
	e.Check(c.IdleTimeout >= time.Minute, "CONSOLE_IDLE_TIMEOUT", "must be at least 1m")
	key, err := sessionKey(e.String("CONSOLE_SESSION_KEY", ""), e.String("CONSOLE_SESSION_KEY_FILE", ""))
	e.Check(err == nil, "CONSOLE_SESSION_KEY", "%v", err)
	c.SessionKey = key
	return c
}

func sessionKey(value, file string) ([]byte, error) {
	if value == "" && file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		value = strings.TrimSpace(string(b))
	}
	if value == "" {
		return nil, nil
	}
	k, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(k) != 32 {
		return nil, fmt.Errorf("must be the base64 encoding of 32 random bytes")
	}
	return k, nil
}

// consoleRoutes builds the console and the token exchange over the gateway's connections:
// conns are the services (no credentials of their own: the person's token goes with each
// call), directory the registry with the gateway's service identity (LookupIdentity).
func consoleRoutes(cfg ConsoleConfig, gw Config, log *slog.Logger, issuer *auth.Issuer, directory registryv1.RegistryServiceClient, conns [4]*grpc.ClientConn) (map[string]http.Handler, error) {
	if cfg.OIDC.Issuer == "" {
		log.Info("console and token exchange off: OIDC_ISSUER is not set")
		return nil, nil
	}
	if cfg.SessionKey == nil {
		cfg.SessionKey = make([]byte, 32)
		if _, err := rand.Read(cfg.SessionKey); err != nil {
			return nil, err
		}
		log.Warn("CONSOLE_SESSION_KEY is not set: console sessions end when the gateway restarts and are not shared between replicas")
	}
	svc := signin.New(cfg.OIDC, directory, issuer, nil)
	con, err := console.New(console.Config{PublicURL: cfg.PublicURL, SessionKey: cfg.SessionKey, IdleTimeout: cfg.IdleTimeout},
		console.Deps{Registry: conns[0], Contracts: conns[1], Matchmaking: conns[2], Support: conns[3], SignIn: svc, Log: log})
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	// The exchange reaches the registry for unauthenticated callers: limited per client
	// address like API-key lookups.
	perAddr := NewRateLimiter(gw.KeyLookupRPS, gw.KeyLookupBurst)
	exchange := signin.ExchangeHandler(svc, log)
	log.Info("console on", "url", cfg.PublicURL+console.BasePath+"/", "issuer", cfg.OIDC.Issuer)
	return map[string]http.Handler{
		console.BasePath + "/": con,
		console.BasePath:       con,
		"GET /{$}":             http.RedirectHandler(console.BasePath+"/", http.StatusSeeOther),
		"/oauth/token": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			client, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				client = r.RemoteAddr
			}
			if d := perAddr.wait("exchange|" + client); d > 0 {
				tooMany(w, d)
				return
			}
			exchange.ServeHTTP(w, r)
		}),
	}, nil
}

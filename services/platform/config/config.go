// Package config reads settings from the environment with documented defaults.
//
// Every Lienket process is configured only through environment variables (12-factor); the
// README lists them all. A malformed value is an error at start-up, never a silent default.
package config

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Default addresses, defined once: servers listen on them and clients (other services, the
// gateway, the supervisor, the CLI) look for them there unless told otherwise.
const (
	DefaultRegistryAddr    = "127.0.0.1:9101"
	DefaultContractsAddr   = "127.0.0.1:9102"
	DefaultMatchmakingAddr = "127.0.0.1:9103"
	DefaultSupportAddr     = "127.0.0.1:9104"
	DefaultWebhooksAddr    = "127.0.0.1:9105"
	DefaultRegistryHTTP    = "127.0.0.1:9201"
	DefaultContractsHTTP   = "127.0.0.1:9202"
	DefaultMatchmakingHTTP = "127.0.0.1:9203"
	DefaultSupportHTTP     = "127.0.0.1:9204"
	DefaultWebhooksHTTP    = "127.0.0.1:9205"
	DefaultGatewayAddr     = "127.0.0.1:8080"
	DefaultStoreAddr       = "127.0.0.1:27018"
	DefaultDataDir         = "./data"
)

// Env reads typed values from the environment and remembers the first error.
type Env struct {
	lookup func(string) (string, bool)
	errs   []string
}

// FromOS reads the process environment.
func FromOS() *Env { return &Env{lookup: os.LookupEnv} }

// FromMap reads from a map (tests).
func FromMap(m map[string]string) *Env {
	return &Env{lookup: func(k string) (string, bool) { v, ok := m[k]; return v, ok }}
}

func (e *Env) get(key string) (string, bool) {
	v, ok := e.lookup(key)
	if !ok {
		return "", false
	}
	v = strings.TrimSpace(v)
	return v, v != ""
}

// String returns the value of key or def.
func (e *Env) String(key, def string) string {
	if v, ok := e.get(key); ok {
		return v
	}
	return def
}

// Int returns the integer value of key or def.
func (e *Env) Int(key string, def int) int {
	v, ok := e.get(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Sprintf("%s: %q is not an integer", key, v))
		return def
	}
	return n
}

// Addr returns the host:port value of key or def; a value that is not host:port is an error.
func (e *Env) Addr(key, def string) string {
	v, ok := e.get(key)
	if !ok {
		return def
	}
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		e.errs = append(e.errs, fmt.Sprintf("%s: %q is not host:port", key, v))
		return def
	}
	return v
}

// Positive returns the integer value of key or def; zero or negative values are errors.
func (e *Env) Positive(key string, def int) int {
	n := e.Int(key, def)
	if n <= 0 {
		e.errs = append(e.errs, fmt.Sprintf("%s: %d must be positive", key, n))
		return def
	}
	return n
}

// Check records an error about key when ok is false (a rule across settings, or a value
// checked by its own parser).
func (e *Env) Check(ok bool, key, format string, args ...any) {
	if !ok {
		e.errs = append(e.errs, key+": "+fmt.Sprintf(format, args...))
	}
}

// Bool returns the boolean value of key or def.
func (e *Env) Bool(key string, def bool) bool {
	v, ok := e.get(key)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Sprintf("%s: %q is not a boolean", key, v))
		return def
	}
	return b
}

// Duration returns the duration value of key (Go syntax, e.g. "30s") or def.
func (e *Env) Duration(key string, def time.Duration) time.Duration {
	v, ok := e.get(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		e.errs = append(e.errs, fmt.Sprintf("%s: %q is not a duration", key, v))
		return def
	}
	return d
}

// List returns the comma-separated values of key or def.
func (e *Env) List(key string, def []string) []string {
	v, ok := e.get(key)
	if !ok {
		return def
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Err reports every malformed value read so far.
func (e *Env) Err() error {
	if len(e.errs) == 0 {
		return nil
	}
	return fmt.Errorf("configuration: %s", strings.Join(e.errs, "; "))
}

// Common holds the settings shared by every service process.
type Common struct {
	// Service name, used in logs and traces.
	Service string
	// GRPCAddr is the listen address of the gRPC server.
	GRPCAddr string
	// HTTPAddr is the listen address of the operational HTTP server (/metrics, /healthz).
	HTTPAddr string
	// MongoURI selects a real MongoDB; empty means the embedded store.
	MongoURI string
	// MongoDatabase is the database name.
	MongoDatabase string
	// DataDir is where the embedded store keeps its files.
	DataDir string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is json or text.
	LogFormat string
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration
	// DefaultDeadline applies to RPCs that arrive without a deadline.
	DefaultDeadline time.Duration
	// JWTPublicKeyFiles lists PEM files of Ed25519 public keys trusted to sign caller tokens.
	JWTPublicKeyFiles []string
	// JWTIssuer is the expected "iss" claim.
	JWTIssuer string
	// JWTAudience is the expected "aud" claim.
	JWTAudience string
	// ServiceKeyFile is this service's Ed25519 private key (PEM) for calls to other services.
	ServiceKeyFile string
	// JWKS is a JSON Web Key Set (file path or http(s) URL) whose Ed25519 keys are trusted for
	// caller tokens in addition to JWTPublicKeyFiles; reloaded every JWKSRefresh.
	JWKS        string
	JWKSRefresh time.Duration
	// StoreTimeout bounds how long a call waits to reach the store (server selection and
	// connect) before it fails as unavailable.
	StoreTimeout time.Duration
	// JWTMaxLifetime and JWTMaxPartnerLifetime bound how long a caller token may be valid
	// (people and services; partner tokens exchanged from API keys).
	JWTMaxLifetime, JWTMaxPartnerLifetime time.Duration
	// TokenCacheSize bounds the cache of verified tokens (0 disables it).
	TokenCacheSize int
}

// LoadCommon reads the shared settings; defGRPC and defHTTP are the service's default ports.
func LoadCommon(e *Env, service, defGRPC, defHTTP string) Common {
	return Common{
		Service:               service,
		GRPCAddr:              e.Addr("GRPC_ADDR", defGRPC),
		HTTPAddr:              httpAddr(e, defHTTP),
		MongoURI:              e.String("MONGODB_URI", ""),
		MongoDatabase:         e.String("MONGODB_DATABASE", "lienket"),
		DataDir:               e.String("LIENKET_DATA_DIR", DefaultDataDir),
		LogLevel:              e.String("LOG_LEVEL", "info"),
		LogFormat:             e.String("LOG_FORMAT", "json"),
		ShutdownTimeout:       e.Duration("SHUTDOWN_TIMEOUT", 15*time.Second),
		DefaultDeadline:       e.Duration("RPC_DEFAULT_DEADLINE", 30*time.Second),
		JWTPublicKeyFiles:     e.List("JWT_PUBLIC_KEY_FILES", []string{"./data/keys/dev-issuer.pub.pem"}),
		JWTIssuer:             e.String("JWT_ISSUER", "lienket-dev"),
		JWTAudience:           e.String("JWT_AUDIENCE", "lienket"),
		ServiceKeyFile:        e.String("SERVICE_KEY_FILE", "./data/keys/dev-issuer.pem"),
		JWKS:                  e.String("JWT_JWKS", ""),
		JWKSRefresh:           e.Duration("JWT_JWKS_REFRESH", 10*time.Minute),
		StoreTimeout:          e.Duration("STORE_TIMEOUT", 2*time.Second),
		JWTMaxLifetime:        e.Duration("JWT_MAX_LIFETIME", 12*time.Hour),
		JWTMaxPartnerLifetime: e.Duration("JWT_MAX_PARTNER_LIFETIME", 15*time.Minute),
		TokenCacheSize:        e.Int("TOKEN_CACHE_SIZE", 10_000),
	}
}

// httpAddr reads HTTP_ADDR: host:port, or "off" for no operational HTTP server.
func httpAddr(e *Env, def string) string {
	if v, ok := e.get("HTTP_ADDR"); ok && v == "off" {
		return v
	}
	return e.Addr("HTTP_ADDR", def)
}

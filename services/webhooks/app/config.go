package app

import (
	"time"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/transport"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

// Config is the webhooks service's own settings (the common ones are config.Common).
type Config struct {
	// RegistryAddr is the registry (REGISTRY_ADDR); Sources are the event sources polled,
	// by name: "contracts" (CONTRACTS_ADDR) and "matchmaking" (MATCHMAKING_ADDR)
	// (WEBHOOK_SOURCES).
	RegistryAddr string
	Sources      map[string]string
	// SecretKeys seal the webhooks' signing secrets at rest (WEBHOOK_SECRET_KEYS, comma-
	// separated, at least 32 characters each; the first seals, all open). Empty: the
	// development key, with a warning.
	SecretKeys []string
	// AllowInternal admits http:// and loopback, private and link-local endpoints
	// (WEBHOOK_ALLOW_INTERNAL_TARGETS; development only).
	AllowInternal bool
	// Sender bounds each request (WEBHOOK_TIMEOUT, WEBHOOK_MAX_RESPONSE_BYTES).
	Sender transport.SenderConfig
	// Dispatch tunes the dispatcher (WEBHOOK_WORKERS, WEBHOOK_POLL_INTERVAL, WEBHOOK_LEASE,
	// WEBHOOK_RETENTION).
	Dispatch usecase.DispatchConfig
	// Policy is the retry and disabling policy (WEBHOOK_RETRY_BASE, WEBHOOK_RETRY_MAX,
	// WEBHOOK_MAX_ATTEMPTS, WEBHOOK_DISABLE_AFTER, WEBHOOK_DISABLE_MIN_FAILURES).
	Policy domain.Policy
}

// devSecretKey seals secrets when WEBHOOK_SECRET_KEYS is not set (development).
const devSecretKey = "lienket-development-webhook-secret-key-do-not-use-in-production"

// LoadConfig reads the webhooks service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	addrs := map[string]string{
		"contracts":   e.Addr("CONTRACTS_ADDR", config.DefaultContractsAddr),
		"matchmaking": e.Addr("MATCHMAKING_ADDR", config.DefaultMatchmakingAddr),
	}
	c := Config{
		RegistryAddr:  e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
		Sources:       map[string]string{},
		SecretKeys:    e.List("WEBHOOK_SECRET_KEYS", nil),
		AllowInternal: e.Bool("WEBHOOK_ALLOW_INTERNAL_TARGETS", false),
		Sender: transport.SenderConfig{
			Timeout:          e.Duration("WEBHOOK_TIMEOUT", transport.DefaultSenderConfig.Timeout),
			MaxResponseBytes: int64(e.Positive("WEBHOOK_MAX_RESPONSE_BYTES", int(transport.DefaultSenderConfig.MaxResponseBytes))),
		},
		Dispatch: usecase.DispatchConfig{
			Workers:   e.Positive("WEBHOOK_WORKERS", usecase.DefaultDispatch.Workers),
			Poll:      e.Duration("WEBHOOK_POLL_INTERVAL", usecase.DefaultDispatch.Poll),
			Lease:     e.Duration("WEBHOOK_LEASE", usecase.DefaultDispatch.Lease),
			Batch:     usecase.DefaultDispatch.Batch,
			PullSize:  usecase.DefaultDispatch.PullSize,
			Retention: e.Duration("WEBHOOK_RETENTION", usecase.DefaultDispatch.Retention),
		},
		Policy: domain.Policy{
			RetryBase:          e.Duration("WEBHOOK_RETRY_BASE", domain.DefaultPolicy.RetryBase),
			RetryMax:           e.Duration("WEBHOOK_RETRY_MAX", domain.DefaultPolicy.RetryMax),
			MaxAttempts:        e.Positive("WEBHOOK_MAX_ATTEMPTS", domain.DefaultPolicy.MaxAttempts),
			DisableAfter:       e.Duration("WEBHOOK_DISABLE_AFTER", domain.DefaultPolicy.DisableAfter),
			DisableMinFailures: e.Positive("WEBHOOK_DISABLE_MIN_FAILURES", domain.DefaultPolicy.DisableMinFailures),
		},
	}
	for _, name := range e.List("WEBHOOK_SOURCES", []string{"contracts", "matchmaking"}) {
		addr, ok := addrs[name]
		e.Check(ok, "WEBHOOK_SOURCES", "%q is not an event source (contracts, matchmaking)", name)
		if ok {
			c.Sources[name] = addr
		}
	}
	for _, k := range c.SecretKeys {
		e.Check(len(k) >= domain.MinKeyLength, "WEBHOOK_SECRET_KEYS", "every key needs at least %d characters", domain.MinKeyLength)
	}
	e.Check(c.Sender.Timeout > 0, "WEBHOOK_TIMEOUT", "must be positive")
	e.Check(c.Dispatch.Poll > 0, "WEBHOOK_POLL_INTERVAL", "must be positive")
	e.Check(c.Dispatch.Lease >= 2*c.Sender.Timeout, "WEBHOOK_LEASE", "must be at least twice WEBHOOK_TIMEOUT (a stream is not taken over while a request is in flight)")
	e.Check(c.Policy.RetryBase > 0 && c.Policy.RetryMax >= c.Policy.RetryBase, "WEBHOOK_RETRY_MAX", "must be at least WEBHOOK_RETRY_BASE, which must be positive")
	e.Check(c.Dispatch.Retention >= 24*time.Hour, "WEBHOOK_RETENTION", "must be at least 24h")
	return c
}

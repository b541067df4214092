package app

import (
	"github.com/lienket/lienket/services/contracts/internal/transport"
	"github.com/lienket/lienket/services/platform/config"
)

// Config is the contracts service's own settings (the common ones are config.Common).
type Config = transport.Config

// LoadConfig reads the contracts service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	return Config{RegistryAddr: e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr)}
}

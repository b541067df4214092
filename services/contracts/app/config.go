package app

import (
	"github.com/lienket/lienket/services/platform/config"
)

// Config is the contracts service's own settings (the common ones are config.Common).
type Config struct {
	// RegistryAddr is the registry's gRPC address (REGISTRY_ADDR).
	RegistryAddr string
}

// LoadConfig reads the contracts service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	return Config{RegistryAddr: e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr)}
}

package app

import "github.com/lienket/lienket/services/platform/config"

// Config is the support service's own settings (the common ones are config.Common).
type Config struct {
	// RegistryAddr is the registry's gRPC address (REGISTRY_ADDR).
	RegistryAddr string
	// ContractsAddr is the contracts service's gRPC address (CONTRACTS_ADDR).
	ContractsAddr string
}

// LoadConfig reads the support service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	return Config{
		RegistryAddr:  e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
		ContractsAddr: e.Addr("CONTRACTS_ADDR", config.DefaultContractsAddr),
	}
}

package app

import (
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/registry/internal/transport"
)

// Config is the registry's own settings (the common ones are config.Common).
type Config = transport.Config

// LoadConfig reads the registry's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	return Config{
		AdminAreasFile:    e.String("ADMIN_AREAS_FILE", ""),
		NationalIDHashKey: e.String("NATIONAL_ID_HASH_KEY", ""),
	}
}

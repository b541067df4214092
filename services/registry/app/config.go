package app

import "github.com/lienket/lienket/services/platform/config"

// Config is the registry's own settings (the common ones are config.Common).
type Config struct {
	// AdminAreasFile replaces the shipped administrative units (ADMIN_AREAS_FILE).
	AdminAreasFile string
	// NationalIDHashKey keys the hash of national ID numbers (NATIONAL_ID_HASH_KEY); empty
	// means the development key, with a warning.
	NationalIDHashKey string
}

// devNationalIDKey keys national-ID hashes when NATIONAL_ID_HASH_KEY is not set (development).
const devNationalIDKey = "lienket-development-national-id-key-do-not-use-in-production"

// LoadConfig reads the registry's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	return Config{
		AdminAreasFile:    e.String("ADMIN_AREAS_FILE", ""),
		NationalIDHashKey: e.String("NATIONAL_ID_HASH_KEY", ""),
	}
}

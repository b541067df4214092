package app

import (
	"time"

	"github.com/lienket/lienket/services/platform/config"
)

// Config is the contracts service's own settings (the common ones are config.Common).
type Config struct {
	// RegistryAddr is the registry's gRPC address (REGISTRY_ADDR).
	RegistryAddr string
	// ReportRefreshInterval is how often the report rollups marked by the contracts' changes
	// are rebuilt in the background (REPORT_REFRESH_INTERVAL; a report rebuilds what it needs
	// first anyway).
	ReportRefreshInterval time.Duration
	// ReportSweepInterval is how often marks a crash left off the worklist are looked for
	// (REPORT_SWEEP_INTERVAL).
	ReportSweepInterval time.Duration
}

// Defaults of the contracts settings.
const (
	DefaultReportRefreshInterval = 2 * time.Second
	DefaultReportSweepInterval   = 10 * time.Minute
)

// LoadConfig reads the contracts service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	return Config{
		RegistryAddr:          e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
		ReportRefreshInterval: e.Duration("REPORT_REFRESH_INTERVAL", DefaultReportRefreshInterval),
		ReportSweepInterval:   e.Duration("REPORT_SWEEP_INTERVAL", DefaultReportSweepInterval),
	}
}

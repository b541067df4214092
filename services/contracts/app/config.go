package app

import (
	"net/url"
	"time"

	"github.com/lienket/lienket/services/platform/config"
)

// DefaultPublicBaseURL is where the gateway answers by default (make run).
const DefaultPublicBaseURL = "http://" + config.DefaultGatewayAddr

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
	// PublicBaseURL is the public address of the gateway (PUBLIC_BASE_URL): the QR code of
	// every document links to its verification page, PUBLIC_BASE_URL/verify/{contract}.
	PublicBaseURL string
}

// Defaults of the contracts settings.
const (
	DefaultReportRefreshInterval = 2 * time.Second
	DefaultReportSweepInterval   = 10 * time.Minute
)

// LoadConfig reads the contracts service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	c := Config{RegistryAddr: e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr), PublicBaseURL: e.String("PUBLIC_BASE_URL", DefaultPublicBaseURL),
		ReportRefreshInterval: e.Duration("REPORT_REFRESH_INTERVAL", DefaultReportRefreshInterval),
		ReportSweepInterval:   e.Duration("REPORT_SWEEP_INTERVAL", DefaultReportSweepInterval)}
	u, err := url.Parse(c.PublicBaseURL)
	e.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.RawQuery == "" && u.Fragment == "",
		"PUBLIC_BASE_URL", "must be an absolute http(s) URL without query, e.g. https://lienket.example.vn (got %q)", c.PublicBaseURL)
	return c
}

package app

import (
	"net/url"

	"github.com/lienket/lienket/services/platform/config"
)

// DefaultPublicBaseURL is where the gateway answers by default (make run).
const DefaultPublicBaseURL = "http://" + config.DefaultGatewayAddr

// Config is the contracts service's own settings (the common ones are config.Common).
type Config struct {
	// RegistryAddr is the registry's gRPC address (REGISTRY_ADDR).
	RegistryAddr string
	// PublicBaseURL is the public address of the gateway (PUBLIC_BASE_URL): the QR code of
	// every document links to its verification page, PUBLIC_BASE_URL/verify/{contract}.
	PublicBaseURL string
}

// LoadConfig reads the contracts service's settings; malformed values are recorded by e.
func LoadConfig(e *config.Env) Config {
	c := Config{RegistryAddr: e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr), PublicBaseURL: e.String("PUBLIC_BASE_URL", DefaultPublicBaseURL)}
	u, err := url.Parse(c.PublicBaseURL)
	e.Check(err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.RawQuery == "" && u.Fragment == "",
		"PUBLIC_BASE_URL", "must be an absolute http(s) URL without query, e.g. https://lienket.example.vn (got %q)", c.PublicBaseURL)
	return c
}

package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/platform/config"
)

func TestLoadConfig(t *testing.T) {
	e := config.FromMap(nil)
	require.Equal(t, app.Config{RegistryAddr: config.DefaultRegistryAddr, PublicBaseURL: "http://127.0.0.1:8080"}, app.LoadConfig(e), "defaults, whatever the caller's environment holds")
	require.NoError(t, e.Err())

	e = config.FromMap(map[string]string{"REGISTRY_ADDR": "10.0.0.7:9101"})
	require.Equal(t, "10.0.0.7:9101", app.LoadConfig(e).RegistryAddr)
	require.NoError(t, e.Err())

	e = config.FromMap(map[string]string{"REGISTRY_ADDR": "no port"})
	app.LoadConfig(e)
	require.ErrorContains(t, e.Err(), "REGISTRY_ADDR", "a malformed address stops start-up, naming the variable")

	e = config.FromMap(map[string]string{"PUBLIC_BASE_URL": "https://lienket.example.vn"})
	require.Equal(t, "https://lienket.example.vn", app.LoadConfig(e).PublicBaseURL)
	require.NoError(t, e.Err())
	for _, bad := range []string{"lienket.example.vn", "ftp://lienket.example.vn", "https://lienket.example.vn/?x=1", "https://"} {
		e = config.FromMap(map[string]string{"PUBLIC_BASE_URL": bad})
		app.LoadConfig(e)
		require.ErrorContains(t, e.Err(), "PUBLIC_BASE_URL", "the QR codes' link base must be an absolute http(s) URL: %q", bad)
	}
}

package app_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/platform/config"
)

func TestLoadConfig(t *testing.T) {
	e := config.FromMap(nil)
	require.Equal(t, app.Config{RegistryAddr: config.DefaultRegistryAddr, ReportRefreshInterval: app.DefaultReportRefreshInterval, ReportSweepInterval: app.DefaultReportSweepInterval},
		app.LoadConfig(e), "defaults, whatever the caller's environment holds")
	require.NoError(t, e.Err())

	e = config.FromMap(map[string]string{"REGISTRY_ADDR": "10.0.0.7:9101"})
	require.Equal(t, "10.0.0.7:9101", app.LoadConfig(e).RegistryAddr)
	require.NoError(t, e.Err())

	e = config.FromMap(map[string]string{"REPORT_REFRESH_INTERVAL": "500ms", "REPORT_SWEEP_INTERVAL": "1m"})
	c := app.LoadConfig(e)
	require.Equal(t, 500*time.Millisecond, c.ReportRefreshInterval)
	require.Equal(t, time.Minute, c.ReportSweepInterval)
	require.NoError(t, e.Err())

	e = config.FromMap(map[string]string{"REPORT_REFRESH_INTERVAL": "soon"})
	app.LoadConfig(e)
	require.ErrorContains(t, e.Err(), "REPORT_REFRESH_INTERVAL")

	e = config.FromMap(map[string]string{"REGISTRY_ADDR": "no port"})
	app.LoadConfig(e)
	require.ErrorContains(t, e.Err(), "REGISTRY_ADDR", "a malformed address stops start-up, naming the variable")
}

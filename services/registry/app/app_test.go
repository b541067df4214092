package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/registry/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestLoadConfig reads the registry's settings from the given environment only.
func TestLoadConfig(t *testing.T) {
	env := config.FromMap(map[string]string{"ADMIN_AREAS_FILE": "/srv/areas.json", "NATIONAL_ID_HASH_KEY": "k"})
	require.Equal(t, app.Config{AdminAreasFile: "/srv/areas.json", NationalIDHashKey: "k"}, app.LoadConfig(env))
	require.NoError(t, env.Err())
	require.Equal(t, app.Config{}, app.LoadConfig(config.FromMap(nil)), "defaults: the shipped areas, the development key")
}

// TestRegisterRefusesAMissingAreasFile: a configured file that cannot be read stops start-up.
func TestRegisterRefusesAMissingAreasFile(t *testing.T) {
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	err := app.Register(context.Background(), grpc.NewServer(), testkit.Deps(t, a, "registry", db), app.Config{AdminAreasFile: t.TempDir() + "/none.json"})
	require.ErrorContains(t, err, "ADMIN_AREAS_FILE")
}

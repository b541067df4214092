package transport_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/data"
)

// TestEveryPlaceExists: the units tests and fixtures use are in the shipped official list,
// with the names their constants promise.
func TestEveryPlaceExists(t *testing.T) {
	e := start(t)
	c := e.client(t, admin)
	for code, name := range map[string]string{
		places.HaNoi: "Thành phố Hà Nội", places.LaoCai: "Tỉnh Lào Cai", places.ThaiNguyen: "Tỉnh Thái Nguyên",
		places.HaTinh: "Tỉnh Hà Tĩnh", places.HoChiMinh: "Thành phố Hồ Chí Minh", places.DongThap: "Tỉnh Đồng Tháp",
		places.ChauQue: "Xã Châu Quế", places.DongCuong: "Xã Đông Cuông", places.BaoHa: "Xã Bảo Hà",
		places.BaDinh: "Phường Ba Đình", places.HuongKhe: "Xã Hương Khê", places.TanCuong: "Xã Tân Cương",
		places.SaiGon: "Phường Sài Gòn", places.ThapMuoi: "Xã Tháp Mười",
	} {
		a, err := c.GetAdminArea(context.Background(), &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
		require.NoError(t, err, code)
		require.Equal(t, name, a.DisplayName, code)
	}
}

// TestRetiredCommune: after a newer official file drops a commune, records in it still
// resolve, the commune is listed as retired, and new records may not name it.
func TestRetiredCommune(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	serve := func(env map[string]string) registryv1.RegistryServiceClient {
		addr := testkit.Serve(t, a, func(s *grpc.Server) {
			require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "registry", db), app.LoadConfig(config.FromMap(env))))
		})
		return registryv1.NewRegistryServiceClient(testkit.Dial(t, addr, a.Token(t, admin)))
	}
	before := serve(nil)
	h, err := before.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.DongCuong)})
	require.NoError(t, err)

	var f map[string]any
	require.NoError(t, json.Unmarshal(data.AdminAreas, &f))
	var kept []any
	for _, x := range f["areas"].([]any) {
		if x.(map[string]any)["code"] != places.DongCuong {
			kept = append(kept, x)
		}
	}
	f["areas"] = kept
	b, err := json.Marshal(f)
	require.NoError(t, err)
	newer := filepath.Join(t.TempDir(), "units.json")
	require.NoError(t, os.WriteFile(newer, b, 0o600))
	after := serve(map[string]string{"ADMIN_AREAS_FILE": newer})

	got, err := after.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: h.Name})
	require.NoError(t, err)
	require.Equal(t, places.DongCuong, got.CommuneCode)
	area, err := after.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + places.DongCuong})
	require.NoError(t, err)
	require.True(t, area.Retired)
	retired, err := after.ListAdminAreas(ctx, &registryv1.ListAdminAreasRequest{Filter: "retired = true"})
	require.NoError(t, err)
	require.Len(t, retired.AdminAreas, 1)
	require.Equal(t, places.DongCuong, retired.AdminAreas[0].Code)

	_, err = after.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: household(places.DongCuong)})
	requireRule(t, err, "household.commune_code", "ADMIN_AREA_RETIRED")
	_, err = after.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX Đông Cuông", places.DongCuong)})
	requireRule(t, err, "organization.address.commune_code", "ADMIN_AREA_RETIRED")
}

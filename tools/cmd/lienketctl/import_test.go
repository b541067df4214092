package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/taxcode"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestImportHouseholds: lienketctl downloads the template, imports a file with a bad row (the
// report, nothing written, a failing exit), then the corrected file, then the same file again.
func TestImportHouseholds(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	addr := testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "registry", db), app.LoadConfig(config.FromMap(nil))))
	})
	admin := registryv1.NewRegistryServiceClient(testkit.Dial(t, addr, a.Token(t, auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})))
	org, err := admin.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{Kind: registryv1.Organization_KIND_COOPERATIVE,
		DisplayName: "HTX Quế Châu Quế", TaxCode: taxcode.From(10_000_001), Address: &registryv1.Address{CommuneCode: places.ChauQue}}})
	require.NoError(t, err)
	dir := t.TempDir()
	env := config.FromMap(map[string]string{"REGISTRY_ADDR": addr, "LIENKET_TOKEN": a.Token(t, auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: org.Name})})
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(args, env, nil, &out)
		return out.String(), err
	}

	tpl := filepath.Join(dir, "mau.csv")
	out, err := cli("import", "template", "--format", "csv", "--out", tpl)
	require.NoError(t, err)
	require.Contains(t, out, "wrote")
	b, err := os.ReadFile(tpl)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Contains(t, lines[0], "Họ và tên chủ hộ")
	example := lines[1]
	file := filepath.Join(dir, "ho.csv")
	bad := strings.Join([]string{lines[0], example, strings.Replace(strings.Replace(example, "Triệu Thị Mai", "Lý Văn Sáng", 1), places.ChauQue, "99999", 1)}, "\n")
	require.NoError(t, os.WriteFile(file, []byte(bad), 0o600))
	out, err = cli("import", "households", file, "--org", org.Name)
	require.ErrorContains(t, err, "nothing was imported")
	require.Contains(t, out, "dòng 3\tMã xã\tADMIN_AREA_EXISTS\tMã xã không có trong danh mục đơn vị hành chính")

	good := strings.Replace(bad, "99999", places.DongCuong, 1)
	good = strings.Replace(good, "001203004567", "", 2) // neither row gives a national ID
	require.NoError(t, os.WriteFile(file, []byte(good), 0o600))
	out, err = cli("import", "households", file, "--org", org.Name, "--dry-run")
	require.NoError(t, err)
	require.Contains(t, out, "2 rows checked")
	out, err = cli("import", "households", file, "--org", org.Name)
	require.NoError(t, err)
	require.Equal(t, "2 rows: 2 households and 2 memberships created, 0 unchanged\n", out)
	out, err = cli("import", "households", file, "--org", org.Name)
	require.NoError(t, err)
	require.Equal(t, "2 rows: 0 households and 0 memberships created, 2 unchanged\n", out)

	_, err = cli("import", "households", file)
	require.ErrorContains(t, err, "--org")
	_, err = cli("import", "households", filepath.Join(dir, "ho.ods"), "--org", org.Name)
	require.ErrorContains(t, err, "use csv or xlsx")
}

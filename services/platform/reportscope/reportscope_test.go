package reportscope

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

func areas(_ context.Context, code string) (*Area, error) {
	switch code {
	case "15", "08":
		return &Area{IsProvince: true, ProvinceCode: code}, nil
	case "04477", "04480":
		return &Area{ProvinceCode: "15"}, nil
	case "02500":
		return &Area{ProvinceCode: "08"}, nil
	}
	return nil, nil
}

func TestResolve(t *testing.T) {
	ctx := context.Background()
	admin := auth.Principal{Subject: "users/a", Role: auth.RoleAdmin}
	prov := auth.Principal{Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: "15"}
	com := auth.Principal{Subject: "users/c", Role: auth.RoleCommuneOfficial, AdminArea: "04477"}
	biz := auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/b"}
	key := auth.Principal{Subject: "apiKeys/k", Role: auth.RolePartner, Organization: "organizations/b"}
	hh := auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: "households/h"}
	ok := []struct {
		p     auth.Principal
		scope string
		want  Scope
	}{
		{admin, "", Scope{Name: "national", Kind: National}},
		{admin, "adminAreas/02500", Scope{Name: "adminAreas/02500", Kind: Commune, Province: "08", Commune: "02500"}},
		{prov, "", Scope{Name: "adminAreas/15", Kind: Province, Province: "15"}},
		{prov, "adminAreas/04480", Scope{Name: "adminAreas/04480", Kind: Commune, Province: "15", Commune: "04480"}},
		{com, "", Scope{Name: "adminAreas/04477", Kind: Commune, Province: "15", Commune: "04477"}},
		{biz, "", Scope{Name: "organizations/b", Kind: Organization, Org: "organizations/b"}},
		{key, "organizations/b", Scope{Name: "organizations/b", Kind: Organization, Org: "organizations/b"}},
	}
	for _, c := range ok {
		got, err := Resolve(ctx, c.p, c.scope, areas)
		require.NoError(t, err, "%s %q", c.p.String(), c.scope)
		require.Equal(t, c.want, got)
	}
	denied := []struct {
		p     auth.Principal
		scope string
	}{{prov, "national"}, {prov, "adminAreas/08"}, {prov, "adminAreas/02500"}, {com, "adminAreas/04480"}, {com, "adminAreas/15"}, {biz, "organizations/x"},
		{biz, "adminAreas/15"}, {key, "national"}, {hh, ""}, {hh, "adminAreas/15"}}
	for _, d := range denied {
		_, err := Resolve(ctx, d.p, d.scope, areas)
		require.Equal(t, codes.PermissionDenied, status.Code(err), "%s %q", d.p.String(), d.scope)
	}
	_, err := Resolve(ctx, admin, "adminAreas/99999", areas)
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = Resolve(ctx, admin, "galaxies/x", areas)
	require.Equal(t, "REPORT_SCOPE", apierr.FieldViolations(err)[0].Reason)
}

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC) // 1 January 2027 in Vietnam
	for _, c := range []struct{ start, end, from, to string }{
		{"", "", "2027-01", "2027-12"}, {"2026-03", "", "2026-03", "2026-12"}, {"", "2025-05", "2025-01", "2025-05"}, {"2024-11", "2025-02", "2024-11", "2025-02"},
	} {
		p, err := ParsePeriod(now, c.start, c.end)
		require.NoError(t, err)
		require.Equal(t, Period{From: c.from, To: c.to}, p, "%+v", c)
	}
	for _, c := range []struct{ start, end, field, rule string }{
		{"2026-00", "", "start_month", "MONTH"}, {"26-01", "", "start_month", "MONTH"}, {"", "2026-1", "end_month", "MONTH"},
		{"2026-05", "2026-04", "end_month", "PERIOD_ORDER"}, {"2020-01", "2025-01", "end_month", "PERIOD_LENGTH"},
	} {
		_, err := ParsePeriod(now, c.start, c.end)
		vs := apierr.FieldViolations(err)
		require.Len(t, vs, 1, "%+v", c)
		require.Equal(t, c.field, vs[0].Field)
		require.Equal(t, c.rule, vs[0].Reason)
	}
}

func TestParseFilterAndNarrow(t *testing.T) {
	got, err := ParseFilter(`product = "products/a" AND commune_code = "1" AND commune_code = "2"`, aip.AnyValue("product"), aip.AnyValue("commune_code"))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"product": "products/a", "commune_code": Contradiction}, got)
	_, err = ParseFilter(`product != "products/a"`, aip.AnyValue("product"))
	require.Equal(t, "FILTER_OPERATOR", apierr.FieldViolations(err)[0].Reason)
	q := ""
	require.True(t, Narrow(&q, "15"))
	require.Equal(t, "15", q)
	require.True(t, Narrow(&q, ""))
	require.False(t, Narrow(&q, "08"), "a filter on another area than the scope's matches nothing")
}

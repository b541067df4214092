package console

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// season makes an active contract with deliveries, a payment and an incident (2027).
func (s *suite) season(w world) string {
	s.t.Helper()
	ctx := context.Background()
	name := s.draft(w)
	s.pendingWitness(w, name)
	ct, err := s.con.GetContract(ctx, &contractsv1.GetContractRequest{Name: name}, s.admin)
	require.NoError(s.t, err)
	_, err = s.con.WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: name, TermsHash: ct.GetTermsHash()}, s.as(official()))
	require.NoError(s.t, err)
	lot := ct.GetTerms().GetLots()[0].GetId()
	for i, h := range w.households[:2] {
		_, err := s.con.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: name, Delivery: &contractsv1.Delivery{Household: h, Lot: lot,
			DeliveryDate: "2027-06-1" + strconv.Itoa(i), Quantity: 50, AcceptedQuantity: 50 - int64(i)*10, RejectionReason: "Ẩm", Grade: "A"}}, s.as(w.buyer()))
		require.NoError(s.t, err)
	}
	_, err = s.con.CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: name, Payment: &contractsv1.Payment{Payee: w.households[0], AmountVnd: 1_000_000,
		Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, PaymentDate: "2027-06-20"}}, s.as(w.buyer()))
	require.NoError(s.t, err)
	_, err = s.con.CreateIncident(ctx, &contractsv1.CreateIncidentRequest{Parent: name, Incident: &contractsv1.Incident{Kind: contractsv1.Incident_KIND_LATE_PAYMENT,
		Description: "Chậm trả", BreachingParty: w.business, BreachedValueVnd: 500_000}}, s.as(w.producer()))
	require.NoError(s.t, err)
	return name
}

// TestReportPages: every role but households has a report page of its own scope, with charts,
// tables and downloads whose figures are the services'; another area's or organisation's
// report holds nothing of this one.
func TestReportPages(t *testing.T) {
	s := newSuite(t)
	ctx := context.Background()
	w := s.world(3, "Triệu Thị Mai", "Bàn Văn Lực", "Lý Thị Hoa")
	s.season(w)
	area, err := s.reg.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + places.ChauQue}, s.admin)
	require.NoError(t, err)
	province := strings.TrimPrefix(area.GetParentCode(), "adminAreas/")
	period := "?from=2026-12&to=2027-12" // the incident is dated today (December 2026)
	api, err := s.con.ReportContracts(ctx, &contractsv1.ReportContractsRequest{Scope: "adminAreas/" + province, StartMonth: "2026-12", EndMonth: "2027-12"}, s.admin)
	require.NoError(t, err)
	require.EqualValues(t, 3, api.GetTotal().GetHouseholds().GetTotal())
	accepted := api.GetTotal().GetAcceptedValueVnd()
	require.Positive(t, accepted)

	prov := s.signedIn(auth.Principal{Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: province}, "Cán bộ tỉnh", false)
	pg := prov.get("/console/report" + period)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	for _, want := range []string{"Báo cáo liên kết", "3 hộ (mỗi hộ tính một lần)", vnd(accepted), area.GetDisplayName(), `<svg class="chart-svg" id="chart-months"`,
		`id="chart-households"`, `role="img"`, "Thanh toán chậm", `href="/console/report.csv?from=2026-12&amp;to=2027-12"`, `href="/console/report?area=&amp;`} {
		if strings.HasPrefix(want, `href="/console/report?area`) {
			require.Contains(t, pg.body, `href="/console/report?from=2026-12&amp;scope=adminAreas%2F`+places.ChauQue+`&amp;to=2027-12"`, "the commune links to its own report")
			continue
		}
		require.Contains(t, pg.body, want)
	}
	require.NotContains(t, pg.body, "style=", "no inline styles (the CSP forbids them)")

	// CSV: the figures of the API, under Vietnamese headers.
	res := prov.get("/console/report.csv" + period)
	require.Equal(t, http.StatusOK, res.code, res.body)
	require.Equal(t, "text/csv; charset=utf-8", res.hdr.Get("Content-Type"))
	require.Contains(t, res.hdr.Get("Content-Disposition"), "attachment; filename=\"bao-cao-lien-ket_adminAreas-"+province+"_2026-12_2027-12.csv\"")
	require.True(t, strings.HasPrefix(res.body, "\ufeff"), "a byte-order mark for spreadsheet programs")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\ufeff"))).ReadAll()
	require.NoError(t, err)
	col := func(h string) int {
		for i, x := range rows[0] {
			if x == h {
				return i
			}
		}
		t.Fatalf("no column %q in %v", h, rows[0])
		return -1
	}
	require.Equal(t, []string{"Tổng cộng", "", ""}, rows[1][:3])
	require.Equal(t, "3", rows[1][col("Số hộ tham gia")])
	require.Equal(t, "3", rows[1][col("Hộ nghèo")])
	require.Equal(t, strconv.FormatInt(accepted, 10), rows[1][col("Giá trị nghiệm thu (đồng)")])
	require.Equal(t, "1000000", rows[1][col("Đã thanh toán (đồng)")])
	require.Equal(t, "1", rows[1][col("Sự vụ thanh toán chậm: đang mở")])
	var communeRow []string
	for _, r := range rows {
		if r[0] == "Theo xã" && r[1] == places.ChauQue {
			communeRow = r
		}
	}
	require.NotNil(t, communeRow, "a row for the commune")
	require.Equal(t, area.GetDisplayName(), communeRow[2])

	// XLSX: the same table, and what it covers.
	res = prov.get("/console/report.xlsx" + period)
	require.Equal(t, http.StatusOK, res.code)
	require.Equal(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", res.hdr.Get("Content-Type"))
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
	require.NoError(t, err)
	got, err := x.GetRows("Báo cáo")
	require.NoError(t, err)
	require.Equal(t, rows[0], got[0], "the same headers as the CSV")
	require.Equal(t, "Tổng cộng", got[1][0])
	v, err := x.GetCellValue("Báo cáo", cellOf(col("Số hộ tham gia"), 2))
	require.NoError(t, err)
	require.Equal(t, "3", v)
	info, err := x.GetRows("Thông tin")
	require.NoError(t, err)
	require.Equal(t, "Kỳ báo cáo", info[2][0])
	require.Equal(t, "12/2026 – 12/2027", info[2][1])

	// The commune official sees the commune; the business and the cooperative their own; none
	// sees anyone else's.
	for _, c := range []struct {
		p    auth.Principal
		want bool
	}{
		{official(), true}, {w.buyer(), true}, {w.producer(), true},
		{auth.Principal{Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}, false},
		{auth.Principal{Subject: "users/b2", Role: auth.RoleBusiness, Organization: "organizations/someone-else"}, false},
		{auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}, true},
	} {
		viewer := s.signedIn(c.p, "Người xem", false)
		pg := viewer.get("/console/report" + period)
		require.Equal(t, http.StatusOK, pg.code, "%s: %s", c.p.String(), pg.body)
		require.Equal(t, c.want, strings.Contains(pg.body, "3 hộ (mỗi hộ tính một lần)"), "%s", c.p.String())
		require.Equal(t, c.want, strings.Contains(pg.body, `<th scope="row">Thanh toán chậm</th>`), "%s", c.p.String())
		// Each role's own downloads: the households of its scope, in both formats.
		households := map[bool]string{true: "3", false: "0"}[c.want]
		res := viewer.get("/console/report.csv" + period)
		require.Equal(t, http.StatusOK, res.code, "%s: %s", c.p.String(), res.body)
		own, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.body, "\ufeff"))).ReadAll()
		require.NoError(t, err)
		require.Equal(t, rows[0], own[0], "%s: the same columns", c.p.String())
		require.Equal(t, households, own[1][col("Số hộ tham gia")], "%s", c.p.String())
		res = viewer.get("/console/report.xlsx" + period)
		require.Equal(t, http.StatusOK, res.code, "%s", c.p.String())
		x, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
		require.NoError(t, err)
		v, err := x.GetCellValue("Báo cáo", cellOf(col("Số hộ tham gia"), 2))
		require.NoError(t, err)
		require.Equal(t, households, v, "%s", c.p.String())
	}
	hh := s.signedIn(auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: w.households[0]}, "Hộ", false).get("/console/report")
	require.Equal(t, http.StatusForbidden, hh.code)
	other := s.signedIn(auth.Principal{Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong}, "Cán bộ xã khác", false).get("/console/report.csv?scope=adminAreas/" + places.ChauQue)
	require.Equal(t, http.StatusForbidden, other.code, "another commune's download")
}

func cellOf(col, row int) string {
	name, _ := excelize.ColumnNumberToName(col + 1)
	return name + strconv.Itoa(row)
}

package transport_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

var importHeader = []string{"Họ và tên chủ hộ", "Giới tính chủ hộ", "Số nhân khẩu", "Dân tộc", "Tình trạng nghèo", "Mã xã", "Thôn, bản", "Số điện thoại", "Số CCCD", "Mã sản phẩm", "Diện tích canh tác (m²)", "Ngày đồng ý xử lý dữ liệu", "Mục đích đồng ý", "Vai trò trong tổ chức"}

func importRow(i int) []string {
	return []string{fmt.Sprintf("Nguyễn Văn %d", i), "Nam", "4", "Mông", "Cận nghèo", places.ChauQue, "Thôn Khe Lóng", "0389123456", fmt.Sprintf("0012040%05d", i), "cinnamon-bark", "12.000", "01/03/2026", "Liên kết tiêu thụ quế", "Thành viên"}
}

func csvFile(t testing.TB, rows ...[]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(append([][]string{importHeader}, rows...)))
	return b.Bytes()
}

type importer struct {
	t   *testing.T
	c   registryv1.RegistryServiceClient
	org string
}

func newImporter(t *testing.T) (*env, *importer) {
	e := start(t)
	org, producer := e.chauQueCoop(t)
	return e, &importer{t: t, c: producer, org: org}
}

func (im *importer) run(format registryv1.ImportFormat, content []byte, validateOnly bool) *registryv1.ImportHouseholdsResponse {
	r, err := im.c.ImportHouseholds(context.Background(), &registryv1.ImportHouseholdsRequest{Parent: im.org, Format: format, Content: content, ValidateOnly: validateOnly})
	require.NoError(im.t, err)
	return r
}

func (im *importer) members() int {
	r, err := im.c.ListMemberships(context.Background(), &registryv1.ListMembershipsRequest{Parent: im.org, PageSize: 500})
	require.NoError(im.t, err)
	return len(r.Memberships)
}

// TestImportCSVWithBadRows: a file with bad rows gets a row-level report (row, column, rule,
// Vietnamese and English) and nothing is written.
func TestImportCSVWithBadRows(t *testing.T) {
	_, im := newImporter(t)
	rows := [][]string{importRow(1), importRow(2), importRow(3), importRow(4), importRow(5), importRow(1)}
	rows[1][5] = "99999"       // row 3: no such commune
	rows[2][8] = "12345"       // row 4: not a national ID number
	rows[3][3] = "Sao Hỏa"     // row 5: not an ethnic group
	rows[4][11] = "31/02/2026" // row 6: no such date
	rows[4][2] = "bốn"         // row 6: not a number
	r := im.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, csvFile(t, rows...), false)
	require.Equal(t, int32(6), r.Rows)
	type cell struct {
		row          int32
		column, rule string
	}
	var got []cell
	for _, e := range r.Errors {
		got = append(got, cell{e.Row, e.Column, e.Rule})
		require.NotEmpty(t, e.MessageVi)
		require.NotEmpty(t, e.MessageEn)
	}
	require.ElementsMatch(t, []cell{
		{3, "Mã xã", "ADMIN_AREA_EXISTS"},
		{4, "Số CCCD", "NATIONAL_ID_FORMAT"},
		{5, "Dân tộc", "ETHNIC_GROUP"},
		{6, "Ngày đồng ý xử lý dữ liệu", "DATE_FORMAT"},
		{6, "Số nhân khẩu", "NUMBER_FORMAT"},
		{7, "", "DUPLICATE_ROW"},
	}, got)
	require.Equal(t, "Mã xã không có trong danh mục đơn vị hành chính", r.Errors[0].MessageVi)
	require.Zero(t, r.HouseholdsCreated)
	require.Empty(t, r.Households)
	require.Zero(t, im.members(), "nothing written")

	// Unknown and missing columns are reported on the header row.
	head := csvFile(t)
	r = im.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, []byte(strings.Replace(string(head), "Dân tộc", "Tôn giáo", 1)), false)
	require.Len(t, r.Errors, 2)
	require.Equal(t, "UNKNOWN_COLUMN", r.Errors[0].Rule)
	require.Equal(t, "MISSING_COLUMN", r.Errors[1].Rule)
	require.Equal(t, int32(1), r.Errors[1].Row)

	_, err := im.c.ImportHouseholds(context.Background(), &registryv1.ImportHouseholdsRequest{Parent: im.org, Format: registryv1.ImportFormat_IMPORT_FORMAT_XLSX, Content: csvFile(t)})
	requireRule(t, err, "content", "IMPORT_FILE")
	_, err = im.c.ImportHouseholds(context.Background(), &registryv1.ImportHouseholdsRequest{Parent: im.org, Content: csvFile(t)})
	requireRule(t, err, "format", "ENUM_VALUE")
}

// TestImportCSVTwice: a good file is written (households with their memberships); importing it
// again creates nothing; a longer file adds only its new rows.
func TestImportCSVTwice(t *testing.T) {
	e, im := newImporter(t)
	ctx := context.Background()
	file := csvFile(t, importRow(1), importRow(2), importRow(3))
	dry := im.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, file, true)
	require.Empty(t, dry.Errors)
	require.Zero(t, im.members(), "validate only writes nothing")

	r := im.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, file, false)
	require.Empty(t, r.Errors)
	require.Equal(t, int32(3), r.HouseholdsCreated)
	require.Equal(t, int32(3), r.MembershipsCreated)
	require.Len(t, r.Households, 3)
	h, err := im.c.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: r.Households[1]})
	require.NoError(t, err)
	require.Equal(t, "Nguyễn Văn 2", h.HeadName)
	require.Equal(t, "H'Mông", h.EthnicGroup)
	require.Equal(t, registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR, h.PovertyStatus)
	require.Equal(t, "+84389123456", h.Phone)
	require.Equal(t, "2026-03-01", h.Consent.ConsentDate)
	require.Equal(t, int64(12000), h.CultivatedAreas[0].AreaM2)
	require.Equal(t, "0002", h.NationalIdLast4)

	again := im.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, file, false)
	require.Empty(t, again.Errors)
	require.Zero(t, again.HouseholdsCreated)
	require.Zero(t, again.MembershipsCreated)
	require.Equal(t, int32(3), again.Unchanged)
	require.Equal(t, r.Households, again.Households)

	more := im.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, csvFile(t, importRow(1), importRow(2), importRow(3), importRow(4)), false)
	require.Equal(t, int32(1), more.HouseholdsCreated)
	require.Equal(t, int32(3), more.Unchanged)
	require.Equal(t, 4, im.members())

	// Another organisation's file naming a registered national ID number is refused by row.
	other, err := e.client(t, admin).CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop("HTX khác", places.DongCuong)})
	require.NoError(t, err)
	im2 := &importer{t: t, c: e.client(t, auth.Principal{Subject: "users/q", Role: auth.RoleProducer, Organization: other.Name}), org: other.Name}
	clash := im2.run(registryv1.ImportFormat_IMPORT_FORMAT_CSV, csvFile(t, importRow(2)), false)
	require.Len(t, clash.Errors, 1)
	require.Equal(t, "NATIONAL_ID_REGISTERED", clash.Errors[0].Rule)
	require.Equal(t, "Số CCCD", clash.Errors[0].Column)

	_, err = im2.c.ImportHouseholds(ctx, &registryv1.ImportHouseholdsRequest{Parent: im.org, Format: registryv1.ImportFormat_IMPORT_FORMAT_CSV, Content: file})
	requireStatus(t, err, 7, "PERMISSION_DENIED")
}

// TestImportXLSX: a workbook as a spreadsheet writes it (numbers as numbers: the leading zeros
// of phone and national ID are restored), bad rows reported, and the template itself imports.
func TestImportXLSX(t *testing.T) {
	_, im := newImporter(t)
	ctx := context.Background()
	f := excelize.NewFile()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &importHeader))
	for i := 1; i <= 3; i++ {
		row := make([]any, len(importHeader))
		for j, v := range importRow(i) {
			row[j] = v
		}
		row[2], row[7], row[8] = 4, 389123456, 12040_00000+i // typed as numbers
		if i == 3 {
			row[4] = "Giàu" // not a poverty status
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow("Sheet1", cell, &row))
	}
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	r := im.run(registryv1.ImportFormat_IMPORT_FORMAT_XLSX, b.Bytes(), false)
	require.Len(t, r.Errors, 1)
	require.Equal(t, int32(4), r.Errors[0].Row)
	require.Equal(t, "Tình trạng nghèo", r.Errors[0].Column)
	require.Equal(t, "ENUM_VALUE", r.Errors[0].Rule)
	require.Zero(t, im.members())

	require.NoError(t, f.SetCellValue("Sheet1", "E4", "Không nghèo"))
	b.Reset()
	require.NoError(t, f.Write(&b))
	r = im.run(registryv1.ImportFormat_IMPORT_FORMAT_XLSX, b.Bytes(), false)
	require.Empty(t, r.Errors)
	require.Equal(t, int32(3), r.HouseholdsCreated)
	h, err := im.c.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: r.Households[2]})
	require.NoError(t, err)
	require.Equal(t, "+84389123456", h.Phone)
	require.Equal(t, "0003", h.NationalIdLast4)

	for _, format := range []registryv1.ImportFormat{registryv1.ImportFormat_IMPORT_FORMAT_XLSX, registryv1.ImportFormat_IMPORT_FORMAT_CSV} {
		tpl, err := im.c.GetHouseholdImportTemplate(ctx, &registryv1.GetHouseholdImportTemplateRequest{Format: format})
		require.NoError(t, err)
		require.NotEmpty(t, tpl.Filename)
		imported := im.run(format, tpl.Content, true)
		require.Empty(t, imported.Errors, "the template's example row is valid (%s)", format)
		require.Equal(t, int32(1), imported.Rows)
	}
	tpl, err := im.c.GetHouseholdImportTemplate(ctx, &registryv1.GetHouseholdImportTemplateRequest{Format: registryv1.ImportFormat_IMPORT_FORMAT_XLSX})
	require.NoError(t, err)
	wb, err := excelize.OpenReader(bytes.NewReader(tpl.Content))
	require.NoError(t, err)
	rows, err := wb.GetRows(wb.GetSheetList()[0])
	require.NoError(t, err)
	require.Equal(t, "Họ và tên chủ hộ", rows[0][0])
	require.Equal(t, "Mã xã", rows[0][6])
	require.Equal(t, places.ChauQue, rows[1][6], "a text cell keeps the code's leading zero")
	_, err = im.c.GetHouseholdImportTemplate(ctx, &registryv1.GetHouseholdImportTemplateRequest{})
	requireRule(t, err, "format", "ENUM_VALUE")
}

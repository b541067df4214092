package console

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/testkit/places"
)

// upload submits a file in a multipart form with the session's CSRF token.
func (b *browser) upload(path, filename string, content []byte, fields map[string]string) page {
	b.s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(b.s.t, mw.WriteField("csrf", b.session.CSRF))
	for k, v := range fields {
		require.NoError(b.s.t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", filename)
	require.NoError(b.s.t, err)
	_, err = fw.Write(content)
	require.NoError(b.s.t, err)
	require.NoError(b.s.t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+path, &body)
	require.NoError(b.s.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// TestImportMembersFromAFile: the cooperative downloads the template, uploads a file with a
// bad row (the report by row and column, nothing written), checks then imports the corrected
// file; its households are listed as members. A forged upload without the CSRF token is
// refused.
func TestImportMembersFromAFile(t *testing.T) {
	s := newSuite(t)
	w := s.world(1, "Triệu Thị Mai")
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)

	tpl := coop.get("/console/members/template?format=xlsx")
	require.Equal(t, http.StatusOK, tpl.code)
	require.Contains(t, tpl.hdr.Get("Content-Disposition"), "mau-nhap-ho.xlsx")
	require.True(t, strings.HasPrefix(tpl.body, "PK"), "an XLSX workbook (a zip)")
	members := coop.get("/console/members")
	require.Contains(t, members.body, `action="/console/members/import"`)

	header := "Họ và tên chủ hộ,Số nhân khẩu,Dân tộc,Tình trạng nghèo,Mã xã,Thôn\n"
	bad := header + "Lý Văn Sáng,4,Mông,Nghèo," + places.ChauQue + ",Khe Lóng\nHoàng Thị Nga,3,Tày,Nghèo,99999,Khe Lóng\n"
	res := coop.upload("/console/members/import", "ho.csv", []byte(bad), nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.code)
	require.Contains(t, res.body, `id="import-errors"`)
	require.Contains(t, res.body, "<td>3</td><td>Mã xã</td><td>Mã xã không có trong danh mục đơn vị hành chính</td>")
	require.NotContains(t, coop.get("/console/members").body, "Lý Văn Sáng", "nothing written")

	good := strings.Replace(bad, "99999", places.ChauQue, 1)
	res = coop.upload("/console/members/import", "ho.csv", []byte(good), map[string]string{"validate_only": "1"})
	require.Equal(t, http.StatusOK, res.code, res.body)
	require.Contains(t, res.body, "2 dòng, không có lỗi (chưa ghi)")
	res = coop.upload("/console/members/import", "ho.csv", []byte(good), nil)
	require.Equal(t, http.StatusOK, res.code, res.body)
	require.Contains(t, res.body, "đã thêm 2 hộ và 2 thành viên")
	page := coop.get("/console/members")
	require.Contains(t, page.body, "Lý Văn Sáng")
	require.Contains(t, page.body, "Hoàng Thị Nga")

	res = coop.upload("/console/members/import", "ho.ods", []byte(good), nil)
	require.Equal(t, http.StatusUnprocessableEntity, res.code)
	require.Contains(t, res.body, "Chỉ nhận tệp CSV hoặc Excel (.xlsx).")
	forged := *coop
	forged.session = &session{CSRF: "not-the-token"}
	require.Equal(t, http.StatusForbidden, forged.upload("/console/members/import", "ho.csv", []byte(good), nil).code)
}

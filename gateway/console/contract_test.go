package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestOfficialWitnessesFromTheContractPage(t *testing.T) {
	s := newSuite(t)
	w := s.world(3, "Triệu Thị Mai", "Bàn Văn Lực", "Lý Thị Hoa")
	name := s.draft(w)
	s.pendingWitness(w, name)

	off := s.signedIn(official(), "Lý Thị Lan", false)
	inbox := off.get("/console/inbox")
	require.Equal(t, http.StatusOK, inbox.code, inbox.body)
	require.Contains(t, inbox.body, "Hợp đồng liên kết tiêu thụ quế 2027")

	pg := off.get("/console/" + name)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	for _, want := range []string{"Công ty CP Quế Hồi", "HTX Quế Châu Quế", "UBND xã Châu Quế", "Triệu Thị Mai", "Bàn Văn Lực", "300\u00a0kg", "42.000\u00a0₫/kg", "12.600.000\u00a0₫", "Đạt tất cả quy định", "Chứng thực hợp đồng"} {
		require.Contains(t, pg.body, want)
	}
	hash := between(pg.body, `name="terms_hash" value="`, `"`)
	res := off.post("/console/"+name+"/witness", url.Values{"terms_hash": {hash}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	after := off.get(res.hdr.Get("Location"))
	require.Contains(t, after.body, "Đang thực hiện")
	require.Contains(t, after.body, "Đã chứng thực hợp đồng")
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	return s[:strings.Index(s, b)]
}

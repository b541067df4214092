package console

import (
	"io/fs"
	"regexp"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// textsFromCode are the Vietnamese texts the Go code hands to templates for translation.
var textsFromCode = []string{
	"Hợp đồng", "Chờ chứng thực", "Chưa có hợp đồng nào.", "Không có hợp đồng nào đang chờ chứng thực.",
	"Các hợp đồng của tổ chức sản xuất trong xã đã được các bên ký, đang chờ UBND xã chứng thực.",
	"Phiên làm việc đã hết hạn. Hãy đăng nhập lại.", "Bạn đã đăng xuất.", "Chưa đăng nhập được", "Chưa có quyền truy cập",
	"Tạm thời gián đoạn", "Đã có lỗi", "Đăng nhập lại", "Không tìm thấy", "Không có quyền", "Cần đăng nhập lại",
	"Không thực hiện được", "Yêu cầu không hợp lệ", "Tổng",
	// reports (report.go)
	"Toàn quốc", "Báo cáo liên kết", "Theo tỉnh", "Theo xã", "Tổng cộng", "Nghị định 98 (cơ bản)", "CTMTQG vùng đồng bào DTTS&MN",
	"Giá trị nghiệm thu", "Đã thanh toán", "Giá trị nghiệm thu và thanh toán theo tháng", "Hộ tham gia", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo",
	"Hộ mới thoát nghèo", "Hộ dân tộc thiểu số", "Hộ do phụ nữ làm chủ", "Hợp đồng theo trạng thái", "Số hợp đồng trong kỳ theo trạng thái hiện tại.",
	"Số hộ tham gia, mỗi hộ tính một lần, theo tình trạng nghèo, dân tộc và giới tính chủ hộ.",
	"Giá trị sản phẩm được nghiệm thu trong kỳ theo địa bàn (nhiều nhất 15 địa bàn).",
	"Đường biểu diễn giá trị sản phẩm được nghiệm thu và số tiền đã thanh toán trong từng tháng của kỳ báo cáo; số liệu chi tiết ở bảng theo tháng.",
}

// TestEveryTextHasAnEnglishVersion: every text a template translates (T, Tf, and the labels
// and hints of form fields), every message after an action, every section name and every text
// the code passes to a template has an English version.
func TestEveryTextHasAnEnglishVersion(t *testing.T) {
	re := regexp.MustCompile(`(?:\.T|\.Tf|"L"|"H") "((?:[^"\\]|\\.)*)"`)
	seen := map[string]bool{}
	err := fs.WalkDir(files, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
		return nil
	})
	require.NoError(t, err)
	for _, m := range flashes {
		seen[m] = true
	}
	for _, n := range navLabels {
		seen[n] = true
	}
	for _, s := range textsFromCode {
		seen[s] = true
	}
	var missing []string
	for s := range seen {
		if _, ok := english[s]; !ok {
			missing = append(missing, s)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "texts without an English version")
}

package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestStoryInTheBrowser walks the story through the console only, each person signing in at
// the development OpenID provider: the business posts a demand (first with a mistake, shown
// next to its field) and proposes to the cooperative's offer; the cooperative accepts; the
// business completes the terms and submits; the cooperative signs for itself and, under their
// mandates, for its households; the buyer signs; the commune official finds the contract in the
// inbox, reads it and witnesses it by clicking. Key pages are photographed at 360×800 and
// 1280×800 and checked with axe-core.
func TestStoryInTheBrowser(t *testing.T) {
	e := start(t)
	year := time.Now().Year() + 1

	// The business posts a demand.
	biz := e.signIn("doanhnghiep")
	require.Contains(t, biz.location(), "/console/demands")
	biz.shot("business-demands")
	biz.clickNav(`#new-demand`)
	biz.fill("#quantity", "ba nghìn")
	biz.fill("#start", fmt.Sprintf("%d-06-01", year))
	biz.fill("#end", fmt.Sprintf("%d-07-31", year))
	biz.fill("#place", "Kho Bảo Hà")
	biz.fill("#price", "42.000")
	require.EqualValues(t, 422, biz.clickNav(`#post-demand`))
	require.Contains(t, biz.text(), "Hãy nhập một số nguyên, ví dụ 1.250.000.", "the mistake is explained next to the field")
	require.Equal(t, "true", run(biz, chromedp.Evaluate[string](`document.getElementById("quantity").getAttribute("aria-invalid")`)))
	biz.shot("business-demand-errors")
	biz.axe("business-demand-errors")
	biz.fill("#quantity", "3.000")
	biz.fill("#poor_share", "30")
	biz.do(chromedp.SetValue(chromedp.CSS("#standard"), "standards/VIETGAP"))
	biz.clickNav(`#post-demand`)
	require.Contains(t, biz.text(), "Đã đăng nhu cầu mua.")
	require.Contains(t, biz.text(), "HTX Quế Châu Quế", "the cooperative's offer is a match")
	require.Contains(t, biz.text(), "Thời vụ: mùa thu hoạch trùng 100% thời gian giao hàng.", "the score is explained in words")
	biz.shot("business-matches")
	biz.axe("business-matches")
	biz.clickNav(`.propose-button`)
	require.Contains(t, biz.text(), "Đã gửi đề nghị liên kết đến hợp tác xã.")

	// The cooperative accepts.
	coop := e.signIn("htx")
	require.Contains(t, coop.location(), "/console/proposals")
	require.Contains(t, coop.text(), "Công ty CP Quế Hồi Việt Nam")
	coop.shot("cooperative-proposals")
	coop.axe("cooperative-proposals")
	coop.clickNav(`button.accept`)
	require.Contains(t, coop.text(), "Đã chấp nhận đề nghị; bản thảo hợp đồng đã được tạo.")
	contract := strings.TrimPrefix(strings.SplitN(coop.location(), "?", 2)[0], e.consoleURL)

	// The business completes the draft's terms.
	biz.open(contract)
	require.Contains(t, biz.text(), "điểm chưa đạt", "the draft's rule check shows what is missing")
	biz.clickNav(`a[href$="/edit"]`)
	biz.shot("contract-edit")
	biz.do(chromedp.SetValue(chromedp.CSS("#linkage_form"), "LINKAGE_FORM_PURCHASE_ONLY"), chromedp.SetValue(chromedp.CSS("#standard"), "standards/VIETGAP"))
	biz.fill("#grade-0", "A")
	biz.fill("#criteria-0", "Độ ẩm ≤ 13%, dày ≥ 2 mm")
	biz.fill("#grade-1", "B")
	biz.fill("#adjust-1", "-10")
	biz.fill("#obl_buyer", "Thu mua toàn bộ sản lượng đạt chuẩn\nThanh toán đúng hạn")
	biz.fill("#obl_producer", "Sản xuất theo VietGAP\nGiao hàng đúng lịch")
	biz.fill("#penalty", "8")
	biz.fill("#damages", "Bồi thường thiệt hại thực tế theo Bộ luật Dân sự")
	biz.fill("#lot-place-0", "Kho Bảo Hà")
	n := run(biz, chromedp.Evaluate[int](`document.querySelectorAll("[id^=mandate-ref-]").length`))
	require.Positive(t, n)
	for i := range n {
		biz.fill(fmt.Sprintf("#mandate-ref-%d", i), fmt.Sprintf("GUQ-%02d/%d", i+1, year))
		biz.fill(fmt.Sprintf("#mandate-date-%d", i), fmt.Sprintf("%d-05-20", year))
	}
	biz.check("fm-0")
	for i := range 3 {
		biz.check(fmt.Sprintf("ds-%d", i))
	}
	biz.clickNav(`#save-terms`)
	require.Contains(t, biz.text(), "Đạt tất cả quy định", biz.text())
	biz.clickNav(`#submit`)
	require.Contains(t, biz.text(), "Đã gửi hợp đồng để các bên ký.")

	// The cooperative signs for itself and for its households under their mandates.
	coop.open(contract)
	coop.shot("cooperative-contract-to-sign")
	coop.axe("cooperative-contract-to-sign")
	coop.clickNav(`#sign-producer`)
	require.Contains(t, coop.text(), "Đã ký hợp đồng.")
	coop.clickNav(`#sign-mandates`)
	require.Contains(t, coop.text(), "Đã ký hợp đồng.")

	// The buyer signs.
	biz.open(contract)
	biz.clickNav(`#sign-buyer`)
	require.Contains(t, biz.text(), "Chờ chứng thực")

	// The commune official witnesses by clicking.
	off := e.signIn("canboxa")
	require.Contains(t, off.location(), "/console/inbox")
	require.Contains(t, off.text(), "HTX Quế Châu Quế")
	off.shot("official-inbox")
	off.axe("official-inbox")
	off.clickNav(`.card h2 a`)
	page := off.text()
	for _, want := range []string{"Công ty CP Quế Hồi Việt Nam", "HTX Quế Châu Quế", "UBND xã Châu Quế", "Triệu Thị Mai", "3.000\u00a0kg", "42.000\u00a0₫/kg",
		"126.000.000\u00a0₫", "Độ ẩm ≤ 13%", "Thanh toán đúng hạn", "8% giá trị phần nghĩa vụ bị vi phạm", "Hòa giải tại UBND xã", "Đạt tất cả quy định", "Đã ký lúc"} {
		require.Contains(t, page, want)
	}
	off.shot("official-contract")
	off.axe("official-contract")
	off.clickNav(`#witness`)
	require.Contains(t, off.text(), "Đã chứng thực hợp đồng. Hợp đồng có hiệu lực.")
	require.Contains(t, off.text(), "Đang thực hiện")
	off.shot("official-witnessed")

	// The household sees its contract; the person with two roles chooses one.
	hh := e.signIn("hodan")
	require.Contains(t, hh.text(), "Đang thực hiện")
	two := e.signIn("xavien")
	require.Contains(t, two.location(), "/console/grants")
	two.shot("choose-role")
	two.axe("choose-role")
	two.do(chromedp.Click(chromedp.CSS(`label[for="grant-1"]`)))
	two.clickNav(`.choices button[type=submit]`)
	require.Contains(t, two.location(), "/console/inbox", "acting as the commune official")
	require.Contains(t, two.text(), "Đổi vai trò")
}

// check ticks the checkbox with id, if it is not ticked.
func (p *person) check(id string) {
	p.t.Helper()
	if !run(p, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById(%q).checked`, id))) {
		p.do(chromedp.Click(chromedp.CSS(`label[for="`+id+`"]`), chromedp.NodeVisible))
	}
}

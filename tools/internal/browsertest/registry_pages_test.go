package browsertest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/tools/internal/demo"
)

// TestWebhookPlotAndCertificationPages walks the pages of webhooks, plots and certifications
// in the browser, each person signed in at the development provider: the business creates a
// webhook (the secret shown once, with how to verify it) and sends a test that its endpoint
// answers; the cooperative opens a member's plots from its members page (the demo plot, drawn),
// sees a self-intersecting boundary refused next to the field, and requests a certification;
// the commune official approves it (a rejection without a reason is refused next to that
// request's reason field); the operator sees the certifications of the whole country, each with
// its organisation named, and reads the page in English. Each role's menu holds the sections
// that fit it (webhooks for organisations' administrators, certifications for producers,
// officials and operators). Each page is photographed at 360×800 and 1280×800 and checked with
// axe-core.
func TestWebhookPlotAndCertificationPages(t *testing.T) {
	e := start(t)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(endpoint.Close)

	biz := e.signIn("doanhnghiep")
	require.Equal(t, []string{"/console/webhooks"}, menu(biz, "/console/webhooks", "/console/certifications"), "a business: webhooks, no certifications")
	biz.clickNav(`nav.sections a[href="/console/webhooks"]`)
	require.Contains(t, biz.text(), "Tổ chức chưa có webhook nào.")
	biz.fill("#url", endpoint.URL+"/hooks/lienket")
	biz.fill("#description", "ERP kế toán")
	require.EqualValues(t, 200, biz.clickNav(`#create-webhook`))
	require.Contains(t, biz.text(), "chỉ hiển thị một lần")
	require.True(t, strings.HasPrefix(run(biz, chromedp.Evaluate[string](`document.getElementById("secret").textContent`)), "whsec_"))
	biz.shot("business-webhook-created")
	biz.axe("business-webhook-created")
	biz.clickNav(`a[href^="/console/webhooks/"]`)
	require.EqualValues(t, 200, biz.clickNav(`#test-webhook`))
	require.Equal(t, "204", run(biz, chromedp.Evaluate[string](`document.getElementById("test-status").textContent`)), "the endpoint's answer")
	biz.shot("business-webhook")
	biz.axe("business-webhook")

	coop := e.signIn("htx")
	require.Equal(t, []string{"/console/members", "/console/certifications", "/console/webhooks"}, menu(coop, "/console/members", "/console/certifications", "/console/webhooks"), "the cooperative's chair, its administrator")
	coop.open("/console/members")
	coop.clickNav(`a.plots-link`)
	require.Contains(t, coop.text(), demo.PlotName, "the demo household's plot")
	require.Contains(t, coop.text(), "…0127", "the land-use certificate's last four only")
	require.NotContains(t, coop.text(), "300127")
	require.Equal(t, 1, run(coop, chromedp.Evaluate[int](`document.querySelectorAll("figure.outline svg path").length`)), "the outline is drawn")
	coop.shot("cooperative-plots")
	coop.axe("cooperative-plots")
	coop.fill("#geojson", `{"type":"Polygon","coordinates":[[[104.64,21.87],[104.641,21.871],[104.641,21.87],[104.64,21.871],[104.64,21.87]]]}`)
	require.EqualValues(t, 422, coop.clickNav(`#add-plot`))
	require.Contains(t, coop.text(), "Ranh giới tự cắt hoặc tự chạm", "the registry's refusal, next to the field, in Vietnamese")
	require.Equal(t, "true", run(coop, chromedp.Evaluate[string](`document.getElementById("geojson").getAttribute("aria-invalid")`)))
	coop.shot("cooperative-plot-errors")
	coop.axe("cooperative-plot-errors")

	coop.clickNav(`nav.sections a[href="/console/certifications"]`)
	require.Contains(t, coop.text(), "VietGAP-TT-15-01-0042", "the demo certification")
	coop.do(chromedp.SetValue(chromedp.CSS("#standard"), "standards/ORGANIC_TCVN_11041"))
	coop.fill("#number", "TCVN11041-2026-0815")
	coop.fill("#issuer", "Trung tâm Chứng nhận Phù hợp (QUACERT)")
	coop.clickNav(`#create-certification`)
	require.Contains(t, coop.text(), "Đã gửi đề nghị; chứng nhận có hiệu lực khi được duyệt.")
	coop.shot("cooperative-certifications")
	coop.axe("cooperative-certifications")

	off := e.signIn("canboxa")
	require.Equal(t, []string{"/console/certifications"}, menu(off, "/console/certifications", "/console/webhooks", "/console/members"), "an official: certifications of the area")
	off.clickNav(`nav.sections a[href="/console/certifications"]`)
	require.Contains(t, off.text(), "TCVN11041-2026-0815")
	off.shot("official-certifications")
	off.axe("official-certifications")
	require.EqualValues(t, 422, off.clickNav(`#requests form.reject button`), "a rejection needs a reason")
	require.Equal(t, "true", run(off, chromedp.Evaluate[string](`document.querySelector("#requests form.reject input[name=reason]").getAttribute("aria-invalid")`)), "said next to that request's reason")
	off.shot("official-certification-reject-errors")
	off.axe("official-certification-reject-errors")
	off.clickNav(`#requests button.approve`)
	require.Contains(t, off.text(), "Đã duyệt chứng nhận.")

	op := e.signIn("admin")
	require.Equal(t, []string{"/console/certifications"}, menu(op, "/console/certifications", "/console/webhooks", "/console/members"), "an operator: certifications of the country")
	op.clickNav(`nav.sections a[href="/console/certifications"]`)
	recorded := run(op, chromedp.Evaluate[string](`document.getElementById("recorded").innerText`))
	require.Contains(t, recorded, "TCVN11041-2026-0815", "the certification just approved")
	require.Contains(t, recorded, "HTX Quế Châu Quế", "with its organisation named")
	op.shot("operator-certifications")
	op.axe("operator-certifications")
	op.clickNav(`nav.lang a[hreflang="en"]`)
	require.Equal(t, "en", run(op, chromedp.Evaluate[string](`document.documentElement.lang`)))
	require.Contains(t, op.text(), "Recorded certifications")
	require.Contains(t, op.text(), "Record a certification")
	op.shot("operator-certifications-en")
	op.axe("operator-certifications-en")
}

// menu is which of hrefs the person's section menu holds, in the order given.
func menu(p *person, hrefs ...string) []string {
	p.t.Helper()
	var out []string
	for _, h := range hrefs {
		if run(p, chromedp.Evaluate[bool](`document.querySelector('nav.sections a[href="`+h+`"]') !== null`)) {
			out = append(out, h)
		}
	}
	return out
}

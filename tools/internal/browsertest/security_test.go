package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestScriptInADataFieldRendersAsText: the cooperative registers a household whose name is a
// script, in the browser; the members page and the offer form show it as text, no script runs
// (no dialog opens) and no script element is created.
func TestScriptInADataFieldRendersAsText(t *testing.T) {
	e := start(t)
	coop := e.signIn("htx")
	dialogs := make(chan string, 4)
	require.NoError(t, chromedp.Listen(coop.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs <- d.Message
		}
	}))
	evil := `<script>alert(1)</script>`
	coop.open("/console/members")
	coop.fill("#head", evil)
	coop.fill("#ethnic", "Dao")
	coop.fill("#village", `<img src=x onerror=alert(2)>`)
	coop.fill("#consent_date", "2026-01-10")
	coop.clickNav("#add-member")
	require.Contains(t, coop.text(), "Đã thêm hộ thành viên.")
	for _, path := range []string{"/console/members", "/console/offers"} {
		coop.open(path)
		require.Contains(t, coop.text(), evil, "%s shows the name as text", path)
		require.Contains(t, coop.text(), `<img src=x onerror=alert(2)>`, path)
		require.Zero(t, run(coop, chromedp.Evaluate[int](`document.querySelectorAll("main script, main img").length`)), path)
	}
	coop.shot("members-with-script-name")
	select {
	case m := <-dialogs:
		t.Fatalf("a script ran: dialog %q", m)
	default:
	}
}

// TestBrowserSecurity: the session cookie as the browser holds it; a cross-site form cannot
// act for the signed-in person; the page cannot be framed; signing out ends the session; a
// person the registry does not know is told so.
func TestBrowserSecurity(t *testing.T) {
	e := start(t)
	off := e.signIn("canboxa")
	var session bool
	for _, c := range off.cookies() {
		if c.Name == "lienket_session" {
			session = true
			require.True(t, c.HTTPOnly, "HttpOnly")
			require.Equal(t, "Lax", c.SameSite.String())
			require.Equal(t, "/console", c.Path)
		}
	}
	require.True(t, session, "a session cookie")
	require.Zero(t, run(off, chromedp.Evaluate[int](`document.cookie.length`)), "scripts cannot read the session")

	// Another site's page posts to the console with the person's cookies: refused.
	l, other := listen(t)
	serve(t, l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/framable" {
			fmt.Fprint(w, `<!doctype html><html lang="en"><body>a page that may be framed</body></html>`)
			return
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><body><form method="post" action="%s/console/signout"><button id="go">win a prize</button></form>
<iframe src="%s/console/inbox" title="console"></iframe><iframe src="/framable" title="control"></iframe></body></html>`, e.consoleURL, e.consoleURL)
	}))
	off.do(chromedp.Navigate(other + "/"))
	// The console refuses to be framed (Chrome shows an error page in its frame); the control
	// frame, a page without frame-ancestors, loads.
	require.Eventually(t, func() bool {
		frames := off.childFrames()
		return len(frames) == 2 && frames[1].URL == other+"/framable"
	}, 10*time.Second, 100*time.Millisecond, "the control frame loads")
	framed := off.childFrames()[0]
	require.False(t, strings.HasPrefix(framed.URL, e.consoleURL) && framed.UnreachableURL == "", "the console's frame did not load: %+v", framed)
	require.EqualValues(t, http.StatusForbidden, off.clickNav("#go"), "a cross-site post is refused")
	require.EqualValues(t, http.StatusOK, off.open("/console/inbox"), "and the session is still there")

	// Sign out: back to the sign-in page, and the console no longer knows the person.
	off.open("/console/inbox")
	off.clickNav(`form[action="/console/signout"] button`)
	require.Contains(t, off.location(), "/console/signin")
	require.Contains(t, off.text(), "Bạn đã đăng xuất.")
	off.open("/console/inbox")
	require.Contains(t, off.location(), "/console/signin", "signed out")

	// Someone the provider knows but the registry does not.
	s := e.browser(stranger)
	s.open("/console/")
	s.clickNav(`a.button[href*="/console/signin/start"]`)
	s.fill("#username", stranger)
	s.fill("#password", "lienket-demo")
	require.EqualValues(t, http.StatusForbidden, s.clickNav(`button[type=submit]`))
	require.True(t, strings.Contains(s.text(), "chưa được đăng ký với Liên Kết"), s.text())
	s.shot("not-registered")
}

// childFrames are the frames of the current page, in document order.
func (p *person) childFrames() []*cdp.Frame {
	tree := run(p, func(ctx context.Context, t *chromedp.Target) (page.GetFrameTreeResult, error) {
		return cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
	})
	var out []*cdp.Frame
	for _, c := range tree.FrameTree.ChildFrames {
		out = append(out, c.Frame)
	}
	return out
}

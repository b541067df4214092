package console

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPagesCarryTheSecurityHeaders(t *testing.T) {
	s := newSuite(t)
	b := s.signedIn(official(), "Lý Thị Lan", false)
	for _, path := range []string{"/console/inbox", "/console/signin", "/console/contracts/none"} {
		pg := b.get(path)
		csp := pg.hdr.Get("Content-Security-Policy")
		require.Contains(t, csp, "default-src 'none'", path)
		require.Contains(t, csp, "frame-ancestors 'none'", path)
		require.NotContains(t, csp, "script-src", "no script at all: default-src 'none' covers it")
		require.NotContains(t, csp, "unsafe-inline")
		require.Equal(t, "nosniff", pg.hdr.Get("X-Content-Type-Options"), path)
		require.Equal(t, "DENY", pg.hdr.Get("X-Frame-Options"), path)
	}
	require.NotContains(t, b.get("/console/inbox").body, "<script", "the console sends no script")
}

// TestStateChangesNeedTheCSRFToken: a form posted without the session's token, or with
// another's, changes nothing; a cross-site browser request is refused before that.
func TestStateChangesNeedTheCSRFToken(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	name := s.draft(w)
	s.pendingWitness(w, name)
	off := s.signedIn(official(), "Lý Thị Lan", false)
	hash := between(off.get("/console/"+name).body, `name="terms_hash" value="`, `"`)
	for _, token := range []string{"not-the-token", s.signedIn(official(), "Other", false).session.CSRF} {
		pg := off.post("/console/"+name+"/witness", url.Values{"terms_hash": {hash}, "csrf": {token}})
		require.Equal(t, http.StatusForbidden, pg.code, token)
	}
	// No token at all.
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/"+name+"/witness", strings.NewReader(url.Values{"terms_hash": {hash}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusForbidden, off.do(req).code)
	// A cross-site request (as a browser marks it) is refused even with the right token.
	form := url.Values{"terms_hash": {hash}, "csrf": {off.session.CSRF}}
	req, _ = http.NewRequest(http.MethodPost, s.srv.URL+"/console/"+name+"/witness", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	require.Equal(t, http.StatusForbidden, off.do(req).code)
	require.Contains(t, off.get("/console/"+name).body, "Chờ chứng thực", "nothing was witnessed")
}

func TestSessionsExpireAndEnd(t *testing.T) {
	s := newSuite(t)
	b := s.signedIn(official(), "Lý Thị Lan", false)
	require.Equal(t, http.StatusOK, b.get("/console/inbox").code)

	// Idle for longer than the timeout: sent to sign in again, told why.
	idle := s.signedIn(official(), "Lý Thị Lan", false)
	idle.session.Seen = time.Now().Add(-2 * time.Hour).Unix()
	v, err := s.c.seal.seal("session", idle.session)
	require.NoError(t, err)
	idle.cookie.Value = v
	pg := idle.get("/console/inbox")
	require.Equal(t, http.StatusSeeOther, pg.code)
	require.Contains(t, pg.hdr.Get("Location"), "reason=expired")

	// Past the token's expiry.
	old := s.signedIn(official(), "Lý Thị Lan", false)
	old.session.Expires = time.Now().Add(-time.Second).Unix()
	v, err = s.c.seal.seal("session", old.session)
	require.NoError(t, err)
	old.cookie.Value = v
	require.Equal(t, http.StatusSeeOther, old.get("/console/inbox").code)

	// A cookie sealed by another console (another key) or tampered with is no session.
	forged := s.signedIn(official(), "Lý Thị Lan", false)
	forged.cookie.Value = forged.cookie.Value[:len(forged.cookie.Value)-4] + "AAAA"
	require.Equal(t, http.StatusSeeOther, forged.get("/console/inbox").code)

	// Signing out clears the cookie and the same cookie, replayed, no longer works.
	res := b.post("/console/signout", nil)
	require.Equal(t, http.StatusSeeOther, res.code)
	cleared := false
	for _, c := range (&http.Response{Header: res.hdr}).Cookies() {
		if c.Name == s.c.cookies.name("lienket_session") && c.MaxAge < 0 {
			cleared = true
		}
	}
	require.True(t, cleared, "the session cookie is cleared")
	require.Equal(t, http.StatusSeeOther, b.get("/console/inbox").code, "a replayed cookie after sign-out is refused")
}

func TestCookiesAreHttpOnlyLaxAndSecureOverHTTPS(t *testing.T) {
	c := cookies{secure: true, path: BasePath}
	rec := newRecorder()
	c.set(rec, "lienket_session", "v", time.Hour)
	ck := (&http.Response{Header: rec.Header()}).Cookies()[0]
	require.Equal(t, "__Host-lienket_session", ck.Name)
	require.True(t, ck.Secure)
	require.True(t, ck.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, ck.SameSite)
	require.Equal(t, "/", ck.Path)

	rec = newRecorder()
	cookies{secure: false, path: BasePath}.set(rec, "lienket_session", "v", time.Hour)
	ck = (&http.Response{Header: rec.Header()}).Cookies()[0]
	require.Equal(t, "lienket_session", ck.Name)
	require.True(t, ck.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, ck.SameSite)

	_, err := New(Config{PublicURL: "http://lienket.example.vn", SessionKey: make([]byte, 32)}, Deps{})
	require.Error(t, err, "plain HTTP is refused outside loopback")
}

// TestOutputIsEscaped: a household named like a script renders as text on the pages that show
// household names.
func TestOutputIsEscaped(t *testing.T) {
	s := newSuite(t)
	evil := `<script>alert(1)</script>`
	w := s.world(2, evil, `"><img src=x onerror=alert(2)>`)
	name := s.draft(w)
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", false)
	for _, path := range []string{"/console/members", "/console/" + name, "/console/offers"} {
		pg := coop.get(path)
		require.Equal(t, http.StatusOK, pg.code, pg.body)
		require.NotContains(t, pg.body, evil, path)
		require.NotContains(t, pg.body, "<img src=x", path)
		require.Contains(t, pg.body, "&lt;script&gt;alert(1)&lt;/script&gt;", path)
	}
}

func TestOnlyLocalRedirects(t *testing.T) {
	for in, want := range map[string]string{
		"/console/inbox":            "/console/inbox",
		"https://evil.example/":     "/console/",
		"//evil.example/console/":   "/console/",
		"/console/../evil":          "/console/",
		"/other":                    "/console/",
		"/console/\\evil.example":   "/console/",
		"/console/x?next=//evil.vn": "/console/x?next=//evil.vn",
	} {
		require.Equal(t, want, localPath(in), in)
	}
}

package console

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/lienket/lienket/gateway/signin"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// Sign-in: /signin shows the front door; /signin/start sends the browser to the OpenID
// provider with state, nonce and a PKCE challenge kept in a sealed, short-lived cookie;
// /callback checks the state, redeems the code with the verifier, verifies the ID token and
// its nonce, finds the person in the registry and either mints the token of their only grant
// or lets them choose (/grants). /signout ends the session here and at the provider.

const loginTTL = 10 * time.Minute

func equalToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// localPath keeps next inside the console (no open redirect).
func localPath(next string) string {
	if !strings.HasPrefix(next, BasePath+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return BasePath + "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(path.Clean(u.Path)+"/", BasePath+"/") {
		return BasePath + "/"
	}
	return next
}

type signinView struct{ Next, Message string }

func (c *Console) signinPage(w http.ResponseWriter, r *http.Request) {
	if s, _ := c.session(r); s != nil && s.Grant != "" {
		http.Redirect(w, r, home(s), http.StatusSeeOther)
		return
	}
	q := c.newRQ(w, r, nil)
	defer q.done()
	v := signinView{Next: localPath(r.URL.Query().Get("next"))}
	switch r.URL.Query().Get("reason") {
	case "expired":
		v.Message = "Phiên làm việc đã hết hạn. Hãy đăng nhập lại."
	case "signedout":
		v.Message = "Bạn đã đăng xuất."
	}
	q.render(http.StatusOK, "signin", v)
}

func (c *Console) signinStart(w http.ResponseWriter, r *http.Request) {
	st := loginState{State: randomToken(), Nonce: randomToken(), Verifier: oauth2.GenerateVerifier(), Next: localPath(r.URL.Query().Get("next")), Expires: time.Now().Add(loginTTL).Unix()}
	u, err := c.signin.AuthCodeURL(r.Context(), st.State, st.Nonce, st.Verifier)
	if err != nil {
		c.log.WarnContext(r.Context(), "sign-in unavailable", "error", err)
		c.message(w, r, http.StatusServiceUnavailable, "Chưa đăng nhập được", "Máy chủ định danh tạm thời không trả lời. Hãy thử lại sau ít phút.", "")
		return
	}
	v, err := c.seal.seal("login", st)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	c.cookies.set(w, "lienket_login", v, loginTTL)
	http.Redirect(w, r, u, http.StatusSeeOther)
}

type messageView struct{ Title, Message, Link, LinkLabel string }

func (c *Console) message(w http.ResponseWriter, r *http.Request, code int, title, msg, link string) {
	q := c.newRQ(w, r, nil)
	defer q.done()
	label := ""
	if link != "" {
		label = "Đăng nhập lại"
	}
	q.render(code, "message", messageView{Title: title, Message: msg, Link: link, LinkLabel: label})
}

func (c *Console) callback(w http.ResponseWriter, r *http.Request) {
	again := BasePath + "/signin"
	ck, err := r.Cookie(c.cookies.name("lienket_login"))
	var st loginState
	if err != nil || c.seal.open("login", ck.Value, &st) != nil || time.Now().Unix() > st.Expires {
		c.message(w, r, http.StatusBadRequest, "Chưa đăng nhập được", "Lượt đăng nhập này đã hết hạn hoặc không bắt đầu từ trình duyệt này.", again)
		return
	}
	c.cookies.clear(w, "lienket_login") // a sign-in answer is used once
	q := r.URL.Query()
	if q.Get("error") != "" || !equalToken(q.Get("state"), st.State) {
		c.message(w, r, http.StatusBadRequest, "Chưa đăng nhập được", "Máy chủ định danh không xác nhận lượt đăng nhập này.", again)
		return
	}
	id, err := c.signin.SignIn(r.Context(), q.Get("code"), st.Verifier, st.Nonce)
	if err != nil {
		c.log.WarnContext(r.Context(), "sign-in refused", "error", err)
		code := http.StatusBadRequest
		if errors.Is(err, signin.ErrUnavailable) {
			code = http.StatusServiceUnavailable
		}
		c.message(w, r, code, "Chưa đăng nhập được", "Không xác minh được lượt đăng nhập với máy chủ định danh.", again)
		return
	}
	u, err := c.signin.Person(r.Context(), id)
	if err != nil {
		c.personError(w, r, err)
		return
	}
	s := &session{ID: randomToken(), User: u.GetName(), Name: u.GetDisplayName(), Issuer: id.Issuer, Subject: id.Subject, CSRF: randomToken(),
		Seen: time.Now().Unix(), Expires: time.Now().Add(loginTTL).Unix(), Grants: len(u.GetGrants())}
	if s.Name == "" {
		s.Name = id.Name
	}
	if len(u.GetGrants()) == 1 {
		if err := c.act(s, u, u.GetGrants()[0]); err != nil {
			c.personError(w, r, err)
			return
		}
	}
	if err := c.writeSession(w, s); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if s.Grant == "" {
		http.Redirect(w, r, BasePath+"/grants", http.StatusSeeOther)
		return
	}
	next := st.Next
	if next == BasePath+"/" {
		next = home(s)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *Console) personError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, signin.ErrUnknownPerson):
		c.message(w, r, http.StatusForbidden, "Chưa có quyền truy cập", "Tài khoản này chưa được đăng ký với Liên Kết. Hãy liên hệ người quản trị của tổ chức hoặc cơ quan của bạn.", "")
	case errors.Is(err, signin.ErrNoGrant):
		c.message(w, r, http.StatusForbidden, "Chưa có quyền truy cập", "Bạn chưa được cấp vai trò nào. Hãy liên hệ người quản trị của tổ chức hoặc cơ quan của bạn.", "")
	case errors.Is(err, signin.ErrUnavailable):
		c.message(w, r, http.StatusServiceUnavailable, "Tạm thời gián đoạn", ruleVI["BACKEND_UNAVAILABLE"], BasePath+"/signin")
	default:
		c.log.ErrorContext(r.Context(), "sign-in failed", "error", err)
		c.message(w, r, http.StatusInternalServerError, "Đã có lỗi", "Không hoàn tất được việc đăng nhập. Hãy thử lại.", BasePath+"/signin")
	}
}

// act makes s act in grant g of person u: a Lienket token for the grant.
func (c *Console) act(s *session, u *registryv1.User, g *registryv1.Grant) error {
	tok, err := c.signin.Mint(u, g)
	if err != nil {
		return err
	}
	p := tok.Principal
	s.Grant, s.GrantLabel, s.Role = g.GetName(), g.GetDisplayName(), string(p.Role)
	s.Org, s.Household, s.Area, s.Authority, s.Admin = p.Organization, p.Household, p.AdminArea, g.GetAuthority(), g.GetAdministrator()
	s.Token, s.Expires = tok.Value, tok.Expiry.Unix()
	s.GrantLabel = grantLabel(g)
	return nil
}

// grantLabel names a grant in Vietnamese: its role, and where it applies (the registry's
// display name starts with the organisation's or authority's name).
func grantLabel(g *registryv1.Grant) string {
	role := g.GetRole().String()
	if l, ok := enumLabels[role]; ok {
		role = l[0]
	}
	place, _, _ := strings.Cut(g.GetDisplayName(), " — ")
	if place == "" {
		return role
	}
	return role + " · " + place
}

type grantsView struct{ Grants []*registryv1.Grant }

// Label names a grant for the chooser.
func (grantsView) Label(g *registryv1.Grant) string { return grantLabel(g) }

// grants lets a person with several grants choose the one that acts (again at any time): the
// grants are read afresh from the registry, so a revoked grant can no longer be chosen.
func (c *Console) grants(q *rq) error {
	u, err := c.signin.Person(q.ctx, signin.Identity{Issuer: q.s.Issuer, Subject: q.s.Subject})
	if err != nil {
		c.personError(q.w, q.r, err)
		return nil
	}
	if q.r.Method == http.MethodGet {
		q.render(http.StatusOK, "grants", grantsView{Grants: u.GetGrants()})
		return nil
	}
	g, err := signin.ChooseGrant(u, q.r.PostForm.Get("grant"))
	if err != nil {
		q.render(http.StatusBadRequest, "grants", grantsView{Grants: u.GetGrants()})
		return nil
	}
	s := *q.s
	s.Grants = len(u.GetGrants())
	s.ID = randomToken() // a new grant, a new session
	if err := c.act(&s, u, g); err != nil {
		return err
	}
	c.revoked.add(q.s.ID, time.Unix(q.s.Expires, 0))
	if err := c.writeSession(q.w, &s); err != nil {
		return err
	}
	http.Redirect(q.w, q.r, home(&s), http.StatusSeeOther)
	return nil
}

func (c *Console) signout(q *rq) error {
	c.revoked.add(q.s.ID, time.Unix(q.s.Expires, 0).Add(time.Minute))
	c.cookies.clear(q.w, "lienket_session")
	// The provider ends its own session and comes back to /signed-out, the URL registered
	// with it as the console's post-logout redirect.
	if u := c.signin.EndSessionURL(q.ctx, strings.TrimRight(c.cfg.PublicURL, "/")+BasePath+"/signed-out"); u != "" {
		http.Redirect(q.w, q.r, u, http.StatusSeeOther)
		return nil
	}
	http.Redirect(q.w, q.r, BasePath+"/signin?reason=signedout", http.StatusSeeOther)
	return nil
}

// setLanguage remembers the chosen language and goes back.
func (c *Console) setLanguage(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	if lang != "en" {
		lang = "vi"
	}
	http.SetCookie(w, &http.Cookie{Name: "lienket_lang", Value: lang, Path: BasePath, MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: c.cookies.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
}

package console

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// receiver is a partner's endpoint: it keeps every request and answers 204.
type receiver struct {
	*httptest.Server
	mu  sync.Mutex
	got []received
}

type received struct {
	id, timestamp, signature string
	body                     []byte
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, received{r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature"), b})
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// verify checks a request's signature as the page tells the partner to: HMAC-SHA256 keyed with
// the secret after whsec_, base64-decoded, over id.timestamp.body, base64, after "v1,".
func verify(secret string, r received) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(r.id + "." + r.timestamp + "."))
	m.Write(r.body)
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, sig := range strings.Fields(r.signature) {
		if hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

// eventually polls get until ok says yes, for up to 15 seconds.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 15 s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWebhookPages: the business's administrator finds Webhooks next to its API keys; creates a
// webhook (mistakes first, each next to its field), sees the secret once with how to verify a
// signature, sends a test (the page shows the endpoint's 204; the signature verifies with the
// secret as the page explains); the events of its contract arrive and are listed with status
// codes and attempts; replays one and a period; disables, enables, rotates the secret, edits
// and deletes. Another organisation's people do not reach it; a colleague who is not an
// administrator has no menu entry, and the service lets them manage it all the same.
func TestWebhookPages(t *testing.T) {
	s := newSuite(t)
	w := s.world(2)
	boss := s.person("Phạm Thị Thu", &registryv1.Grant{Role: registryv1.Grant_ROLE_BUSINESS, Organization: w.business, Administrator: true})
	b := s.signedIn(auth.Principal{Subject: boss, Role: auth.RoleBusiness, Organization: w.business}, "Phạm Thị Thu", true)
	rc := newReceiver(t)

	pg := b.get("/console/webhooks")
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, `href="/console/webhooks" aria-current="page"`, "in the menu, next to the API keys")
	require.Contains(t, pg.body, "Tổ chức chưa có webhook nào.")

	bad := b.post("/console/webhooks", url.Values{"url": {"ftp://erp.example.vn/hooks"}, "request_id": {"wh-bad"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code, bad.body)
	require.Contains(t, bad.body, `id="url-error">`+ruleVI["URL_SCHEME"], "the service's rule next to the URL")
	require.Contains(t, bad.body, `id="events-error">`+ruleVI["REQUIRED"])
	bad = b.post("/console/webhooks", url.Values{"url": {"https://169.254.169.254/latest"}, "events": {"contract.activated"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.code, bad.body)
	require.Contains(t, bad.body, ruleVI["URL_ADDRESS"])

	res := b.post("/console/webhooks", url.Values{"url": {rc.URL + "/hooks"}, "description": {"ERP kế toán"}, "events": {"*", "contract.signed"}, "request_id": {"wh-1"}})
	require.Equal(t, http.StatusOK, res.code, res.body)
	secret := html.UnescapeString(between(res.body, `<code id="secret">`, `</code>`))
	require.True(t, strings.HasPrefix(secret, "whsec_"), res.body)
	require.Contains(t, res.body, "Cách kiểm tra chữ ký")
	require.Contains(t, res.body, "Khóa HMAC là phần sau whsec_ của khóa ký, giải mã base64.")
	hook := between(res.body, `href="/console/webhooks/`, `"`)
	require.NotEmpty(t, hook)
	pg = b.get("/console/webhooks")
	require.NotContains(t, html.UnescapeString(pg.body), secret, "the secret is shown once")
	require.Contains(t, pg.body, "ERP kế toán")
	require.Contains(t, pg.body, "Tất cả")

	// A test send: the page shows the endpoint's answer; the request verifies with the secret.
	path := "/console/webhooks/" + hook
	pg = b.get(path)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "Chưa có lần gửi nào.")
	res = b.post(path+"/test", nil)
	require.Equal(t, http.StatusOK, res.code, res.body)
	require.Contains(t, res.body, `<dd id="test-status">204</dd>`)
	require.Len(t, rc.requests(), 1)
	require.True(t, verify(secret, rc.requests()[0]), "the signature verifies as the page explains")

	// The contract's events arrive and are listed, with their status codes and attempts.
	s.draft(w)
	eventually(t, "proposal.created delivered", func() bool {
		pg = b.get(path + "?state=STATE_DELIVERED&event=proposal.created")
		return strings.Contains(pg.body, "<code>proposal.created</code>")
	})
	require.Contains(t, pg.body, `<dd class="status">204</dd>`)
	require.Contains(t, pg.body, "Doanh nghiệp gửi đề nghị liên kết", "the event explained in words")
	for _, r := range rc.requests() {
		require.True(t, verify(secret, r), "every delivery is signed")
	}
	replay := action(pg.body, "/replay")
	require.Contains(t, replay, "/deliveries/")
	id := between(replay, "/deliveries/", "/replay")
	before := len(rc.requests())
	res = b.post(replay, nil)
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Contains(t, b.get(res.hdr.Get("Location")).body, "Đã xếp sự kiện để gửi lại.")
	eventually(t, "the replayed delivery arrives", func() bool {
		for _, r := range rc.requests()[before:] {
			if r.id == id {
				return true
			}
		}
		return false
	})

	// Every event of a period, again; mistakes in the period shown next to its fields.
	res = b.post(path+"/replay", url.Values{"replay_start": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, res.code, res.body)
	require.Contains(t, res.body, `id="replay_start-error">`+ruleVI["REQUIRED"])
	now := time.Now().In(vn.Zone)
	res = b.post(path+"/replay", url.Values{"replay_start": {now.Format("2006-01-02T15:04")}, "replay_end": {now.Add(-time.Hour).Format("02/01/2006 15:04")}})
	require.Equal(t, http.StatusUnprocessableEntity, res.code, res.body)
	require.Contains(t, res.body, `id="replay_end-error">`+ruleVI["TIME_ORDER"], "the service's rule on the end of the period")
	res = b.post(path+"/replay", url.Values{"replay_start": {now.Add(-time.Hour).Format("2006-01-02T15:04")}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = b.get(res.hdr.Get("Location"))
	require.Regexp(t, `Đã xếp [1-9][0-9]* sự kiện để gửi lại.`, pg.body)

	// Disable, enable (a stale etag is refused), rotate, edit, delete.
	etag := html.UnescapeString(between(pg.body, `name="etag" value="`, `"`))
	res = b.post(path+"/disable", url.Values{"etag": {etag}})
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Contains(t, b.get(path).body, `<span class="badge" id="webhook-state">Đã tắt</span>`)
	res = b.post(path+"/enable", url.Values{"etag": {etag}})
	require.Equal(t, http.StatusUnprocessableEntity, res.code, "the etag read before the change is stale")
	require.Contains(t, res.body, ruleVI["ETAG_MISMATCH"])
	res = b.post(path+"/enable", formValues(b.get(path).body, path+"/enable"))
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Contains(t, b.get(path).body, `<span class="badge" id="webhook-state">Đang hoạt động</span>`)
	res = b.post(path+"/rotate", formValues(b.get(path).body, path+"/rotate"))
	require.Equal(t, http.StatusOK, res.code, res.body)
	rotated := html.UnescapeString(between(res.body, `<code id="secret">`, `</code>`))
	require.True(t, strings.HasPrefix(rotated, "whsec_"))
	require.NotEqual(t, secret, rotated)
	require.Contains(t, res.body, "khóa cũ còn ký đến")

	form := formValues(b.get(path).body, path+"/update")
	form.Set("url", "http://")
	res = b.post(path+"/update", form)
	require.Equal(t, http.StatusUnprocessableEntity, res.code, res.body)
	require.Contains(t, res.body, `id="url-error">`+ruleVI["URL_FORMAT"])
	require.Contains(t, res.body, `value="http://"`, "the form keeps what was typed")
	form = formValues(b.get(path).body, path+"/update")
	form.Set("description", "ERP kho")
	form["events"] = []string{"payment.recorded", "delivery.recorded"}
	res = b.post(path+"/update", form)
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	pg = b.get(path)
	require.Contains(t, pg.body, "ERP kho")
	require.Contains(t, pg.body, "Ghi nhận một khoản thanh toán, Ghi nhận một lần giao hàng")

	// Others: another organisation's person does not reach it; a household has no such page;
	// a colleague who is not an administrator has no menu entry, yet the service lets them in.
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	require.Equal(t, http.StatusNotFound, coop.get(path).code)
	require.NotContains(t, coop.get("/console/webhooks").body, "ERP kho")
	hh := s.signedIn(auth.Principal{Subject: "users/hh", Role: auth.RoleHousehold, Household: w.households[0]}, "Hộ", false)
	require.Equal(t, http.StatusNotFound, hh.get("/console/webhooks").code)
	clerk := s.signedIn(auth.Principal{Subject: "users/clerk", Role: auth.RoleBusiness, Organization: w.business}, "Lê Văn Thư", false)
	require.NotContains(t, clerk.get("/console/demands").body, `href="/console/webhooks"`)
	require.Contains(t, clerk.get("/console/webhooks").body, "ERP kho", "the webhooks service lets the organisation's people manage its webhooks")

	res = b.post(path+"/delete", formValues(b.get(path).body, path+"/delete"))
	require.Equal(t, http.StatusSeeOther, res.code, res.body)
	require.Equal(t, "/console/webhooks?ok=webhook-deleted", res.hdr.Get("Location"))
	require.Contains(t, b.get("/console/webhooks").body, "Tổ chức chưa có webhook nào.")
	require.Equal(t, http.StatusNotFound, b.get(path).code)
}

// TestWebhookPageCalls: the webhooks list is one call and a webhook's page two (the webhook and
// a page of its deliveries, with their attempts), however many deliveries there are.
func TestWebhookPageCalls(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	b := s.signedIn(w.buyer(), "Phạm Thị Thu", true)
	rc := newReceiver(t)
	res := b.post("/console/webhooks", url.Values{"url": {rc.URL}, "events": {"*"}, "request_id": {"wh-calls"}})
	require.Equal(t, http.StatusOK, res.code, res.body)
	path := "/console/webhooks/" + between(res.body, `href="/console/webhooks/`, `"`)
	count := func(p string) int64 {
		s.resetCalls()
		pg := b.get(p)
		require.Equal(t, http.StatusOK, pg.code, pg.body)
		return s.calls.Load()
	}
	require.EqualValues(t, 1, count("/console/webhooks"), s.callList())
	require.EqualValues(t, 2, count(path), s.callList())
	for range 4 {
		require.Equal(t, http.StatusOK, b.post(path+"/test", nil).code)
	}
	require.Equal(t, 4, strings.Count(b.get(path).body, `class="card delivery"`))
	require.EqualValues(t, 2, count(path), "four deliveries: %s", s.callList())
}

// TestEventCatalogueIsTheServices: the event types the page offers are exactly those the
// webhooks service accepts (it lists them when refusing an unknown one), and each has a
// Vietnamese explanation and an English version.
func TestEventCatalogueIsTheServices(t *testing.T) {
	s := newSuite(t)
	w := s.world(0)
	hooks := webhooksv1.NewWebhooksServiceClient(testkit.Dial(t, s.conns[4].Target(), ""))
	_, err := hooks.CreateWebhook(context.Background(), &webhooksv1.CreateWebhookRequest{Parent: w.business,
		Webhook: &webhooksv1.Webhook{Url: "https://erp.example.vn/hooks", EventTypes: []string{"no.such"}}}, s.as(w.buyer()))
	vs := apierr.FieldViolations(err)
	require.Len(t, vs, 1, err)
	desc := vs[0].GetDescription()
	accepted := strings.Split(desc[strings.Index(desc, "accepted: ")+len("accepted: "):strings.Index(desc, `, or "*"`)], ", ")
	var offered []string
	for _, g := range eventGroups {
		require.Contains(t, english, g.Title)
		for _, e := range g.Types {
			offered = append(offered, e.Code)
			require.Contains(t, english, e.Label, e.Code)
		}
	}
	sort.Strings(accepted)
	sort.Strings(offered)
	require.Equal(t, accepted, offered)
}

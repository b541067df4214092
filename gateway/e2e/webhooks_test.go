package e2e_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
)

// hookReceiver is a partner's endpoint: it checks each request's Standard Webhooks signature
// (crypto/hmac over "id.timestamp.body" with the base64-decoded secret) and keeps what came.
type hookReceiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	got    []hookRequest
	bad    int
}

type hookRequest struct {
	id, typ, subject string
	seq              float64
	at               time.Time
	body             map[string]any
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{t: t}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		raw, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if !verifySignature(r.secret, req.Header, raw) {
			r.bad++
		}
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		data, _ := body["data"].(map[string]any)
		subject, _ := data["contract"].(string)
		if p, ok := data["proposal"].(string); ok {
			subject = p
		}
		audit, _ := data["audit_event"].(map[string]any)
		seq, _ := audit["sequence"].(float64)
		typ, _ := body["type"].(string)
		r.got = append(r.got, hookRequest{id: req.Header.Get("webhook-id"), typ: typ, subject: subject, seq: seq, at: time.Now(), body: body})
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func verifySignature(secret string, h http.Header, body []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(h.Get("webhook-id") + "." + h.Get("webhook-timestamp") + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	return slices.ContainsFunc(strings.Fields(h.Get("webhook-signature")), func(s string) bool { return hmac.Equal([]byte(s), []byte(want)) })
}

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest{}, r.got...)
}

func (r *hookReceiver) types() []string {
	var out []string
	for _, g := range r.requests() {
		out = append(out, g.typ)
	}
	slices.Sort(out)
	return out
}

// TestWebhooksOverREST: a partner subscribes over REST with its API key; the parties act;
// the partner's endpoint receives the events of its contract and of its proposals it
// subscribed to, signed, in order per contract; the other party's webhook (all types)
// receives them too; a third organisation's webhook receives nothing. The partner lists its
// deliveries with their status codes, replays one (same webhook-id) and test-sends.
func TestWebhooksOverREST(t *testing.T) {
	s := start(t, server.Config{})
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	fx, err := story.Active(s.url, mint, func(string) {})
	require.NoError(t, err)
	biz, coop, contract, hh := fx.Business, fx.Cooperative, fx.Contract, fx.Households[0]
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	bizTok := s.token(auth.Principal{Subject: "users/biz", Role: auth.RoleBusiness, Organization: biz})
	coopTok := s.token(auth.Principal{Subject: "users/coop", Role: auth.RoleProducer, Organization: coop})
	key := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", bizTok, map[string]any{"display_name": "ERP"}), 200).str("secret")

	erp, group, stranger := newHookReceiver(t), newHookReceiver(t), newHookReceiver(t)
	erpTypes := []string{"proposal.created", "proposal.accepted", "contract.created", "delivery.recorded", "delivery.confirmed",
		"advance.recorded", "payment.recorded", "settlement.changed", "incident.opened", "incident.resolved", "contract.terminated"}
	bad := s.call("POST", "/v1/"+biz+"/webhooks", "", map[string]any{"url": erp.srv.URL, "event_types": []string{"contract.exploded"}}, "X-API-Key", key)
	require.Equal(t, 400, bad.code, bad.raw)
	require.Contains(t, bad.raw, "EVENT_TYPE")
	created := s.must(s.call("POST", "/v1/"+biz+"/webhooks?request_id=erp-hook-1", "", map[string]any{"url": erp.srv.URL, "event_types": erpTypes}, "X-API-Key", key), 200)
	erp.secret = created.str("secret")
	require.True(t, strings.HasPrefix(erp.secret, "whsec_"))
	hook := created.str("webhook", "name")
	again := s.must(s.call("POST", "/v1/"+biz+"/webhooks?request_id=erp-hook-1", "", map[string]any{"url": erp.srv.URL, "event_types": erpTypes}, "X-API-Key", key), 200)
	require.Equal(t, hook, again.str("webhook", "name"), "a retried create returns the first webhook")
	require.Equal(t, erp.secret, again.str("secret"), "and its secret, to the caller that created it")
	require.Empty(t, s.must(s.call("GET", "/v1/"+hook, "", nil, "X-API-Key", key), 200).str("secret"), "never shown again otherwise")
	group.secret = s.must(s.call("POST", "/v1/"+coop+"/webhooks", coopTok, map[string]any{"url": group.srv.URL, "event_types": []string{"*"}}), 200).str("secret")
	other := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_PRODUCTION_GROUP", "display_name": "Tổ khác", "address": map[string]any{"commune_code": fx.WitnessCommune}}), 200).str("name")
	stranger.secret = s.must(s.call("POST", "/v1/"+other+"/webhooks", admin, map[string]any{"url": stranger.srv.URL, "event_types": []string{"*"}}), 200).str("secret")

	// The parties act: a new proposal accepted into a draft; under the ACTIVE contract a
	// delivery (confirmed), an advance, a payment, an incident opened and resolved; then the
	// contract is terminated.
	demand := s.must(s.call("POST", "/v1/demands", bizTok, map[string]any{"buyer": biz, "product": "products/cinnamon-bark", "quantity": "100",
		"delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"}, "delivery_commune_code": places.BaoHa,
		"price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "42000"}}), 200).str("name")
	offer := s.must(s.call("POST", "/v1/offers", coopTok, map[string]any{"producer": coop, "product": "products/cinnamon-bark", "quantity": "100",
		"harvest_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"}}), 200).str("name")
	proposal := s.must(s.call("POST", "/v1/"+demand+"/proposals", bizTok, map[string]any{"offer": offer, "quantity": "50"}), 200).str("name")
	s.must(s.call("POST", "/v1/"+proposal+":accept", coopTok, map[string]any{}), 200)
	delivery := s.must(s.call("POST", "/v1/"+contract+"/deliveries", "", map[string]any{"household": hh, "lot": "lot-1", "delivery_date": "2026-06-10",
		"quantity": "10", "accepted_quantity": "10", "grade": "A"}, "X-API-Key", key), 200).str("name")
	s.must(s.call("POST", "/v1/"+delivery+":confirm", coopTok, map[string]any{}), 200)
	s.must(s.call("POST", "/v1/"+contract+"/inputAdvances", bizTok, map[string]any{"household": hh, "advance_date": "2026-03-01", "description": "Phân bón", "value_vnd": "1000"}), 200)
	s.must(s.call("POST", "/v1/"+contract+"/payments", bizTok, map[string]any{"payee": coop, "household": hh, "amount_vnd": "1000",
		"method": "PAYMENT_METHOD_BANK_TRANSFER", "reference": "UNC", "payment_date": "2026-06-20"}), 200)
	incident := s.must(s.call("POST", "/v1/"+contract+"/incidents", coopTok, map[string]any{"kind": "KIND_QUALITY_DISPUTE", "description": "Sai cân",
		"breaching_party": biz, "breached_value_vnd": "420000"}), 200).str("name")
	s.must(s.call("POST", "/v1/"+incident+":resolve", coopTok, map[string]any{"outcome": "Hai bên thống nhất", "breach_upheld": false}), 200)
	s.must(s.call("POST", "/v1/"+contract+":terminate", bizTok, map[string]any{"reason": "Chấm dứt"}), 200)

	want := []string{"advance.recorded", "contract.created", "contract.terminated", "delivery.confirmed", "delivery.recorded", "incident.opened", "incident.resolved",
		"payment.recorded", "proposal.accepted", "proposal.created", "settlement.changed", "settlement.changed", "settlement.changed"}
	require.Eventually(t, func() bool { return len(erp.requests()) >= len(want) }, 30*time.Second, 50*time.Millisecond, "the partner's events arrive")
	time.Sleep(300 * time.Millisecond) // (nothing more should come)
	require.Equal(t, want, erp.types(), "the types subscribed to, each once")
	require.Zero(t, erp.bad, "every signature verifies")
	lastSeq := map[string]float64{}
	for _, g := range erp.requests() {
		if strings.HasPrefix(g.subject, "contracts/") {
			require.GreaterOrEqual(t, g.seq, lastSeq[g.subject], "in order per contract: %s", g.typ)
			lastSeq[g.subject] = g.seq
		}
	}
	require.Eventually(t, func() bool { return slices.Contains(group.types(), "contract.terminated") }, 30*time.Second, 50*time.Millisecond)
	require.Subset(t, group.types(), want, "the other party's webhook (all types) gets them too")
	require.Contains(t, group.types(), "contract.created")
	require.Zero(t, group.bad)
	require.Empty(t, stranger.requests(), "an organisation not party to them gets nothing")

	// Deliveries, with status codes; a replay; a test.
	page := s.must(s.call("GET", "/v1/"+hook+"/deliveries?page_size=100", "", nil, "X-API-Key", key), 200)
	ds := page.list("deliveries")
	require.Len(t, ds, len(want))
	for _, d := range ds {
		require.Equal(t, "STATE_DELIVERED", d["state"])
		require.EqualValues(t, 204, d["last_status_code"])
	}
	first := ds[len(ds)-1]
	s.must(s.call("POST", "/v1/"+first["name"].(string)+":replay", "", map[string]any{}, "X-API-Key", key), 200)
	require.Eventually(t, func() bool { return len(erp.requests()) == len(want)+1 }, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, first["event_id"], erp.requests()[len(want)].id, "a replay carries the same webhook-id")
	tested := s.must(s.call("POST", "/v1/"+hook+":test", "", map[string]any{}, "X-API-Key", key), 200)
	require.Equal(t, "STATE_DELIVERED", tested.str("state"))
	require.EqualValues(t, 204, tested.get("last_status_code"))
	filtered := s.must(s.call("GET", "/v1/"+hook+"/deliveries?filter="+strings.ReplaceAll(`state = "STATE_FAILED"`, " ", "%20"), "", nil, "X-API-Key", key), 200)
	require.Empty(t, filtered.list("deliveries"))
	require.Equal(t, 400, s.call("GET", "/v1/"+hook+"/deliveries?filter=state%20%3D%20%22NOPE%22", "", nil, "X-API-Key", key).code)
}

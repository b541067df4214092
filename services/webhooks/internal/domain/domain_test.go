package domain_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// TestSignatureVectors: the signature is the Standard Webhooks one. The first vector is the
// one every reference library of the specification tests against; the second is computed here
// with crypto/hmac from the specification's definition (v1, base64 of HMAC-SHA256 keyed with
// the base64-decoded secret, over "id.timestamp.body").
func TestSignatureVectors(t *testing.T) {
	const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	sig, err := domain.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`), secret)
	require.NoError(t, err)
	require.Equal(t, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", sig)

	body := []byte(`{"type":"contract.activated","timestamp":"2026-06-01T03:04:05.000Z","data":{"contract":"contracts/c1"}}`)
	other, err := domain.NewSecret()
	require.NoError(t, err)
	sig, err = domain.Sign("msg_abc", time.Unix(1780000000, 0), body, secret, other)
	require.NoError(t, err)
	parts := strings.Split(sig, " ")
	require.Len(t, parts, 2, "one signature per secret, space-separated")
	for i, s := range []string{secret, other} {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
		require.NoError(t, err)
		m := hmac.New(sha256.New, key)
		m.Write([]byte("msg_abc.1780000000." + string(body)))
		require.Equal(t, "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)), parts[i])
	}
	_, err = domain.Sign("msg_abc", time.Unix(1, 0), body, "whsec_")
	require.Error(t, err, "an empty secret never signs")
}

func TestSecretsAreSealed(t *testing.T) {
	kr, err := domain.NewKeyring(strings.Repeat("k", 40))
	require.NoError(t, err)
	s, err := domain.NewSecret()
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(s, "whsec_"))
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
	require.NoError(t, err)
	require.Len(t, raw, 32)

	sealed, err := kr.Seal("organizations/o/webhooks/w", s)
	require.NoError(t, err)
	require.NotContains(t, string(sealed.Ciphertext), strings.TrimPrefix(s, "whsec_"))
	got, err := kr.Open("organizations/o/webhooks/w", sealed)
	require.NoError(t, err)
	require.Equal(t, s, got)

	_, err = kr.Open("organizations/o/webhooks/other", sealed)
	require.Error(t, err, "bound to its webhook: a ciphertext moved to another webhook does not open")
	tampered := sealed
	tampered.Ciphertext = append([]byte{}, sealed.Ciphertext...)
	tampered.Ciphertext[0] ^= 1
	_, err = kr.Open("organizations/o/webhooks/w", tampered)
	require.Error(t, err, "authenticated encryption")

	// Rotation of the key: a new first key seals, the old one still opens.
	rotated, err := domain.NewKeyring(strings.Repeat("n", 40), strings.Repeat("k", 40))
	require.NoError(t, err)
	got, err = rotated.Open("organizations/o/webhooks/w", sealed)
	require.NoError(t, err)
	require.Equal(t, s, got)
	resealed, err := rotated.Seal("organizations/o/webhooks/w", s)
	require.NoError(t, err)
	require.NotEqual(t, sealed.KeyID, resealed.KeyID)
	_, err = kr.Open("organizations/o/webhooks/w", resealed)
	require.ErrorContains(t, err, "not configured")

	_, err = domain.NewKeyring("short")
	require.Error(t, err)
}

func TestCheckAddress(t *testing.T) {
	cases := []struct {
		ip            string
		prod, develop bool // allowed in production / with the development setting
	}{
		{"93.184.216.34", true, true},
		{"2606:2800:220:1:248:1893:25c8:1946", true, true},
		{"127.0.0.1", false, true},
		{"127.8.9.10", false, true},
		{"::1", false, true},
		{"10.1.2.3", false, true},
		{"172.16.0.1", false, true},
		{"172.31.255.255", false, true},
		{"172.32.0.1", true, true},
		{"192.168.1.1", false, true},
		{"169.254.1.1", false, true},
		{"fe80::1", false, true},
		{"fc00::1", false, true},
		{"fd12:3456::1", false, true},
		{"100.64.0.1", false, true},
		{"::ffff:10.0.0.1", false, true},   // IPv4-mapped
		{"64:ff9b::a00:1", false, true},    // NAT64 of 10.0.0.1
		{"64:ff9b::5db8:d822", true, true}, // NAT64 of a public address
		{"2002:a00:1::1", false, true},     // 6to4 of 10.0.0.1
		{"169.254.169.254", false, false},  // cloud metadata: never
		{"::ffff:169.254.169.254", false, false},
		{"fd00:ec2::254", false, false},
		{"100.100.100.200", false, false},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"255.255.255.255", false, false},
	}
	for _, c := range cases {
		ip := netip.MustParseAddr(c.ip)
		require.Equal(t, c.prod, domain.CheckAddress(ip, false) == nil, "%s in production", c.ip)
		require.Equal(t, c.develop, domain.CheckAddress(ip, true) == nil, "%s in development", c.ip)
	}
}

func TestWebhookFields(t *testing.T) {
	prod := domain.Targets{}
	dev := domain.Targets{AllowInternal: true}
	rules := func(f domain.Fields, tg domain.Targets) []string {
		var v apierr.Violations
		f.Check(&v, "webhook.", nil, tg)
		var out []string
		for _, x := range v.List() {
			out = append(out, x.Field+":"+x.Rule)
		}
		return out
	}
	ok := domain.Fields{URL: "https://erp.example.vn/hooks", EventTypes: []string{"contract.activated", "payment.recorded"}}
	require.Empty(t, rules(ok, prod))
	require.Empty(t, rules(domain.Fields{URL: "https://erp.example.vn/h", EventTypes: []string{"*"}}, prod))
	for url, rule := range map[string]string{
		"":                                              "REQUIRED",
		"erp.example.vn/hooks":                          "URL_FORMAT",
		"http://erp.example.vn/hooks":                   "URL_SCHEME",
		"ftp://erp.example.vn/hooks":                    "URL_SCHEME",
		"https://u:p@erp.example.vn/h":                  "URL_CREDENTIALS",
		"https://10.0.0.7/hooks":                        "URL_ADDRESS",
		"https://[::1]:8443/hooks":                      "URL_ADDRESS",
		"https://169.254.169.254/":                      "URL_ADDRESS",
		"https://erp.example.vn/h#frag":                 "URL_FORMAT",
		"https://" + strings.Repeat("a", 2100) + ".vn/": "URL_LENGTH",
	} {
		require.Equal(t, []string{"webhook.url:" + rule}, rules(domain.Fields{URL: url, EventTypes: ok.EventTypes}, prod), url)
	}
	require.Empty(t, rules(domain.Fields{URL: "http://127.0.0.1:9999/h", EventTypes: ok.EventTypes}, dev), "development allows http and loopback")
	require.Equal(t, []string{"webhook.url:URL_ADDRESS"}, rules(domain.Fields{URL: "http://169.254.169.254/", EventTypes: ok.EventTypes}, dev), "metadata never")

	require.Equal(t, []string{"webhook.event_types:REQUIRED"}, rules(domain.Fields{URL: ok.URL}, prod))
	require.Equal(t, []string{"webhook.event_types:EVENT_TYPE"}, rules(domain.Fields{URL: ok.URL, EventTypes: []string{"contract.exploded"}}, prod))
	require.Equal(t, []string{"webhook.event_types:DUPLICATE"}, rules(domain.Fields{URL: ok.URL, EventTypes: []string{"payment.recorded", "payment.recorded"}}, prod))
	require.Equal(t, []string{"webhook.event_types:EVENT_TYPE"}, rules(domain.Fields{URL: ok.URL, EventTypes: []string{"webhook.test"}}, prod), "test events are not subscribed to")

	// An update checks only the fields of its mask.
	var v apierr.Violations
	domain.Fields{Description: "ok"}.Check(&v, "webhook.", []string{"description"}, prod)
	require.True(t, v.Empty())
}

func TestBackoffAndRecord(t *testing.T) {
	p := domain.Policy{RetryBase: 5 * time.Second, RetryMax: time.Hour, MaxAttempts: 4, DisableAfter: time.Hour, DisableMinFailures: 3}
	for n, want := range map[int]time.Duration{1: 5 * time.Second, 2: 10 * time.Second, 3: 20 * time.Second, 12: time.Hour, 100: time.Hour} {
		require.Equal(t, want/2, p.Backoff(n, 0), "jitter low end, failure %d", n)
		require.InDelta(t, float64(want), float64(p.Backoff(n, 0.999999999)), float64(time.Millisecond), "jitter high end, failure %d", n)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	w := &domain.Webhook{Name: "organizations/o/webhooks/w"}
	d := domain.NewDelivery(w, domain.Event{ID: "e1", Type: "payment.recorded", Subject: "contracts/c", Position: 16}, "{}", now)
	d.Record(domain.Attempt{StatusCode: 500}, p, 0, now)
	require.Equal(t, domain.DeliveryPending, d.State)
	require.Equal(t, now.Add(2500*time.Millisecond), d.NextAttempt)
	require.Equal(t, "HTTP 500", d.LastError)
	d.Record(domain.Attempt{StatusCode: 503, RetryAfter: 10 * time.Minute}, p, 0, now)
	require.Equal(t, now.Add(10*time.Minute), d.NextAttempt, "Retry-After when longer than the back-off")
	d.Record(domain.Attempt{StatusCode: 302}, p, 0, now)
	require.Contains(t, d.LastError, "redirects are not followed")
	d.Record(domain.Attempt{Error: "timeout"}, p, 0, now)
	require.Equal(t, domain.DeliveryFailed, d.State, "given up after MaxAttempts")
	require.Len(t, d.History, 4)
	require.Equal(t, "timeout", d.History[0].Error, "newest first")
	d.Replay(now)
	require.Equal(t, domain.DeliveryPending, d.State)
	require.Zero(t, d.Attempts)
	d.Record(domain.Attempt{StatusCode: 204}, p, 0, now)
	require.Equal(t, domain.DeliveryDelivered, d.State)
	require.Empty(t, d.LastError)

	_, off := p.ShouldDisable(domain.Attempt{StatusCode: 500}, 2, now.Add(-2*time.Hour), now)
	require.False(t, off, "too few failures")
	_, off = p.ShouldDisable(domain.Attempt{StatusCode: 500}, 30, now.Add(-time.Minute), now)
	require.False(t, off, "not failing for long enough")
	why, off := p.ShouldDisable(domain.Attempt{StatusCode: 500}, 3, now.Add(-time.Hour), now)
	require.True(t, off)
	require.Contains(t, why, "HTTP 500")
	_, off = p.ShouldDisable(domain.Attempt{StatusCode: 410}, 1, now, now)
	require.True(t, off, "410 Gone disables at once")
}

func TestMessageIDAndPayload(t *testing.T) {
	id := domain.MessageID("contracts/c1/000000000012/contract.activated")
	require.Equal(t, id, domain.MessageID("contracts/c1/000000000012/contract.activated"), "stable")
	require.NotEqual(t, id, domain.MessageID("contracts/c1/000000000012/contract.witnessed"))
	require.Regexp(t, `^msg_[0-9a-v]{26}$`, id, "no dot, no slash")

	at := time.Date(2026, 6, 1, 3, 4, 5, 123456789, time.UTC)
	p, err := domain.Payload(domain.Event{ID: "x", Type: "contract.activated", Time: at, Data: `{"contract":"contracts/c1"}`})
	require.NoError(t, err)
	require.Equal(t, `{"type":"contract.activated","timestamp":"2026-06-01T03:04:05.123Z","data":{"contract":"contracts/c1"}}`, p)
	_, err = domain.Payload(domain.Event{ID: "x", Data: `{"broken"`})
	require.Error(t, err)

	var m map[string]any
	w := &domain.Webhook{Name: "organizations/o/webhooks/w", Organization: "organizations/o", URL: "https://x.vn/h"}
	require.True(t, w.Disable("the endpoint answered 410 Gone", at))
	require.False(t, w.Disable("again", at))
	n := domain.DisabledNotice(w)
	require.NoError(t, json.Unmarshal([]byte(n.Data), &m))
	require.Equal(t, "organizations/o/webhooks/w", m["webhook"])
	require.Equal(t, []string{"organizations/o"}, n.Organizations)
	require.True(t, w.Enable())
	require.Nil(t, w.DisableTime)
}

func TestExcerpt(t *testing.T) {
	require.Equal(t, "ok", domain.Excerpt([]byte("ok"), 10))
	require.Equal(t, "a b", domain.Excerpt([]byte("a\x00b"), 10))
	require.Equal(t, "ti", domain.Excerpt([]byte("tiếng"), 3), "cut at a rune boundary")
}

package e2e_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/taxcode"
)

// TestBadInputNever5xxNeverWrites sends a corpus of malformed requests: every answer is a 4xx
// with a message, and nothing is written.
func TestBadInputNever5xxNeverWrites(t *testing.T) {
	s := start(t, server.Config{MaxBodyBytes: 64 << 10})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	biz := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}), 200).str("name")
	bizTok := s.token(auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: biz})
	count := func(path, key, tok string) int {
		return len(s.must(s.call("GET", path+"?page_size=500", tok, nil), 200).list(key))
	}
	coop := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_COOPERATIVE_GROUP", "display_name": "THT", "address": map[string]any{"commune_code": places.ChauQue}}), 200).str("name")
	coopTok := s.token(auth.Principal{Subject: "users/c", Role: auth.RoleProducer, Organization: coop})
	orgs, demands, contracts := count("/v1/organizations", "organizations", admin), count("/v1/demands", "demands", admin), count("/v1/contracts", "contracts", admin)
	households, offers, authorities := count("/v1/households", "households", admin), count("/v1/offers", "offers", admin), count("/v1/authorities", "authorities", admin)
	calls, projects := count("/v1/calls", "calls", admin), count("/v1/projects", "projects", admin)
	household := func(mod map[string]any) map[string]any {
		b := map[string]any{"head_name": "Hộ A", "member_count": 3, "ethnic_group": "Tày", "poverty_status": "POVERTY_STATUS_POOR", "commune_code": places.ChauQue, "consent": map[string]any{"consent_date": "2026-01-01", "purpose": "liên kết"}}
		for k, v := range mod {
			b[k] = v
		}
		return b
	}
	offer := func(mod map[string]any) map[string]any {
		b := map[string]any{"producer": coop, "product": "products/cinnamon-bark", "quantity": "100", "harvest_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"}}
		for k, v := range mod {
			b[k] = v
		}
		return b
	}
	deep := strings.Repeat(`{"address":`, 5000) + "{}" + strings.Repeat("}", 5000) // under the body limit

	huge := `{"display_name": "` + strings.Repeat("Q", 100<<10) + `"}`
	cases := []struct {
		method, path, tok string
		body              any
	}{
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS",`},
		{"POST", "/v1/organizations", admin, `not json at all`},
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS", "bogus_field": 1}`},
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS", "display_name": 12345}`},
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_WIZARD", "display_name": "x"}`},
		{"POST", "/v1/organizations", admin, `{"kind": 99, "display_name": "x", "tax_code": "0300588569", "address": {"commune_code": "` + places.BaoHa + `"}}`},
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS", "display_name": "x", "tax_code": "0300588560", "address": {"commune_code": "` + places.BaoHa + `"}}`},
		{"POST", "/v1/organizations", admin, `[1, 2, 3]`},
		{"POST", "/v1/organizations", admin, huge},
		{"POST", "/v1/organizations", admin, `{"display_name": "\ud800"}`},
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS", "display_name": "x", "women_led": "yes"}`},
		{"POST", "/v1/demands", bizTok, `{"buyer": "` + biz + `", "product": "products/cinnamon-bark", "quantity": "-5"}`},
		{"POST", "/v1/demands", bizTok, `{"buyer": "` + biz + `", "product": "products/cinnamon-bark", "quantity": "99999999999999999999999"}`},
		{"POST", "/v1/demands", bizTok, `{"buyer": "` + biz + `", "product": "products/cinnamon-bark", "quantity": "10", "delivery_window": {"start_date": "2026-09-01", "end_date": "2026-01-01"}}`},
		{"POST", "/v1/demands", bizTok, `{"buyer": "` + biz + `", "quantity": 1.5}`},
		{"POST", "/v1/contracts", bizTok, `{"terms": {"buyer": "` + biz + `", "total_quantity": "-1", "linkage_form": "LINKAGE_FORM_TELEPATHY"}}`},
		{"POST", "/v1/contracts", bizTok, `{"terms": {"buyer": "` + biz + `", "allocations": [{"household": "cows/1", "quantity": "10"}]}}`},
		{"POST", "/v1/contracts", bizTok, `{"terms": {"buyer": "` + biz + `"}, "rulebook": "martian-law"}`},
		{"GET", "/v1/organizations?page_size=-1", admin, nil},
		{"GET", "/v1/organizations?page_size=abc", admin, nil},
		{"GET", "/v1/organizations?page_token=not-a-token", admin, nil},
		{"GET", "/v1/organizations?filter=" + "secret%20%3D%20%22x%22", admin, nil},
		{"GET", "/v1/organizations/..%2F..%2Fetc", admin, nil},
		{"GET", "/v1/contracts/does-not-exist", bizTok, nil},
		{"POST", "/v1/contracts/does-not-exist:sign", bizTok, `{"party": "PARTY_BUYER", "terms_hash": "x"}`},
		{"DELETE", "/v1/organizations/nope", admin, nil},
		{"PATCH", "/v1/organizations/nope?update_mask=display_name", admin, `{"display_name": "x"}`},
		{"POST", "/v1/organizations", "", `{}`},
		{"POST", "/v1/organizations", "not.a.jwt", `{}`},
		{"GET", "/v1/no-such-collection", admin, nil},
		// households: personal data and enums
		{"POST", "/v1/households", coopTok, household(map[string]any{"member_count": -3})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"poverty_status": "POVERTY_STATUS_RICH"})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"ethnic_group": "Klingon"})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"national_id": "12AB"})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"head_name": strings.Repeat("Ă", 5000)})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"commune_code": "99999"})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"member_count": "3e9"})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"phone": "call me maybe"})},
		{"POST", "/v1/households", coopTok, household(map[string]any{"consent": map[string]any{"consent_date": "2026-13-45", "purpose": "x"}})},
		// offers
		{"POST", "/v1/offers", coopTok, offer(map[string]any{"quantity": "-1"})},
		{"POST", "/v1/offers", coopTok, offer(map[string]any{"quantity": "9223372036854775808"})},
		{"POST", "/v1/offers", coopTok, offer(map[string]any{"harvest_window": map[string]any{"start_date": "2026-06-30", "end_date": "2026-06-01"}})},
		{"POST", "/v1/offers", coopTok, offer(map[string]any{"product": "products/unobtainium"})},
		{"POST", "/v1/offers", coopTok, offer(map[string]any{"min_price_vnd": "-5"})},
		// authorities, proposals, executions under contracts that do not exist
		{"POST", "/v1/authorities", admin, `{"kind": "KIND_GALACTIC_SENATE", "display_name": "x", "admin_area_code": "` + places.ChauQue + `"}`},
		{"POST", "/v1/authorities", admin, `{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "display_name": "x", "admin_area_code": "not-a-code"}`},
		{"POST", "/v1/demands/nope/proposals", bizTok, `{"offer": "offers/nope", "quantity": "0"}`},
		{"POST", "/v1/contracts/nope/deliveries", bizTok, `{"household": "households/x", "quantity": "-10"}`},
		{"POST", "/v1/contracts/nope/payments", bizTok, `{"amount_vnd": "abc"}`},
		{"POST", "/v1/contracts/nope/payments", bizTok, `{"amount_vnd": "-100", "method": "PAYMENT_METHOD_GOLD_BARS"}`},
		// support: calls, projects, milestones
		{"POST", "/v1/calls", admin, `{"investor": "authorities/nope", "display_name": "x", "programme": "programmes/ntp-sedema", "project_types": ["PROJECT_TYPE_VALUE_CHAIN"], "budget_vnd": "-1"}`},
		{"POST", "/v1/calls", admin, `{"project_types": ["PROJECT_TYPE_SPACE_TOURISM"]}`},
		{"POST", "/v1/calls", admin, `{"budget_vnd": "99999999999999999999"}`},
		{"POST", "/v1/calls", admin, `{"investor": "authorities/x", "submission_window": {"start_date": "2026-13-01", "end_date": "2026-01-01"}, "programme": "programmes/martian"}`},
		{"POST", "/v1/projects", bizTok, `{"call": "calls/nope", "owner": "` + biz + `", "proposal": {"budget_lines": [{"category": "SUPPORT_CATEGORY_MAGIC"}]}}`},
		{"POST", "/v1/projects", bizTok, `{"call": "calls/nope", "owner": "` + biz + `", "proposal": {"budget_lines": [{"category": "SUPPORT_CATEGORY_TRAINING", "programme_vnd": "-5"}], "milestones": [{"id": "M 1", "release_share_bps": 20000}]}}`},
		{"POST", "/v1/projects", bizTok, `{"call": "calls/nope", "owner": "` + biz + `"}`},
		{"POST", "/v1/projects/nope/milestones/m1:verify", admin, `{}`},
		{"POST", "/v1/projects/nope/spendingReports", bizTok, `{"lines": [{"amount_vnd": "abc"}]}`},
		{"GET", "/v1/projects?filter=" + "budget%20%3D%201", admin, nil},
		{"GET", "/v1/programmes/nope/report", admin, nil},
		// JSON shapes
		{"POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS", "kind": "KIND_COOPERATIVE"}`},
		{"POST", "/v1/organizations", admin, deep},
		{"POST", "/v1/organizations", admin, `null`},
		{"POST", "/v1/organizations", admin, ``},
		{"POST", "/v1/organizations", admin, "\xff\xfe{}"},
		{"PATCH", "/v1/" + biz + "?update_mask=no_such_field", admin, `{"display_name": "x"}`},
		{"PATCH", "/v1/" + biz + "?update_mask=display_name", admin, `{"display_name": "x", "etag": "W/\"999\""}`},
		{"GET", "/v1/demands?page_size=1e99", admin, nil},
		{"PUT", "/v1/organizations", admin, `{}`},
		{"DELETE", "/v1/products", admin, nil},
		{"POST", "/v1/" + biz, admin, `{}`},
		{"GET", "/v1/contracts/x:sign", bizTok, nil},
		{"GET", "/v1/demands?filter=" + "quantity%20%3E%3E%3E%201", admin, nil},
	}
	for i, tc := range cases {
		r := s.call(tc.method, tc.path, tc.tok, tc.body)
		require.True(t, r.code >= 400 && r.code < 500, "case %d %s %s: got %d %s", i, tc.method, tc.path, r.code, r.raw)
		if r.code != http.StatusNotFound || strings.HasPrefix(r.raw, "{") {
			require.NotEmpty(t, r.body["message"], "case %d: a clear message: %s", i, r.raw)
			require.NotEmpty(t, reason(r), "case %d: one shape, an ErrorInfo reason: %s", i, r.raw)
		}
		for h := range r.hdr {
			require.False(t, strings.HasPrefix(strings.ToLower(h), "grpc-"), "case %d: header %s leaks gRPC metadata", i, h)
		}
	}
	require.Equal(t, orgs, count("/v1/organizations", "organizations", admin), "no organisation written")
	require.Equal(t, demands, count("/v1/demands", "demands", admin), "no demand written")
	require.Equal(t, contracts, count("/v1/contracts", "contracts", admin), "no contract written")
	require.Equal(t, households, count("/v1/households", "households", admin), "no household written")
	require.Equal(t, offers, count("/v1/offers", "offers", admin), "no offer written")
	require.Equal(t, authorities, count("/v1/authorities", "authorities", admin), "no authority written")
	require.Equal(t, calls, count("/v1/calls", "calls", admin), "no call written")
	require.Equal(t, projects, count("/v1/projects", "projects", admin), "no project written")
	require.Equal(t, "Công ty", s.must(s.call("GET", "/v1/"+biz, admin, nil), 200).str("display_name"), "no partial update")

	r := s.call("PUT", "/v1/organizations", admin, `{}`)
	require.Equal(t, http.StatusMethodNotAllowed, r.code, "a wrong method is the client's error, not 501: %s", r.raw)
	require.Contains(t, r.raw, "METHOD_NOT_ALLOWED")
	require.Equal(t, "GET, POST", r.hdr.Get("Allow"))
	r = s.call("POST", "/v1/organizations", admin, `{"kind": "BUSINESS", "display_name": "x"}`)
	require.Equal(t, http.StatusBadRequest, r.code, r.raw)
	require.Equal(t, "INVALID_ENUM_VALUE", reason(r))
	require.Contains(t, r.raw, "organization.kind")
	require.Contains(t, r.raw, "KIND_COOPERATIVE_GROUP", "the accepted values are listed")
	r = s.call("POST", "/v1/organizations", admin, huge)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.code, r.raw)
	r = s.call("POST", "/v1/organizations", admin, `{"kind": "KIND_BUSINESS", "display_name": "x", "tax_code": "0300588560", "address": {"commune_code": "`+places.BaoHa+`"}}`)
	require.Equal(t, http.StatusBadRequest, r.code)
	require.Contains(t, r.raw, "organization.tax_code")
	require.Contains(t, r.raw, "TAX_CODE_CHECKSUM")
}

func TestAPIKeysRequestIDsAndRateLimits(t *testing.T) {
	s := start(t, server.Config{RateRPS: 5, RateBurst: 8})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	biz := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}), 200).str("name")
	bizTok := s.token(auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: biz})

	key := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", bizTok, map[string]any{"display_name": "ERP"}), 200)
	secret := key.str("secret")
	require.True(t, strings.HasPrefix(secret, "lk_"))
	r := s.must(s.call("GET", "/v1/contracts", "", nil, "X-API-Key", secret), 200)
	require.NotEmpty(t, r.hdr.Get("X-Request-Id"))
	r = s.must(s.call("GET", openDemands, "", nil, "X-API-Key", secret, "X-Request-Id", "partner-req-42"), 200)
	require.Equal(t, "partner-req-42", r.hdr.Get("X-Request-Id"))
	s.must(s.call("GET", "/v1/contracts", "", nil, "X-API-Key", secret+"x"), 401)
	s.must(s.call("GET", "/v1/contracts", "", nil, "X-API-Key", "garbage"), 401)
	// A partner key acts only for its organisation.
	s.must(s.call("POST", "/v1/organizations", "", map[string]any{"kind": "KIND_BUSINESS"}, "X-API-Key", secret), 403)

	// Rate limit: a burst of 8 then 429 with Retry-After; another principal is unaffected.
	other := s.token(auth.Principal{Subject: "users/other", Role: auth.RoleBusiness, Organization: biz})
	limited := false
	for i := 0; i < 30 && !limited; i++ {
		r := s.call("GET", "/v1/products", admin, nil)
		if r.code == http.StatusTooManyRequests {
			limited = true
			require.NotEmpty(t, r.hdr.Get("Retry-After"))
			require.Contains(t, r.raw, "RATE_LIMITED")
		}
	}
	require.True(t, limited)
	s.must(s.call("GET", "/v1/products", other, nil), 200)
	_ = fmt.Sprint
}

// TestUnknownAPIKeysCannotFloodTheRegistry: keys not in the cache reach the registry, so their
// lookups are limited per client address; a cached key is never held back by them.
func TestUnknownAPIKeysCannotFloodTheRegistry(t *testing.T) {
	s := start(t, server.Config{KeyLookupRPS: 0.01, KeyLookupBurst: 3, APIKeyTTL: time.Minute})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	biz := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}), 200).str("name")
	secret := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", admin, map[string]any{"display_name": "ERP"}), 200).str("secret")

	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", secret), 200) // lookup 1, now cached
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", "lk_guess_1"), 401)
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", "lk_guess_2"), 401)
	r := s.call("GET", openDemands, "", nil, "X-API-Key", "lk_guess_3")
	require.Equal(t, http.StatusTooManyRequests, r.code, r.raw)
	require.NotEmpty(t, r.hdr.Get("Retry-After"))
	require.Contains(t, r.raw, "RATE_LIMITED")
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", "lk_guess_2"), 401) // a cached failure costs no lookup
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", secret), 200)       // nor does a cached key
	s.must(s.call("GET", openDemands, admin, nil), 200)                         // bearer tokens are not affected
}

// TestAPIKeysThroughARegistryOutage: while the registry is down, a key verified recently keeps
// working (its cached verification is served for API_KEY_STALE_FOR), and a key never seen is
// answered 503 BACKEND_UNAVAILABLE with Retry-After — never 401, which would tell a partner
// its key was revoked.
func TestAPIKeysThroughARegistryOutage(t *testing.T) {
	s := start(t, server.Config{APIKeyTTL: time.Millisecond, APIKeyStaleFor: time.Minute})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	biz := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}), 200).str("name")
	known := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", admin, map[string]any{"display_name": "ERP"}), 200).str("secret")
	unseen := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", admin, map[string]any{"display_name": "BI"}), 200).str("secret")
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", known), 200)

	s.stopRegistry()
	time.Sleep(5 * time.Millisecond) // the known key's verification is no longer fresh
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", known), 200)
	for _, key := range []string{unseen, "lk_never_issued"} {
		r := s.call("GET", openDemands, "", nil, "X-API-Key", key)
		require.Equal(t, http.StatusServiceUnavailable, r.code, r.raw)
		require.Equal(t, "BACKEND_UNAVAILABLE", reason(r))
		require.Equal(t, "5", r.hdr.Get("Retry-After"))
		require.NotContains(t, r.raw, "127.0.0.1")
	}
}

// TestRevokedKeyStopsAtOnce: the gateway that handles a revocation evicts the key from its
// cache, so the next call with it is refused although the cache would keep it for a minute.
func TestRevokedKeyStopsAtOnce(t *testing.T) {
	s := start(t, server.Config{APIKeyTTL: time.Minute})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	biz := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}), 200).str("name")
	key := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", admin, map[string]any{"display_name": "ERP"}), 200)
	secret := key.str("secret")
	other := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", admin, map[string]any{"display_name": "BI"}), 200).str("secret")
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", secret), 200) // now cached
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", other), 200)

	s.must(s.call("POST", "/v1/"+key.str("api_key", "name")+":revoke", admin, map[string]any{}), 200)
	r := s.call("GET", openDemands, "", nil, "X-API-Key", secret)
	require.Equal(t, http.StatusUnauthorized, r.code, r.raw)
	s.must(s.call("GET", openDemands, "", nil, "X-API-Key", other), 200) // the other key is untouched
}

// TestIdempotencyKeyHeader: a POST's Idempotency-Key is its request_id: a retry with the same
// key returns the first result and creates nothing more; a body request_id that differs from
// the header is refused before anything is written.
func TestIdempotencyKeyHeader(t *testing.T) {
	s := start(t, server.Config{})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	org := map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty Idem", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}
	first := s.must(s.call("POST", "/v1/organizations", admin, org, "Idempotency-Key", "erp-order-1"), 200)
	again := s.must(s.call("POST", "/v1/organizations", admin, org, "Idempotency-Key", "erp-order-1"), 200)
	require.Equal(t, first.str("name"), again.str("name"), "the retry returns the first result")

	list := s.must(s.call("GET", "/v1/organizations", admin, nil), 200).list("organizations")
	require.Len(t, list, 1, "one organisation, however often it was sent")

	// A key given twice, differently: 400, nothing written.
	r := s.call("POST", "/v1/"+first.str("name")+"/apiKeys?request_id=body-key", admin, map[string]any{"display_name": "ERP"}, "Idempotency-Key", "header-key")
	require.Equal(t, http.StatusBadRequest, r.code, r.raw)
	require.Contains(t, r.raw, "IDEMPOTENCY_KEY_MISMATCH")
	keys := s.must(s.call("GET", "/v1/"+first.str("name")+"/apiKeys", admin, nil), 200).list("api_keys")
	require.Empty(t, keys)
}

// TestRequestIDReusedWithOtherContent (AIP-155): a retry with the same request_id and the same
// content returns the first result; the same request_id with other content — a 5,000 VND
// payment sent under the id of a 1,000 VND one — is 409 REQUEST_ID_REUSED and writes nothing;
// a request that failed may be corrected and sent again with its id.
func TestRequestIDReusedWithOtherContent(t *testing.T) {
	s := start(t, server.Config{})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	org := func(name string) map[string]any { // a tax code of its own per name
		return map[string]any{"kind": "KIND_BUSINESS", "display_name": name, "tax_code": taxcode.From(int64(name[len(name)-1])), "address": map[string]any{"commune_code": places.BaoHa}}
	}
	first := s.must(s.call("POST", "/v1/organizations?request_id=req-1", admin, org("Công ty A")), 200)
	again := s.must(s.call("POST", "/v1/organizations?request_id=req-1", admin, org("Công ty A")), 200)
	require.Equal(t, first.str("name"), again.str("name"))

	r := s.call("POST", "/v1/organizations?request_id=req-1", admin, org("Công ty B"))
	require.Equal(t, http.StatusConflict, r.code, r.raw)
	require.Equal(t, "REQUEST_ID_REUSED", reason(r))
	r = s.call("POST", "/v1/organizations", admin, org("Công ty B"), "Idempotency-Key", "req-1")
	require.Equal(t, "REQUEST_ID_REUSED", reason(r), "the header is the same id")
	list := s.must(s.call("GET", "/v1/organizations", admin, nil), 200).list("organizations")
	require.Len(t, list, 1, "nothing written")
	require.Equal(t, "Công ty A", list[0]["display_name"])

	bad := org("Công ty C")
	bad["tax_code"] = "0300588560" // wrong check digit
	require.NotEqual(t, org("Công ty C")["tax_code"], bad["tax_code"])
	require.Equal(t, http.StatusBadRequest, s.call("POST", "/v1/organizations?request_id=req-2", admin, bad).code)
	s.must(s.call("POST", "/v1/organizations?request_id=req-2", admin, org("Công ty C")), 200) // corrected, same id

	// Another caller's request_id is its own.
	other := s.token(auth.Principal{Subject: "users/other-admin", Role: auth.RoleAdmin})
	s.must(s.call("POST", "/v1/organizations?request_id=req-1", other, org("Công ty D")), 200)
}

// TestTimestampsOnePrecision: a resource's timestamps are the same in the answer of the call
// that wrote it and in every later read (they were nanoseconds in a create and milliseconds
// on reads, since the store keeps milliseconds).
func TestTimestampsOnePrecision(t *testing.T) {
	s := start(t, server.Config{})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	created := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty Giờ", "tax_code": "0300588569", "address": map[string]any{"commune_code": places.BaoHa}}), 200)
	read := s.must(s.call("GET", "/v1/"+created.str("name"), admin, nil), 200)
	require.NotEmpty(t, created.str("create_time"))
	require.Equal(t, created.str("create_time"), read.str("create_time"))
	require.Equal(t, created.str("update_time"), read.str("update_time"))
}

// openDemands is a listing any caller may ask for (a scope: open demands).
var openDemands = "/v1/demands?filter=" + url.QueryEscape(`state = "STATE_OPEN"`)

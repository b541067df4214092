package e2e_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestAuthorizationMatrix drives representative RPCs of every service as every role, for its
// own and for another party's resources, through the gateway, and checks allow or deny. Each
// service enforces these rules itself (the gateway only authenticates).
func TestAuthorizationMatrix(t *testing.T) {
	s := start(t, server.Config{})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	org := func(kind, name, tax, commune string) string {
		body := map[string]any{"kind": kind, "display_name": name, "address": map[string]any{"commune_code": commune}}
		if tax != "" {
			body["tax_code"] = tax
		}
		return s.must(s.call("POST", "/v1/organizations", admin, body), 200).str("name")
	}
	biz := org("KIND_BUSINESS", "Công ty A", "0300588569", "02794")
	otherBiz := org("KIND_BUSINESS", "Công ty B", "0100109106", "26734")
	coop := org("KIND_COOPERATIVE_GROUP", "THT Châu Quế", "", "04477")
	otherCoop := org("KIND_PRODUCTION_GROUP", "Tổ Tháp Mười", "", "29257")
	witness := s.must(s.call("POST", "/v1/authorities", admin, map[string]any{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "display_name": "UBND xã", "admin_area_code": "04477"}), 200).str("name")
	coopTok := s.token(auth.Principal{Subject: "users/coop", Role: auth.RoleProducer, Organization: coop})
	hh := s.must(s.call("POST", "/v1/households", coopTok, map[string]any{"head_name": "Hộ A", "member_count": 3, "ethnic_group": "Tày", "poverty_status": "POVERTY_STATUS_NEAR_POOR", "commune_code": "04477", "consent": map[string]any{"consent_date": "2026-01-01", "purpose": "liên kết"}}), 200).str("name")
	s.must(s.call("POST", "/v1/"+coop+"/members", coopTok, map[string]any{"household": hh}), 200)
	bizTok := s.token(auth.Principal{Subject: "users/biz", Role: auth.RoleBusiness, Organization: biz})
	contract := s.must(s.call("POST", "/v1/contracts", bizTok, map[string]any{"terms": map[string]any{"buyer": biz, "producer": coop, "witness_authority": witness, "total_quantity": "100",
		"allocations": []any{map[string]any{"household": hh, "quantity": "100"}}}}), 200).str("name")
	demand := s.must(s.call("POST", "/v1/demands", bizTok, map[string]any{"buyer": biz, "product": "products/tea-shan-tuyet", "quantity": "100", "delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"},
		"delivery_commune_code": "02794", "price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "20000"}}), 200).str("name")
	offer := s.must(s.call("POST", "/v1/offers", coopTok, map[string]any{"producer": coop, "product": "products/tea-shan-tuyet", "quantity": "100", "harvest_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"}}), 200).str("name")

	roles := map[string]auth.Principal{
		"admin":           {Subject: "users/admin", Role: auth.RoleAdmin},
		"business":        {Subject: "users/biz", Role: auth.RoleBusiness, Organization: biz},
		"business-other":  {Subject: "users/biz2", Role: auth.RoleBusiness, Organization: otherBiz},
		"producer":        {Subject: "users/coop", Role: auth.RoleProducer, Organization: coop},
		"producer-other":  {Subject: "users/coop2", Role: auth.RoleProducer, Organization: otherCoop},
		"household":       {Subject: "users/hh", Role: auth.RoleHousehold, Household: hh},
		"household-other": {Subject: "users/hh2", Role: auth.RoleHousehold, Household: "households/someone-else"},
		"official":        {Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: "04477"},
		"official-other":  {Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: "29257"},
		"province":        {Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: "15"},
		"province-other":  {Subject: "users/p2", Role: auth.RoleProvinceOfficial, AdminArea: "82"},
		"partner":         {Subject: "apiKeys/a", Role: auth.RolePartner, Organization: biz},
		"partner-other":   {Subject: "apiKeys/b", Role: auth.RolePartner, Organization: otherBiz},
	}
	type row struct {
		method, path string
		body         any
		allow        []string // everyone else is denied (403 or 404)
	}
	all := []string{"admin", "business", "business-other", "producer", "producer-other", "household", "household-other", "official", "official-other", "province", "province-other", "partner", "partner-other"}
	rows := []row{
		// registry
		{"GET", "/v1/products", nil, all},
		{"GET", "/v1/" + biz, nil, all},
		{"POST", "/v1/organizations", map[string]any{"kind": "KIND_BUSINESS", "display_name": "X", "tax_code": "0300588569", "address": map[string]any{"commune_code": "02794"}}, []string{"admin"}},
		{"PATCH", "/v1/" + biz + "?update_mask=women_led", map[string]any{"women_led": true}, []string{"admin", "business", "partner"}},
		{"GET", "/v1/" + hh, nil, []string{"admin", "producer", "household", "official", "province"}},
		{"GET", "/v1/households?filter=" + urlq(`organization = "`+coop+`"`), nil, []string{"admin", "producer", "official", "official-other", "province", "province-other"}}, // officials see their own area only (empty elsewhere)
		{"GET", "/v1/" + coop + "/members", nil, []string{"admin", "producer", "official", "official-other", "province", "province-other"}},
		{"POST", "/v1/" + coop + "/members", map[string]any{"household": hh}, []string{}}, // exists: even the owner gets 409, others 403
		{"GET", "/v1/" + biz + "/apiKeys", nil, []string{"admin", "business"}},
		{"POST", "/v1/" + biz + "/apiKeys", map[string]any{"display_name": "k"}, []string{"admin", "business"}},
		{"POST", "/v1/authorities", map[string]any{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "display_name": "UBND", "admin_area_code": "04480"}, []string{"admin"}},
		// contracts
		{"GET", "/v1/" + contract, nil, []string{"admin", "business", "producer", "household", "official", "province", "partner"}},
		{"GET", "/v1/" + contract + "/events", nil, []string{"admin", "business", "producer", "household", "official", "province", "partner"}},
		{"POST", "/v1/" + contract + ":validate", map[string]any{}, []string{"admin", "business", "producer", "household", "official", "province", "partner"}},
		{"PATCH", "/v1/" + contract + "?update_mask=display_name", map[string]any{"display_name": "HĐ"}, []string{"admin", "business", "producer", "partner"}},
		{"POST", "/v1/contracts", map[string]any{"terms": map[string]any{"buyer": biz, "producer": coop}}, []string{"admin", "business", "producer", "partner"}},
		{"GET", "/v1/contracts", nil, all}, // each sees its own slice
		{"POST", "/v1/marketPrices", map[string]any{"reference": "tea", "price_date": "2026-06-01", "price_vnd": "20000"}, []string{"admin"}},
		// matchmaking
		{"GET", "/v1/" + demand, nil, all},
		{"POST", "/v1/" + demand + ":match", map[string]any{}, []string{"admin", "business", "partner"}},
		{"POST", "/v1/demands:allocate", map[string]any{}, []string{"admin"}},
		{"POST", "/v1/demands", map[string]any{"buyer": biz, "product": "products/tea-shan-tuyet", "quantity": "1", "delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"},
			"delivery_commune_code": "02794", "price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "20000"}}, []string{"admin", "business", "partner"}},
		{"POST", "/v1/offers", map[string]any{"producer": coop, "product": "products/tea-shan-tuyet", "quantity": "1", "harvest_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"}}, []string{"admin", "producer"}},
		{"GET", "/v1/" + offer, nil, all},
	}
	for _, r := range rows {
		allowed := map[string]bool{}
		for _, a := range r.allow {
			allowed[a] = true
		}
		for _, name := range all {
			res := s.call(r.method, r.path, s.token(roles[name]), r.body)
			desc := fmt.Sprintf("%s %s as %s: %d %s", r.method, r.path, name, res.code, res.raw)
			if allowed[name] {
				require.True(t, res.code < 300, "should be allowed: %s", desc)
			} else {
				require.True(t, res.code == http.StatusForbidden || res.code == http.StatusNotFound || res.code == http.StatusConflict, "should be denied: %s", desc)
			}
		}
	}
}

func urlq(s string) string {
	out := ""
	for _, c := range []byte(s) {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' {
			out += string(c)
		} else {
			out += fmt.Sprintf("%%%02X", c)
		}
	}
	return out
}

package e2e_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/services/contracts/auditchain"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestStoryOverREST is the whole story, over REST only: parties registered; a business posts
// a demand; a group posts an offer; match; propose; accept → draft contract; complete the
// terms; submit; sign; witness (another commune's official is refused); advance; deliveries;
// payment; settlement; liquidation; the audit chain verifies.
func TestStoryOverREST(t *testing.T) {
	s := start(t, server.Config{})
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})

	biz := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty CP Quế Hồi Việt Nam", "tax_code": "0300588569", "address": map[string]any{"commune_code": "02794"}}), 200).str("name")
	coop := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_COOPERATIVE", "display_name": "HTX Quế Châu Quế", "tax_code": "0100109106", "address": map[string]any{"commune_code": "04477"}, "women_led": true}), 200).str("name")
	witness := s.must(s.call("POST", "/v1/authorities", admin, map[string]any{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "display_name": "UBND xã Châu Quế", "admin_area_code": "04477"}), 200).str("name")
	bizTok := s.token(auth.Principal{Subject: "users/ke-toan", Role: auth.RoleBusiness, Organization: biz})
	coopTok := s.token(auth.Principal{Subject: "users/chu-nhiem", Role: auth.RoleProducer, Organization: coop})
	var households []string
	for i, name := range []string{"Triệu Thị Mai", "Bàn Văn Lực", "Lý Thị Hoa"} {
		h := s.must(s.call("POST", "/v1/households", coopTok, map[string]any{"head_name": name, "member_count": 5, "ethnic_group": "Dao", "poverty_status": "POVERTY_STATUS_POOR", "commune_code": "04477", "phone": fmt.Sprintf("091234567%d", i), "national_id": fmt.Sprintf("00120300456%d", i), "consent": map[string]any{"consent_date": "2026-01-10", "purpose": "Hợp đồng liên kết tiêu thụ quế"}}), 200)
		require.NotContains(t, h.raw, fmt.Sprintf("00120300456%d", i), "the national ID never comes back")
		households = append(households, h.str("name"))
		s.must(s.call("POST", "/v1/"+coop+"/members", coopTok, map[string]any{"household": h.str("name")}), 200)
	}

	demand := s.must(s.call("POST", "/v1/demands", bizTok, map[string]any{"buyer": biz, "product": "products/cinnamon-bark", "required_standard": "standards/VIETGAP", "quantity": "3000", "min_lot_quantity": "500",
		"delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-07-31"}, "delivery_commune_code": "02794", "delivery_place": "Kho Bảo Hà",
		"price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "42000"}, "inclusion": map[string]any{"min_poor_share_bps": 3000}}), 200).str("name")
	offer := s.must(s.call("POST", "/v1/offers", coopTok, map[string]any{"producer": coop, "product": "products/cinnamon-bark", "quantity": "5000",
		"harvest_window": map[string]any{"start_date": "2026-05-15", "end_date": "2026-08-15"}, "certifications": []string{"standards/VIETGAP"}, "min_price_vnd": "40000", "households": households}), 200).str("name")

	match := s.must(s.call("POST", "/v1/"+demand+":match", bizTok, map[string]any{}), 200)
	require.Len(t, match.list("candidates"), 1)
	require.Equal(t, offer, match.list("allocation")[0]["offer"])
	require.Equal(t, "3000", match.list("allocation")[0]["quantity"])

	proposal := s.must(s.call("POST", "/v1/"+demand+"/proposals", bizTok, map[string]any{"offer": offer, "quantity": "3000", "message": "Mời HTX ký hợp đồng vụ quế 2026"}), 200).str("name")
	accepted := s.must(s.call("POST", "/v1/"+proposal+":accept", coopTok, map[string]any{"request_id": "accept-1"}), 200)
	contract := accepted.str("contract")
	require.NotEmpty(t, contract)
	again := s.must(s.call("POST", "/v1/"+proposal+":accept", coopTok, map[string]any{"request_id": "accept-1"}), 200)
	require.Equal(t, contract, again.str("contract"), "accepting twice never makes two contracts")

	// The draft is prefilled; the parties complete the terms and the rulebook then passes.
	draft := s.must(s.call("GET", "/v1/"+contract, bizTok, nil), 200)
	v := s.must(s.call("POST", "/v1/"+contract+":validate", bizTok, map[string]any{}), 200)
	require.NotEmpty(t, v.list("violations"), "a prefilled draft is not complete yet")
	terms := draft.get("terms").(map[string]any)
	require.Equal(t, witness, terms["witness_authority"])
	terms["grading_rules"] = []any{map[string]any{"grade": "A"}, map[string]any{"grade": "B", "price_adjustment_bps": -1000}}
	terms["obligations"] = map[string]any{"buyer": []string{"Thu mua toàn bộ sản lượng đạt chuẩn, thanh toán đúng hạn"}, "producer": []string{"Sản xuất theo VietGAP, giao đúng lịch"}}
	terms["breach"] = map[string]any{"penalty_bps": 800, "damages": "Bồi thường thiệt hại thực tế theo Bộ luật Dân sự"}
	terms["linkage_form"] = "LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE"
	terms["input_supply"] = map[string]any{"items": []any{map[string]any{"description": "Phân bón hữu cơ", "quantity": "30", "unit": "bao", "value_vnd": "9000000"}}, "recovered_at_settlement": true}
	allocs := terms["allocations"].([]any)
	allocs[2].(map[string]any)["mandate"] = map[string]any{"reference": "GUQ-01/2026", "date": "2026-05-20"}
	s.must(s.call("PATCH", "/v1/"+contract+"?update_mask=terms", bizTok, map[string]any{"terms": terms, "etag": draft.str("etag")}), 200)
	v = s.must(s.call("POST", "/v1/"+contract+":validate", bizTok, map[string]any{}), 200)
	require.Empty(t, v.list("violations"), v.raw)

	c := s.must(s.call("POST", "/v1/"+contract+":submit", coopTok, map[string]any{"request_id": "submit-1"}), 200)
	hash := c.str("terms_hash")
	s.must(s.call("POST", "/v1/"+contract+":sign", bizTok, map[string]any{"party": "PARTY_BUYER", "terms_hash": hash}), 200)
	s.must(s.call("POST", "/v1/"+contract+":sign", coopTok, map[string]any{"party": "PARTY_PRODUCER", "terms_hash": hash}), 200)
	for _, h := range households[:2] {
		s.must(s.call("POST", "/v1/"+contract+":sign", s.token(auth.Principal{Subject: "users/" + h, Role: auth.RoleHousehold, Household: h}), map[string]any{"party": "PARTY_HOUSEHOLD", "household": h, "terms_hash": hash}), 200)
	}
	c = s.must(s.call("POST", "/v1/"+contract+":sign", coopTok, map[string]any{"party": "PARTY_HOUSEHOLD", "household": households[2], "terms_hash": hash}), 200)
	require.Equal(t, "CONTRACT_STATE_PENDING_WITNESS", c.str("state"))

	otherOfficial := s.token(auth.Principal{Subject: "users/can-bo-xa-khac", Role: auth.RoleCommuneOfficial, AdminArea: "04480"})
	r := s.call("POST", "/v1/"+contract+":witness", otherOfficial, map[string]any{"terms_hash": hash})
	require.Contains(t, []int{http.StatusForbidden, http.StatusNotFound}, r.code, r.raw)
	official := s.token(auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: "04477"})
	c = s.must(s.call("POST", "/v1/"+contract+":witness", official, map[string]any{"terms_hash": hash}), 200)
	require.Equal(t, "CONTRACT_STATE_ACTIVE", c.str("state"))

	// Execution: an advance, deliveries (one with a rejected quantity), payments.
	s.must(s.call("POST", "/v1/"+contract+"/inputAdvances", bizTok, map[string]any{"household": households[0], "advance_date": "2026-03-01", "description": "Phân bón hữu cơ", "value_vnd": "3000000"}), 200)
	for i, h := range households {
		d := map[string]any{"household": h, "lot": "lot-1", "delivery_date": "2026-06-20", "quantity": "1000", "accepted_quantity": "1000", "grade": "A"}
		if i == 1 {
			d["accepted_quantity"], d["rejection_reason"] = "950", "Vỏ quế mốc"
		}
		del := s.must(s.call("POST", "/v1/"+contract+"/deliveries", bizTok, d), 200)
		require.Equal(t, "42000", del.str("unit_price_vnd"))
		if i == 0 {
			require.Equal(t, "3000000", del.str("recovered_advance_vnd"), "the advance is recovered from the first delivery")
		}
		s.must(s.call("POST", "/v1/"+del.str("name")+":confirm", coopTok, map[string]any{}), 200)
	}
	st := s.must(s.call("GET", "/v1/"+contract+"/settlement", bizTok, nil), 200)
	require.Equal(t, fmt.Sprint(2950*42000), st.str("total", "gross_vnd"))
	require.Equal(t, fmt.Sprint(2950*42000-3000000), st.str("total", "balance_vnd"))
	for _, l := range st.list("households") {
		s.must(s.call("POST", "/v1/"+contract+"/payments", bizTok, map[string]any{"payee": coop, "household": l["household"], "amount_vnd": l["balance_vnd"], "method": "PAYMENT_METHOD_BANK_TRANSFER", "reference": "UNC", "payment_date": "2026-07-05"}), 200)
	}
	st = s.must(s.call("GET", "/v1/"+contract+"/settlement", bizTok, nil), 200)
	require.Nil(t, st.get("total", "balance_vnd"), "zero is omitted in JSON: balance is 0")
	require.Equal(t, "CONTRACT_STATE_COMPLETED", s.must(s.call("GET", "/v1/"+contract, bizTok, nil), 200).str("state"))
	s.must(s.call("POST", "/v1/"+contract+":acknowledgeSettlement", bizTok, map[string]any{}), 200)
	c = s.must(s.call("POST", "/v1/"+contract+":acknowledgeSettlement", coopTok, map[string]any{}), 200)
	require.Equal(t, "CONTRACT_STATE_LIQUIDATED", c.str("state"))

	// The audit chain verifies from the REST export.
	evs := s.must(s.call("GET", "/v1/"+contract+"/events?page_size=500", bizTok, nil), 200).list("events")
	var chain []auditchain.Event
	for _, e := range evs {
		parts := strings.Split(e["name"].(string), "/")
		var seq int64
		fmt.Sscan(e["sequence"].(string), &seq)
		tm, err := time.Parse(time.RFC3339Nano, e["time"].(string))
		require.NoError(t, err)
		ev := auditchain.Event{Contract: parts[1], Seq: seq, Type: e["type"].(string), Actor: e["actor"].(string), ActorRole: e["actor_role"].(string), Time: tm, Payload: e["payload"].(string), Hash: e["hash"].(string)}
		if ph, ok := e["previous_hash"].(string); ok {
			ev.PreviousHash = ph
		}
		chain = append(chain, ev)
	}
	require.Greater(t, len(chain), 15)
	require.Nil(t, auditchain.Verify(chain))
}

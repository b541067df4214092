// Package story is Lienket's end-to-end story over REST, as a partner system would run it:
// register the parties, post demand and supply, match, propose, accept into a draft contract,
// complete and submit it, sign, witness, deliver, recover advances, pay, settle, liquidate,
// and verify the audit chain. The e2e test runs it against an in-process suite; `make demo`
// runs it against `make run`.
package story

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/auditchain"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/taxcode"
)

// Minter mints a bearer token for a principal.
type Minter func(auth.Principal) (string, error)

// failure aborts the story with a message.
type failure struct{ msg string }

// client talks to the gateway.
type client struct {
	base string
	mint Minter
	log  func(string)
	http *http.Client
}

type resp struct {
	code int
	body map[string]any
	raw  string
}

func (r resp) str(path ...string) string { s, _ := r.get(path...).(string); return s }

func (r resp) get(path ...string) any {
	var cur any = r.body
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[p]
	}
	return cur
}

func (r resp) list(key string) []map[string]any {
	items, _ := r.body[key].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

func (c *client) token(p auth.Principal) string {
	t, err := c.mint(p)
	if err != nil {
		panic(failure{"mint token: " + err.Error()})
	}
	return t
}

func (c *client) call(method, path, token string, body any) resp {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		panic(failure{err.Error()})
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.http.Do(req)
	if err != nil {
		panic(failure{fmt.Sprintf("%s %s: %v", method, path, err)})
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{code: res.StatusCode, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	c.log(fmt.Sprintf("%s %s → %d", method, path, res.StatusCode))
	return out
}

func (c *client) must(r resp, want int) resp {
	if r.code != want {
		panic(failure{fmt.Sprintf("expected HTTP %d, got %d: %s", want, r.code, r.raw)})
	}
	return r
}

func (c *client) check(ok bool, format string, args ...any) {
	if !ok {
		panic(failure{fmt.Sprintf(format, args...)})
	}
}

func (c *client) step(s string) { c.log("== " + s) }

// Run runs the story against the gateway at base. log receives one line per step and request.
func Run(base string, mint Minter, log func(string)) (err error) {
	c := &client{base: strings.TrimRight(base, "/"), mint: mint, log: log, http: &http.Client{Timeout: 30 * time.Second}}
	defer recovered(&err)
	run(c, false)
	return nil
}

// recovered turns a story's failure into its error (any other panic goes on).
func recovered(err *error) {
	if r := recover(); r != nil {
		f, ok := r.(failure)
		if !ok {
			panic(r)
		}
		*err = fmt.Errorf("%s", f.msg)
	}
}

// Fixture names what the story created up to the contract's activation.
type Fixture struct {
	Business, Cooperative, Witness string
	// Households are the contract's households; the third signs under the producer's mandate.
	Households              []string
	Demand, Offer, Proposal string
	// Contract is ACTIVE (witnessed), with nothing delivered yet.
	Contract string
	// WitnessCommune is the producer's commune code.
	WitnessCommune string
}

// Active runs the story up to the witnessed (ACTIVE) contract and returns what it created, so
// that other tests can start from a real contract made over REST.
func Active(base string, mint Minter, log func(string)) (f Fixture, err error) {
	c := &client{base: strings.TrimRight(base, "/"), mint: mint, log: log, http: &http.Client{Timeout: 30 * time.Second}}
	defer recovered(&err)
	return run(c, true), nil
}

func run(c *client, stopWhenActive bool) Fixture {
	fx, cast := activate(c)
	if !stopWhenActive {
		execute(c, fx, cast)
	}
	return fx
}

// cast holds the story's tokens.
type cast struct{ biz, coop string }

// activate registers the parties, makes the market and takes a contract to ACTIVE.
func activate(c *client) (Fixture, cast) {
	run := time.Now().UnixNano() % 1_000_000_000 // national ID numbers and tax codes are unique per run
	admin := c.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})

	c.step("admin registers the business, the cooperative, the commune and the households")
	biz := c.must(c.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty CP Quế Hồi Việt Nam", "tax_code": taxcode.From(run), "address": map[string]any{"line": "Số 1 Đội Cấn", "commune_code": places.BaDinh}}), 200).str("name")
	coop := c.must(c.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_COOPERATIVE", "display_name": "HTX Quế Châu Quế", "tax_code": taxcode.From(run + 500_000_000), "address": map[string]any{"commune_code": places.ChauQue}, "women_led": true}), 200).str("name")
	// The commune's People's Committee is registered once (a rerun against the same store finds it).
	witness := ""
	if found := c.must(c.call("GET", "/v1/authorities?filter=admin_area_code%20%3D%20%22"+places.ChauQue+"%22", admin, nil), 200).list("authorities"); len(found) > 0 {
		witness, _ = found[0]["name"].(string)
	} else {
		witness = c.must(c.call("POST", "/v1/authorities", admin, map[string]any{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "display_name": "UBND xã Châu Quế", "admin_area_code": places.ChauQue}), 200).str("name")
	}
	bizTok := c.token(auth.Principal{Subject: "users/ke-toan", Role: auth.RoleBusiness, Organization: biz})
	coopTok := c.token(auth.Principal{Subject: "users/chu-nhiem", Role: auth.RoleProducer, Organization: coop})
	var households []string
	for i, name := range []string{"Triệu Thị Mai", "Bàn Văn Lực", "Lý Thị Hoa"} {
		h := c.must(c.call("POST", "/v1/households", coopTok, map[string]any{"head_name": name, "member_count": 5, "ethnic_group": "Dao", "poverty_status": "POVERTY_STATUS_POOR", "commune_code": places.ChauQue, "phone": fmt.Sprintf("091234567%d", i), "national_id": fmt.Sprintf("%09d%03d", run, i), "consent": map[string]any{"consent_date": "2026-01-10", "purpose": "Hợp đồng liên kết tiêu thụ quế"}}), 200)
		c.check(!strings.Contains(h.raw, fmt.Sprintf("%09d%03d", run, i)), "the national ID never comes back")
		households = append(households, h.str("name"))
		c.must(c.call("POST", "/v1/"+coop+"/members", coopTok, map[string]any{"household": h.str("name")}), 200)
	}

	c.step("the commune records the cooperative's VietGAP certification; the business posts demand; the cooperative posts an offer; match")
	certifier := c.token(auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
	c.must(c.call("POST", "/v1/"+coop+"/certifications", certifier, map[string]any{"standard": "standards/VIETGAP", "number": fmt.Sprintf("VietGAP-TT-%d", run),
		"issuer": "Trung tâm Chứng nhận Phù hợp (QUACERT)", "products": []string{"cinnamon-bark"}, "valid_from": "2026-01-01", "valid_until": "2027-12-31"}), 200)
	demand := c.must(c.call("POST", "/v1/demands", bizTok, map[string]any{"buyer": biz, "product": "products/cinnamon-bark", "required_standard": "standards/VIETGAP", "quantity": "3000", "min_lot_quantity": "500",
		"delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-07-31"}, "delivery_commune_code": places.BaoHa, "delivery_place": "Kho Bảo Hà",
		"price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "42000"}, "inclusion": map[string]any{"min_poor_share_bps": 3000}}), 200).str("name")
	offer := c.must(c.call("POST", "/v1/offers", coopTok, map[string]any{"producer": coop, "product": "products/cinnamon-bark", "quantity": "5000",
		"harvest_window": map[string]any{"start_date": "2026-05-15", "end_date": "2026-08-15"}, "certifications": []string{"standards/VIETGAP"}, "min_price_vnd": "40000", "households": households}), 200).str("name")

	match := c.must(c.call("POST", "/v1/"+demand+":match", bizTok, map[string]any{}), 200)
	c.check(len(match.list("candidates")) >= 1, "at least one candidate")
	c.check(len(match.list("allocation")) > 0, "an allocation")
	// A batch run over this demand and offer (other runs' data may share the store): the
	// offer's households are all poor, so the 30% share is met; the plan is proven optimal.
	batch := c.must(c.call("POST", "/v1/demands:allocate", admin, map[string]any{"demands": []string{demand}, "offers": []string{offer}}), 200)
	c.check(batch.get("optimal") == true, "the batch allocation is proven optimal")
	lines := batch.list("allocation")
	c.check(len(lines) == 1 && lines[0]["offer"] == offer && lines[0]["quantity"] == "3000", "the batch allocates the demand's 3,000 from the offer")
	c.check(batch.get("inclusion_shortfall", demand) == nil, "no inclusion shortfall")

	c.step("propose; accept → draft contract")
	proposal := c.must(c.call("POST", "/v1/"+demand+"/proposals", bizTok, map[string]any{"offer": offer, "quantity": "3000", "message": "Mời HTX ký hợp đồng vụ quế 2026"}), 200).str("name")
	// A request id is unique to its request (the services remember them: the same id with
	// other content is refused), so it names what it accepts; the retry below reuses it.
	acceptID := "accept-" + path.Base(proposal)
	accepted := c.must(c.call("POST", "/v1/"+proposal+":accept", coopTok, map[string]any{"request_id": acceptID}), 200)
	contract := accepted.str("contract")
	c.check(contract != "", "a draft contract")
	again := c.must(c.call("POST", "/v1/"+proposal+":accept", coopTok, map[string]any{"request_id": acceptID}), 200)
	c.check(contract == again.str("contract"), "accepting twice never makes two contracts")

	// The draft is prefilled; the parties complete the terms and the rulebook then passes.
	draft := c.must(c.call("GET", "/v1/"+contract, bizTok, nil), 200)
	v := c.must(c.call("POST", "/v1/"+contract+":validate", bizTok, map[string]any{}), 200)
	c.check(len(v.list("violations")) > 0, "a prefilled draft is not complete yet")
	terms := draft.get("terms").(map[string]any)
	c.check(terms["witness_authority"] == witness, "the witness is the producer's commune")
	terms["grading_rules"] = []any{map[string]any{"grade": "A"}, map[string]any{"grade": "B", "price_adjustment_bps": -1000}}
	terms["obligations"] = map[string]any{"buyer": []string{"Thu mua toàn bộ sản lượng đạt chuẩn, thanh toán đúng hạn"}, "producer": []string{"Sản xuất theo VietGAP, giao đúng lịch"}}
	terms["breach"] = map[string]any{"penalty_bps": 800, "damages": "Bồi thường thiệt hại thực tế theo Bộ luật Dân sự"}
	terms["linkage_form"] = "LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE"
	terms["input_supply"] = map[string]any{"items": []any{map[string]any{"description": "Phân bón hữu cơ", "quantity": "30", "unit": "bao", "value_vnd": "9000000"}}, "recovered_at_settlement": true}
	allocs := terms["allocations"].([]any)
	allocs[2].(map[string]any)["mandate"] = map[string]any{"reference": "GUQ-01/2026", "date": "2026-05-20"}
	c.must(c.call("PATCH", "/v1/"+contract+"?update_mask=terms", bizTok, map[string]any{"terms": terms, "etag": draft.str("etag")}), 200)
	v = c.must(c.call("POST", "/v1/"+contract+":validate", bizTok, map[string]any{}), 200)
	c.check(len(v.list("violations")) == 0, "all rules pass: %s", v.raw)

	c.step("complete the terms; validate; submit; sign; witness")
	ct := c.must(c.call("POST", "/v1/"+contract+":submit", coopTok, map[string]any{"request_id": "submit-" + path.Base(contract)}), 200)
	hash := ct.str("terms_hash")
	c.must(c.call("POST", "/v1/"+contract+":sign", bizTok, map[string]any{"party": "PARTY_BUYER", "terms_hash": hash}), 200)
	c.must(c.call("POST", "/v1/"+contract+":sign", coopTok, map[string]any{"party": "PARTY_PRODUCER", "terms_hash": hash}), 200)
	for _, h := range households[:2] {
		c.must(c.call("POST", "/v1/"+contract+":sign", c.token(auth.Principal{Subject: "users/" + h, Role: auth.RoleHousehold, Household: h}), map[string]any{"party": "PARTY_HOUSEHOLD", "household": h, "terms_hash": hash}), 200)
	}
	ct = c.must(c.call("POST", "/v1/"+contract+":sign", coopTok, map[string]any{"party": "PARTY_HOUSEHOLD", "household": households[2], "terms_hash": hash}), 200)
	c.check(ct.str("state") == "CONTRACT_STATE_PENDING_WITNESS", "all signed")

	otherOfficial := c.token(auth.Principal{Subject: "users/can-bo-xa-khac", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong})
	r := c.call("POST", "/v1/"+contract+":witness", otherOfficial, map[string]any{"terms_hash": hash})
	c.check(r.code == http.StatusForbidden || r.code == http.StatusNotFound, "an official of another commune is refused: %d", r.code)
	official := c.token(auth.Principal{Subject: "users/can-bo-xa", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
	ct = c.must(c.call("POST", "/v1/"+contract+":witness", official, map[string]any{"terms_hash": hash}), 200)
	c.check(ct.str("state") == "CONTRACT_STATE_ACTIVE", "witnessed: ACTIVE")
	fx := Fixture{Business: biz, Cooperative: coop, Witness: witness, Households: households, Demand: demand, Offer: offer, Proposal: proposal, Contract: contract, WitnessCommune: places.ChauQue}
	return fx, cast{biz: bizTok, coop: coopTok}
}

// execute runs the contract: advance, deliveries, settlement, payments, liquidation, a new
// match with the delivery record, and the audit chain.
func execute(c *client, fx Fixture, t cast) {

	c.step("an advance, deliveries, settlement, payments, liquidation")
	// Execution: an advance, deliveries (one with a rejected quantity), payments.
	c.must(c.call("POST", "/v1/"+fx.Contract+"/inputAdvances", t.biz, map[string]any{"household": fx.Households[0], "advance_date": "2026-03-01", "description": "Phân bón hữu cơ", "value_vnd": "3000000"}), 200)
	for i, h := range fx.Households {
		d := map[string]any{"household": h, "lot": "lot-1", "delivery_date": "2026-06-20", "quantity": "1000", "accepted_quantity": "1000", "grade": "A"}
		if i == 1 {
			d["accepted_quantity"], d["rejection_reason"] = "950", "Vỏ quế mốc"
		}
		del := c.must(c.call("POST", "/v1/"+fx.Contract+"/deliveries", t.biz, d), 200)
		c.check(del.str("unit_price_vnd") == "42000", "unit price from the terms")
		if i == 0 {
			c.check(del.str("recovered_advance_vnd") == "3000000", "the advance is recovered from the first delivery")
		}
		c.must(c.call("POST", "/v1/"+del.str("name")+":confirm", t.coop, map[string]any{}), 200)
	}
	st := c.must(c.call("GET", "/v1/"+fx.Contract+"/settlement", t.biz, nil), 200)
	c.check(st.str("total", "gross_vnd") == fmt.Sprint(2950*42000), "gross")
	c.check(st.str("total", "balance_vnd") == fmt.Sprint(2950*42000-3000000), "balance = gross − recovered")
	for _, l := range st.list("households") {
		c.must(c.call("POST", "/v1/"+fx.Contract+"/payments", t.biz, map[string]any{"payee": fx.Cooperative, "household": l["household"], "amount_vnd": l["balance_vnd"], "method": "PAYMENT_METHOD_BANK_TRANSFER", "reference": "UNC", "payment_date": "2026-07-05"}), 200)
	}
	st = c.must(c.call("GET", "/v1/"+fx.Contract+"/settlement", t.biz, nil), 200)
	c.check(st.get("total", "balance_vnd") == nil, "settlement balances to zero")
	c.check(c.must(c.call("GET", "/v1/"+fx.Contract, t.biz, nil), 200).str("state") == "CONTRACT_STATE_COMPLETED", "completed")
	c.must(c.call("POST", "/v1/"+fx.Contract+":acknowledgeSettlement", t.biz, map[string]any{}), 200)
	ct := c.must(c.call("POST", "/v1/"+fx.Contract+":acknowledgeSettlement", t.coop, map[string]any{}), 200)
	c.check(ct.str("state") == "CONTRACT_STATE_LIQUIDATED", "liquidated")

	// The cooperative now has a delivery record: matching a new demand scores its offer with
	// this contract's fulfilment (accepted / contracted from the settlement), shrunk toward
	// the neutral 0.5 by a prior worth one contract.
	c.step("a new demand: the cooperative's offer is scored with its delivery record")
	var contracted, acceptedQty float64
	fmt.Sscan(st.str("total", "contracted_quantity"), &contracted)
	fmt.Sscan(st.str("total", "accepted_quantity"), &acceptedQty)
	c.check(contracted > 0 && acceptedQty > 0 && acceptedQty < contracted, "a partly rejected delivery: %v of %v accepted", acceptedQty, contracted)
	demand2 := c.must(c.call("POST", "/v1/demands", t.biz, map[string]any{"buyer": fx.Business, "product": "products/cinnamon-bark", "required_standard": "standards/VIETGAP", "quantity": "1000",
		"delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-07-31"}, "delivery_commune_code": places.BaoHa,
		"price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "42000"}}), 200).str("name")
	record := -1.0
	for _, cand := range c.must(c.call("POST", "/v1/"+demand2+":match", t.biz, map[string]any{"max_candidates": 500}), 200).list("candidates") {
		if cand["offer"] == fx.Offer {
			record, _ = cand["breakdown"].(map[string]any)["delivery_record"].(float64)
		}
	}
	want := (acceptedQty/contracted + 0.5) / 2
	c.check(record > want-1e-9 && record < want+1e-9, "delivery record %v, want %v", record, want)

	// The cooperative's report of the year counts the season: its households once each, the
	// accepted value; the business's demand report, both its demands.
	c.step("the cooperative's report of 2026; the business's demand report")
	rep := c.must(c.call("GET", "/v1/contracts:report?start_month=2026-01&end_month=2026-12&filter="+url.QueryEscape(`product = "products/cinnamon-bark"`), t.coop, nil), 200)
	c.check(rep.str("total", "households", "total") == fmt.Sprint(len(fx.Households)), "households taking part: %s", rep.str("total", "households", "total"))
	c.check(rep.str("total", "accepted_value_vnd") == fmt.Sprint(2950*42000), "accepted value in the report")
	c.check(rep.str("total", "paid_vnd") == st.str("total", "paid_vnd"), "paid in the report = paid in the settlement")
	dem := c.must(c.call("GET", "/v1/demands:report", t.biz, nil), 200)
	c.check(dem.str("total", "posted") == "2", "the business's two demands: %s", dem.str("total", "posted"))

	// The audit chain verifies from the REST export.
	evs := c.must(c.call("GET", "/v1/"+fx.Contract+"/events?page_size=500", t.biz, nil), 200).list("events")
	var chain []auditchain.Event
	for _, e := range evs {
		parts := strings.Split(e["name"].(string), "/")
		var seq int64
		fmt.Sscan(e["sequence"].(string), &seq)
		tm, err := time.Parse(time.RFC3339Nano, e["time"].(string))
		c.check(err == nil, "event time: %v", err)
		ev := auditchain.Event{Contract: parts[1], Seq: seq, Type: e["type"].(string), Actor: e["actor"].(string), ActorRole: e["actor_role"].(string), Time: tm, Payload: e["payload"].(string), Hash: e["hash"].(string)}
		if ph, ok := e["previous_hash"].(string); ok {
			ev.PreviousHash = ph
		}
		chain = append(chain, ev)
	}
	c.check(len(chain) > 15, "events recorded")
	c.check(auditchain.Verify(chain) == nil, "the audit chain verifies")
	c.step(fmt.Sprintf("audit chain of %s: %d events verified", fx.Contract, len(chain)))
}

package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/taxcode"
)

// The authorization matrix: every RPC of every service × every role, for the caller's own and
// for another party's resources, through the gateway. The services enforce these rules
// themselves (the gateway only authenticates), so a failing row is a defect of the service
// named in the row, not of the test.
//
// A row says which principals are allowed; everyone else must be denied with 403, or 404 where
// existence must not leak. Rows of kind "ok" require the allowed callers to succeed (2xx). Rows
// of kind "authorized" are transitions that the fixture's state may refuse (submitting an
// ACTIVE contract, accepting an accepted proposal): for them an allowed caller must get past
// authorization (any answer but 401, 403, 404 or 5xx), while a denied caller still gets 403/404.
// Rows of kind "listed" are listings filtered to the caller's slice: an allowed caller sees the
// fixture in the page (the list is not empty); for a denied caller the page is empty (or 403/404).
//
// A row whose expectation a service does not meet yet carries a defect note: the row is kept
// as the rule states it, its failure is logged as a known defect, and the test fails once the
// service is fixed so that the note is removed.

type mode int

const (
	ok         mode = iota // allowed callers succeed
	authorized             // allowed callers pass authorization; the state may still refuse
	listed                 // a listing: allowed callers see the fixture in it; denied ones get 403/404 or an empty page
)

type matrixRow struct {
	rpc          string // method name, for the coverage check
	method, path string
	body         any
	allow        []string
	mode         mode
	listKey      string // the repeated field of a listing (mode listed)
	defect       string // a known service defect that makes this row fail (see above)
	// fresh, when set, gives each caller its own target (for deletes and other one-shot
	// transitions), returning the path.
	fresh func() string
}

var principalNames = []string{"admin", "business", "business-other", "producer", "producer-other", "household", "household-other",
	"official", "official-other", "province", "province-other", "partner", "partner-other"}

var taxSeq int64

func TestAuthorizationMatrix(t *testing.T) {
	authorizationMatrix(t, start(t, server.Config{}))
}

// authorizationMatrix runs the matrix against the suite s (also the index coverage test's).
func authorizationMatrix(t *testing.T, s *suite) {
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	fx, err := story.Active(s.url, mint, func(string) {})
	require.NoError(t, err, "the story up to an ACTIVE contract")
	biz, coop, contract, demand, offer, proposal := fx.Business, fx.Cooperative, fx.Contract, fx.Demand, fx.Offer, fx.Proposal
	hh, hhOther := fx.Households[0], fx.Households[1] // hh is the household principal's own; hhOther is in the same contract
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	bizTok := s.token(auth.Principal{Subject: "users/biz", Role: auth.RoleBusiness, Organization: biz})
	coopTok := s.token(auth.Principal{Subject: "users/coop", Role: auth.RoleProducer, Organization: coop})
	official := s.token(auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: fx.WitnessCommune})
	province := s.must(s.call("GET", "/v1/adminAreas/"+fx.WitnessCommune, admin, nil), 200).str("parent_code")
	require.NotEmpty(t, province, "the witness commune has a province")
	province = strings.TrimPrefix(province, "adminAreas/")

	// People: the business and official principals are real people, the administrators of the
	// business and of the witness authority (the registry looks their grants up); the others
	// are not registered people.
	persons := 0
	freshPerson := func() string {
		persons++
		return s.must(s.call("POST", "/v1/users", admin, map[string]any{"display_name": fmt.Sprintf("Người %d", persons), "phone": "0912 345 678"}), 200).str("name")
	}
	grant := func(user string, g map[string]any) string {
		return s.must(s.call("POST", "/v1/"+user+"/grants", admin, g), 200).str("name")
	}
	bizGrant := map[string]any{"role": "ROLE_BUSINESS", "organization": biz}
	officialGrant := map[string]any{"role": "ROLE_COMMUNE_OFFICIAL", "authority": fx.Witness}
	bizAdmin, witnessAdmin := freshPerson(), freshPerson()
	grant(bizAdmin, map[string]any{"role": "ROLE_BUSINESS", "organization": biz, "administrator": true})
	grant(witnessAdmin, map[string]any{"role": "ROLE_COMMUNE_OFFICIAL", "authority": fx.Witness, "administrator": true})
	employee, clerk := freshPerson(), freshPerson()
	grant(employee, bizGrant)
	grant(clerk, officialGrant)

	roles := map[string]auth.Principal{
		"admin":           {Subject: "users/admin", Role: auth.RoleAdmin},
		"business":        {Subject: bizAdmin, Role: auth.RoleBusiness, Organization: biz},
		"business-other":  {Subject: "users/biz2", Role: auth.RoleBusiness, Organization: "organizations/another-business"},
		"producer":        {Subject: "users/coop", Role: auth.RoleProducer, Organization: coop},
		"producer-other":  {Subject: "users/coop2", Role: auth.RoleProducer, Organization: "organizations/another-group"},
		"household":       {Subject: "users/hh", Role: auth.RoleHousehold, Household: hh},
		"household-other": {Subject: "users/hh2", Role: auth.RoleHousehold, Household: "households/someone-else"},
		"official":        {Subject: witnessAdmin, Role: auth.RoleCommuneOfficial, AdminArea: fx.WitnessCommune},
		"official-other":  {Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong},
		"province":        {Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: province},
		"province-other":  {Subject: "users/p2", Role: auth.RoleProvinceOfficial, AdminArea: places.DongThap},
		"partner":         {Subject: "apiKeys/a", Role: auth.RolePartner, Organization: biz},
		"partner-other":   {Subject: "apiKeys/b", Role: auth.RolePartner, Organization: "organizations/another-business"},
	}
	tokens := map[string]string{}
	for name, p := range roles {
		tokens[name] = s.token(p)
	}

	// Fixtures under the ACTIVE contract: deliveries of the household principal's own household
	// and of another, an advance, an incident to verify and one to resolve; a DRAFT contract.
	delivery := func(h string) string {
		return s.must(s.call("POST", "/v1/"+contract+"/deliveries", bizTok, map[string]any{"household": h, "lot": "lot-1", "delivery_date": "2026-06-10", "quantity": "10", "accepted_quantity": "10", "grade": "A"}), 200).str("name")
	}
	ownDelivery, otherDelivery, disputed := delivery(hh), delivery(hhOther), delivery(hh)
	incident := func(kind string) string {
		body := map[string]any{"kind": kind, "description": "Lũ quét cuốn trôi vườn quế"}
		if kind == "KIND_FORCE_MAJEURE" {
			body["force_majeure_event"] = "FORCE_MAJEURE_EVENT_NATURAL_DISASTER"
		} else {
			body["breaching_party"], body["breached_value_vnd"] = biz, "420000"
		}
		return s.must(s.call("POST", "/v1/"+contract+"/incidents", coopTok, body), 200).str("name")
	}
	forceMajeure, dispute, toResolve := incident("KIND_FORCE_MAJEURE"), incident("KIND_QUALITY_DISPUTE"), incident("KIND_QUALITY_DISPUTE")
	draft := s.must(s.call("POST", "/v1/contracts", bizTok, map[string]any{"terms": map[string]any{"buyer": biz, "producer": coop, "witness_authority": fx.Witness, "total_quantity": "100",
		"allocations": []any{map[string]any{"household": hh, "quantity": "100"}}}}), 200).str("name")
	amendmentHash := func() string {
		return s.must(s.call("GET", "/v1/"+contract, admin, nil), 200).str("pending_amendment", "terms_hash")
	}

	// Fresh targets for one-shot methods.
	n := 0
	freshOrg := func() string {
		n++
		return "/v1/" + s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_PRODUCTION_GROUP", "display_name": fmt.Sprintf("Tổ %d", n), "address": map[string]any{"commune_code": fx.WitnessCommune}}), 200).str("name")
	}
	freshHousehold := func() string {
		n++
		return s.must(s.call("POST", "/v1/households", coopTok, map[string]any{"head_name": fmt.Sprintf("Hộ %d", n), "member_count": 2, "ethnic_group": "Kinh", "poverty_status": "POVERTY_STATUS_NON_POOR",
			"commune_code": fx.WitnessCommune, "consent": map[string]any{"consent_date": "2026-01-01", "purpose": "liên kết"}}), 200).str("name")
	}
	freshMember := func() string {
		h := freshHousehold()
		return "/v1/" + s.must(s.call("POST", "/v1/"+coop+"/members", coopTok, map[string]any{"household": h}), 200).str("name")
	}
	freshKey := func() string {
		return "/v1/" + s.must(s.call("POST", "/v1/"+biz+"/apiKeys", bizTok, map[string]any{"display_name": "ERP"}), 200).str("api_key", "name") + ":revoke"
	}
	demandBody := func(q string) map[string]any {
		return map[string]any{"buyer": biz, "product": "products/cinnamon-bark", "quantity": q, "delivery_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"},
			"delivery_commune_code": places.BaoHa, "price_terms": map[string]any{"type": "PRICE_TYPE_FIXED", "fixed_price_vnd": "42000"}}
	}
	offerBody := map[string]any{"producer": coop, "product": "products/cinnamon-bark", "quantity": "100", "harvest_window": map[string]any{"start_date": "2026-06-01", "end_date": "2026-06-30"}}
	freshDemand := func(verb string) func() string {
		return func() string {
			return "/v1/" + s.must(s.call("POST", "/v1/demands", bizTok, demandBody("100")), 200).str("name") + ":" + verb
		}
	}
	freshOffer := func() string {
		return "/v1/" + s.must(s.call("POST", "/v1/offers", coopTok, offerBody), 200).str("name") + ":withdraw"
	}
	openDemand := s.must(s.call("POST", "/v1/demands", bizTok, demandBody("100")), 200).str("name") // the story's demand is FILLED
	// Support: the province's People's Committee is the investor ("province" is its official);
	// "official-other" (users/o2) sits on the call's investment council; "producer" owns the
	// projects. Decisions and verification are the investor officials' acts (not an operator's),
	// scoring the council's; drafts are the owner's own.
	sup := newSupportFixture(s, fx, admin, coopTok, tokens["province"], tokens["official-other"])
	seeProject := []string{"admin", "producer", "province", "official-other"}
	investor := []string{"province"}
	memberOf := func(h string) string { return "/v1/" + coop + "/members/" + strings.TrimPrefix(h, "households/") }

	// A webhook of the business, pointing at a receiver of the test's own, with one (test)
	// delivery.
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(receiver.Close)
	hookBody := map[string]any{"url": receiver.URL + "/hooks", "event_types": []string{"contract.activated", "payment.recorded"}}
	hook := s.must(s.call("POST", "/v1/"+biz+"/webhooks", bizTok, hookBody), 200).str("webhook", "name")
	hookDelivery := s.must(s.call("POST", "/v1/"+hook+":test", bizTok, map[string]any{}), 200).str("name")
	freshHook := func() string {
		return "/v1/" + s.must(s.call("POST", "/v1/"+biz+"/webhooks", bizTok, hookBody), 200).str("webhook", "name")
	}

	all := principalNames
	seeContract := []string{"admin", "business", "producer", "household", "official", "province", "partner"}
	edit := []string{"admin", "business", "producer", "partner"}
	buyer := []string{"admin", "business", "partner"}
	producer := []string{"admin", "producer"}
	seeHousehold := []string{"admin", "producer", "household", "official", "province"}
	officials := []string{"official", "official-other", "province", "province-other"}
	seeDemand := append([]string{"admin", "business", "partner", "producer"}, officials...)
	seeOpenDemand := append([]string{"admin", "business", "partner", "producer", "producer-other"}, officials...)
	seeOffer := append([]string{"admin", "business", "business-other", "partner", "producer"}, officials...)
	rows := []matrixRow{
		// registry
		{rpc: "CreateOrganization", method: "POST", path: "/v1/organizations", body: func() any { // tax codes are unique: a fresh one per call
			taxSeq++
			return map[string]any{"kind": "KIND_BUSINESS", "display_name": "X", "tax_code": taxcode.From(200_000_000 + 11*taxSeq), "address": map[string]any{"commune_code": places.BaoHa}}
		}, allow: []string{"admin"}},
		{rpc: "GetOrganization", method: "GET", path: "/v1/" + biz, allow: all},
		{rpc: "ListOrganizations", method: "GET", path: "/v1/organizations?filter=" + url.QueryEscape(`commune_code = "`+fx.WitnessCommune+`"`), allow: all, mode: listed, listKey: "organizations"}, // an area's (the whole country's: an export for operators)
		{rpc: "UpdateOrganization", method: "PATCH", path: "/v1/" + biz + "?update_mask=women_led", body: map[string]any{"women_led": true}, allow: []string{"admin", "business", "partner"}},
		{rpc: "DeleteOrganization", method: "DELETE", fresh: freshOrg, allow: []string{"admin"}},
		{rpc: "CreateHousehold", method: "POST", path: "/v1/households", body: map[string]any{"head_name": "Hộ B", "member_count": 2, "ethnic_group": "Kinh", "poverty_status": "POVERTY_STATUS_NON_POOR", "commune_code": fx.WitnessCommune,
			"consent": map[string]any{"consent_date": "2026-01-01", "purpose": "liên kết"}}, allow: []string{"admin", "producer"}},
		{rpc: "GetHousehold", method: "GET", path: "/v1/" + hh, allow: seeHousehold},
		{rpc: "ListHouseholds", method: "GET", path: "/v1/households?filter=" + url.QueryEscape(`organization = "`+coop+`"`), allow: []string{"admin", "producer", "official", "official-other", "province", "province-other"}}, // officials see their own area only (empty elsewhere)
		{rpc: "UpdateHousehold", method: "PATCH", path: "/v1/" + hh + "?update_mask=member_count", body: map[string]any{"member_count": 6}, allow: []string{"admin", "producer", "household"}},
		{rpc: "DeleteHousehold", method: "DELETE", fresh: func() string { return "/v1/" + freshHousehold() }, allow: []string{"admin"}}, // the registry keeps deletion to operators
		{rpc: "CreateMembership", method: "POST", path: "/v1/" + coop + "/members", body: nil, allow: []string{"admin", "producer"}, fresh: nil},
		{rpc: "GetMembership", method: "GET", path: memberOf(hh), allow: seeHousehold},
		{rpc: "ListMemberships", method: "GET", path: "/v1/" + coop + "/members", allow: []string{"admin", "producer", "official", "province"}, mode: listed, listKey: "memberships"},
		{rpc: "ListMemberships", method: "GET", path: "/v1/" + hh + "/memberships", allow: seeHousehold, mode: listed, listKey: "memberships"},
		{rpc: "UpdateMembership", method: "PATCH", path: memberOf(hh) + "?update_mask=role", body: map[string]any{"role": "ROLE_LEADER"}, allow: producer},
		{rpc: "DeleteMembership", method: "DELETE", fresh: freshMember, allow: producer},
		{rpc: "CreateAuthority", method: "POST", path: "/v1/authorities", body: map[string]any{"kind": "KIND_COMMUNE_PEOPLES_COMMITTEE", "display_name": "UBND", "admin_area_code": places.DongCuong}, allow: []string{"admin"}},
		{rpc: "GetAuthority", method: "GET", path: "/v1/" + fx.Witness, allow: all},
		{rpc: "ListAuthorities", method: "GET", path: "/v1/authorities", allow: all},
		{rpc: "GetAdminArea", method: "GET", path: "/v1/adminAreas/" + fx.WitnessCommune, allow: all},
		{rpc: "ListAdminAreas", method: "GET", path: "/v1/adminAreas", allow: all},
		{rpc: "GetProduct", method: "GET", path: "/v1/products/cinnamon-bark", allow: all},
		{rpc: "ListProducts", method: "GET", path: "/v1/products", allow: all},
		{rpc: "GetStandard", method: "GET", path: "/v1/standards/VIETGAP", allow: all},
		{rpc: "ListStandards", method: "GET", path: "/v1/standards", allow: all},
		{rpc: "CreateApiKey", method: "POST", path: "/v1/" + biz + "/apiKeys", body: map[string]any{"display_name": "k"}, allow: []string{"admin", "business"}},
		{rpc: "ListApiKeys", method: "GET", path: "/v1/" + biz + "/apiKeys", allow: []string{"admin", "business"}, mode: listed, listKey: "api_keys"},
		{rpc: "RevokeApiKey", method: "POST", fresh: freshKey, body: map[string]any{}, allow: []string{"admin", "business"}},
		// people: operators; the organisation's and the authority's administrators for their own
		// people and roles; a person reads themselves
		{rpc: "CreateUser", method: "POST", path: "/v1/users", body: map[string]any{"display_name": "Người mới", "phone": "0912 345 678"}, allow: []string{"admin", "business", "official"}},
		{rpc: "GetUser", method: "GET", path: "/v1/" + employee, allow: []string{"admin", "business"}},
		{rpc: "GetUser", method: "GET", path: "/v1/" + clerk, allow: []string{"admin", "official"}},
		{rpc: "GetUser", method: "GET", path: "/v1/" + bizAdmin, allow: []string{"admin", "business"}}, // the business principal itself
		{rpc: "ListUsers", method: "GET", path: "/v1/users?filter=" + url.QueryEscape(`organization = "`+biz+`"`), allow: []string{"admin", "business"}, mode: listed, listKey: "users"},
		{rpc: "ListUsers", method: "GET", path: "/v1/users?filter=" + url.QueryEscape(`authority = "`+fx.Witness+`"`), allow: []string{"admin", "official"}, mode: listed, listKey: "users"},
		{rpc: "UpdateUser", method: "PATCH", path: "/v1/" + employee + "?update_mask=display_name", body: map[string]any{"display_name": "Người đã sửa"}, allow: []string{"admin"}},
		{rpc: "CreateGrant", method: "POST", fresh: func() string { return "/v1/" + freshPerson() + "/grants" }, body: bizGrant, allow: []string{"admin", "business"}},
		{rpc: "CreateGrant", method: "POST", fresh: func() string { return "/v1/" + freshPerson() + "/grants" }, body: officialGrant, allow: []string{"admin", "official"}},
		{rpc: "CreateGrant", method: "POST", fresh: func() string { return "/v1/" + freshPerson() + "/grants" }, body: map[string]any{"role": "ROLE_ADMIN"}, allow: []string{"admin"}},
		{rpc: "ListGrants", method: "GET", path: "/v1/" + employee + "/grants", allow: []string{"admin", "business"}, mode: listed, listKey: "grants"},
		{rpc: "ListGrants", method: "GET", path: "/v1/" + clerk + "/grants", allow: []string{"admin", "official"}, mode: listed, listKey: "grants"},
		{rpc: "DeleteGrant", method: "DELETE", fresh: func() string { return "/v1/" + grant(freshPerson(), bizGrant) }, allow: []string{"admin", "business"}},
		{rpc: "DeleteGrant", method: "DELETE", fresh: func() string { return "/v1/" + grant(freshPerson(), officialGrant) }, allow: []string{"admin", "official"}},
		// contracts
		{rpc: "CreateContract", method: "POST", path: "/v1/contracts", body: map[string]any{"terms": map[string]any{"buyer": biz, "producer": coop}}, allow: edit},
		{rpc: "GetContract", method: "GET", path: "/v1/" + contract, allow: seeContract},
		{rpc: "ExportContractPlots", method: "GET", path: "/v1/" + contract + ":plots", allow: seeContract},
		{rpc: "ListContracts", method: "GET", path: "/v1/contracts", allow: all}, // each sees its own slice
		{rpc: "UpdateContract", method: "PATCH", path: "/v1/" + draft + "?update_mask=display_name", body: map[string]any{"display_name": "HĐ"}, allow: edit},
		{rpc: "ValidateContract", method: "POST", path: "/v1/" + draft + ":validate", body: map[string]any{}, allow: []string{"admin", "business", "producer", "household", "official", "province", "partner"}},
		{rpc: "SubmitContract", method: "POST", path: "/v1/" + draft + ":submit", body: map[string]any{}, allow: edit, mode: authorized},
		{rpc: "CancelContract", method: "POST", path: "/v1/" + contract + ":cancel", body: map[string]any{"reason": "Hủy"}, allow: edit, mode: authorized},
		{rpc: "AcknowledgeSettlement", method: "POST", path: "/v1/" + contract + ":acknowledgeSettlement", body: map[string]any{}, allow: edit, mode: authorized},
		{rpc: "ListContractEvents", method: "GET", path: "/v1/" + contract + "/events", allow: seeContract, mode: listed, listKey: "events"},
		{rpc: "ListRulebooks", method: "GET", path: "/v1/rulebooks", allow: all},
		{rpc: "CreateDelivery", method: "POST", path: "/v1/" + contract + "/deliveries", body: map[string]any{"household": hh, "lot": "lot-1", "delivery_date": "2026-06-11", "quantity": "5", "accepted_quantity": "5", "grade": "A"}, allow: buyer},
		{rpc: "GetDelivery", method: "GET", path: "/v1/" + ownDelivery, allow: seeContract},
		{rpc: "GetDelivery", method: "GET", path: "/v1/" + otherDelivery, allow: []string{"admin", "business", "producer", "official", "province", "partner"}}, // another household's delivery
		{rpc: "ListDeliveries", method: "GET", path: "/v1/" + contract + "/deliveries", allow: seeContract, mode: listed, listKey: "deliveries"},
		{rpc: "ConfirmDelivery", method: "POST", path: "/v1/" + ownDelivery + ":confirm", body: map[string]any{}, allow: producer, mode: authorized},
		{rpc: "DisputeDelivery", method: "POST", path: "/v1/" + disputed + ":dispute", body: map[string]any{"reason": "Sai cân"}, allow: producer, mode: authorized},
		{rpc: "CreateInputAdvance", method: "POST", path: "/v1/" + contract + "/inputAdvances", body: map[string]any{"household": hh, "advance_date": "2026-03-01", "description": "Phân bón", "value_vnd": "1000"}, allow: buyer},
		{rpc: "ListInputAdvances", method: "GET", path: "/v1/" + contract + "/inputAdvances", allow: seeContract, mode: listed, listKey: "input_advances"},
		{rpc: "CreatePayment", method: "POST", path: "/v1/" + contract + "/payments", body: map[string]any{"payee": coop, "household": hh, "amount_vnd": "1000", "method": "PAYMENT_METHOD_BANK_TRANSFER", "reference": "UNC", "payment_date": "2026-06-20"}, allow: buyer},
		{rpc: "ListPayments", method: "GET", path: "/v1/" + contract + "/payments", allow: seeContract, mode: listed, listKey: "payments"},
		{rpc: "GetSettlement", method: "GET", path: "/v1/" + contract + "/settlement", allow: seeContract},
		{rpc: "GetContractDocument", method: "GET", path: "/v1/" + contract + ":document", allow: seeContract},
		{rpc: "GetSettlementStatement", method: "GET", path: "/v1/" + contract + "/settlement:statement?household=" + hh, allow: seeContract},
		// The fixture is ACTIVE: its liquidation record is refused by state, after authorization.
		{rpc: "GetLiquidationRecord", method: "GET", path: "/v1/" + contract + ":liquidationRecord", allow: seeContract, mode: authorized},
		{rpc: "CreateIncident", method: "POST", path: "/v1/" + contract + "/incidents", body: map[string]any{"kind": "KIND_LATE_PAYMENT", "description": "Chậm thanh toán", "breaching_party": biz, "breached_value_vnd": "420000"}, allow: edit},
		{rpc: "GetIncident", method: "GET", path: "/v1/" + forceMajeure, allow: seeContract},
		{rpc: "ListIncidents", method: "GET", path: "/v1/" + contract + "/incidents", allow: seeContract, mode: listed, listKey: "incidents"},
		{rpc: "VerifyIncident", method: "POST", path: "/v1/" + forceMajeure + ":verify", body: map[string]any{"accept": false, "note": "Không xác minh được"}, allow: []string{"official"}, mode: authorized},
		{rpc: "MediateIncident", method: "POST", path: "/v1/" + dispute + ":mediate", body: map[string]any{"note": "Hòa giải tại UBND xã"}, allow: []string{"official"}, mode: authorized},
		{rpc: "ResolveIncident", method: "POST", path: "/v1/" + toResolve + ":resolve", body: map[string]any{"outcome": "Hai bên thống nhất", "breach_upheld": false}, allow: []string{"admin", "business", "producer", "partner", "official"}, mode: authorized},
		// reports: each scope to whom it belongs (the content check below: nothing of another's)
		{rpc: "ReportContracts", method: "GET", path: "/v1/contracts:report?scope=national", allow: []string{"admin"}},
		{rpc: "ReportContracts", method: "GET", path: "/v1/contracts:report?scope=adminAreas/" + province, allow: []string{"admin", "province"}},
		{rpc: "ReportContracts", method: "GET", path: "/v1/contracts:report?scope=adminAreas/" + fx.WitnessCommune, allow: []string{"admin", "official", "province"}},
		{rpc: "ReportContracts", method: "GET", path: "/v1/contracts:report?scope=" + biz, allow: []string{"admin", "business", "partner"}},
		{rpc: "ReportContracts", method: "GET", path: "/v1/contracts:report?scope=" + coop, allow: []string{"admin", "producer"}},
		{rpc: "ReportDemands", method: "GET", path: "/v1/demands:report?scope=national", allow: []string{"admin"}},
		{rpc: "ReportDemands", method: "GET", path: "/v1/demands:report?scope=adminAreas/" + province, allow: []string{"admin", "province"}},
		{rpc: "ReportDemands", method: "GET", path: "/v1/demands:report?scope=adminAreas/" + fx.WitnessCommune, allow: []string{"admin", "official", "province"}},
		{rpc: "ReportDemands", method: "GET", path: "/v1/demands:report?scope=" + biz, allow: []string{"admin", "business", "partner"}},
		{rpc: "CreateMarketPrice", method: "POST", path: "/v1/marketPrices", body: map[string]any{"reference": "que-yen-bai", "price_date": "2026-06-01", "price_vnd": "20000"}, allow: []string{"admin"}},
		{rpc: "ListMarketPrices", method: "GET", path: "/v1/marketPrices", allow: all},
		// matchmaking
		{rpc: "CreateDemand", method: "POST", path: "/v1/demands", body: demandBody("1"), allow: buyer},
		// What the marketplace shows (README): a demand is not shown to other buyers or to
		// households; once it is no longer open, only to its owner, officials and the producers
		// that made a proposal for it (the story's demand is FILLED; "producer" proposed).
		{rpc: "GetDemand", method: "GET", path: "/v1/" + demand, allow: seeDemand},
		{rpc: "GetDemand", method: "GET", path: "/v1/" + openDemand, allow: seeOpenDemand},
		{rpc: "ListDemands", method: "GET", path: "/v1/demands?filter=" + url.QueryEscape(`product = "products/cinnamon-bark"`), allow: seeOpenDemand, mode: listed, listKey: "demands"},
		{rpc: "UpdateDemand", method: "PATCH", path: "/v1/" + openDemand + "?update_mask=delivery_place", body: map[string]any{"delivery_place": "Kho Văn Yên"}, allow: buyer},
		{rpc: "CloseDemand", method: "POST", fresh: freshDemand("close"), body: map[string]any{}, allow: buyer},
		{rpc: "CancelDemand", method: "POST", fresh: freshDemand("cancel"), body: map[string]any{}, allow: buyer},
		{rpc: "CreateOffer", method: "POST", path: "/v1/offers", body: offerBody, allow: producer},
		// Offers are not shown to other producers or to households.
		{rpc: "GetOffer", method: "GET", path: "/v1/" + offer, allow: seeOffer},
		{rpc: "ListOffers", method: "GET", path: "/v1/offers?filter=" + url.QueryEscape(`product = "products/cinnamon-bark"`), allow: seeOffer, mode: listed, listKey: "offers"},
		{rpc: "UpdateOffer", method: "PATCH", path: "/v1/" + offer + "?update_mask=min_price_vnd", body: map[string]any{"min_price_vnd": "39000"}, allow: producer},
		{rpc: "WithdrawOffer", method: "POST", fresh: freshOffer, body: map[string]any{}, allow: producer},
		{rpc: "MatchDemand", method: "POST", path: "/v1/" + demand + ":match", body: map[string]any{}, allow: buyer},
		{rpc: "BatchAllocate", method: "POST", path: "/v1/demands:allocate", body: map[string]any{}, allow: []string{"admin"}},
		{rpc: "CreateProposal", method: "POST", path: "/v1/" + demand + "/proposals", body: map[string]any{"offer": offer, "quantity": "1"}, allow: buyer, mode: authorized},
		{rpc: "GetProposal", method: "GET", path: "/v1/" + proposal, allow: edit},
		{rpc: "ListProposals", method: "GET", path: "/v1/" + demand + "/proposals", allow: edit, mode: listed, listKey: "proposals"},
		{rpc: "AcceptProposal", method: "POST", path: "/v1/" + proposal + ":accept", body: map[string]any{}, allow: producer, mode: authorized},
		{rpc: "DeclineProposal", method: "POST", path: "/v1/" + proposal + ":decline", body: map[string]any{"reason": "x"}, allow: producer, mode: authorized},
		{rpc: "CancelProposal", method: "POST", path: "/v1/" + proposal + ":cancel", body: map[string]any{"reason": "x"}, allow: buyer, mode: authorized},
		// webhooks: the organisation (its people and API keys) and operators
		{rpc: "CreateWebhook", method: "POST", path: "/v1/" + biz + "/webhooks", body: hookBody, allow: buyer},
		{rpc: "CreateWebhook", method: "POST", path: "/v1/" + coop + "/webhooks", body: hookBody, allow: producer},
		{rpc: "GetWebhook", method: "GET", path: "/v1/" + hook, allow: buyer},
		{rpc: "ListWebhooks", method: "GET", path: "/v1/" + biz + "/webhooks", allow: buyer, mode: listed, listKey: "webhooks"},
		{rpc: "UpdateWebhook", method: "PATCH", path: "/v1/" + hook + "?update_mask=description", body: map[string]any{"description": "ERP"}, allow: buyer},
		{rpc: "DisableWebhook", method: "POST", path: "/v1/" + hook + ":disable", body: map[string]any{}, allow: buyer},
		{rpc: "EnableWebhook", method: "POST", path: "/v1/" + hook + ":enable", body: map[string]any{}, allow: buyer},
		{rpc: "RotateWebhookSecret", method: "POST", path: "/v1/" + hook + ":rotateSecret", body: map[string]any{}, allow: buyer},
		{rpc: "TestWebhook", method: "POST", path: "/v1/" + hook + ":test", body: map[string]any{}, allow: buyer},
		{rpc: "ListWebhookDeliveries", method: "GET", path: "/v1/" + hook + "/deliveries", allow: buyer, mode: listed, listKey: "deliveries"},
		{rpc: "GetWebhookDelivery", method: "GET", path: "/v1/" + hookDelivery, allow: buyer},
		{rpc: "ReplayWebhookDelivery", method: "POST", path: "/v1/" + hookDelivery + ":replay", body: map[string]any{}, allow: buyer, mode: authorized}, // a test delivery is not replayed: 400 past authorization
		{rpc: "ReplayWebhookDeliveries", method: "POST", path: "/v1/" + hook + ":replay", body: map[string]any{"start_time": "2026-01-01T00:00:00Z"}, allow: buyer},
		{rpc: "DeleteWebhook", method: "DELETE", fresh: freshHook, allow: buyer},
		// support: programmes, calls, projects, milestones, disbursements
		{rpc: "ListProgrammes", method: "GET", path: "/v1/programmes", allow: all, mode: listed, listKey: "programmes"},
		{rpc: "GetProgramme", method: "GET", path: "/v1/programmes/ntp-sedema", allow: all},
		{rpc: "GetProgrammeReport", method: "GET", path: "/v1/programmes/ntp-sedema/report", allow: []string{"admin", "official", "official-other", "province", "province-other"}},
		{rpc: "CreateCall", method: "POST", path: "/v1/calls", body: map[string]any{"investor": sup.investor, "display_name": "Đợt 2", "programme": "programmes/ntp-sedema",
			"project_types": []string{"PROJECT_TYPE_LIVELIHOOD"}, "budget_vnd": "1000000", "submission_window": map[string]any{"start_date": supportDay(0), "end_date": supportDay(9)}}, allow: []string{"admin", "province"}},
		{rpc: "GetCall", method: "GET", path: "/v1/" + sup.call, allow: all},
		{rpc: "GetCall", method: "GET", path: "/v1/" + sup.draftCall, allow: []string{"admin", "province"}}, // a draft is the investor's (and the province's)
		{rpc: "ListCalls", method: "GET", path: "/v1/calls", allow: all, mode: listed, listKey: "calls"},
		{rpc: "UpdateCall", method: "PATCH", path: "/v1/" + sup.draftCall + "?update_mask=description", body: map[string]any{"description": "Ưu tiên vùng đồng bào DTTS"}, allow: []string{"admin", "province"}},
		{rpc: "PublishCall", method: "POST", path: "/v1/" + sup.draftCall + ":publish", body: map[string]any{}, allow: []string{"admin", "province"}, mode: authorized},
		{rpc: "ListCallEvents", method: "GET", path: "/v1/" + sup.call + "/events", allow: []string{"admin", "province"}, mode: listed, listKey: "events"},
		{rpc: "GetCallReport", method: "GET", path: "/v1/" + sup.call + "/report", allow: []string{"admin", "province"}},
		{rpc: "CreateProject", method: "POST", path: "/v1/projects", body: map[string]any{"call": sup.call, "owner": coop, "proposal": sup.proposal}, allow: []string{"admin", "producer"}},
		{rpc: "GetProject", method: "GET", path: "/v1/" + sup.draft, allow: []string{"admin", "producer"}}, // a draft is the owner's own
		{rpc: "GetProject", method: "GET", path: "/v1/" + sup.inProgress, allow: seeProject},
		{rpc: "ListProjects", method: "GET", path: "/v1/projects?filter=" + url.QueryEscape(`state != "PROJECT_STATE_DRAFT"`), allow: seeProject, mode: listed, listKey: "projects"},
		{rpc: "UpdateProject", method: "PATCH", path: "/v1/" + sup.draft + "?update_mask=proposal.display_name", body: map[string]any{"proposal": map[string]any{"display_name": "Chuỗi quế Châu Quế"}}, allow: []string{"admin", "producer"}},
		{rpc: "ValidateProject", method: "POST", path: "/v1/" + sup.draft + ":validate", body: map[string]any{}, allow: []string{"admin", "producer"}},
		{rpc: "SubmitProject", method: "POST", path: "/v1/" + sup.draft + ":submit", body: map[string]any{}, allow: []string{"admin", "producer"}, mode: authorized},
		{rpc: "ScoreProject", method: "POST", path: "/v1/" + sup.submitted + ":score", body: matrixScore, allow: []string{"official-other"}}, // the council only, not an operator
		{rpc: "AppraiseProject", method: "POST", path: "/v1/" + sup.submitted + ":appraise", body: map[string]any{}, allow: investor, mode: authorized},
		{rpc: "RejectProject", method: "POST", path: "/v1/" + sup.submitted + ":reject", body: map[string]any{"reason": "Chưa khả thi"}, allow: investor, mode: authorized},
		{rpc: "ApproveProject", method: "POST", path: "/v1/" + sup.submitted + ":approve", body: map[string]any{"decision_reference": "QĐ 2"}, allow: investor, mode: authorized},
		{rpc: "StartProject", method: "POST", path: "/v1/" + sup.submitted + ":start", body: map[string]any{}, allow: []string{"producer", "province"}, mode: authorized}, // the owner or the investor
		{rpc: "EvaluateMilestone", method: "POST", path: "/v1/" + sup.inProgress + "/milestones/m1:evaluate", body: map[string]any{}, allow: seeProject},
		{rpc: "VerifyMilestone", method: "POST", path: "/v1/" + sup.inProgress + "/milestones/m1:verify", body: map[string]any{}, allow: investor, mode: authorized},
		{rpc: "ListDisbursements", method: "GET", path: "/v1/" + sup.inProgress + "/disbursements", allow: seeProject},
		{rpc: "CreateSpendingReport", method: "POST", path: "/v1/" + sup.inProgress + "/spendingReports", body: map[string]any{"report_date": supportDay(0), "document_reference": "HĐ 1",
			"lines": []any{map[string]any{"category": "SUPPORT_CATEGORY_TRAINING", "amount_vnd": "1000"}}}, allow: []string{"admin", "producer"}},
		{rpc: "ListSpendingReports", method: "GET", path: "/v1/" + sup.inProgress + "/spendingReports", allow: seeProject, mode: listed, listKey: "spending_reports"},
		{rpc: "CreateActivity", method: "POST", path: "/v1/" + sup.inProgress + "/activities", body: map[string]any{"kind": "ACTIVITY_KIND_TRAINING", "milestone": "m2", "activity_date": supportDay(0),
			"attendance": 12, "document_reference": "DS 1"}, allow: []string{"admin", "producer"}},
		{rpc: "ListActivities", method: "GET", path: "/v1/" + sup.inProgress + "/activities", allow: seeProject, mode: listed, listKey: "activities"},
		{rpc: "ListProjectEvents", method: "GET", path: "/v1/" + sup.inProgress + "/events", allow: seeProject, mode: listed, listKey: "events"},
		{rpc: "AmendProject", method: "POST", path: "/v1/" + sup.inProgress + ":amend", body: map[string]any{"proposal": sup.proposal, "reason": "Điều chỉnh"}, allow: []string{"admin", "producer"}, mode: authorized},
		{rpc: "RejectAmendment", method: "POST", path: "/v1/" + sup.inProgress + ":rejectAmendment", body: map[string]any{"reason": "Chưa rõ"}, allow: investor, mode: authorized},
		{rpc: "ApproveAmendment", method: "POST", path: "/v1/" + sup.inProgress + ":approveAmendment", body: map[string]any{"decision_reference": "QĐ 3"}, allow: investor, mode: authorized},
		{rpc: "CompleteProject", method: "POST", path: "/v1/" + sup.inProgress + ":complete", body: map[string]any{}, allow: investor, mode: authorized},
		{rpc: "CloseProject", method: "POST", path: "/v1/" + sup.inProgress + ":close", body: map[string]any{"reason": "Dừng"}, allow: investor, mode: authorized},
		{rpc: "CloseCall", method: "POST", path: "/v1/" + sup.call + ":close", body: map[string]any{"reason": "Hết hạn"}, allow: []string{"admin", "province"}, mode: authorized},
		// Last: they change the ACTIVE contract for good (an amendment pending signatures, then
		// terminated).
		{rpc: "AmendContract", method: "POST", path: "/v1/" + contract + ":amend", body: func() any {
			now := s.must(s.call("GET", "/v1/"+contract, admin, nil), 200) // the current etag: the rows above changed the contract
			return map[string]any{"terms": now.get("terms"), "reason": "Điều chỉnh lịch giao", "etag": now.str("etag")}
		}, allow: edit, mode: authorized},
		// Signing and witnessing the amendment that the row above opened.
		{rpc: "SignContract", method: "POST", path: "/v1/" + contract + ":sign", body: func() any { return map[string]any{"party": "PARTY_BUYER", "terms_hash": amendmentHash()} }, allow: []string{"business"}, mode: authorized}, // a signature is a person's act: not an operator's, not an API key's
		{rpc: "SignContract", method: "POST", path: "/v1/" + contract + ":sign", body: func() any {
			return map[string]any{"party": "PARTY_HOUSEHOLD", "household": hh, "terms_hash": amendmentHash()}
		}, allow: []string{"household"}, mode: authorized}, // no mandate: only the household itself
		{rpc: "SignContract", method: "POST", path: "/v1/" + contract + ":sign", body: func() any {
			return map[string]any{"party": "PARTY_HOUSEHOLD", "household": fx.Households[2], "terms_hash": amendmentHash()}
		}, allow: []string{"producer"}, mode: authorized}, // signed by the producer under the recorded mandate
		{rpc: "WitnessContract", method: "POST", path: "/v1/" + contract + ":witness", body: func() any { return map[string]any{"terms_hash": amendmentHash()} }, allow: []string{"official"}, mode: authorized},
		{rpc: "RejectWitnessContract", method: "POST", path: "/v1/" + contract + ":rejectWitness", body: map[string]any{"reason": "Thiếu chữ ký"}, allow: []string{"official"}, mode: authorized},
		{rpc: "ResumeContract", method: "POST", path: "/v1/" + contract + ":resume", body: map[string]any{"reason": "Hết bão"}, allow: []string{"official"}, mode: authorized}, // the commune ends a suspension
		{rpc: "TerminateContract", method: "POST", path: "/v1/" + contract + ":terminate", body: map[string]any{"reason": "Chấm dứt"}, allow: edit, mode: authorized},
	}
	rows = append(rows, depthRows(s, coop, hh, fx.WitnessCommune, coopTok, admin)...)
	// CreateMembership needs a fresh household per caller, in the body.
	for i := range rows {
		if rows[i].rpc == "CreateMembership" {
			rows[i].fresh = nil
			rows[i].body = func() any { return map[string]any{"household": freshHousehold()} }
		}
	}

	// Every RPC with an HTTP binding has at least one row (VerifyApiKey, LookupIdentity,
	// RecordContractParties, VerifyContract and EventSourceService's are gRPC-only: below).
	covered := map[string]bool{"VerifyApiKey": true, "LookupIdentity": true, "RecordContractParties": true, "VerifyContract": true, "PullEvents": true, "AckEvents": true}
	for _, r := range rows {
		covered[r.rpc] = true
	}
	var missing []string
	for _, fd := range []protoreflect.FileDescriptor{registryv1.File_lienket_registry_v1_registry_proto, contractsv1.File_lienket_contracts_v1_contracts_proto,
		matchmakingv1.File_lienket_matchmaking_v1_matchmaking_proto, supportv1.File_lienket_support_v1_support_proto, webhooksv1.File_lienket_webhooks_v1_webhooks_proto} {
		for i := 0; i < fd.Services().Len(); i++ {
			ms := fd.Services().Get(i).Methods()
			for j := 0; j < ms.Len(); j++ {
				if name := string(ms.Get(j).Name()); !covered[name] {
					missing = append(missing, name)
				}
			}
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "RPCs without a row in the authorization matrix")

	for i, r := range rows {
		t.Run(fmt.Sprintf("%02d_%s", i, r.rpc), func(t *testing.T) {
			var failures []string
			unimplemented := false
			allowed := map[string]bool{}
			for _, a := range r.allow {
				allowed[a] = true
			}
			// Denied callers first: a wrongly allowed one-shot call would otherwise hide
			// behind the state an allowed caller left.
			order := append([]string{}, all...)
			sort.SliceStable(order, func(i, j int) bool { return !allowed[order[i]] && allowed[order[j]] })
			for _, name := range order {
				path := r.path
				if r.fresh != nil {
					path = r.fresh()
				}
				body := r.body
				if f, isFn := body.(func() any); isFn {
					body = f()
				}
				res := s.call(r.method, path, tokens[name], body)
				if os.Getenv("MATRIX_DEBUG") != "" {
					t.Logf("%s %s as %s: %d %s", r.method, path, name, res.code, truncate(res.raw, 400))
				}
				desc := fmt.Sprintf("%s %s as %s: %d %s", r.method, path, name, res.code, truncate(res.raw, 300))
				denied := res.code == http.StatusForbidden || res.code == http.StatusNotFound
				switch {
				case res.code == http.StatusNotImplemented:
					unimplemented = true
				case res.code >= 500:
					failures = append(failures, "5xx: "+desc)
				case allowed[name] && r.mode == listed && (res.code >= 300 || len(res.list(r.listKey)) == 0):
					failures = append(failures, "should list the fixture: "+desc)
				case allowed[name] && r.mode == ok && res.code >= 300:
					failures = append(failures, "should be allowed: "+desc)
				case allowed[name] && r.mode == authorized && (res.code == 401 || denied):
					failures = append(failures, "should pass authorization: "+desc)
				case !allowed[name] && r.mode == listed && !denied && !(res.code < 300 && len(res.list(r.listKey)) == 0):
					failures = append(failures, "should be denied (403/404 or an empty page): "+desc)
				case !allowed[name] && r.mode != listed && !denied:
					failures = append(failures, "should be denied (403/404): "+desc)
				}
			}
			switch {
			case unimplemented:
				t.Fatalf("%s answers 501: every RPC with a REST binding must be implemented", r.rpc)
			case r.defect != "" && len(failures) == 0:
				t.Fatalf("the known defect %q is fixed: remove the note from the row", r.defect)
			case r.defect != "":
				t.Logf("KNOWN DEFECT: %s\n\t%s", r.defect, strings.Join(failures, "\n\t"))
			default:
				require.Empty(t, failures, "authorization:\n%s", strings.Join(failures, "\n"))
			}
		})
	}

	// Every caller's own report (no scope named) holds the fixture's contracts when they are
	// the caller's, and nothing when they are another commune's, province's or organisation's;
	// households have no reports.
	t.Run("own_reports", func(t *testing.T) {
		mine := map[string]bool{"admin": true, "business": true, "producer": true, "official": true, "province": true, "partner": true}
		for _, name := range all {
			res := s.call("GET", "/v1/contracts:report?start_month=2026-01&end_month=2026-12", tokens[name], nil)
			switch {
			case strings.HasPrefix(name, "household"):
				require.Equal(t, http.StatusForbidden, res.code, "%s: %s", name, res.raw)
				continue
			case res.code == http.StatusNotFound && (name == "official-other" || name == "province-other"):
				continue // their area is not in the registry's list: no report of it
			}
			require.Equal(t, http.StatusOK, res.code, "%s: %s", name, res.raw)
			contracts := res.str("total", "contracts")
			if !mine[name] {
				require.Contains(t, []string{"", "0"}, contracts, "%s sees nothing of another's contracts: %s", name, truncate(res.raw, 400))
				require.Empty(t, res.list("by_area"), name)
				continue
			}
			require.NotContains(t, []string{"", "0"}, contracts, "%s sees its contracts", name)
			if name == "official" {
				for _, l := range res.list("by_area") {
					require.Equal(t, fx.WitnessCommune, l["key"], "a commune's report is of its commune only")
				}
			}
		}
		// Demands: the buyer's own report holds its demands; another business's holds none.
		for name, want := range map[string]bool{"business": true, "partner": true, "business-other": false, "partner-other": false} {
			res := s.must(s.call("GET", "/v1/demands:report", tokens[name], nil), 200)
			require.Equal(t, want, !slices.Contains([]string{"", "0"}, res.str("total", "posted")), "%s: %s", name, truncate(res.raw, 300))
		}
		for _, name := range []string{"household", "household-other"} {
			require.Equal(t, http.StatusForbidden, s.call("GET", "/v1/demands:report", tokens[name], nil).code)
		}
	})

	// VerifyApiKey has no REST binding: only services (the gateway) and operators may call it
	// over gRPC.
	secret := s.must(s.call("POST", "/v1/"+biz+"/apiKeys", bizTok, map[string]any{"display_name": "ERP"}), 200).str("secret")
	for _, name := range all {
		c := registryv1.NewRegistryServiceClient(testkit.Dial(t, s.registry, tokens[name]))
		_, err := c.VerifyApiKey(context.Background(), &registryv1.VerifyApiKeyRequest{Secret: secret})
		if name == "admin" { // operators are privileged like services
			require.NoError(t, err)
			continue
		}
		require.Equal(t, codes.PermissionDenied, status.Code(err), "VerifyApiKey as %s: %v", name, err)
	}
	svc := registryv1.NewRegistryServiceClient(testkit.Dial(t, s.registry, s.token(auth.Principal{Subject: "services/gateway", Role: auth.RoleService})))
	k, err := svc.VerifyApiKey(context.Background(), &registryv1.VerifyApiKeyRequest{Secret: secret})
	require.NoError(t, err)
	require.Equal(t, biz, k.GetOrganization())

	// LookupIdentity has no REST binding: the service role only (the gateway's token
	// exchange), not even operators.
	identity := &registryv1.Identity{Issuer: "https://id.lienket.test", Subject: "matrix"}
	s.must(s.call("POST", "/v1/users", admin, map[string]any{"display_name": "Người đăng nhập", "phone": "0912 345 678",
		"identities": []any{map[string]any{"issuer": identity.Issuer, "subject": identity.Subject}}}), 200)
	for _, name := range all {
		c := registryv1.NewRegistryServiceClient(testkit.Dial(t, s.registry, tokens[name]))
		_, err := c.LookupIdentity(context.Background(), &registryv1.LookupIdentityRequest{Identity: identity})
		require.Equal(t, codes.PermissionDenied, status.Code(err), "LookupIdentity as %s: %v", name, err)
	}
	u, err := svc.LookupIdentity(context.Background(), &registryv1.LookupIdentityRequest{Identity: identity})
	require.NoError(t, err)
	require.Equal(t, "Người đăng nhập", u.GetDisplayName())

	// RecordContractParties has no REST binding: the service role only (the contracts
	// service), since the parties it records see each other's contact details.
	record := &registryv1.RecordContractPartiesRequest{Contract: contract, Parties: []string{biz, "organizations/intruder"}}
	for _, name := range all {
		c := registryv1.NewRegistryServiceClient(testkit.Dial(t, s.registry, tokens[name]))
		_, err := c.RecordContractParties(context.Background(), record)
		require.Equal(t, codes.PermissionDenied, status.Code(err), "RecordContractParties as %s: %v", name, err)
	}
	_, err = svc.RecordContractParties(context.Background(), &registryv1.RecordContractPartiesRequest{Contract: contract, Parties: []string{"contracts/x"}})
	require.Equal(t, "RESOURCE_NAME", apierr.FieldViolations(err)[0].GetReason())
	// VerifyContract has no REST binding (the public /verify page calls it): services and
	// operators only.
	for _, name := range all {
		c := contractsv1.NewContractsServiceClient(testkit.Dial(t, s.contracts, tokens[name]))
		_, err := c.VerifyContract(context.Background(), &contractsv1.VerifyContractRequest{Name: contract})
		if name == "admin" {
			require.NoError(t, err)
			continue
		}
		require.Equal(t, codes.PermissionDenied, status.Code(err), "VerifyContract as %s: %v", name, err)
	}
	vc := contractsv1.NewContractsServiceClient(testkit.Dial(t, s.contracts, s.token(auth.Principal{Subject: "services/gateway", Role: auth.RoleService})))
	_, err = vc.VerifyContract(context.Background(), &contractsv1.VerifyContractRequest{Name: contract})
	require.NoError(t, err)

	// EventSourceService (contracts, matchmaking) has no REST binding: the service role only
	// (the webhooks service pulls partner events), not even operators.
	for _, addr := range []string{s.contracts, s.matchmaking} {
		for _, name := range all {
			c := webhooksv1.NewEventSourceServiceClient(testkit.Dial(t, addr, tokens[name]))
			_, err := c.PullEvents(context.Background(), &webhooksv1.PullEventsRequest{PageSize: 1})
			require.Equal(t, codes.PermissionDenied, status.Code(err), "PullEvents as %s: %v", name, err)
			_, err = c.AckEvents(context.Background(), &webhooksv1.AckEventsRequest{Ids: []string{"x"}})
			require.Equal(t, codes.PermissionDenied, status.Code(err), "AckEvents as %s: %v", name, err)
		}
		c := webhooksv1.NewEventSourceServiceClient(testkit.Dial(t, addr, s.token(auth.Principal{Subject: "services/webhooks", Role: auth.RoleService})))
		_, err := c.PullEvents(context.Background(), &webhooksv1.PullEventsRequest{PageSize: 1})
		require.NoError(t, err)
	}
	_, _ = admin, official
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

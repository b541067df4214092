package e2e_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// TestWhatTheMarketplaceShows: the rules of the README's "Who sees what", field by field,
// from a real contract made by the story (business ↔ cooperative, witnessed by the
// cooperative's commune). Access rules per role are in the authorization matrix.
func TestWhatTheMarketplaceShows(t *testing.T) {
	s := start(t, server.Config{})
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	fx, err := story.Active(s.url, mint, func(string) {})
	require.NoError(t, err)
	admin := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	business := s.token(auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: fx.Business})
	coop := s.token(auth.Principal{Subject: "users/c", Role: auth.RoleProducer, Organization: fx.Cooperative})
	member := s.token(auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: fx.Households[0]})
	official := s.token(auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: fx.WitnessCommune})
	otherOfficial := s.token(auth.Principal{Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: "00004"})
	rival := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_BUSINESS", "display_name": "Công ty Đối Thủ", "tax_code": "0100109106", "address": map[string]any{"commune_code": "00004"}}), 200).str("name")
	rivalTok := s.token(auth.Principal{Subject: "users/r", Role: auth.RoleBusiness, Organization: rival})
	stranger := s.must(s.call("POST", "/v1/organizations", admin, map[string]any{"kind": "KIND_COOPERATIVE", "display_name": "HTX Khác", "tax_code": "0300588569", "address": map[string]any{"commune_code": fx.WitnessCommune}}), 200).str("name")
	strangerTok := s.token(auth.Principal{Subject: "users/s", Role: auth.RoleProducer, Organization: stranger})

	t.Run("contact details: the organisation, operators, officials of its area and its contracts' parties", func(t *testing.T) {
		s.must(s.call("PATCH", "/v1/"+fx.Cooperative+"?update_mask=legal_representative,address.line", admin, map[string]any{
			"legal_representative": map[string]any{"name": "Triệu Văn Minh", "position": "Chủ nhiệm", "phone": "0912345678"},
			"address":              map[string]any{"line": "Thôn Khe Quế", "commune_code": fx.WitnessCommune}}), 200)
		for who, tok := range map[string]string{"the cooperative": coop, "an operator": admin, "the commune's official": official, "the buyer of its contract": business, "a household of its contract": member} {
			r := s.must(s.call("GET", "/v1/"+fx.Cooperative, tok, nil), 200)
			require.Equal(t, "+84912345678", r.str("legal_representative", "phone"), who)
			require.Equal(t, "Thôn Khe Quế", r.str("address", "line"), who)
			require.Nil(t, r.get("contact_withheld"), who)
		}
		for who, tok := range map[string]string{"another business": rivalTok, "another cooperative": strangerTok, "another commune's official": otherOfficial} {
			r := s.must(s.call("GET", "/v1/"+fx.Cooperative, tok, nil), 200)
			require.Nil(t, r.get("legal_representative"), who)
			require.Empty(t, r.str("address", "line"), who)
			require.Equal(t, true, r.get("contact_withheld"), who)
			require.Equal(t, "HTX Quế Châu Quế", r.str("display_name"), "%s: the name stays public", who)
			require.NotEmpty(t, r.str("tax_code"), who)
			require.Equal(t, fx.WitnessCommune, r.str("address", "commune_code"), who)
		}
		listed := false // an area's organisations (the whole country's is an export for operators)
		for _, o := range s.must(s.call("GET", "/v1/organizations?filter="+url.QueryEscape(`commune_code = "`+fx.WitnessCommune+`"`), rivalTok, nil), 200).list("organizations") {
			if o["name"] == fx.Cooperative {
				listed = true
				require.Nil(t, o["legal_representative"], "withheld in lists too")
			}
		}
		require.True(t, listed, "the cooperative is listed in its commune")
	})

	t.Run("demands: not to other buyers", func(t *testing.T) {
		require.Equal(t, http.StatusNotFound, s.call("GET", "/v1/"+fx.Demand, rivalTok, nil).code)
		require.Equal(t, http.StatusNotFound, s.call("GET", "/v1/"+fx.Demand+"/proposals", rivalTok, nil).code, "another business's proposals list is 404, not an empty 200")
		require.Equal(t, http.StatusNotFound, s.call("POST", "/v1/"+fx.Demand+":match", rivalTok, map[string]any{}).code)
		for _, d := range s.must(s.call("GET", "/v1/demands", rivalTok, nil), 200).list("demands") {
			require.NotEqual(t, fx.Demand, d["name"])
		}
		s.must(s.call("GET", "/v1/"+fx.Demand, business, nil), 200)
		s.must(s.call("GET", "/v1/"+fx.Demand, coop, nil), 200) // it made a proposal for it
		require.Equal(t, http.StatusNotFound, s.call("GET", "/v1/"+fx.Demand, strangerTok, nil).code, "no longer open, and no proposal of its own")
	})

	t.Run("offers: counts and shares to buyers, the households only through an accepted proposal", func(t *testing.T) {
		own := s.must(s.call("GET", "/v1/"+fx.Offer, coop, nil), 200)
		require.Len(t, own.get("households"), len(fx.Households))
		accepted := s.must(s.call("GET", "/v1/"+fx.Offer, business, nil), 200)
		require.Len(t, accepted.get("households"), len(fx.Households), "the buyer whose proposal was accepted")
		require.Nil(t, accepted.get("households_withheld"))
		r := s.must(s.call("GET", "/v1/"+fx.Offer, rivalTok, nil), 200)
		require.Nil(t, r.get("households"), "another buyer")
		require.Equal(t, true, r.get("households_withheld"))
		require.EqualValues(t, len(fx.Households), r.get("household_count"))
		require.EqualValues(t, 10000, r.get("poor_share_bps"), "the story's households are all poor")
		for _, o := range s.must(s.call("GET", "/v1/offers?filter="+url.QueryEscape(`product = "products/cinnamon-bark"`), rivalTok, nil), 200).list("offers") {
			require.Nil(t, o["households"], "withheld in lists too")
		}
		require.Equal(t, http.StatusNotFound, s.call("GET", "/v1/"+fx.Offer, strangerTok, nil).code, "not to other producers")
		require.Equal(t, http.StatusForbidden, s.call("GET", "/v1/offers?filter="+url.QueryEscape(`product = "products/cinnamon-bark"`), member, nil).code, "households act through their organisation")
	})
}

// TestContractHouseholds: the households of a contract, listed by the contract's parties — the
// producer sees them whole, the buyer their names and places only —, never by others.
func TestContractHouseholds(t *testing.T) {
	s := start(t, server.Config{})
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	fx, err := story.Active(s.url, mint, func(string) {})
	require.NoError(t, err)
	path := "/v1/households?filter=" + url.QueryEscape(`contract = "`+fx.Contract+`"`)
	buyer := s.must(s.call("GET", path, s.token(auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: fx.Business}), nil), 200).list("households")
	require.Len(t, buyer, len(fx.Households))
	for _, h := range buyer {
		require.NotEmpty(t, h["head_name"], "the buyer sees who delivers")
		require.Equal(t, true, h["details_withheld"])
		for _, private := range []string{"phone", "poverty_status", "ethnic_group", "national_id_last4", "member_count", "consent", "head_gender"} {
			require.Nil(t, h[private], "%s is withheld from the buyer", private)
		}
	}
	producer := s.must(s.call("GET", path, s.token(auth.Principal{Subject: "users/c", Role: auth.RoleProducer, Organization: fx.Cooperative}), nil), 200).list("households")
	require.Len(t, producer, len(fx.Households))
	require.NotNil(t, producer[0]["poverty_status"], "the producer sees its members whole")
	require.Nil(t, producer[0]["details_withheld"])
	rival := s.must(s.call("POST", "/v1/organizations", s.token(auth.Principal{Subject: "users/a", Role: auth.RoleAdmin}), map[string]any{"kind": "KIND_BUSINESS", "display_name": "Đối thủ", "tax_code": "0100109106", "address": map[string]any{"commune_code": places.BaDinh}}), 200).str("name")
	none := s.must(s.call("GET", path, s.token(auth.Principal{Subject: "users/r", Role: auth.RoleBusiness, Organization: rival}), nil), 200).list("households")
	require.Empty(t, none, "not a party: nothing")
	own := s.must(s.call("GET", path, s.token(auth.Principal{Subject: "users/h", Role: auth.RoleHousehold, Household: fx.Households[0]}), nil), 200).list("households")
	require.Len(t, own, 1, "a household sees itself only")
	r := s.call("GET", "/v1/households?filter="+url.QueryEscape(`contract = "`+fx.Contract+`" AND organization = "`+fx.Cooperative+`"`), s.token(auth.Principal{Subject: "users/c", Role: auth.RoleProducer, Organization: fx.Cooperative}), nil)
	require.Equal(t, http.StatusBadRequest, r.code)
}

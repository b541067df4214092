package e2e_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// TestOfficialUnitsOverREST: the registry serves the official units in force since 1 July
// 2025: 34 provinces and 3,321 communes.
func TestOfficialUnitsOverREST(t *testing.T) {
	s := start(t, server.Config{})
	tok := s.token(auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/b"})
	provinces := s.must(s.call("GET", "/v1/adminAreas?filter=level=PROVINCE&page_size=100", tok, nil), 200).list("admin_areas")
	require.Len(t, provinces, 34)
	communes, token := 0, ""
	for {
		r := s.must(s.call("GET", "/v1/adminAreas?page_size=500&filter="+url.QueryEscape("level=COMMUNE")+"&page_token="+url.QueryEscape(token), tok, nil), 200)
		communes += len(r.list("admin_areas"))
		if token = r.str("next_page_token"); token == "" {
			break
		}
	}
	require.Equal(t, 3321, communes)
	a := s.must(s.call("GET", "/v1/adminAreas/"+places.ChauQue, tok, nil), 200)
	require.Equal(t, "Xã Châu Quế", a.str("display_name"))
	require.Equal(t, "KIND_COMMUNE", a.str("kind"))
}

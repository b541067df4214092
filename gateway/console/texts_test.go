package console

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSectionsInEnglish: the webhook, plot and certification pages switch to English with the
// rest of the console, enum labels and the event catalogue included.
func TestSectionsInEnglish(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	b := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	en := &http.Cookie{Name: "lienket_lang", Value: "en"}
	get := func(path string) string {
		req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		require.NoError(t, err)
		req.AddCookie(en)
		pg := b.do(req)
		require.Equal(t, http.StatusOK, pg.code, pg.body)
		return pg.body
	}
	for path, want := range map[string][]string{
		"/console/members/" + strings.TrimPrefix(w.households[0], "households/") + "/plots": {"Production plots", "The household has no plot yet.", "Land-use rights certificate", "Boundary (GeoJSON)"},
		"/console/certifications": {"Certifications", "Request a certification", "Recorded", "Certificate number"},
		"/console/webhooks":       {"Webhooks", "Create a webhook", "The contract takes effect", "How to verify a signature"},
	} {
		body := get(path)
		require.Contains(t, body, `<html lang="en">`)
		for _, x := range want {
			require.Contains(t, body, x, path)
		}
	}
}

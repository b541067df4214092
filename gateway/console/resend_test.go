package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// TestCreateFormsSendRequestIDs: the forms that create a webhook, a plot and a certification
// carry a request id of their own, and a form sent twice as the page gave it (a double click, a
// browser resending after a lost answer) creates one thing: the services see the same id.
func TestCreateFormsSendRequestIDs(t *testing.T) {
	s := newSuite(t)
	w := s.world(1)
	ctx := context.Background()
	// twice posts the form at action on the page at path, as the page filled it and with set,
	// two times; it returns the two answers' codes.
	twice := func(b *browser, path, action string, set url.Values) [2]int {
		t.Helper()
		pg := b.get(path)
		require.Equal(t, http.StatusOK, pg.code, pg.body)
		form := formValues(pg.body, action)
		require.True(t, strings.HasPrefix(form.Get("request_id"), "console-"), "the form at %s has a request id: %v", action, form)
		require.NotEqual(t, form.Get("request_id"), formValues(b.get(path).body, action).Get("request_id"), "each page its own")
		for k, v := range set {
			form[k] = v
		}
		return [2]int{b.post(action, form).code, b.post(action, form).code}
	}

	// The cooperative's plot and certification request.
	coop := s.signedIn(w.producer(), "Triệu Văn Minh", true)
	lng, lat := s.centre(places.ChauQue)
	plots := "/console/members/" + strings.TrimPrefix(w.households[0], "households/") + "/plots"
	require.Equal(t, [2]int{http.StatusSeeOther, http.StatusSeeOther}, twice(coop, plots, plots, url.Values{"geojson": {squareJSON(lng, lat, 80)}}))
	ps, err := s.reg.ListPlots(ctx, &registryv1.ListPlotsRequest{Parent: w.households[0]}, s.admin)
	require.NoError(t, err)
	require.Len(t, ps.GetPlots(), 1, "one plot from a form sent twice")

	codes := twice(coop, "/console/certifications", "/console/certifications", url.Values{"number": {"VG-TWICE"}, "issuer": {"QUACERT"}})
	require.Equal(t, [2]int{http.StatusSeeOther, http.StatusSeeOther}, codes)
	cs, err := s.reg.ListCertifications(ctx, &registryv1.ListCertificationsRequest{Parent: w.coop}, s.admin)
	require.NoError(t, err)
	n := 0
	for _, c := range cs.GetCertifications() {
		if c.GetNumber() == "VG-TWICE" {
			n++
		}
	}
	require.Equal(t, 1, n, "one request from a form sent twice")

	// The business administrator's webhook.
	boss := s.person("Phạm Thị Thu", &registryv1.Grant{Role: registryv1.Grant_ROLE_BUSINESS, Organization: w.business, Administrator: true})
	b := s.signedIn(auth.Principal{Subject: boss, Role: auth.RoleBusiness, Organization: w.business}, "Phạm Thị Thu", true)
	rc := newReceiver(t)
	require.Equal(t, [2]int{http.StatusOK, http.StatusOK}, twice(b, "/console/webhooks", "/console/webhooks", url.Values{"url": {rc.URL + "/hooks"}}))
	hooks := webhooksv1.NewWebhooksServiceClient(testkit.Dial(t, s.conns[4].Target(), ""))
	list, err := hooks.ListWebhooks(ctx, &webhooksv1.ListWebhooksRequest{Parent: w.business}, s.admin)
	require.NoError(t, err)
	require.Len(t, list.GetWebhooks(), 1, "one webhook from a form sent twice")
}

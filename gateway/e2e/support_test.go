package e2e_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestSupportSeasonOverREST is the support story, over REST only (story.Season): a provincial
// call; a cooperative's value-chain project with two linked contracts; appraisal and approval;
// deliveries under the contracts meet milestone 1 → verification → disbursement of exactly the
// milestone's share; a disbursement beyond 49% of the actual spend is refused; the audit chains
// verify. It runs through the validating proxy (contract_test.go): every request and response
// of the season, the refusals included, matches the published OpenAPI document.
func TestSupportSeasonOverREST(t *testing.T) {
	s := start(t, server.Config{})
	p := newContractProxy(t, s.url)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	mint := func(pr auth.Principal) (string, error) { return s.token(pr), nil }
	require.NoError(t, story.Season(front.URL, mint, func(line string) { t.Log(line) }))
	t.Logf("%d requests and responses checked against the document, %d violations", p.checked, len(p.problems))
	require.Greater(t, p.checked, 60, "the whole season went through the proxy")
	require.Empty(t, p.problems, "\n%s", strings.Join(p.problems, "\n"))
}

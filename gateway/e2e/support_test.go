package e2e_test

import (
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
// verify.
func TestSupportSeasonOverREST(t *testing.T) {
	s := start(t, server.Config{})
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	require.NoError(t, story.Season(s.url, mint, func(line string) { t.Log(line) }))
}

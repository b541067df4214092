package e2e_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestStoryOverREST is the whole story, over REST only (package story): parties registered; a
// business posts a demand; a group posts an offer; match; propose; accept → draft contract;
// complete the terms; submit; sign; witness (another commune's official is refused); advance;
// deliveries; payments; settlement; liquidation; the audit chain verifies.
func TestStoryOverREST(t *testing.T) {
	s := start(t, server.Config{})
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	require.NoError(t, story.Run(s.url, mint, func(line string) { t.Log(line) }))
}

package e2e_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
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

// TestStoriesOnPostgreSQL runs the story and then the support season on one store, as make demo
// does against make run: on the store make run prefers, FerretDB's PostgreSQL handler (its jsonb
// refuses what SQLite keeps, e.g. NUL bytes in strings, and it pushes filters down where SQLite
// scans). The season tells the story again with new parties, so its request ids must be its own
// (the services refuse an id reused with other content).
func TestStoriesOnPostgreSQL(t *testing.T) {
	s := startOn(t, server.Config{}, testkit.PostgresDatabase(t))
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	require.NoError(t, story.Run(s.url, mint, func(line string) { t.Log(line) }))
	require.NoError(t, story.Season(s.url, mint, func(line string) { t.Log(line) }))
}

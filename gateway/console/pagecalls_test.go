package console

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// maxPageCalls is the most backend calls any page of the story may make. The contract page
// needs six (see maxContractPageCalls), and one more (GetAdminArea) the first time the console
// names a commune since it started; list pages need fewer.
const maxPageCalls = 8

var (
	callsRe = regexp.MustCompile(`desc="(\d+) calls"`)
	// idAfter matches a path segment that follows a collection: the resource's id.
	idAfter = regexp.MustCompile(`/(contracts|demands|proposals|deliveries|incidents|households|members|people|grants|apikeys|webhooks|calls|programmes|projects|milestones|plots|certifications)/([^/?]+)`)
)

// pagePattern is a page's path with resource ids replaced by {id} and the query dropped.
func pagePattern(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return idAfter.ReplaceAllStringFunc(path, func(m string) string {
		coll := idAfter.FindStringSubmatch(m)
		switch coll[2] {
		case "new", "edit", "template", "import":
			return m
		}
		return "/" + coll[1] + "/{id}"
	})
}

// recordPage keeps, for a page a role rendered, the most backend calls the console reported
// for it (its Server-Timing header).
func (b *browser) recordPage(path string, p page) {
	m := callsRe.FindStringSubmatch(p.hdr.Get("Server-Timing"))
	if m == nil || p.code != 200 {
		return
	}
	n, _ := strconv.Atoi(m[1])
	key := b.session.Role + " " + pagePattern(path)
	for {
		old, loaded := b.s.pageCalls.LoadOrStore(key, n)
		if !loaded || old.(int) >= n || b.s.pageCalls.CompareAndSwap(key, old, n) {
			return
		}
	}
}

// checkPageCalls writes the calls of every page the test rendered, by role, as a Markdown table
// (test-output/console/calls-per-page.md, or under LIENKET_TEST_OUTPUT) and fails for a page
// above maxPageCalls.
func (s *suite) checkPageCalls(t *testing.T) {
	var rows []string
	s.pageCalls.Range(func(k, v any) bool {
		role, path, _ := strings.Cut(k.(string), " ")
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %d |", path, strings.TrimPrefix(role, "ROLE_"), v.(int)))
		require.LessOrEqual(t, v.(int), maxPageCalls, "%s makes too many backend calls", k)
		return true
	})
	require.NotEmpty(t, rows)
	sort.Strings(rows)
	dir := os.Getenv("LIENKET_TEST_OUTPUT")
	if dir == "" {
		dir = filepath.Join("..", "..", "test-output", "console")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	out := "| page | role | backend calls |\n| --- | --- | --- |\n" + strings.Join(rows, "\n") + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "calls-per-page.md"), []byte(out), 0o644))
	t.Logf("backend calls per page:\n%s", out)
}

func TestPagePattern(t *testing.T) {
	for in, want := range map[string]string{
		"/console/contracts/abc?x=1":        "/console/contracts/{id}",
		"/console/contracts/abc/deliveries": "/console/contracts/{id}/deliveries",
		"/console/demands/new":              "/console/demands/new",
		"/console/demands/d1/proposals/p2":  "/console/demands/{id}/proposals/{id}",
		"/console/members/template":         "/console/members/template",
		"/console/contracts/abc/edit":       "/console/contracts/{id}/edit",
		"/console/inbox":                    "/console/inbox",
	} {
		require.Equal(t, want, pagePattern(in), in)
	}
}

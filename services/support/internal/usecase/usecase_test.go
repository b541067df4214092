package usecase

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/auth"
)

// TestRequestKeys: the idempotency keys kept in a call's or project's journal hold no NUL byte
// (the PostgreSQL-backed store of make run refuses the whole write otherwise: PublishCall with
// a request id failed with INTERNAL), are the same for a retry, and differ by method, caller
// and request id.
func TestRequestKeys(t *testing.T) {
	p := auth.Principal{Subject: "users/a", Role: auth.RoleProvinceOfficial, AdminArea: "15"}
	q := auth.Principal{Subject: "users/b", Role: auth.RoleProvinceOfficial, AdminArea: "15"}
	k := requestKey("PublishCall", p, "r-1")
	require.NotEmpty(t, k)
	require.False(t, strings.ContainsRune(k, 0), "no NUL byte")
	require.Equal(t, k, requestKey("PublishCall", p, "r-1"), "a retry finds its key")
	for _, other := range []string{requestKey("CloseCall", p, "r-1"), requestKey("PublishCall", q, "r-1"), requestKey("PublishCall", p, "r-2")} {
		require.NotEqual(t, k, other)
	}
	require.Empty(t, requestKey("PublishCall", p, ""), "no request id, no key")
}

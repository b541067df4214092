package mongostore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

// TestRequestLedger: a key claimed with one digest is refused with another, let through with
// the same (a retry), and free again once released; of concurrent first claims with different
// digests exactly one wins.
func TestRequestLedger(t *testing.T) {
	ctx := context.Background()
	l := mongostore.NewRequestLedger(testkit.Database(t))
	reused, resp, err := l.Claim(ctx, "k", "d1")
	require.NoError(t, err)
	require.False(t, reused)
	require.Nil(t, resp)
	require.NoError(t, l.Complete(ctx, "k", "d1", []byte("first")))
	require.NoError(t, l.Complete(ctx, "k", "d1", []byte("second")), "the first response stays")
	reused, resp, err = l.Claim(ctx, "k", "d1")
	require.NoError(t, err)
	require.False(t, reused, "a retry")
	require.Equal(t, []byte("first"), resp, "with the first response")
	reused, _, err = l.Claim(ctx, "k", "d2")
	require.NoError(t, err)
	require.True(t, reused, "other content")
	require.NoError(t, l.Release(ctx, "k", "d2"), "releasing another digest is a no-op")
	reused, _, _ = l.Claim(ctx, "k", "d2")
	require.True(t, reused)
	require.NoError(t, l.Release(ctx, "k", "d1"))
	reused, _, _ = l.Claim(ctx, "k", "d2")
	require.False(t, reused, "free after release")

	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reused, _, err := l.Claim(ctx, "race", fmt.Sprint(i))
			if err == nil && !reused {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load())
}

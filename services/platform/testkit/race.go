package testkit

import (
	"sync"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Race runs call(0..n-1) concurrently, calls again (one by one, as a client would retry) those
// that lost to contention (ABORTED), requires every refusal to carry the error reason refused,
// and returns how many succeeded.
func Race(t testing.TB, n int, call func(i int) error, refused string) int {
	t.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = call(i) }()
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		for status.Code(err) == codes.Aborted {
			err = call(i)
		}
		if err == nil {
			ok++
			continue
		}
		if got := apierr.Reason(err); got != refused {
			t.Fatalf("call %d: refused with %q, want %q: %v", i, got, refused, err)
		}
	}
	return ok
}

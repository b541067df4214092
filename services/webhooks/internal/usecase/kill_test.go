package usecase_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// The child: this test binary, started again with childEnv set, runs only a dispatcher over
// the parent's store and database, until it is killed.
const (
	childEnv   = "LIENKET_WEBHOOKS_TEST_CHILD"
	childURI   = "LIENKET_WEBHOOKS_TEST_URI"
	childDB    = "LIENKET_WEBHOOKS_TEST_DB"
	childLease = 5 * time.Second
)

func runChild() int {
	ctx := context.Background()
	c, err := mongostore.Connect(ctx, os.Getenv(childURI), mongostore.WithTimeout(testkit.StoreTimeout))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	f := fixtureOn(&testing.T{}, c.Database(os.Getenv(childDB)), testPolicy)
	cfg := testDispatch
	cfg.Lease = childLease
	f.svc.NewDispatcher(cfg).Run(ctx) // until SIGKILL
	return 0
}

// TestKilledMidDeliveryLosesNothing: a dispatcher process is killed (SIGKILL) while a request
// is in flight; another dispatcher takes its streams over once their leases run out. Every
// event is delivered at least once, each subject's events arrive first in order, and the
// request in flight at the kill is sent again with the same webhook-id (a duplicate the
// receiver recognises).
func TestKilledMidDeliveryLosesNothing(t *testing.T) {
	ctx := context.Background()
	db := testkit.Database(t)
	f := fixtureOn(t, db, testPolicy)
	const perSubject = 25
	subjects := []string{"contracts/k1", "contracts/k2", "contracts/k3", "contracts/k4"}

	// The receiver holds the 30th request it gets until released: the kill comes while that
	// request is in flight.
	var (
		mu       sync.Mutex
		n        int
		held     string
		heldSeen = make(chan struct{})
		release  = make(chan struct{})
	)
	rcv := newReceiver(t, func(id string, _ int) int {
		mu.Lock()
		n++
		hold := n == 30
		if hold {
			held = id
		}
		mu.Unlock()
		if hold {
			close(heldSeen)
			<-release
		}
		return http.StatusOK
	})
	w, secret := f.webhook(rcv.srv.URL, "payment.recorded")
	rcv.setSecret(secret)
	var all []domain.Event
	for _, s := range subjects {
		all = append(all, events(s, "payment.recorded", perSubject)...)
	}
	require.NoError(t, f.svc.Ingest(ctx, all))

	t.Logf("child starts at %s", time.Now().Format("15:04:05.000"))
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), childEnv+"=1", childURI+"="+testkit.StoreURI(t), childDB+"="+db.Name())
	child.Stderr = os.Stderr
	require.NoError(t, child.Start())
	select {
	case <-heldSeen:
	case <-time.After(60 * time.Second):
		_ = child.Process.Kill()
		t.Fatal("the child dispatcher did not get to the 30th request")
	}
	require.NoError(t, child.Process.Signal(syscall.SIGKILL))
	_ = child.Wait()
	close(release) // the killed process never hears the answer
	before := len(rcv.requests())
	t.Logf("killed at %s", time.Now().Format("15:04:05.000"))
	require.Less(t, before, len(subjects)*perSubject, "killed mid-way")

	f.run(testDispatch) // the survivor
	waitFor(t, 60*time.Second, "every event, recorded", func() bool {
		page, err := f.svc.ListDeliveries(ctx, partner, w.Name, `state = "STATE_PENDING"`, 10, "")
		return err == nil && len(page.Items) == 0
	})
	t.Logf("all recorded at %s", time.Now().Format("15:04:05.000"))
	require.Equal(t, len(subjects)*perSubject, rcv.distinct(), "every event delivered")
	got := rcv.requests()
	requireInOrder(t, got, subjects, perSubject)
	require.Zero(t, rcv.badSignatures())
	again := 0
	for _, rc := range got {
		if rc.id == held {
			again++
		}
	}
	require.GreaterOrEqual(t, again, 2, "the request in flight at the kill is sent again, with the same webhook-id")
	t.Logf("killed after %d requests; %d requests in all for %d events (%d duplicates)", before, len(got), len(subjects)*perSubject, len(got)-len(subjects)*perSubject)
}

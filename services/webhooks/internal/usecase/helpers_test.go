package usecase_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/storage"
	"github.com/lienket/lienket/services/webhooks/internal/transport"
	"github.com/lienket/lienket/services/webhooks/internal/usecase"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	testkit.Main(m)
}

// testKey seals the secrets of every test (and of the child dispatcher process).
var testKey = strings.Repeat("test-key-", 5)

// anyOrg is a registry that knows every organisation (the registry itself is tested in its own
// service and in the gateway's end-to-end tests).
type anyOrg struct{}

func (anyOrg) CheckOrganization(context.Context, string) error { return nil }

const org = "organizations/erp"

var partner = auth.Principal{Subject: "apiKeys/k1", Role: auth.RolePartner, Organization: org}

type fixture struct {
	t   *testing.T
	db  *mongo.Database
	st  *storage.Store
	svc *usecase.Service
}

// testPolicy retries fast and never gives up or disables (tests that need either set theirs).
var testPolicy = domain.Policy{RetryBase: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond, MaxAttempts: 1000, DisableAfter: time.Hour, DisableMinFailures: 1000}

func newFixture(t *testing.T, p domain.Policy) *fixture {
	db := testkit.Database(t)
	return fixtureOn(t, db, p)
}

func fixtureOn(t testing.TB, db *mongo.Database, p domain.Policy) *fixture {
	st := storage.New(db)
	require.NoError(t, st.EnsureIndexes(context.Background()))
	kr, err := domain.NewKeyring(testKey)
	require.NoError(t, err)
	svc := usecase.New(usecase.Deps{Store: st, Keys: kr, Registry: anyOrg{}, Policy: p,
		Sender:  transport.NewSender(transport.SenderConfig{AllowInternal: true, Timeout: 2 * time.Second}),
		Targets: domain.Targets{AllowInternal: true}})
	ft, _ := t.(*testing.T)
	return &fixture{t: ft, db: db, st: st, svc: svc}
}

var testDispatch = usecase.DispatchConfig{Workers: 4, Poll: 20 * time.Millisecond, Lease: 5 * time.Second, Batch: 50, PullSize: 100, Retention: 30 * 24 * time.Hour}

// run starts a dispatcher until the test ends (or stop is called).
func (f *fixture) run(cfg usecase.DispatchConfig, sources ...usecase.Source) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.svc.NewDispatcher(cfg, sources...).Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	f.t.Cleanup(stop)
	return stop
}

// webhook creates a webhook of org at url for types and returns it with its secret.
func (f *fixture) webhook(url string, types ...string) (*domain.Webhook, string) {
	w, secret, err := f.svc.CreateWebhook(context.Background(), partner, org, "", domain.Fields{URL: url, EventTypes: types})
	require.NoError(f.t, err)
	return w, secret
}

// events makes n events of subject (positions 1..n), of type typ, for org.
func events(subject, typ string, n int) []domain.Event {
	out := make([]domain.Event, n)
	for i := range out {
		out[i] = domain.Event{ID: fmt.Sprintf("%s/%06d/%s", subject, i+1, typ), Type: typ, Time: time.Now().UTC(), Subject: subject,
			Position: int64(i + 1), Organizations: []string{org}, Data: fmt.Sprintf(`{"subject":%q,"n":%d}`, subject, i+1)}
	}
	return out
}

// received is one request a receiver got.
type received struct {
	id, ts, sig, body string
	at                time.Time
}

// receiver is a partner's endpoint: it checks every request's signature with the Standard
// Webhooks algorithm (written out here with crypto/hmac, not the library the service signs
// with) and answers with status(id, n) for the n-th request carrying webhook-id id.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	got    []received
	count  map[string]int
	status func(id string, n int) int
	badSig int
}

func newReceiver(t *testing.T, status func(id string, n int) int) *receiver {
	r := &receiver{t: t, count: map[string]int{}, status: status}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func ok200(string, int) int { return http.StatusOK }

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rc := received{id: req.Header.Get("webhook-id"), ts: req.Header.Get("webhook-timestamp"), sig: req.Header.Get("webhook-signature"), body: string(body), at: time.Now()}
	r.mu.Lock()
	if !verify(r.secret, rc) {
		r.badSig++
	}
	r.got = append(r.got, rc)
	r.count[rc.id]++
	n := r.count[rc.id]
	status := r.status
	r.mu.Unlock()
	w.WriteHeader(status(rc.id, n))
}

// verify checks a request as the Standard Webhooks specification says a receiver must: one of
// the space-separated "v1,<base64>" signatures equals base64(HMAC-SHA256(key, id.ts.body)),
// where key is the secret after "whsec_", base64-decoded; and the timestamp is recent.
func verify(secret string, rc received) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return false
	}
	ts, err := strconv.ParseInt(rc.ts, 10, 64)
	if err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(rc.id + "." + rc.ts + "." + rc.body))
	want := base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, s := range strings.Fields(rc.sig) {
		if v, sig, ok := strings.Cut(s, ","); ok && v == "v1" && hmac.Equal([]byte(sig), []byte(want)) {
			return true
		}
	}
	return false
}

func (r *receiver) setSecret(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secret = s
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received{}, r.got...)
}

// distinct counts the distinct webhook-ids received.
func (r *receiver) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.count)
}

func (r *receiver) badSignatures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.badSig
}

// waitFor polls cond until it holds or the time is up.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// firstSeen returns, per subject, the positions of its events in the order their first
// request arrived (duplicates skipped).
func firstSeen(t *testing.T, got []received) map[string][]int {
	seen := map[string]bool{}
	out := map[string][]int{}
	for _, rc := range got {
		if seen[rc.id] {
			continue
		}
		seen[rc.id] = true
		var p struct {
			Data struct {
				Subject string `json:"subject"`
				N       int    `json:"n"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(rc.body), &p))
		out[p.Data.Subject] = append(out[p.Data.Subject], p.Data.N)
	}
	return out
}

// requireInOrder: every subject's events arrived first in position order, all n of them.
func requireInOrder(t *testing.T, got []received, subjects []string, n int) {
	t.Helper()
	fs := firstSeen(t, got)
	for _, s := range subjects {
		want := make([]int, n)
		for i := range want {
			want[i] = i + 1
		}
		require.Equal(t, want, fs[s], "subject %s: every event, first received in order", s)
	}
}

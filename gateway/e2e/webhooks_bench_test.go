package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// BenchmarkWebhookCommitToDelivery measures, through the whole suite, the time from a commit
// (an input advance recorded over REST: the call has returned, the contract's conditional write
// and its outbox flush are done) to the arrival of its advance.recorded event at a local
// endpoint: through the contracts feed, the webhooks service's ingestion (polling every 200 ms,
// the default) and its dispatcher. It reports p50 and p99 of that latency, the events per
// second delivered end to end (advance.recorded and settlement.changed, from the first commit
// to the last arrival), and, to compare in the same run, the commit's own duration (p50).
// The store is the package's embedded one (FerretDB on SQLite), or LIENKET_BENCH_MONGODB_URI.
func BenchmarkWebhookCommitToDelivery(b *testing.B) {
	webhookPoll = "200ms"
	defer func() { webhookPoll = "50ms" }()
	db := testkit.Database(b)
	if uri := os.Getenv("LIENKET_BENCH_MONGODB_URI"); uri != "" { // e.g. lienket-store on PostgreSQL, as make run starts it
		db = testkit.DatabaseAt(b, uri)
	}
	s := startOn(b, server.Config{}, db)
	mint := func(p auth.Principal) (string, error) { return s.token(p), nil }
	fx, err := story.Active(s.url, mint, func(string) {})
	if err != nil {
		b.Fatal(err)
	}
	bizTok := s.token(auth.Principal{Subject: "users/biz", Role: auth.RoleBusiness, Organization: fx.Business})
	var (
		mu       sync.Mutex
		arrived  = map[string]time.Time{}
		received int
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body struct {
			Type string
			Data struct{ Resource string }
		}
		_ = json.Unmarshal(raw, &body)
		mu.Lock()
		received++
		if body.Type == "advance.recorded" {
			arrived[body.Data.Resource] = time.Now()
		}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()
	s.must(s.call("POST", "/v1/"+fx.Business+"/webhooks", bizTok, map[string]any{"url": rcv.URL, "event_types": []string{"advance.recorded", "settlement.changed"}}), 200)

	// LIENKET_BENCH_COMMIT_INTERVAL paces the commits (e.g. 300ms): the latency of an
	// unsaturated pipeline; unset, commits go back to back (saturation: queueing included).
	pace, _ := time.ParseDuration(os.Getenv("LIENKET_BENCH_COMMIT_INTERVAL"))
	committed := map[string]time.Time{}
	var commits []time.Duration
	b.ResetTimer()
	first := time.Now()
	for i := 0; i < b.N; i++ {
		time.Sleep(time.Until(first.Add(time.Duration(i) * pace)))
		t0 := time.Now()
		name := s.must(s.call("POST", "/v1/"+fx.Contract+"/inputAdvances", bizTok, map[string]any{"household": fx.Households[0], "advance_date": "2026-03-01",
			"description": "Phân bón", "value_vnd": "1000"}), 200).str("name")
		committed[name] = time.Now()
		commits = append(commits, committed[name].Sub(t0))
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		mu.Lock()
		done := received >= 2*b.N
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d events after 5 minutes", received, 2*b.N)
		}
		time.Sleep(2 * time.Millisecond)
	}
	last := time.Now()
	b.StopTimer()
	var lat []time.Duration
	mu.Lock()
	for name, c := range committed {
		lat = append(lat, arrived[name].Sub(c))
	}
	mu.Unlock()
	b.ReportMetric(ms(pct(lat, 0.50)), "p50-ms")
	b.ReportMetric(ms(pct(lat, 0.99)), "p99-ms")
	b.ReportMetric(float64(2*b.N)/last.Sub(first).Seconds(), "events/s")
	b.ReportMetric(ms(pct(commits, 0.50)), "commit-p50-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

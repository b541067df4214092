package usecase_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/webhooks/internal/domain"
)

// benchDB is the package's embedded store (SQLite), or the store at LIENKET_BENCH_MONGODB_URI
// (e.g. `lienket-store` on PostgreSQL as make run starts it, or a real MongoDB).
func benchDB(b *testing.B) *mongo.Database {
	uri := os.Getenv("LIENKET_BENCH_MONGODB_URI")
	if uri == "" {
		return testkit.Database(b)
	}
	return testkit.DatabaseAt(b, uri)
}

// BenchmarkDispatch measures the dispatcher: b.N events spread over 20 subjects (contracts),
// already queued, delivered by one dispatcher (16 workers) to a local receiver that answers
// 204 at once; it reports events/s (from queued to received) and the ingestion cost per event
// (the commit-to-delivery latency is measured end to end in the gateway's e2e benchmark).
// "raw-store" is the floor in the same run: the same number of raw single-document
// operations a delivery needs at least (insert the delivery; read it; mark it delivered), with
// no HTTP, no leases and no ordering.
func BenchmarkDispatch(b *testing.B) {
	b.Run("dispatcher", func(b *testing.B) {
		f := fixtureOn(b, benchDB(b), testPolicy)
		rcv := newBenchReceiver(b)
		_, _, err := f.svc.CreateWebhook(context.Background(), partner, org, "", domain.Fields{URL: rcv.url, EventTypes: []string{"*"}})
		if err != nil {
			b.Fatal(err)
		}
		var evs []domain.Event
		for i := 0; i < b.N; i++ {
			s := fmt.Sprintf("contracts/b%02d", i%20)
			evs = append(evs, domain.Event{ID: fmt.Sprintf("%s/%06d/x", s, i), Type: "payment.recorded", Time: time.Now().UTC(), Subject: s,
				Position: int64(i), Organizations: []string{org}, Data: `{"n":1}`})
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		b.ResetTimer()
		start := time.Now()
		if err := f.svc.Ingest(ctx, evs); err != nil {
			b.Fatal(err)
		}
		queued := time.Now()
		cfg := testDispatch
		cfg.Workers = 16
		go f.svc.NewDispatcher(cfg).Run(ctx)
		rcv.wait(b, b.N, 10*time.Minute)
		elapsed := time.Since(queued)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64(queued.Sub(start).Microseconds())/float64(b.N)/1000, "ingest-ms/event")
	})
	b.Run("raw-store", func(b *testing.B) {
		c := benchDB(b).Collection("raw")
		ctx := context.Background()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			id := fmt.Sprint(i)
			if _, err := c.InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "state", Value: "PENDING"}, {Key: "payload", Value: `{"n":1}`}}); err != nil {
				b.Fatal(err)
			}
			if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err(); err != nil {
				b.Fatal(err)
			}
			if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: id}}, bson.D{{Key: "$set", Value: bson.D{{Key: "state", Value: "DELIVERED"}}}}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "events/s")
	})
}

// benchReceiver answers 204 and counts distinct webhook-ids.
type benchReceiver struct {
	url  string
	mu   sync.Mutex
	seen map[string]bool
}

func newBenchReceiver(b *testing.B) *benchReceiver {
	r := &benchReceiver{seen: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.seen[req.Header.Get("webhook-id")] = true
		r.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	b.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

func (r *benchReceiver) wait(b *testing.B, n int, within time.Duration) {
	deadline := time.Now().Add(within)
	for {
		r.mu.Lock()
		got := len(r.seen)
		r.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d events delivered after %s", got, n, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

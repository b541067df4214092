package usecase_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/services/contracts/internal/dataset"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

// datasetAreas is the registry of a generated dataset's areas.
type datasetAreas struct{ s dataset.Spec }

func (datasetAreas) Facts(context.Context, domain.Terms) (domain.Facts, error) {
	return domain.Facts{}, fmt.Errorf("not in a dataset")
}

func (datasetAreas) RecordParties(context.Context, string, []string) error { return nil }

func (datasetAreas) Plots(context.Context, []string) (map[string]domain.PlotFact, error) {
	return map[string]domain.PlotFact{}, nil
}

func (a datasetAreas) Area(_ context.Context, code string) (*domain.AreaFact, error) {
	n, err := strconv.Atoi(code)
	switch {
	case err != nil || n < 1:
		return nil, nil
	case len(code) == 2 && n <= a.s.Provinces:
		return &domain.AreaFact{Level: "PROVINCE", ProvinceCode: code}, nil
	case len(code) == 5 && n <= a.s.Communes:
		return &domain.AreaFact{Level: "COMMUNE", ProvinceCode: dataset.ProvinceCode(a.s.ProvinceOf(n - 1))}, nil
	}
	return nil, nil
}

// benchStore is the store of the report benchmark: LIENKET_BENCH_MONGODB_URI (database
// lienket_bench, kept between runs: a national dataset takes a while to generate) or the test
// package's embedded store.
func benchStore(b *testing.B) *mongo.Database {
	if uri := os.Getenv("LIENKET_BENCH_MONGODB_URI"); uri != "" {
		c, err := mongostore.Connect(context.Background(), uri, mongostore.WithTimeout(time.Minute))
		require.NoError(b, err)
		b.Cleanup(func() { _ = c.Disconnect(context.Background()) })
		return c.Database("lienket_bench")
	}
	return testkit.Database(b)
}

// BenchmarkReports runs the commune, province and national reports of two years on a generated
// dataset and, in the same run, a full scan of its deliveries (what a report computed from the
// records would have to read at the least); each report's time is reported as a fraction of
// the scan's (of-scan), with the memory it allocates (B/op) and the highest heap while it runs
// above the heap before it (peak-heap-MB, sampled every millisecond).
// The dataset is CI-sized (dataset.Small) unless LIENKET_BENCH_SCALE=national (34 provinces,
// 3,321 communes, 50,000 contracts, 1,000,000 households, 2,000,000 deliveries); see
// docs/reports.md for the numbers and how to run it against a PostgreSQL-backed store or
// MongoDB.
func BenchmarkReports(b *testing.B) {
	ctx := context.Background()
	spec := dataset.Small
	if os.Getenv("LIENKET_BENCH_SCALE") == "national" {
		spec = dataset.National
	}
	st := storage.New(benchStore(b))
	loaded, err := st.Loaded(ctx, spec.Name)
	require.NoError(b, err)
	if !loaded {
		sum, err := dataset.Generate(ctx, st, spec, func(s string) { b.Logf("generating %s: %s", spec.Name, s) })
		require.NoError(b, err)
		b.Logf("generated %+v", sum)
	}
	svc := usecase.New(usecase.Deps{Store: st, Registry: datasetAreas{spec}, Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})

	start := time.Now()
	n, accepted, err := st.ScanDeliveries(ctx)
	require.NoError(b, err)
	scan := time.Since(start)
	b.Logf("full scan of the deliveries: %d deliveries (%d accepted) in %v", n, accepted, scan)
	require.Equal(b, spec.Deliveries, int(n))

	// The commune and province of the first contract.
	first, err := st.GetContract(ctx, "k000000")
	require.NoError(b, err)
	year := usecase.ReportRequest{StartMonth: "2025-06", EndMonth: "2027-05"} // every month of the dataset
	for _, r := range []struct {
		name string
		p    auth.Principal
	}{
		{"commune", auth.Principal{Subject: "users/c", Role: auth.RoleCommuneOfficial, AdminArea: first.ProducerCommuneCode}},
		{"province", auth.Principal{Subject: "users/p", Role: auth.RoleProvinceOfficial, AdminArea: first.ProducerProvinceCode}},
		{"national", auth.Principal{Subject: "users/a", Role: auth.RoleAdmin}},
	} {
		b.Run(r.name, func(b *testing.B) {
			b.ReportAllocs()
			runtime.GC()
			base := heapObjects()
			peak := watchHeap()
			for b.Loop() {
				rep, err := svc.ReportContracts(ctx, r.p, year)
				require.NoError(b, err)
				require.Positive(b, rep.Total.Fig[domain.FigContracts])
			}
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(scan), "of-scan")
			top := peak()
			b.ReportMetric(float64(top-min(base, top))/(1<<20), "peak-heap-MB")
		})
	}
	b.Run("scan-deliveries", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _, err := st.ScanDeliveries(ctx)
			require.NoError(b, err)
		}
	})
}

// heapObjects is the heap's live and not yet swept objects, in bytes.
func heapObjects() uint64 {
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64()
}

// watchHeap samples the heap every millisecond until the function it returns is called, which
// returns the highest sample (a report's peak, less the heap before it: peak-heap-MB).
func watchHeap() func() uint64 {
	var (
		peak atomic.Uint64
		done = make(chan struct{})
		stop sync.Once
	)
	peak.Store(heapObjects())
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if h := heapObjects(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	return func() uint64 {
		stop.Do(func() { close(done) })
		return peak.Load()
	}
}

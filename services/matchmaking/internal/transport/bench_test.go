package transport_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/testkit"
)

// BenchmarkBatchAllocateRPC: BatchAllocate over gRPC on a store holding 201 open demands
// (minimum lots of 300–1,500; a third want 30% from poor groups) and 2,003 open offers from
// three producer groups — what the service adds to the domain's allocation: listing, hard
// constraints per pair, distances, households' poverty look-ups, the response. MATCH_MAX_OFFERS
// is raised above the tests' 1,000 so that the batch may read them all.
func BenchmarkBatchAllocateRPC(b *testing.B) {
	ctx := context.Background()
	w := newWorldOn(b, testkit.Database(b), map[string]string{"MATCH_MAX_OFFERS": "5000"})
	st := storage.New(w.db)
	var seeds []domain.Offer
	for _, s := range []struct {
		org string
		hh  []string
	}{{w.near, w.nearHH}, {w.far, w.farHH}, {w.poorGroup, w.poorHH}} {
		o := w.offer(b, s.org, s.hh, 1000, 36000, "standards/VIETGAP")
		got, err := st.GetOffer(ctx, strings.TrimPrefix(o.Name, "offers/"))
		require.NoError(b, err)
		seeds = append(seeds, *got)
	}
	d := w.demand(b, 1000, 0, 0)
	seedD, err := st.GetDemand(ctx, strings.TrimPrefix(d.Name, "demands/"))
	require.NoError(b, err)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		o := seeds[i%3]
		o.ID, o.Quantity, o.MinPriceVND = fmt.Sprintf("bench-o-%05d", i), 200+r.Int64N(3_000), 30_000+r.Int64N(10_000)
		_, err := st.InsertOffer(ctx, &o)
		require.NoError(b, err)
	}
	for i := 0; i < 200; i++ {
		dm := *seedD
		dm.ID, dm.Quantity, dm.MinLotQuantity = fmt.Sprintf("bench-d-%05d", i), 1_000+r.Int64N(20_000), 300+r.Int64N(1_200)
		if i%3 == 0 {
			dm.MinPoorShareBps = 3000
		}
		_, err := st.InsertDemand(ctx, &dm)
		require.NoError(b, err)
	}
	admin := w.mmAs(b, admin)
	// One batch of this size can take longer than the server's default deadline (30 s) on a
	// busy machine: the call brings its own.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	for b.Loop() {
		res, err := admin.BatchAllocate(ctx, &matchmakingv1.BatchAllocateRequest{})
		require.NoError(b, err)
		var total int64
		for _, l := range res.Allocation {
			total += l.Quantity
		}
		b.ReportMetric(float64(total), "allocated")
		b.ReportMetric(float64(len(res.Allocation)), "lines")
		opt := 0.0
		if res.Optimal {
			opt = 1
		}
		b.ReportMetric(opt, "optimal")
	}
}

package console

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// maxContractPageCalls is the most backend calls the contract page may make, whatever the
// number of households.
const maxContractPageCalls = 6

func (s *suite) resetCalls() {
	s.calls.Store(0)
	s.counted.Range(func(k, _ any) bool { s.counted.Delete(k); return true })
}

func (s *suite) callList() string {
	var out []string
	s.counted.Range(func(k, v any) bool {
		out = append(out, fmt.Sprintf("%s×%d", k, v.(*atomic.Int64).Load()))
		return true
	})
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// TestContractPageCallsDoNotGrowWithHouseholds counts, at the services, the calls the contract
// page of a 30-household contract makes for each role that reads it: at most six, and the same
// for 3 households as for 30 (no call per household).
func TestContractPageCallsDoNotGrowWithHouseholds(t *testing.T) {
	s := newSuite(t)
	counts := map[int]map[string]int64{}
	for _, n := range []int{3, 30} {
		w := s.world(n)
		name := s.draft(w)
		s.pendingWitness(w, name)
		counts[n] = map[string]int64{}
		for role, b := range map[string]*browser{
			"official": s.signedIn(official(), "Lý Thị Lan", false),
			"producer": s.signedIn(w.producer(), "Triệu Văn Minh", false),
			"buyer":    s.signedIn(w.buyer(), "Phạm Thị Thu", false),
		} {
			b.get("/console/" + name) // warms the reference cache (products, standards, areas)
			s.resetCalls()
			pg := b.get("/console/" + name)
			require.Equal(t, http.StatusOK, pg.code, pg.body)
			got := s.calls.Load()
			t.Logf("%d households, %s: %d calls (%s); Server-Timing %s", n, role, got, s.callList(), pg.hdr.Get("Server-Timing"))
			require.LessOrEqual(t, got, int64(maxContractPageCalls), "%s: %s", role, s.callList())
			require.Contains(t, pg.hdr.Get("Server-Timing"), fmt.Sprintf(`"%d calls"`, got), "the console counts what the services saw")
			counts[n][role] = got
			if role != "buyer" {
				require.Equal(t, n, strings.Count(pg.body, "Thôn Khe Lóng"), "every household is shown with its village")
			}
		}
	}
	require.Equal(t, counts[3], counts[30], "the number of calls does not depend on the number of households")
}

// BenchmarkContractPage renders the contract page of a 30-household contract for the commune
// official and, alternately in the same loop (so that both see the same load on the machine),
// makes the raw gRPC calls the page needs — the same six, with the same concurrency. It reports
// both times and their ratio: what the console adds (HTTP, session, template) over its calls.
func BenchmarkContractPage(b *testing.B) {
	s := newSuiteB(b)
	w := s.world(30)
	name := s.draft(w)
	s.pendingWitness(w, name)
	off := s.signedIn(official(), "Lý Thị Lan", false)
	require.Equal(b, http.StatusOK, off.get("/console/"+name).code)
	ctx := context.Background()
	as := grpc.PerRPCCredentials(auth.TokenCredentials(off.session.Token))
	reg := registryv1.NewRegistryServiceClient(s.conns[0])
	con := contractsv1.NewContractsServiceClient(s.conns[1])
	raw := func() error {
		ct, err := con.GetContract(ctx, &contractsv1.GetContractRequest{Name: name}, as)
		if err != nil {
			return err
		}
		t := ct.GetTerms()
		var g errgroup.Group
		g.Go(func() error {
			_, err := con.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: name}, as)
			return err
		})
		g.Go(func() error {
			_, err := reg.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: t.GetBuyer()}, as)
			return err
		})
		g.Go(func() error {
			_, err := reg.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: t.GetProducer()}, as)
			return err
		})
		g.Go(func() error {
			_, err := reg.GetAuthority(ctx, &registryv1.GetAuthorityRequest{Name: t.GetWitnessAuthority()}, as)
			return err
		})
		g.Go(func() error {
			_, err := reg.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: fmt.Sprintf("organization = %q", t.GetProducer()), PageSize: 500}, as)
			return err
		})
		return g.Wait()
	}
	var pageTime, rawTime time.Duration
	for b.Loop() {
		start := time.Now()
		if pg := off.get("/console/" + name); pg.code != http.StatusOK {
			b.Fatal(pg.code)
		}
		pageTime += time.Since(start)
		start = time.Now()
		if err := raw(); err != nil {
			b.Fatal(err)
		}
		rawTime += time.Since(start)
	}
	b.ReportMetric(float64(pageTime.Microseconds())/1000/float64(b.N), "page-ms/op")
	b.ReportMetric(float64(rawTime.Microseconds())/1000/float64(b.N), "grpc-ms/op")
	b.ReportMetric(float64(pageTime)/float64(rawTime), "page/grpc")
}

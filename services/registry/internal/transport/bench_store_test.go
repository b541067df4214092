package transport_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// scopeCommune holds 1% of the benchmark's households (1,000 of 100,000).
const scopeCommune = "04477"

// BenchmarkStoreLists (make bench-store) measures a page of households (50, in _id order) on
// the embedded store — scoped (the households of one commune: 1% of them) and unscoped (an
// operator's export) — at 1k, 10k and 100k households, on both of FerretDB's handlers, through
// the raw driver (the query the registry sends) and through the registry service over gRPC, in
// the same run, and prints the table the README's limits come from. Sizes and handlers:
// LIENKET_BENCH_STORE_SIZES (default "1000,10000,100000") and LIENKET_BENCH_HANDLERS
// (default "sqlite,postgresql").
func BenchmarkStoreLists(b *testing.B) {
	var rows []listRow
	for _, handler := range benchList("LIENKET_BENCH_HANDLERS", "sqlite,postgresql") {
		for _, n := range benchList("LIENKET_BENCH_STORE_SIZES", "1000,10000,100000") {
			docs, err := strconv.Atoi(n)
			require.NoError(b, err)
			b.Run(fmt.Sprintf("handler=%s/docs=%d", handler, docs), func(b *testing.B) {
				db, client := listBench(b, handler, docs)
				for _, l := range []struct {
					name   string
					filter bson.D
					api    string
				}{{"scoped", bson.D{{Key: "commune_code", Value: scopeCommune}}, fmt.Sprintf("commune_code = %q", scopeCommune)}, {"unscoped", bson.D{}, ""}} {
					for _, path := range []string{"raw", "service"} {
						b.Run("list="+l.name+"/path="+path, func(b *testing.B) {
							page := func() (int, error) {
								if path == "raw" {
									return rawPage(db, l.filter)
								}
								res, err := client.ListHouseholds(context.Background(), &registryv1.ListHouseholdsRequest{Filter: l.api, PageSize: 50})
								return len(res.GetHouseholds()), err
							}
							r := listRow{handler: handler, docs: docs, list: l.name, path: path}
							r.measure(b, page, l.name == "scoped")
							rows = append(rows, r)
						})
					}
				}
			})
		}
	}
	fmt.Print(listTable(rows))
}

// listRow is one measurement: a page's wall time and the CPU it cost this process and the
// PostgreSQL cluster it started (the store, the registry and the client), or that it passed
// the deadline.
type listRow struct {
	handler      string
	docs         int
	list, path   string
	wall, cpu    time.Duration
	pastDeadline bool
}

// pageDeadline bounds a page, as the services' default deadline (RPC_DEFAULT_DEADLINE) does.
const pageDeadline = 30 * time.Second

func (r *listRow) measure(b *testing.B, page func() (int, error), scoped bool) {
	want := min(50, r.docs)
	if scoped {
		want = min(50, r.docs/100)
	}
	start := time.Now()
	got, err := page()
	// Past the deadline, the driver says so; the registry answers UNAVAILABLE (its store did
	// not answer in time).
	if err != nil && (strings.Contains(err.Error(), "deadline") || strings.Contains(err.Error(), "timeout") || time.Since(start) >= pageDeadline) {
		r.pastDeadline = true
		b.ReportMetric(pageDeadline.Seconds()*1000, "ms/page(past-deadline)")
		return
	}
	require.NoError(b, err)
	require.Equal(b, want, got, "a full page")
	self := os.Getpid()
	b.ResetTimer()
	cpu0 := testkit.TreeCPU(self)
	for range b.N {
		_, err := page()
		require.NoError(b, err)
	}
	r.wall, r.cpu = b.Elapsed()/time.Duration(b.N), (testkit.TreeCPU(self)-cpu0)/time.Duration(b.N)
	b.ReportMetric(float64(r.wall.Microseconds())/1000, "ms/page")
	b.ReportMetric(float64(r.cpu.Microseconds())/1000, "cpu-ms/page")
}

// listTable is the markdown table of rows (the last measurement of each: the framework runs a
// benchmark more than once).
func listTable(rows []listRow) string {
	last := map[string]listRow{}
	var keys []string
	for _, r := range rows {
		k := fmt.Sprintf("%s/%09d/%s", r.handler, r.docs, r.list)
		if _, ok := last[k+"/raw"]; !ok && r.path == "raw" {
			keys = append(keys, k)
		}
		last[k+"/"+r.path] = r
	}
	sort.Strings(keys)
	var out strings.Builder
	fmt.Fprintln(&out, "\n| handler | households | list (page of 50) | raw driver: wall / CPU | registry over gRPC: wall / CPU | service / raw (wall) |")
	fmt.Fprintln(&out, "| --- | ---: | --- | ---: | ---: | ---: |")
	for _, k := range keys {
		raw, svc := last[k+"/raw"], last[k+"/service"]
		list := "unscoped (export)"
		if raw.list == "scoped" {
			list = fmt.Sprintf("one commune (%d)", raw.docs/100)
		}
		ratio := "—"
		if raw.wall > 0 && svc.wall > 0 {
			ratio = fmt.Sprintf("%.2f", float64(svc.wall)/float64(raw.wall))
		}
		fmt.Fprintf(&out, "| %s | %d | %s | %s | %s | %s |\n", raw.handler, raw.docs, list, raw.cell(), svc.cell(), ratio)
	}
	return out.String()
}

func (r listRow) cell() string {
	if r.pastDeadline {
		return fmt.Sprintf("past the %s deadline", pageDeadline)
	}
	return ms(r.wall) + " / " + ms(r.cpu)
}

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// benchList is the comma-separated list in the environment variable name, or def.
func benchList(name, def string) []string {
	v := os.Getenv(name)
	if v == "" {
		v = def
	}
	return strings.Split(v, ",")
}

// listBench starts a store on handler holding docs households (1% in scopeCommune), and the
// registry over it; it returns the database and an operator's client of the registry.
func listBench(b *testing.B, handler string, docs int) (*mongo.Database, registryv1.RegistryServiceClient) {
	var st *testkit.Store
	if handler == "postgresql" {
		st = testkit.NewPostgresStore(b)
	} else {
		st = testkit.NewStore(b)
	}
	db := testkit.DatabaseAt(b, st.URI(), func(o *options.ClientOptions) { o.SetTimeout(pageDeadline + 5*time.Second) })
	a := testkit.NewAuth(b)
	addr := testkit.Serve(b, a, func(s *grpc.Server) {
		require.NoError(b, app.Register(context.Background(), s, testkit.Deps(b, a, "registry", db), app.LoadConfig(config.FromMap(nil))))
	})
	seedHouseholds(b, db, docs)
	return db, registryv1.NewRegistryServiceClient(testkit.Dial(b, addr, a.Token(b, admin)))
}

// seedHouseholds stores n households as the registry stores them, 1% of them in scopeCommune
// and the others spread over 3,000 other communes, in random _id order.
func seedHouseholds(b *testing.B, db *mongo.Database, n int) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	for start := 0; start < n; start += 1000 {
		var batch []any
		for i := start; i < min(n, start+1000); i++ {
			commune := fmt.Sprintf("c%04d", i%3000)
			if i%100 == 0 {
				commune = scopeCommune
			}
			h := domain.Household{ID: uuid.NewString(), HeadName: fmt.Sprintf("Hộ %d", i), HeadGender: "FEMALE", MemberCount: 4, EthnicGroup: "Dao",
				EthnicMinority: true, PovertyStatus: domain.PovertyPoor, PovertyStatusYear: 2025, CommuneCode: commune, ProvinceCode: "15",
				Village: "Thôn 1", Phone: "0912345678", CultivatedAreas: []domain.CultivatedArea{{Product: "cinnamon-bark", AreaM2: 5000}},
				Consent: &domain.Consent{Date: "2026-01-10", Purpose: "Liên kết"}, NationalIDHash: uuid.NewString(), NationalIDLast4: "1234",
				Stamp: domain.Stamp{CreateTime: now, UpdateTime: now, Version: 1}}
			batch = append(batch, h)
		}
		_, err := db.Collection("households").InsertMany(context.Background(), batch)
		require.NoError(b, err)
	}
}

// rawPage reads the first page as the registry does: the filter, in _id order, 51 documents.
func rawPage(db *mongo.Database, filter bson.D) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pageDeadline)
	defer cancel()
	cur, err := db.Collection("households").Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(51))
	if err != nil {
		return 0, err
	}
	var out []domain.Household
	err = cur.All(ctx, &out)
	return min(len(out), 50), err
}

package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/registry/data"
)

// BenchmarkStoryStoreCPU runs the REST story against lienket-store run as a process of its own
// (as make run runs it), over a registry that already holds N households, and reports the
// store's CPU per story (store-cpu-ms/op: FerretDB and, on the PostgreSQL handler,
// PostgreSQL's processes) beside the CPU of everything else — gateway, four services, the
// story's client — in this process (suite-cpu-ms/op). Handlers and sizes:
// LIENKET_BENCH_HANDLERS (default "sqlite,postgresql") and LIENKET_BENCH_HOUSEHOLDS (default
// "1000,20000").
func BenchmarkStoryStoreCPU(b *testing.B) {
	for _, handler := range benchList("LIENKET_BENCH_HANDLERS", "sqlite,postgresql") {
		for _, n := range benchList("LIENKET_BENCH_HOUSEHOLDS", "1000,20000") {
			b.Run("handler="+handler+"/households="+n, func(b *testing.B) {
				size, err := strconv.Atoi(n)
				require.NoError(b, err)
				store := testkit.StartStoreProcess(b, handler)
				db := testkit.DatabaseAt(b, store.URI())
				seedHouseholds(b, db, size)
				s := startOn(b, server.Config{}, db)
				b.ResetTimer()
				store0, self0, wall0 := store.CPU(), selfCPU(), time.Now()
				for i := range b.N {
					// Request ids are the caller's: each run's callers are people of their own.
					mint := func(p auth.Principal) (string, error) { p.Subject += "-" + strconv.Itoa(i); return s.token(p), nil }
					require.NoError(b, story.Run(s.url, mint, func(string) {}))
				}
				perOp := func(d time.Duration) float64 { return float64(d.Milliseconds()) / float64(b.N) }
				b.ReportMetric(perOp(store.CPU()-store0), "store-cpu-ms/op")
				b.ReportMetric(perOp(selfCPU()-self0), "suite-cpu-ms/op")
				b.ReportMetric(perOp(time.Since(wall0)), "wall-ms/op")
			})
		}
	}
}

// benchList is the comma-separated list in the environment variable name, or def.
func benchList(name, def string) []string {
	v := os.Getenv(name)
	if v == "" {
		v = def
	}
	return strings.Split(v, ",")
}

// selfCPU is the user and system CPU this process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// seedHouseholds stores n households as the registry stores them, spread over the shipped
// communes, straight into the store (registering them through the API would take as long as
// what the benchmark measures).
func seedHouseholds(b testing.TB, db *mongo.Database, n int) {
	var ref struct {
		Areas []struct {
			Code       string `json:"code"`
			Level      string `json:"level"`
			ParentCode string `json:"parent_code"`
		} `json:"areas"`
	}
	require.NoError(b, json.Unmarshal(data.AdminAreas, &ref))
	var communes [][2]string
	for _, a := range ref.Areas {
		if a.Level == "COMMUNE" {
			communes = append(communes, [2]string{a.Code, a.ParentCode})
		}
	}
	statuses := []string{"POOR", "NEAR_POOR", "RECENTLY_ESCAPED", "NON_POOR"}
	now := time.Now().UTC().Truncate(time.Millisecond)
	coll := db.Collection("households")
	for start := 0; start < n; start += 1000 {
		var docs []any
		for i := start; i < min(n, start+1000); i++ {
			c := communes[i%len(communes)]
			hash := make([]byte, 32)
			_, _ = rand.Read(hash)
			docs = append(docs, bson.D{
				{Key: "_id", Value: uuid.Must(uuid.NewV7()).String()}, {Key: "head_name", Value: fmt.Sprintf("Hộ %d", i)},
				{Key: "head_gender", Value: "FEMALE"}, {Key: "member_count", Value: int32(4)}, {Key: "ethnic_group", Value: "Kinh"},
				{Key: "ethnic_minority", Value: false}, {Key: "poverty_status", Value: statuses[i%len(statuses)]},
				{Key: "poverty_status_year", Value: int32(2025)}, {Key: "commune_code", Value: c[0]}, {Key: "province_code", Value: c[1]},
				{Key: "village", Value: "Thôn 1"}, {Key: "phone", Value: "0912345678"},
				{Key: "cultivated_areas", Value: bson.A{bson.D{{Key: "product", Value: "CINNAMON"}, {Key: "area_m2", Value: int64(5000)}}}},
				{Key: "consent", Value: bson.D{{Key: "date", Value: "2026-01-10"}, {Key: "purpose", Value: "Hợp đồng liên kết"}}},
				{Key: "national_id_hash", Value: hex.EncodeToString(hash)}, {Key: "national_id_last4", Value: "1234"},
				{Key: "create_time", Value: now}, {Key: "update_time", Value: now}, {Key: "version", Value: int64(1)},
			})
		}
		_, err := coll.InsertMany(context.Background(), docs)
		require.NoError(b, err)
	}
}

package transport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// BenchmarkImport10000Households imports a CSV of 10,000 households with their memberships
// through the gRPC API (parse, validate every row, check national IDs, write claims,
// households and memberships), then inserts the very documents the import wrote into fresh
// collections of the same store with raw InsertMany calls of 1,000, and reports both times and
// their ratio (import-s, raw-s, ratio).
//
//	go test -run '^$' -bench Import10000 -benchtime 1x ./services/registry/internal/transport
func BenchmarkImport10000Households(b *testing.B) {
	const n = 10_000
	ctx := context.Background()
	a := testkit.NewAuth(b)
	db := testkit.Database(b)
	addr := testkit.Serve(b, a, func(s *grpc.Server) {
		require.NoError(b, app.Register(ctx, s, testkit.Deps(b, a, "registry", db), app.LoadConfig(config.FromMap(nil))))
	})
	c := registryv1.NewRegistryServiceClient(testkit.Dial(b, addr, a.Token(b, admin)))
	var importTime, rawTime time.Duration
	round := 0
	for b.Loop() {
		round++
		org, err := c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: coop(fmt.Sprint("HTX ", round), places.ChauQue)})
		require.NoError(b, err)
		rows := make([][]string, n)
		for i := range rows {
			rows[i] = importRow(round*n + i)
			rows[i][8] = fmt.Sprintf("0012%08d", round*n+i)
		}
		file := csvFile(b, rows...)
		producer := registryv1.NewRegistryServiceClient(testkit.Dial(b, addr, a.Token(b, auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: org.Name})))
		start := time.Now()
		r, err := producer.ImportHouseholds(ctx, &registryv1.ImportHouseholdsRequest{Parent: org.Name, Format: registryv1.ImportFormat_IMPORT_FORMAT_CSV, Content: file}, grpc.MaxCallRecvMsgSize(64<<20))
		importTime += time.Since(start)
		require.NoError(b, err)
		require.Empty(b, r.Errors)
		require.Equal(b, int32(n), r.HouseholdsCreated)
		require.Equal(b, int32(n), r.MembershipsCreated)

		b.StopTimer()
		docs := importedDocs(b, db, org.Name)
		b.StartTimer()
		rawTime += rawInsert(b, db, fmt.Sprint("raw", round), docs)
	}
	b.ReportMetric(importTime.Seconds()/float64(round), "import-s")
	b.ReportMetric(rawTime.Seconds()/float64(round), "raw-s")
	b.ReportMetric(importTime.Seconds()/rawTime.Seconds(), "ratio")
}

// importedDocs reads the documents an import for org wrote: its memberships, their
// households and those households' national-ID claims.
func importedDocs(b *testing.B, db *mongo.Database, org string) map[string][]bson.Raw {
	ctx := context.Background()
	read := func(coll string, f bson.D) []bson.Raw {
		cur, err := db.Collection(coll).Find(ctx, f)
		require.NoError(b, err)
		var out []bson.Raw
		require.NoError(b, cur.All(ctx, &out))
		return out
	}
	ms := read("memberships", bson.D{{Key: "organization", Value: org}})
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.Lookup("household").StringValue()[len("households/"):]
	}
	hs := read("households", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	cs := read("claims", bson.D{{Key: "owner", Value: bson.D{{Key: "$in", Value: ids}}}})
	require.Len(b, hs, len(ms))
	require.Len(b, cs, len(ms))
	return map[string][]bson.Raw{"households": hs, "memberships": ms, "claims": cs}
}

// rawInsert inserts docs into collections named prefix_<collection>, which carry the same
// indexes as the registry's, 1,000 per InsertMany.
func rawInsert(b *testing.B, db *mongo.Database, prefix string, docs map[string][]bson.Raw) time.Duration {
	ctx := context.Background()
	b.StopTimer()
	for _, c := range storage.Collections() {
		if _, ok := docs[c.Name]; ok {
			require.NoError(b, mongostore.EnsureIndexes(ctx, db.Collection(prefix+"_"+c.Name), c.Indexes...))
		}
	}
	b.StartTimer()
	start := time.Now()
	for coll, ds := range docs {
		for i := 0; i < len(ds); i += 1000 {
			batch := make([]any, 0, 1000)
			for _, d := range ds[i:min(i+1000, len(ds))] {
				batch = append(batch, d)
			}
			_, err := db.Collection(prefix+"_"+coll).InsertMany(ctx, batch)
			require.NoError(b, err)
		}
	}
	return time.Since(start)
}

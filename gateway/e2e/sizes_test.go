package e2e_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
)

// BenchmarkDocumentSizes runs the REST story and the support season and measures what they
// stored: per collection, the documents and their average BSON size, and per declared index
// the average size of its keys (an array field counts once per element) — the figures the
// capacity plan (deploy/capacity.md) multiplies by the national counts. A contract's size grows
// with its households: the per-allocation bytes are reported apart.
func BenchmarkDocumentSizes(b *testing.B) {
	ctx := context.Background()
	var out strings.Builder
	for range b.N {
		out.Reset()
		season := testkit.Database(b)
		s := startOn(b, server.Config{}, season)
		require.NoError(b, story.Season(s.url, func(p auth.Principal) (string, error) { return s.token(p), nil }, func(string) {}))
		db := testkit.Database(b)
		s = startOn(b, server.Config{}, db)
		require.NoError(b, story.Run(s.url, func(p auth.Principal) (string, error) { return s.token(p), nil }, func(string) {}))

		fmt.Fprintln(&out, "\n| collection | documents | average BSON bytes | index: average key bytes |")
		fmt.Fprintln(&out, "| --- | ---: | ---: | --- |")
		cs := declared()
		sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
		for _, c := range cs {
			var docs []bson.Raw
			for _, d := range []string{db.Name(), season.Name()} {
				cur, err := db.Client().Database(d).Collection(c.Name).Find(ctx, bson.D{})
				require.NoError(b, err)
				var some []bson.Raw
				require.NoError(b, cur.All(ctx, &some))
				docs = append(docs, some...)
			}
			if len(docs) == 0 {
				continue
			}
			total := 0
			for _, d := range docs {
				total += len(d)
			}
			var keys []string
			for _, m := range c.Indexes {
				fields := mongostore.IndexKeys(m)
				keys = append(keys, fmt.Sprintf("(%s) %d", strings.Join(fields, ", "), keyBytes(docs, fields)))
			}
			fmt.Fprintf(&out, "| %s | %d | %d | %s |\n", c.Name, len(docs), total/len(docs), strings.Join(keys, "; "))
			b.ReportMetric(float64(total/len(docs)), c.Name+"-bytes/doc")
			if c.Name == "contracts" {
				fmt.Fprintf(&out, "\ncontracts: %d bytes per household allocation (terms.allocations and households)\n", allocationBytes(docs))
			}
		}
	}
	fmt.Print(out.String())
}

// keyBytes is the average size of an index's keys over docs: the BSON sizes of the indexed
// values (an array's elements each make a key) plus the _id's, which every index entry points
// to.
func keyBytes(docs []bson.Raw, fields []string) int {
	total, keys := 0, 0
	for _, d := range docs {
		size, n := 0, 1
		for _, f := range fields {
			v, err := d.LookupErr(strings.Split(f, ".")...)
			if err != nil {
				continue
			}
			if arr, ok := v.ArrayOK(); ok {
				vals, _ := arr.Values()
				n = max(len(vals), 1)
				if len(vals) > 0 {
					size += len(vals[0].Value)
				}
				continue
			}
			size += len(v.Value)
		}
		total += size * n
		keys += n
	}
	return total / max(keys, 1)
}

// allocationBytes is what one household adds to a contract: its allocation in the terms and
// its name in households.
func allocationBytes(docs []bson.Raw) int {
	total, n := 0, 0
	for _, d := range docs {
		allocs, err := d.LookupErr("terms", "allocations")
		if err != nil {
			continue
		}
		vals, _ := allocs.Array().Values()
		for _, v := range vals {
			total += len(v.Value)
			n++
		}
		hs, err := d.LookupErr("households")
		if err == nil {
			hv, _ := hs.Array().Values()
			for _, v := range hv {
				total += len(v.Value)
			}
		}
	}
	return total / max(n, 1)
}

// Command lienket-dataset fills a store with a synthetic season for the report benchmarks:
// contracts, households, deliveries, payments, advances and incidents, with the report rollups
// the contracts service would have built from them.
//
//	lienket-dataset --mongodb-uri mongodb://127.0.0.1:27018/ --database lienket_bench --scale national
//
// national: 34 provinces, 3,321 communes, 50,000 contracts, 1,000,000 households, 2,000,000
// deliveries; small: a hundredth. The database is emptied first: never point it at real data.
// BenchmarkReports (services/contracts/internal/usecase) reads the same database when
// LIENKET_BENCH_MONGODB_URI names the store.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	contractsapp "github.com/lienket/lienket/services/contracts/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errw io.Writer) int {
	fs := flag.NewFlagSet("lienket-dataset", flag.ContinueOnError)
	fs.SetOutput(errw)
	uri := fs.String("mongodb-uri", "", "MongoDB URI of the store to fill (required)")
	db := fs.String("database", "lienket_bench", "database to empty and fill")
	scale := fs.String("scale", "small", "national or small")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *uri == "" || *db == "lienket" {
		fmt.Fprintln(errw, "usage: lienket-dataset --mongodb-uri URI [--database lienket_bench] [--scale national|small] (not the service's own database)")
		return 2
	}
	sum, err := contractsapp.GenerateDataset(ctx, *uri, *db, *scale, func(s string) { fmt.Fprintln(out, s) })
	if err != nil {
		fmt.Fprintln(errw, "lienket-dataset:", err)
		return 1
	}
	fmt.Fprintln(out, sum)
	return 0
}

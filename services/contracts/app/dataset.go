package app

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/contracts/internal/dataset"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// GenerateDataset empties database db of the store at uri and fills it with a synthetic
// season for the report benchmarks, with the report rollups the service would have built:
// scale "national" (34 provinces, 3,321 communes, 50,000 contracts, 1,000,000 households,
// 2,000,000 deliveries) or "small" (a hundredth). progress hears how far it is. It returns a
// summary of what it generated.
func GenerateDataset(ctx context.Context, uri, db, scale string, progress func(string)) (string, error) {
	spec, ok := map[string]dataset.Spec{"national": dataset.National, "small": dataset.Small}[scale]
	if !ok {
		return "", fmt.Errorf("scale %q: national or small", scale)
	}
	c, err := mongostore.Connect(ctx, uri)
	if err != nil {
		return "", err
	}
	defer func() { _ = c.Disconnect(context.WithoutCancel(ctx)) }()
	sum, err := dataset.Generate(ctx, storage.New(c.Database(db)), spec, progress)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s: %d contracts (%d in force), %d deliveries, %d payments, %d advances, %d incidents in %v",
		spec.Name, sum.Contracts, sum.InForce, sum.Deliveries, sum.Payments, sum.Advances, sum.Incidents, sum.Elapsed.Round(1e9)), nil
}

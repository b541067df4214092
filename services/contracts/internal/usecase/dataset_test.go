package usecase_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/contracts/internal/dataset"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// TestGeneratedRollupsAreTheServices: the dataset generator loads the rollups the service
// itself builds: after every contract is marked and rebuilt by the refresher, every report
// (national, each province, a commune, an organisation) is what it was.
func TestGeneratedRollupsAreTheServices(t *testing.T) {
	ctx := context.Background()
	spec := dataset.Spec{Name: "tiny", Provinces: 3, Communes: 6, Producers: 4, Buyers: 2, Contracts: 30, Households: 200, Allocations: 5, Deliveries: 300, Seed: 9}
	st := storage.New(testkit.Database(t))
	sum, err := dataset.Generate(ctx, st, spec, nil)
	require.NoError(t, err)
	require.Equal(t, 30, sum.Contracts)
	require.Equal(t, 300, sum.Deliveries)
	svc := usecase.New(usecase.Deps{Store: st, Registry: datasetAreas{spec}, Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }})
	first, err := st.GetContract(ctx, "k000000")
	require.NoError(t, err)
	scopes := []struct {
		p     auth.Principal
		scope string
	}{{operator, ""}, {operator, "adminAreas/" + first.ProducerCommuneCode}, {operator, first.Terms.Buyer}, {operator, first.Terms.Producer}}
	for i := range spec.Provinces {
		scopes = append(scopes, struct {
			p     auth.Principal
			scope string
		}{operator, "adminAreas/" + dataset.ProvinceCode(i)})
	}
	reports := func() []*usecase.ContractReport {
		var out []*usecase.ContractReport
		for _, s := range scopes {
			r, err := svc.ReportContracts(ctx, s.p, usecase.ReportRequest{Scope: s.scope, StartMonth: "2025-06", EndMonth: "2027-05"})
			require.NoError(t, err)
			r.ComputeTime = time.Time{}
			out = append(out, r)
		}
		return out
	}
	loaded := reports()
	require.Positive(t, loaded[0].Total.Households.Total)
	for k := range spec.Contracts {
		require.NoError(t, st.MarkReport(ctx, fmt.Sprintf("k%06d", k)))
	}
	require.NoError(t, svc.RefreshReports(ctx))
	work, err := st.Worklist(ctx, 10)
	require.NoError(t, err)
	require.Empty(t, work, "everything rebuilt")
	require.Equal(t, loaded, reports())
}

var operator = auth.Principal{Subject: "users/operator", Role: auth.RoleAdmin}

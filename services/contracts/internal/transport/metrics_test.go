package transport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

// TestDomainCounters: every appended audit event is counted by type.
func TestDomainCounters(t *testing.T) {
	reader := sdkmetric.NewManualReader()
	meterProvider = sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)) // this test's world only
	t.Cleanup(func() { meterProvider = nil })

	ctx := context.Background()
	w := newWorld(t, 2)
	buyer := w.client(t, w.buyerUser())
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: w.terms()}})
	require.NoError(t, err)
	_, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.NoError(t, err)
	_, err = buyer.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: c.TermsHash})
	require.NoError(t, err)

	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(ctx, &rm))
	got := map[string]int64{}
	states := map[string]int64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == "lienket.contracts" {
				for _, dp := range m.Data.(metricdata.Gauge[int64]).DataPoints {
					v, _ := dp.Attributes.Value(attribute.Key("state"))
					states[v.AsString()] = dp.Value
				}
			}
			if m.Name != "lienket.contract.events" {
				continue
			}
			for _, dp := range m.Data.(metricdata.Sum[int64]).DataPoints {
				v, _ := dp.Attributes.Value(attribute.Key("type"))
				got[v.AsString()] += dp.Value
			}
		}
	}
	require.Equal(t, map[string]int64{"contract.created": 1, "contract.submitted": 1, "contract.signed": 1}, got)
	require.EqualValues(t, 1, states["PENDING_SIGNATURES"], "contracts by state: %v", states)
	require.EqualValues(t, 0, states["ACTIVE"])
	require.Len(t, states, 10)
}

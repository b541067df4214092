package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEvaluateIndicators(t *testing.T) {
	p := approved(t)
	p.Activities = []Activity{
		{Kind: ActivityTraining, Milestone: "m2", Attendance: 12},
		{Kind: ActivityTraining, Milestone: "m2", Attendance: 9},
		{Kind: ActivityDemonstration, Milestone: "m2", Attendance: 40}, // not a training
		{Kind: ActivityTraining, Milestone: "m1", Attendance: 30},      // another milestone's
	}
	k1, k2 := contractFact(), contractFact()
	k2.State, k2.Witnessed = "PENDING_WITNESS", false
	in := EvaluationInput{
		Contracts: []ContractResult{
			{Name: "contracts/k1", Fact: k1, Lines: []SettlementLine{
				{Household: "households/h1", Contracted: 1000, Accepted: 1000, Gross: 42_000_000, Paid: 42_000_000},
				{Household: "households/h2", Contracted: 1000, Accepted: 950, Gross: 39_900_000, Paid: 30_000_000, Balance: 9_900_000},
				{Household: "households/h5", Contracted: 1000, Accepted: 1000, Gross: 42_000_000, Paid: 42_000_000},
			}},
			{Name: "contracts/k2", Fact: k2, Lines: []SettlementLine{
				{Household: "households/h4", Contracted: 1000, Accepted: 0},
				{Household: "households/h1", Contracted: 500, Accepted: 500, Gross: 21_000_000, Paid: 21_000_000},
			}},
		},
		Poverty: map[string]string{"households/h1": PovertyPoor, "households/h2": PovertyNearPoor, "households/h5": PovertyNonPoor},
	}
	m1 := p.Evaluate("m1", in)
	require.Equal(t, IndicatorResult{Kind: IndicatorContractsWitnessed, Target: 2, Actual: 1, Met: false,
		Explanation: "1 of 2 linked contracts are witnessed and in force or completed"}, m1[1])
	require.Equal(t, "3450 of 4500 contracted units delivered and accepted under 2 linked contract(s): 7666 bps", m1[0].Explanation)
	require.Equal(t, int64(7666), m1[0].Actual)
	require.True(t, m1[0].Met)
	m2 := p.Evaluate("m2", in)
	require.Equal(t, int64(2), m2[0].Actual, "h1 (two contracts, both paid) and h5; h2 is owed")
	require.False(t, m2[0].Met)
	require.Equal(t, int64(42_000_000+30_000_000+21_000_000), m2[1].Actual, "paid to poor and near-poor")
	require.True(t, m2[1].Met)
	require.Equal(t, int64(21), m2[2].Actual)
	require.True(t, m2[2].Met)
	require.True(t, m2[2].RequiresConfirmation)
	require.Nil(t, p.Evaluate("m9", in))
	empty := p.Evaluate("m1", EvaluationInput{})
	require.Equal(t, int64(0), empty[0].Actual)
}

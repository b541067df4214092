package domain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBuildReport(t *testing.T) {
	day := func(tm time.Time) string { return tm.UTC().Format(time.DateOnly) }
	a := approved(t) // m1 due 2026-09-30, m2 due 2027-06-30
	require.NoError(t, a.Start())
	spend(t, a, map[string]int64{CategoryMachinery: 600_000_000})
	_, err := a.Disburse("m1", "d1", met(IndicatorDeliveredShare), VerifyInput{}, "users/o", time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	b := approved(t)
	b.ID = "p2"
	b.Participants = append(b.Participants, Participant{Household: "households/h9", Poverty: PovertyNonPoor})
	draft := Project{ID: "p3", State: StateDraft, Participants: []Participant{{Household: "households/h10"}}}
	rejected := Project{ID: "p4", State: StateRejected}
	r := BuildReport([]Call{*baseCall()}, []Project{*a, *b, draft, rejected}, "2026-12-01", day)
	require.Equal(t, int32(1), r.Calls)
	require.Equal(t, map[string]int32{StateInProgress: 1, StateApproved: 1, StateDraft: 1, StateRejected: 1}, r.ByState)
	require.Equal(t, int64(5_000_000_000), r.BudgetVND)
	require.Equal(t, int64(980_000_000), r.CommittedVND)
	require.Equal(t, int64(196_000_000), r.DisbursedVND)
	require.Equal(t, Participation{Households: 6, Poor: 3, NearPoor: 1, NonPoor: 2, EthnicMinority: 4, WomenHeaded: 2}, r.Reached, "households counted once; drafts do not reach anyone")
	require.Equal(t, int32(5000), r.PoorShareBps)
	require.Equal(t, int32(1666), r.NearPoorShareBps)
	require.Equal(t, int32(6666), r.MinorityShareBps)
	require.Equal(t, int32(3333), r.WomenShareBps)
	require.Equal(t, int32(4), r.Milestones)
	require.Equal(t, int32(1), r.MetOnTime)
	require.Equal(t, int32(1), r.Overdue, "b's m1 was due on 2026-09-30")
	require.Equal(t, int32(0), r.MetLate)
	r = BuildReport(nil, []Project{*a}, "2026-12-01", func(time.Time) string { return "2026-10-01" })
	require.Equal(t, int32(1), r.MetLate)
	require.Equal(t, int32(0), BuildReport(nil, nil, "", day).PoorShareBps)
}

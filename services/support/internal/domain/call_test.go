package domain

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
)

func TestCallLifecycle(t *testing.T) {
	c := baseCall()
	c.State = CallDraft
	require.NoError(t, c.Apply(CallInput{BudgetVND: 7, ProjectTypes: []string{TypeLivelihood}}, map[string]bool{"budget_vnd": true}))
	require.Equal(t, int64(7), c.BudgetVND)
	require.Equal(t, []string{TypeValueChain, TypeLivelihood}, c.ProjectTypes, "only the named fields change")
	require.Equal(t, "CALL_WINDOW_PASSED", reasonOf(t, c.Publish("v", "2027-01-01"), codes.FailedPrecondition))
	require.NoError(t, c.Publish("ntp-sedema@2026.1", "2026-06-01"))
	require.Equal(t, CallOpen, c.State)
	require.Equal(t, "INVALID_STATE", reasonOf(t, c.Publish("v", "2026-06-01"), codes.FailedPrecondition))
	require.Equal(t, "CALL_OPEN", reasonOf(t, c.Apply(CallInput{BudgetVND: 9}, map[string]bool{"budget_vnd": true}), codes.FailedPrecondition))
	require.NoError(t, c.Apply(CallInput{CloseDate: "2027-03-31", Council: []string{"users/z"}}, map[string]bool{"submission_window.end_date": true, "council_members": true}))
	require.Equal(t, "2027-03-31", c.CloseDate)
	require.Equal(t, "2026-01-01", c.OpenDate)
	require.Equal(t, []string{"users/z"}, c.Council)
	require.NoError(t, c.Close("Hết hạn"))
	require.Equal(t, "INVALID_STATE", reasonOf(t, c.Close("again"), codes.FailedPrecondition))
	require.Equal(t, "INVALID_STATE", reasonOf(t, c.Apply(CallInput{}, map[string]bool{"display_name": true}), codes.FailedPrecondition))
}

func TestCallReservations(t *testing.T) {
	c := baseCall()
	c.BudgetVND = 1000
	changed, err := c.Reserve("p1", 600)
	require.NoError(t, err)
	require.True(t, changed)
	changed, err = c.Reserve("p1", 600)
	require.NoError(t, err)
	require.False(t, changed, "idempotent")
	_, err = c.Reserve("p2", 401)
	require.Equal(t, "CALL_BUDGET_EXCEEDED", reasonOf(t, err, codes.FailedPrecondition))
	_, err = c.Reserve("p2", 400)
	require.NoError(t, err)
	require.Equal(t, int64(1000), c.CommittedVND)
	_, err = c.Reserve("p1", 700)
	require.Equal(t, "CALL_BUDGET_EXCEEDED", reasonOf(t, err, codes.FailedPrecondition))
	_, err = c.Reserve("p1", 100) // a release always succeeds
	require.NoError(t, err)
	_, err = c.Reserve("p2", 0)
	require.NoError(t, err)
	require.Equal(t, map[string]int64{"p1": 100}, c.Commitments)
	require.Equal(t, int64(100), c.CommittedVND)
}

package apierr

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestConflictAndAborted(t *testing.T) {
	err := Conflict("TAX_CODE_REGISTERED", "taken")
	require.Equal(t, codes.AlreadyExists, status.Code(err))
	require.Equal(t, "TAX_CODE_REGISTERED", Reason(err))
	require.True(t, IsLienket(err))
	err = Aborted("CONCURRENT_MODIFICATION", "retry")
	require.Equal(t, codes.Aborted, status.Code(err))
	require.Equal(t, "CONCURRENT_MODIFICATION", Reason(err))
}

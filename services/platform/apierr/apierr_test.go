package apierr

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestViolationsCarryFieldAndRule(t *testing.T) {
	var v Violations
	require.NoError(t, v.Err())
	v.Check(true, "a", "R1", "fine")
	v.Check(false, "organization.tax_code", "TAX_CODE_CHECKSUM", "check digit %d is wrong", 7)
	v.Add("organization.kind", "ENUM_VALUE", "unknown kind")
	err := v.Err()
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	require.Contains(t, err.Error(), "organization.tax_code: check digit 7 is wrong [TAX_CODE_CHECKSUM]")
	fv := FieldViolations(err)
	require.Len(t, fv, 2)
	require.Equal(t, "organization.tax_code", fv[0].Field)
	require.Equal(t, "TAX_CODE_CHECKSUM", fv[0].Reason)
	require.Equal(t, "INVALID_ARGUMENT", Reason(err))
}

func TestReasons(t *testing.T) {
	require.Equal(t, "ETAG_MISMATCH", Reason(EtagMismatch("contracts/1")))
	require.Equal(t, codes.Aborted, status.Code(EtagMismatch("x")))
	require.Equal(t, "RESOURCE_NOT_FOUND", Reason(NotFound("x")))
	require.Equal(t, "STATE", Reason(FailedPrecondition("STATE", "m", nil)))
	require.True(t, IsStatus(Internal("x")))
	require.Equal(t, ReasonBackendUnavailable, Reason(BackendUnavailable()))
	require.True(t, IsLienket(BackendUnavailable()))
	require.False(t, IsLienket(status.Error(codes.Unavailable, "dial tcp")))
}

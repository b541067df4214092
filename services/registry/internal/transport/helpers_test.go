package transport_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
)

// requireStatus asserts err's gRPC code and ErrorInfo reason.
func requireStatus(t testing.TB, err error, c codes.Code, reason string, msgAndArgs ...any) {
	t.Helper()
	msg := fmt.Sprint(append([]any{err, " "}, msgAndArgs...)...)
	require.Equal(t, c, status.Code(err), msg)
	require.Equal(t, reason, apierr.Reason(err), msg)
}

// requireRule asserts INVALID_ARGUMENT naming field and rule among its violations.
func requireRule(t testing.TB, err error, field, rule string, msgAndArgs ...any) {
	t.Helper()
	requireStatus(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", msgAndArgs...)
	for _, fv := range apierr.FieldViolations(err) {
		if fv.Field == field && fv.Reason == rule {
			return
		}
	}
	require.Failf(t, "violation missing", "want %s on %s in %v %v", rule, field, err, msgAndArgs)
}

package transport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
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

// chauQueCoop registers (as an operator) the cooperative HTX Quế Châu Quế and returns its name
// and a client of its producer principal.
func (e *env) chauQueCoop(t *testing.T) (string, registryv1.RegistryServiceClient) {
	t.Helper()
	org, err := e.client(t, admin).CreateOrganization(context.Background(), &registryv1.CreateOrganizationRequest{Organization: coop("HTX Quế Châu Quế", places.ChauQue)})
	require.NoError(t, err)
	return org.Name, e.client(t, auth.Principal{Subject: "users/p", Role: auth.RoleProducer, Organization: org.Name})
}

package transport_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// TestNationalIDsAreUnique: one person, one household — under concurrent registrations
// through two replicas, on update, after delete, and after a registration that died halfway.
func TestNationalIDsAreUnique(t *testing.T) {
	ctx := context.Background()
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	env := map[string]string{"NATIONAL_ID_HASH_KEY": "test-national-id-key"}
	serve := func() string {
		return testkit.Serve(t, a, func(s *grpc.Server) {
			require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "registry", db, env)))
		})
	}
	one, two := serve(), serve()
	clients := []registryv1.RegistryServiceClient{
		registryv1.NewRegistryServiceClient(testkit.Dial(t, one, a.Token(t, admin))),
		registryv1.NewRegistryServiceClient(testkit.Dial(t, two, a.Token(t, admin))),
	}
	create := func(i int, nid string) (*registryv1.Household, error) {
		h := household("04477")
		h.NationalId = nid
		return clients[i%2].CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: h, RequestId: fmt.Sprintf("reg-%s-%d", nid, i)})
	}

	// 16 concurrent registrations of one person: exactly one household.
	errs := make([]error, 16)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = create(i, "001203000001") }()
	}
	wg.Wait()
	created := 0
	for i, err := range errs {
		for apierr.Reason(err) == "CONCURRENT_MODIFICATION" {
			_, err = create(i, "001203000001")
		}
		if err == nil {
			created++
			continue
		}
		require.Equal(t, "NATIONAL_ID_REGISTERED", apierr.Reason(err), "registration %d: %v", i, err)
	}
	require.Equal(t, 1, created)

	// Update: to a number already registered is refused; to a new one frees the old.
	other, err := create(100, "001203000002")
	require.NoError(t, err)
	upd := func(h *registryv1.Household, nid string) (*registryv1.Household, error) {
		return clients[0].UpdateHousehold(ctx, &registryv1.UpdateHouseholdRequest{Household: &registryv1.Household{Name: h.Name, Etag: h.Etag, NationalId: nid},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"national_id"}}})
	}
	_, err = upd(other, "001203000001")
	require.Equal(t, codes.AlreadyExists, code(err))
	other, err = upd(other, "001203000003")
	require.NoError(t, err)
	_, err = create(101, "001203000002")
	require.NoError(t, err, "the number given up is free again")

	// Delete frees the number.
	_, err = clients[1].DeleteHousehold(ctx, &registryv1.DeleteHouseholdRequest{Name: other.Name, Etag: other.Etag})
	require.NoError(t, err)
	_, err = create(102, "001203000003")
	require.NoError(t, err, "a deleted household's number is free again")

	// A registration that claimed the number and died before writing the household: the
	// claim blocks the number for the grace period, then is taken over.
	claim := func(nid string, at time.Time) {
		p, err := domain.ProtectNationalID(nid, []byte(env["NATIONAL_ID_HASH_KEY"]))
		require.NoError(t, err)
		_, err = db.Collection("claims").InsertOne(ctx, bson.D{{Key: "_id", Value: "national_id/" + p.Hash}, {Key: "owner", Value: "never-written"}, {Key: "time", Value: at}, {Key: "version", Value: int64(1)}})
		require.NoError(t, err)
	}
	claim("001203000004", time.Now().UTC())
	_, err = create(103, "001203000004")
	require.Equal(t, "NATIONAL_ID_REGISTERED", apierr.Reason(err), "a registration may still be in flight")
	claim("001203000005", time.Now().Add(-time.Hour).UTC())
	_, err = create(104, "001203000005")
	require.NoError(t, err, "an abandoned claim is taken over")
}

package transport_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// TestNationalIDsAreUnique: one person, one household — under concurrent registrations
// through two replicas, on update, after delete, and after a registration that died halfway.
func TestNationalIDsAreUnique(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"NATIONAL_ID_HASH_KEY": "test-national-id-key"}
	clients, db := replicas(t, env)
	create := func(i int, nid string) (*registryv1.Household, error) {
		h := household(places.ChauQue)
		h.NationalId = nid
		return clients[i%2].CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: h, RequestId: fmt.Sprintf("reg-%s-%d", nid, i)})
	}

	// 16 concurrent registrations of one person: exactly one household.
	require.Equal(t, 1, testkit.Race(t, 16, func(i int) error { _, err := create(i, "001203000001"); return err }, "NATIONAL_ID_REGISTERED"))

	// Update: to a number already registered is refused; to a new one frees the old.
	other, err := create(100, "001203000002")
	require.NoError(t, err)
	upd := func(h *registryv1.Household, nid string) (*registryv1.Household, error) {
		return clients[0].UpdateHousehold(ctx, &registryv1.UpdateHouseholdRequest{Household: &registryv1.Household{Name: h.Name, Etag: h.Etag, NationalId: nid},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"national_id"}}})
	}
	_, err = upd(other, "001203000001")
	requireStatus(t, err, codes.AlreadyExists, "NATIONAL_ID_REGISTERED")
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

// TestTaxCodesAreUnique: one tax code, one organisation — under concurrent registrations
// through two replicas, on update, and after delete.
func TestTaxCodesAreUnique(t *testing.T) {
	ctx := context.Background()
	clients, _ := replicas(t, nil)
	taken := freshTaxCode()
	create := func(i int, tax string) (*registryv1.Organization, error) {
		o := coop(fmt.Sprint("HTX ", i), places.ChauQue)
		o.TaxCode = tax
		return clients[i%2].CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: o, RequestId: fmt.Sprintf("org-%s-%d", tax, i)})
	}
	require.Equal(t, 1, testkit.Race(t, 16, func(i int) error { _, err := create(i, taken); return err }, "TAX_CODE_REGISTERED"))

	other, err := create(100, freshTaxCode())
	require.NoError(t, err)
	upd := func(o *registryv1.Organization, tax string) (*registryv1.Organization, error) {
		return clients[1].UpdateOrganization(ctx, &registryv1.UpdateOrganizationRequest{Organization: &registryv1.Organization{Name: o.Name, Etag: o.Etag, TaxCode: tax},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"tax_code"}}})
	}
	_, err = upd(other, taken)
	requireStatus(t, err, codes.AlreadyExists, "TAX_CODE_REGISTERED")
	freed := other.TaxCode
	other, err = upd(other, freshTaxCode())
	require.NoError(t, err)
	_, err = create(101, freed)
	require.NoError(t, err, "the code given up is free again")
	_, err = clients[0].DeleteOrganization(ctx, &registryv1.DeleteOrganizationRequest{Name: other.Name, Etag: other.Etag})
	require.NoError(t, err)
	_, err = create(102, other.TaxCode)
	require.NoError(t, err, "a deleted organisation's code is free again")
}

// replicas runs two registry services on one store (as two pods would) and returns an
// operator's client of each, and the store.
func replicas(t *testing.T, env map[string]string) ([]registryv1.RegistryServiceClient, *mongo.Database) {
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	var clients []registryv1.RegistryServiceClient
	for range 2 {
		addr := testkit.Serve(t, a, func(s *grpc.Server) {
			require.NoError(t, app.Register(context.Background(), s, testkit.Deps(t, a, "registry", db), app.LoadConfig(config.FromMap(env))))
		})
		clients = append(clients, registryv1.NewRegistryServiceClient(testkit.Dial(t, addr, a.Token(t, admin))))
	}
	return clients, db
}

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

// TestRegisteredBeforeClaims: households and organisations stored before claims existed (no
// claim on their national ID or tax code, no top-level area fields) are brought up to date when
// the registry starts, so their numbers stay theirs — a holder is found by its claim, by _id,
// never by scanning the collection — and area listings find them.
func TestRegisteredBeforeClaims(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"NATIONAL_ID_HASH_KEY": "test-national-id-key"}
	db := testkit.Database(t)
	nid, err := domain.ProtectNationalID("001203009999", []byte(env["NATIONAL_ID_HASH_KEY"]))
	require.NoError(t, err)
	tax := freshTaxCode()
	now := time.Now().UTC()
	_, err = db.Collection("households").InsertOne(ctx, bson.D{{Key: "_id", Value: "legacy-household"}, {Key: "head_name", Value: "Lò Văn A"},
		{Key: "commune_code", Value: places.ChauQue}, {Key: "province_code", Value: places.LaoCai}, {Key: "poverty_status", Value: "POOR"},
		{Key: "national_id_hash", Value: nid.Hash}, {Key: "create_time", Value: now}, {Key: "update_time", Value: now}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)
	_, err = db.Collection("organizations").InsertOne(ctx, bson.D{{Key: "_id", Value: "legacy-org"}, {Key: "kind", Value: "COOPERATIVE"},
		{Key: "display_name", Value: "HTX cũ"}, {Key: "tax_code", Value: tax}, {Key: "state", Value: "ACTIVE"},
		{Key: "address", Value: bson.D{{Key: "commune_code", Value: places.ChauQue}, {Key: "province_code", Value: places.LaoCai}}},
		{Key: "create_time", Value: now}, {Key: "update_time", Value: now}, {Key: "version", Value: int64(1)}})
	require.NoError(t, err)

	a := testkit.NewAuth(t)
	addr := testkit.Serve(t, a, func(s *grpc.Server) {
		require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "registry", db), app.LoadConfig(config.FromMap(env))))
	})
	c := registryv1.NewRegistryServiceClient(testkit.Dial(t, addr, a.Token(t, admin)))
	h := household(places.ChauQue)
	h.NationalId = "001203009999"
	_, err = c.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: h, RequestId: "dup-household"})
	requireStatus(t, err, codes.AlreadyExists, "NATIONAL_ID_REGISTERED")
	o := coop("HTX mới", places.ChauQue)
	o.TaxCode = tax
	_, err = c.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: o, RequestId: "dup-org"})
	requireStatus(t, err, codes.AlreadyExists, "TAX_CODE_REGISTERED")
	res, err := c.ListOrganizations(ctx, &registryv1.ListOrganizationsRequest{Filter: `commune_code = "` + places.ChauQue + `"`})
	require.NoError(t, err)
	require.Len(t, res.Organizations, 1)
	require.Equal(t, "organizations/legacy-org", res.Organizations[0].Name)
}

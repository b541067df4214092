package transport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func householdNumbered(i int) *registryv1.Household {
	h := household(places.ChauQue)
	h.HeadName, h.NationalId = fmt.Sprintf("Hộ %d", i), fmt.Sprintf("0012030%05d", i)
	return h
}

func countHouseholds(t *testing.T, c registryv1.RegistryServiceClient) int {
	r, err := c.ListHouseholds(context.Background(), &registryv1.ListHouseholdsRequest{PageSize: 500})
	require.NoError(t, err)
	return len(r.Households)
}

// TestBatchCreateHouseholds: all or nothing, per-item violations with their index, idempotent
// by request id.
func TestBatchCreateHouseholds(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	_, producer := e.chauQueCoop(t)
	reqs := func(from, n int) []*registryv1.CreateHouseholdRequest {
		var out []*registryv1.CreateHouseholdRequest
		for i := from; i < from+n; i++ {
			out = append(out, &registryv1.CreateHouseholdRequest{Household: householdNumbered(i)})
		}
		return out
	}

	// Bad items: every problem is reported with its index, and nothing is written.
	bad := reqs(0, 4)
	bad[1].Household.CommuneCode = "99999"
	bad[2].Household.Phone = "12345"
	bad[3].Household.NationalId = bad[0].Household.NationalId
	_, err := producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: bad, RequestId: "batch-1"})
	requireRule(t, err, "requests[1].household.commune_code", "ADMIN_AREA_EXISTS")
	requireRule(t, err, "requests[2].household.phone", "PHONE_FORMAT")
	requireRule(t, err, "requests[3].household.national_id", "DUPLICATE_IN_BATCH")
	require.Zero(t, countHouseholds(t, c), "nothing written")

	good := reqs(0, 25)
	r, err := producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: good, RequestId: "batch-1"})
	require.NoError(t, err)
	require.Len(t, r.Households, 25)
	require.Equal(t, "Hộ 7", r.Households[7].HeadName)
	require.Equal(t, "0007", r.Households[7].NationalIdLast4)
	again, err := producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: reqs(0, 25), RequestId: "batch-1"})
	require.NoError(t, err)
	for i := range again.Households {
		require.Equal(t, r.Households[i].Name, again.Households[i].Name, "a retry returns the first result")
		require.Equal(t, r.Households[i].CreateTime.AsTime(), again.Households[i].CreateTime.AsTime())
	}
	require.Equal(t, 25, countHouseholds(t, c))

	// A national ID registered before: that item is refused by index, nothing else written.
	clash := reqs(100, 3)
	clash[2].Household.NationalId = good[4].Household.NationalId
	_, err = producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: clash, RequestId: "batch-2"})
	requireRule(t, err, "requests[2].household.national_id", "NATIONAL_ID_REGISTERED")
	require.Equal(t, 25, countHouseholds(t, c))
	clash[2].Household.NationalId = "001203099999"
	_, err = producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: clash, RequestId: "batch-2"})
	require.NoError(t, err, "the numbers claimed by the refused batch were released")

	_, err = producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{})
	requireRule(t, err, "requests", "BATCH_SIZE")
	tooMany := make([]*registryv1.CreateHouseholdRequest, 1001)
	for i := range tooMany {
		tooMany[i] = &registryv1.CreateHouseholdRequest{Household: household(places.ChauQue)}
	}
	_, err = producer.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: tooMany})
	requireRule(t, err, "requests", "BATCH_SIZE")
	business := e.client(t, auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/b"})
	_, err = business.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: reqs(200, 1)})
	requireStatus(t, err, 7, "PERMISSION_DENIED")
}

// TestBatchCreateMemberships: the households must exist and not be members yet; all or
// nothing; a retry with the request id returns the memberships.
func TestBatchCreateMemberships(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	org, producer := e.chauQueCoop(t)
	var reqs []*registryv1.CreateHouseholdRequest
	for i := range 5 {
		reqs = append(reqs, &registryv1.CreateHouseholdRequest{Household: householdNumbered(i)})
	}
	hs, err := c.BatchCreateHouseholds(ctx, &registryv1.BatchCreateHouseholdsRequest{Requests: reqs})
	require.NoError(t, err)
	members := func(names ...string) []*registryv1.CreateMembershipRequest {
		var out []*registryv1.CreateMembershipRequest
		for _, n := range names {
			out = append(out, &registryv1.CreateMembershipRequest{Membership: &registryv1.Membership{Household: n}})
		}
		return out
	}
	_, err = producer.BatchCreateMemberships(ctx, &registryv1.BatchCreateMembershipsRequest{Parent: org,
		Requests: members(hs.Households[0].Name, "households/nobody", hs.Households[0].Name)})
	requireRule(t, err, "requests[2].membership.household", "DUPLICATE_IN_BATCH")
	_, err = producer.BatchCreateMemberships(ctx, &registryv1.BatchCreateMembershipsRequest{Parent: org, Requests: members(hs.Households[0].Name, "households/nobody")})
	requireRule(t, err, "requests[1].membership.household", "HOUSEHOLD_EXISTS")
	list, err := c.ListMemberships(ctx, &registryv1.ListMembershipsRequest{Parent: org})
	require.NoError(t, err)
	require.Empty(t, list.Memberships, "nothing written")

	names := []string{}
	for _, h := range hs.Households {
		names = append(names, h.Name)
	}
	r, err := producer.BatchCreateMemberships(ctx, &registryv1.BatchCreateMembershipsRequest{Parent: org, Requests: members(names...), RequestId: "join-1"})
	require.NoError(t, err)
	require.Len(t, r.Memberships, 5)
	require.Equal(t, registryv1.Membership_ROLE_MEMBER, r.Memberships[3].Role)
	again, err := producer.BatchCreateMemberships(ctx, &registryv1.BatchCreateMembershipsRequest{Parent: org, Requests: members(names...), RequestId: "join-1"})
	require.NoError(t, err)
	require.Equal(t, r.Memberships[4].Name, again.Memberships[4].Name)
	_, err = producer.BatchCreateMemberships(ctx, &registryv1.BatchCreateMembershipsRequest{Parent: org, Requests: members(names[1])})
	requireRule(t, err, "requests[0].membership.household", "ALREADY_MEMBER")

	other := e.client(t, auth.Principal{Subject: "users/q", Role: auth.RoleProducer, Organization: "organizations/other"})
	_, err = other.BatchCreateMemberships(ctx, &registryv1.BatchCreateMembershipsRequest{Parent: org, Requests: members(names[1])})
	requireStatus(t, err, 7, "PERMISSION_DENIED")
}

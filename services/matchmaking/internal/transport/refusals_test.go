package transport_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// TestRefusalsSayWhy: what the service refuses, over gRPC, with the code and the reason or
// rule a client acts on.
func TestRefusalsSayWhy(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	producer := w.mmAs(t, orgUser(auth.RoleProducer, w.near))
	o := w.offer(t, w.near, w.nearHH, 3000, 38000, "standards/VIETGAP")
	d := w.demand(t, 4000, 1000, 0)
	propose := func(offer string, q int64) error {
		_, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: offer, Quantity: q}})
		return err
	}

	invalid(t, propose("offers/nope", 1000), "proposal.offer", "OFFER_EXISTS")
	invalid(t, propose("offers", 1000), "proposal.offer", "RESOURCE_NAME")
	invalid(t, propose(o.Name, 0), "proposal.quantity", "RANGE")
	invalid(t, propose(o.Name, 500), "proposal.quantity", "MIN_LOT", "below the demand's lot of 1,000")
	_, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, RequestId: "white space"})
	invalid(t, err, "proposal", "REQUIRED")
	invalid(t, err, "request_id", "REQUEST_ID")
	_, err = producer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 1000}})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "only the buyer proposes")

	pr, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 3000}})
	require.NoError(t, err)
	refused(t, propose(o.Name, 1000), codes.FailedPrecondition, "OFFER_CAPACITY", "all of it is held")
	_, err = buyer.AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: pr.Name})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "the producer accepts, not the buyer")
	_, err = producer.CancelProposal(ctx, &matchmakingv1.CancelProposalRequest{Name: pr.Name})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "the buyer cancels, not the producer")
	_, err = producer.DeclineProposal(ctx, &matchmakingv1.DeclineProposalRequest{Name: pr.Name, Reason: strings.Repeat("x", 2001)})
	invalid(t, err, "reason", "MAX_LENGTH")
	_, err = w.mmAs(t, orgUser(auth.RoleBusiness, "organizations/other")).GetProposal(ctx, &matchmakingv1.GetProposalRequest{Name: pr.Name})
	refused(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "a stranger does not learn that it exists")
	_, err = buyer.CancelProposal(ctx, &matchmakingv1.CancelProposalRequest{Name: pr.Name})
	require.NoError(t, err)
	_, err = buyer.CancelProposal(ctx, &matchmakingv1.CancelProposalRequest{Name: pr.Name})
	require.NoError(t, err, "cancelling again is a retry")
	_, err = producer.DeclineProposal(ctx, &matchmakingv1.DeclineProposalRequest{Name: pr.Name})
	refused(t, err, codes.FailedPrecondition, "INVALID_STATE", "a cancelled proposal cannot be declined")

	_, err = buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name, MaxCandidates: 501})
	invalid(t, err, "max_candidates", "RANGE")
	_, err = buyer.ListDemands(ctx, &matchmakingv1.ListDemandsRequest{Filter: `window = "June"`})
	invalid(t, err, "filter", "FILTER_SYNTAX")
	_, err = buyer.ListOffers(ctx, &matchmakingv1.ListOffersRequest{Filter: `quantity = "5"`})
	invalid(t, err, "filter", "FILTER_SYNTAX")
	_, err = buyer.ListProposals(ctx, &matchmakingv1.ListProposalsRequest{Parent: "offers/x"})
	invalid(t, err, "parent", "RESOURCE_NAME")
	_, err = w.mmAs(t, admin).BatchAllocate(ctx, &matchmakingv1.BatchAllocateRequest{Demands: []string{"demands/nope"}})
	refused(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")

	_, err = buyer.CloseDemand(ctx, &matchmakingv1.CloseDemandRequest{Name: d.Name})
	require.NoError(t, err)
	_, err = buyer.CancelDemand(ctx, &matchmakingv1.CancelDemandRequest{Name: d.Name})
	refused(t, err, codes.FailedPrecondition, "INVALID_STATE", "a closed demand cannot be cancelled")
	refused(t, propose(o.Name, 1000), codes.FailedPrecondition, "DEMAND_NOT_OPEN")
	_, err = producer.WithdrawOffer(ctx, &matchmakingv1.WithdrawOfferRequest{Name: o.Name, Etag: `"99"`})
	refused(t, err, codes.Aborted, "ETAG_MISMATCH")
	_, err = buyer.WithdrawOffer(ctx, &matchmakingv1.WithdrawOfferRequest{Name: o.Name})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
}

// TestStoreOutageUnderMatchmaking: with the store stopped under the running services, reads,
// writes, matching and batches answer UNAVAILABLE with reason BACKEND_UNAVAILABLE, and the
// service serves again once the store is back.
func TestStoreOutageUnderMatchmaking(t *testing.T) {
	ctx := context.Background()
	store := testkit.NewStore(t)
	w := newWorldOn(t, testkit.DatabaseAt(t, store.URI()), nil)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	o := w.offer(t, w.near, w.nearHH, 3000, 38000, "standards/VIETGAP")
	d := w.demand(t, 2000, 0, 0)

	store.Stop()
	calls := map[string]func() error{
		"GetDemand": func() error {
			_, err := buyer.GetDemand(ctx, &matchmakingv1.GetDemandRequest{Name: d.Name})
			return err
		},
		"CreateProposal": func() error {
			_, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 100}})
			return err
		},
		"MatchDemand": func() error {
			_, err := buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
			return err
		},
		"BatchAllocate": func() error {
			_, err := w.mmAs(t, admin).BatchAllocate(ctx, &matchmakingv1.BatchAllocateRequest{})
			return err
		},
	}
	errs := map[string]error{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, call := range calls { // at once: each waits out the store timeout
		wg.Go(func() {
			err := call()
			mu.Lock()
			defer mu.Unlock()
			errs[name] = err
		})
	}
	wg.Wait()
	for name, err := range errs {
		refused(t, err, codes.Unavailable, "BACKEND_UNAVAILABLE", name)
	}

	store.Start()
	require.Eventually(t, func() bool { return calls["GetDemand"]() == nil }, 15*time.Second, 100*time.Millisecond, "recovers by itself")
	got, err := buyer.GetOffer(ctx, &matchmakingv1.GetOfferRequest{Name: o.Name})
	require.NoError(t, err)
	require.Zero(t, got.ReservedQuantity, "the refused proposal holds nothing")
}

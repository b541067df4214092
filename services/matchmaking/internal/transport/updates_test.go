package transport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

func TestUpdateDemandAndOffer(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	producer := w.mmAs(t, orgUser(auth.RoleProducer, w.near))
	o := w.offer(t, w.near, w.nearHH, 1000, 38000, "standards/VIETGAP")
	d := w.demand(t, 5000, 0, 0)
	_, err := buyer.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.Name, Proposal: &matchmakingv1.Proposal{Offer: o.Name, Quantity: 800}})
	require.NoError(t, err)
	d, err = buyer.GetDemand(ctx, &matchmakingv1.GetDemandRequest{Name: d.Name})
	require.NoError(t, err)

	mask := func(p ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: p} }
	d2, err := buyer.UpdateDemand(ctx, &matchmakingv1.UpdateDemandRequest{Demand: &matchmakingv1.Demand{Name: d.Name, Quantity: 4000, Etag: d.Etag}, UpdateMask: mask("quantity")})
	require.NoError(t, err)
	require.EqualValues(t, 4000, d2.Quantity)
	_, err = buyer.UpdateDemand(ctx, &matchmakingv1.UpdateDemandRequest{Demand: &matchmakingv1.Demand{Name: d.Name, Quantity: 3000, Etag: d.Etag}, UpdateMask: mask("quantity")})
	refused(t, err, codes.Aborted, "ETAG_MISMATCH", "stale etag")
	_, err = buyer.UpdateDemand(ctx, &matchmakingv1.UpdateDemandRequest{Demand: &matchmakingv1.Demand{Name: d.Name, Quantity: 500}, UpdateMask: mask("quantity")})
	invalid(t, err, "demand.quantity", "BELOW_COMMITTED", "below the reserved 800")
	_, err = buyer.UpdateDemand(ctx, &matchmakingv1.UpdateDemandRequest{Demand: &matchmakingv1.Demand{Name: d.Name, Buyer: w.near}, UpdateMask: mask("buyer")})
	invalid(t, err, "update_mask", "UPDATE_MASK_PATH", "the buyer is immutable")
	_, err = producer.UpdateDemand(ctx, &matchmakingv1.UpdateDemandRequest{Demand: &matchmakingv1.Demand{Name: d.Name, Quantity: 9000}, UpdateMask: mask("quantity")})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED")

	o2, err := producer.UpdateOffer(ctx, &matchmakingv1.UpdateOfferRequest{Offer: &matchmakingv1.Offer{Name: o.Name, Quantity: 800}, UpdateMask: mask("quantity")})
	require.NoError(t, err)
	require.Equal(t, matchmakingv1.Offer_STATE_EXHAUSTED, o2.State, "all of it is reserved")
	_, err = producer.UpdateOffer(ctx, &matchmakingv1.UpdateOfferRequest{Offer: &matchmakingv1.Offer{Name: o.Name, Quantity: 700}, UpdateMask: mask("quantity")})
	invalid(t, err, "offer.quantity", "BELOW_COMMITTED", "below the reserved 800")
	_, err = buyer.UpdateOffer(ctx, &matchmakingv1.UpdateOfferRequest{Offer: &matchmakingv1.Offer{Name: o.Name, Quantity: 2000}, UpdateMask: mask("quantity")})
	refused(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
}

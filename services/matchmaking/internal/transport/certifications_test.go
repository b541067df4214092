package transport_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

// TestOffersClaimOnlyHeldCertifications: an offer may claim a standard only when its producer
// holds a recorded certification of it for the offer's product over the whole harvest window;
// matchmaking's standard fit counts only the claims still held (a revoked certification drops
// the offer from a demand that requires the standard).
func TestOffersClaimOnlyHeldCertifications(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	producer := w.mmAs(t, orgUser(auth.RoleProducer, w.near))
	post := func() (*matchmakingv1.Offer, error) {
		return producer.CreateOffer(ctx, &matchmakingv1.CreateOfferRequest{Offer: &matchmakingv1.Offer{Producer: w.near, Product: "products/cinnamon-bark",
			Quantity: 1000, HarvestWindow: window("2026-05-01", "2026-07-31"), Certifications: []string{"standards/VIETGAP"}, MinPriceVnd: 38000, Households: w.nearHH}})
	}
	record := func(as registryv1.RegistryServiceClient, product, from, until string) *registryv1.CertificationRecord {
		c, err := as.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: w.near, Certification: &registryv1.CertificationRecord{
			Standard: "standards/VIETGAP", Number: "VG-" + product + until, Issuer: "QUACERT", Products: []string{product}, ValidFrom: from, ValidUntil: until}})
		require.NoError(t, err)
		return c
	}
	operator := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.reg, w.a.Token(t, admin)))
	coop := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.reg, w.a.Token(t, orgUser(auth.RoleProducer, w.near))))

	_, err := post()
	invalid(t, err, "offer.certifications[0]", "CERTIFICATION_NOT_HELD", "no certification at all")
	record(coop, "cinnamon-bark", "2026-01-01", "2026-12-31")
	_, err = post()
	invalid(t, err, "offer.certifications[0]", "CERTIFICATION_NOT_HELD", "requested by the cooperative, not recorded")
	record(operator, "star-anise", "2026-01-01", "2026-12-31")
	_, err = post()
	invalid(t, err, "offer.certifications[0]", "CERTIFICATION_NOT_HELD", "held for another product")
	record(operator, "cinnamon-bark", "2026-01-01", "2026-06-30")
	_, err = post()
	invalid(t, err, "offer.certifications[0]", "CERTIFICATION_NOT_HELD", "expires before the harvest ends")

	held := record(operator, "cinnamon-bark", "2025-06-01", "2027-05-31")
	offer, err := post()
	require.NoError(t, err)
	d := w.demand(t, 500, 100, 0)
	buyer := w.mmAs(t, orgUser(auth.RoleBusiness, w.buyer))
	m, err := buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
	require.NoError(t, err)
	require.Len(t, m.Candidates, 1)
	require.Equal(t, offer.Name, m.Candidates[0].Offer)
	require.Equal(t, 1.0, m.Candidates[0].Breakdown.StandardFit)

	_, err = operator.RevokeCertification(ctx, &registryv1.RevokeCertificationRequest{Name: held.Name, Reason: "Không đạt kiểm tra giám sát"})
	require.NoError(t, err)
	m, err = buyer.MatchDemand(ctx, &matchmakingv1.MatchDemandRequest{Name: d.Name})
	require.NoError(t, err)
	require.Empty(t, m.Candidates, "the offer's VietGAP is no longer held: it fails the demand's standard")
}

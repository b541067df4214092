package transport_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func daysFromToday(n int) string {
	return time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, n).Format(time.DateOnly)
}

func vietGAP(until string) *registryv1.CertificationRecord {
	return &registryv1.CertificationRecord{Standard: "standards/VIETGAP", Number: "VietGAP-TT-12-34-56-0001", Issuer: "Trung tâm Chứng nhận Phù hợp (QUACERT)",
		Products: []string{"cinnamon-bark"}, ValidFrom: daysFromToday(-300), ValidUntil: until}
}

// TestCertifications: an organisation requests, an official of its commune approves (another
// commune's may not), an operator records directly, rejects and revocations need a reason, and
// certifications expiring within 60 days are listed by a filter.
func TestCertifications(t *testing.T) {
	e := start(t)
	ctx := context.Background()
	c := e.client(t, admin)
	org, producer := e.chauQueCoop(t)
	official := e.client(t, auth.Principal{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue})
	otherOfficial := e.client(t, auth.Principal{Subject: "users/o2", Role: auth.RoleCommuneOfficial, AdminArea: places.DongCuong})

	req, err := producer.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: org, Certification: vietGAP(daysFromToday(30)), RequestId: "cert-1"})
	require.NoError(t, err)
	require.Equal(t, registryv1.CertificationRecord_STATE_REQUESTED, req.State)
	require.Equal(t, "users/p", req.RequestedBy)
	require.Equal(t, "VIETGAP", req.Standard)
	_, err = producer.ApproveCertification(ctx, &registryv1.ApproveCertificationRequest{Name: req.Name})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "the organisation may only request")
	_, err = otherOfficial.ApproveCertification(ctx, &registryv1.ApproveCertificationRequest{Name: req.Name})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "another commune's official")
	held, err := official.ApproveCertification(ctx, &registryv1.ApproveCertificationRequest{Name: req.Name, Etag: req.Etag})
	require.NoError(t, err)
	require.Equal(t, registryv1.CertificationRecord_STATE_RECORDED, held.State)
	require.Equal(t, "users/o", held.RecordedBy)
	_, err = official.RejectCertification(ctx, &registryv1.RejectCertificationRequest{Name: req.Name, Reason: "sai số"})
	requireStatus(t, err, codes.FailedPrecondition, "CERTIFICATION_STATE")

	later, err := c.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: org, Certification: vietGAP(daysFromToday(200))})
	require.NoError(t, err)
	require.Equal(t, registryv1.CertificationRecord_STATE_RECORDED, later.State, "an operator records directly")
	_, err = producer.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: org, Certification: vietGAP(daysFromToday(10))})
	require.NoError(t, err, "a request expiring soon is not held, so not listed")

	expiring := func(parent, filter string) []string {
		r, err := e.client(t, auth.Principal{Subject: "users/b", Role: auth.RoleBusiness, Organization: "organizations/b"}).ListCertifications(ctx,
			&registryv1.ListCertificationsRequest{Parent: parent, Filter: filter})
		require.NoError(t, err)
		var out []string
		for _, x := range r.Certifications {
			out = append(out, x.Name)
		}
		return out
	}
	require.Equal(t, []string{held.Name}, expiring(org, "expiring_within_days = 60"))
	require.Equal(t, []string{held.Name}, expiring("organizations/-", "expiring_within_days = 60 AND standard = VIETGAP"))
	require.ElementsMatch(t, []string{held.Name, later.Name}, expiring(org, "expiring_within_days = 366"))
	require.Len(t, expiring(org, "state = STATE_REQUESTED"), 1)
	_, err = c.ListCertifications(ctx, &registryv1.ListCertificationsRequest{Parent: org, Filter: "expiring_within_days = 0"})
	requireRule(t, err, "filter", "FILTER_VALUE")

	_, err = official.RevokeCertification(ctx, &registryv1.RevokeCertificationRequest{Name: later.Name})
	requireRule(t, err, "reason", "REQUIRED")
	revoked, err := official.RevokeCertification(ctx, &registryv1.RevokeCertificationRequest{Name: later.Name, Reason: "Kiểm tra giám sát không đạt"})
	require.NoError(t, err)
	require.Equal(t, registryv1.CertificationRecord_STATE_REVOKED, revoked.State)

	bad := vietGAP(daysFromToday(-400))
	bad.Standard = "standards/NOPE"
	bad.Plots = []string{"households/nobody/plots/x"}
	_, err = producer.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: org, Certification: bad})
	requireRule(t, err, "certification.valid_until", "DATE_ORDER")
	requireRule(t, err, "certification.standard", "STANDARD_EXISTS")
	requireRule(t, err, "certification.plots[0]", "PLOT_EXISTS")
	stranger := e.client(t, auth.Principal{Subject: "users/q", Role: auth.RoleProducer, Organization: "organizations/other"})
	_, err = stranger.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: org, Certification: vietGAP(daysFromToday(30))})
	requireStatus(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
}

package transport_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit"
	registryapp "github.com/lienket/lienket/services/registry/app"
	"github.com/lienket/lienket/services/webhooks/app"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// api runs the registry and the webhooks service (production settings: https and public
// addresses only) on loopback, with the request-id ledger, and returns a client maker, the
// database and an organisation.
func api(t *testing.T) (func(auth.Principal) webhooksv1.WebhooksServiceClient, *mongo.Database, string) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a := testkit.NewAuth(t)
	db := testkit.Database(t)
	reg, _ := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		require.NoError(t, registryapp.Register(ctx, s, testkit.Deps(t, a, "registry", db), registryapp.LoadConfig(config.FromMap(nil))))
	})
	hooks, _ := testkit.ServeService(t, a, db, func(s *grpc.Server) {
		require.NoError(t, app.Register(ctx, s, testkit.Deps(t, a, "webhooks", db), app.LoadConfig(config.FromMap(map[string]string{
			"REGISTRY_ADDR": reg, "WEBHOOK_SOURCES": "contracts", "CONTRACTS_ADDR": "127.0.0.1:1", "WEBHOOK_SECRET_KEYS": strings.Repeat("k", 40)}))))
	})
	r := registryv1.NewRegistryServiceClient(testkit.Dial(t, reg, a.Token(t, auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})))
	o, err := r.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{
		Kind: registryv1.Organization_KIND_BUSINESS, DisplayName: "Công ty ERP", TaxCode: "0300588569", Address: &registryv1.Address{CommuneCode: places.BaoHa}}})
	require.NoError(t, err)
	return func(p auth.Principal) webhooksv1.WebhooksServiceClient {
		return webhooksv1.NewWebhooksServiceClient(testkit.Dial(t, hooks, a.Token(t, p)))
	}, db, o.Name
}

func rules(err error) map[string]string {
	out := map[string]string{}
	for _, v := range apierr.FieldViolations(err) {
		out[v.Field] = v.Reason
	}
	return out
}

// TestWebhookAPI: validation names the field and the rule and writes nothing; only the
// organisation and operators manage its webhooks; the secret is shown at creation (and to a
// retry of the same request), stored only sealed — neither in the webhook's document nor in
// the request-id ledger in clear; updates check their mask and etag.
func TestWebhookAPI(t *testing.T) {
	ctx := context.Background()
	client, db, org := api(t)
	partner := client(auth.Principal{Subject: "apiKeys/k", Role: auth.RolePartner, Organization: org})
	ok := &webhooksv1.Webhook{Url: "https://erp.example.vn/hooks/lienket", EventTypes: []string{"contract.activated", "payment.recorded"}}

	_, err := partner.CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{Parent: org, Webhook: &webhooksv1.Webhook{Url: "http://erp.example.vn/h", EventTypes: []string{"nope"}}})
	require.Equal(t, map[string]string{"webhook.url": "URL_SCHEME", "webhook.event_types": "EVENT_TYPE"}, rules(err))
	_, err = partner.CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{Parent: org, Webhook: &webhooksv1.Webhook{Url: "https://10.1.2.3/h", EventTypes: []string{"*"}}})
	require.Equal(t, map[string]string{"webhook.url": "URL_ADDRESS"}, rules(err))
	n, err := db.Collection("webhooks").CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, n, "nothing written")

	for _, p := range []auth.Principal{
		{Subject: "apiKeys/x", Role: auth.RolePartner, Organization: "organizations/other"},
		{Subject: "users/o", Role: auth.RoleCommuneOfficial, AdminArea: places.BaoHa},
		{Subject: "users/h", Role: auth.RoleHousehold, Household: "households/h"},
	} {
		_, err := client(p).CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{Parent: org, Webhook: ok})
		require.Equal(t, codes.PermissionDenied, status.Code(err), p.Role)
	}
	_, err = client(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin}).CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{Parent: "organizations/none", Webhook: ok})
	require.Equal(t, codes.NotFound, status.Code(err), "an organisation the registry does not know")

	res, err := partner.CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{Parent: org, Webhook: ok, RequestId: "hook-1"})
	require.NoError(t, err)
	secret := res.Secret
	require.True(t, strings.HasPrefix(secret, "whsec_"))
	require.Equal(t, secret[:10], res.Webhook.SecretPrefix)
	again, err := partner.CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{Parent: org, Webhook: ok, RequestId: "hook-1"})
	require.NoError(t, err)
	require.Equal(t, res.Webhook.Name, again.Webhook.Name)
	require.Equal(t, secret, again.Secret, "a retry gets the secret again")
	raw := strings.TrimPrefix(secret, "whsec_")
	for _, coll := range []string{"webhooks", "request_ids"} {
		cur, err := db.Collection(coll).Find(ctx, bson.D{})
		require.NoError(t, err)
		var docs []bson.Raw
		require.NoError(t, cur.All(ctx, &docs))
		require.NotEmpty(t, docs, coll)
		for _, d := range docs {
			require.False(t, bytes.Contains(d, []byte(raw)), "%s holds the secret in clear", coll)
		}
	}

	got, err := partner.GetWebhook(ctx, &webhooksv1.GetWebhookRequest{Name: res.Webhook.Name})
	require.NoError(t, err)
	require.Equal(t, webhooksv1.Webhook_STATE_ACTIVE, got.State)
	_, err = partner.UpdateWebhook(ctx, &webhooksv1.UpdateWebhookRequest{Webhook: &webhooksv1.Webhook{Name: got.Name, Url: "https://x.vn"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"secret_prefix"}}})
	require.Equal(t, map[string]string{"update_mask": "UPDATE_MASK"}, rules(err))
	_, err = partner.UpdateWebhook(ctx, &webhooksv1.UpdateWebhookRequest{Webhook: &webhooksv1.Webhook{Name: got.Name, Etag: `"9"`, Description: "x"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"description"}}})
	require.Equal(t, codes.Aborted, status.Code(err), "a stale etag")
	up, err := partner.UpdateWebhook(ctx, &webhooksv1.UpdateWebhookRequest{Webhook: &webhooksv1.Webhook{Name: got.Name, Etag: got.Etag, EventTypes: []string{"*"}}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"event_types"}}})
	require.NoError(t, err)
	require.Equal(t, []string{"*"}, up.EventTypes)
	require.Equal(t, ok.Url, up.Url, "fields outside the mask are kept")

	off, err := partner.DisableWebhook(ctx, &webhooksv1.DisableWebhookRequest{Name: got.Name})
	require.NoError(t, err)
	require.Equal(t, webhooksv1.Webhook_STATE_DISABLED, off.State)
	require.Contains(t, off.DisabledReason, "disabled by partner:apiKeys/k")
	on, err := partner.EnableWebhook(ctx, &webhooksv1.EnableWebhookRequest{Name: got.Name})
	require.NoError(t, err)
	require.Equal(t, webhooksv1.Webhook_STATE_ACTIVE, on.State)
	rot, err := partner.RotateWebhookSecret(ctx, &webhooksv1.RotateWebhookSecretRequest{Name: got.Name})
	require.NoError(t, err)
	require.NotEqual(t, secret, rot.Secret)
	require.NotNil(t, rot.Webhook.PreviousSecretExpireTime, "the previous secret signs for a while")

	list, err := partner.ListWebhooks(ctx, &webhooksv1.ListWebhooksRequest{Parent: org})
	require.NoError(t, err)
	require.Len(t, list.Webhooks, 1)
	_, err = partner.DeleteWebhook(ctx, &webhooksv1.DeleteWebhookRequest{Name: got.Name})
	require.NoError(t, err)
	_, err = partner.GetWebhook(ctx, &webhooksv1.GetWebhookRequest{Name: got.Name})
	require.Equal(t, codes.NotFound, status.Code(err))
	_, err = partner.ListWebhookDeliveries(ctx, &webhooksv1.ListWebhookDeliveriesRequest{Parent: org + "/webhooks/x", Filter: `state = "NOPE"`})
	require.Equal(t, "FILTER_VALUE", rules(err)["filter"])
}

package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"google.golang.org/grpc"

	webhooksv1 "github.com/lienket/lienket/proto/lienket/webhooks/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// `make run` gives the demo business a webhook, subscribed to every event, whose endpoint is a
// development receiver in lienket-run: the console's webhook pages have something to show
// (test sends answered 204, the story's events delivered), and each delivery is printed with
// whether its signature verifies.

// WebhookReceiverAddr is where the development webhook receiver listens by default
// (DEMO_WEBHOOK_ADDR).
const WebhookReceiverAddr = "127.0.0.1:9410"

// WebhookDescription describes the demo webhook.
const WebhookDescription = "Máy nhận thử của make run"

// SeedWebhook subscribes org to every event type at url, idempotently (the same url finds the
// same webhook, whose current secret a retry returns), as the demo's operator; it returns the
// webhook's name and signing secret.
func SeedWebhook(ctx context.Context, webhooks grpc.ClientConnInterface, issuer *auth.Issuer, org, url string) (string, string, error) {
	tok, err := issuer.Mint(auth.Principal{Subject: SeedSubject, Role: auth.RoleAdmin}, 10*time.Minute)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256([]byte(org + "\x00" + url))
	res, err := webhooksv1.NewWebhooksServiceClient(webhooks).CreateWebhook(ctx, &webhooksv1.CreateWebhookRequest{
		Parent: org, RequestId: "demo-webhook-" + hex.EncodeToString(sum[:8]),
		Webhook: &webhooksv1.Webhook{Url: url, EventTypes: []string{"*"}, Description: WebhookDescription},
	}, grpc.PerRPCCredentials(auth.TokenCredentials(tok)))
	if err != nil {
		return "", "", fmt.Errorf("webhook: %w", err)
	}
	return res.GetWebhook().GetName(), res.GetSecret(), nil
}

// Receiver is the development webhook endpoint: it answers 204 to every POST and writes a line
// per request to Out (the event type, its subject, its webhook-id, and whether the request
// verifies with the secret it was given).
type Receiver struct {
	Out    io.Writer
	mu     sync.Mutex
	secret string
}

// SetSecret sets the signing secret the receiver checks.
func (r *Receiver) SetSecret(s string) {
	r.mu.Lock()
	r.secret = s
	r.mu.Unlock()
}

func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST webhook deliveries here", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	var ev struct {
		Type string `json:"type"`
		Data struct {
			Resource string `json:"resource"`
			Proposal string `json:"proposal"`
		} `json:"data"`
	}
	_ = json.Unmarshal(body, &ev)
	r.mu.Lock()
	secret := r.secret
	r.mu.Unlock()
	verdict := "signature verified"
	if err := verify(secret, body, req.Header); err != nil {
		verdict = "SIGNATURE DOES NOT VERIFY: " + err.Error()
	}
	subject := ev.Data.Resource
	if subject == "" {
		subject = ev.Data.Proposal
	}
	fmt.Fprintf(r.Out, "webhook received: %s %s (%s) — %s\n", ev.Type, subject, req.Header.Get("webhook-id"), verdict)
	w.WriteHeader(http.StatusNoContent)
}

// verify checks the request as a partner would, with the Standard Webhooks library: the
// signature over id, timestamp and body, and a timestamp within five minutes.
func verify(secret string, body []byte, h http.Header) error {
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		return err
	}
	return wh.Verify(body, h)
}

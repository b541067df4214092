package browsertest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/signin"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/tools/internal/demo"
)

// idToken signs username in at the development provider as the console's client would (code
// flow with PKCE, no browser) and returns the provider's ID token.
func (e *env) idToken(t *testing.T, username, password string) string {
	t.Helper()
	ctx := context.Background()
	p, err := oidc.NewProvider(ctx, e.issuer)
	require.NoError(t, err)
	conf := oauth2.Config{ClientID: demo.ClientID, ClientSecret: e.secret, RedirectURL: e.consoleURL + "/console/callback", Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile"}}
	verifier := oauth2.GenerateVerifier()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(conf.AuthCodeURL("st", oidc.Nonce("n"), oauth2.S256ChallengeOption(verifier)))
	require.NoError(t, err)
	res.Body.Close()
	login, err := res.Location()
	require.NoError(t, err)
	res, err = noFollow.PostForm(e.issuer+"/login", url.Values{"id": {login.Query().Get("authRequestID")}, "username": {username}, "password": {password}})
	require.NoError(t, err)
	res.Body.Close()
	for res.StatusCode == http.StatusFound {
		next, err := res.Location()
		require.NoError(t, err)
		if strings.HasPrefix(next.String(), e.consoleURL) {
			tok, err := conf.Exchange(ctx, next.Query().Get("code"), oauth2.VerifierOption(verifier))
			require.NoError(t, err)
			raw, _ := tok.Extra("id_token").(string)
			require.NotEmpty(t, raw)
			return raw
		}
		res, err = noFollow.Get(next.String())
		require.NoError(t, err)
		res.Body.Close()
	}
	t.Fatalf("sign-in of %s ended with HTTP %d", username, res.StatusCode)
	return ""
}

func (e *env) exchange(t *testing.T, form url.Values) (int, map[string]any) {
	t.Helper()
	res, err := http.PostForm(e.consoleURL+"/oauth/token", form)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var body map[string]any
	require.NoError(t, json.Unmarshal(b, &body), string(b))
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	return res.StatusCode, body
}

func exchangeForm(idToken, grant string) url.Values {
	f := url.Values{"grant_type": {signin.GrantTypeTokenExchange}, "subject_token": {idToken}, "subject_token_type": {signin.TokenTypeIDToken}}
	if grant != "" {
		f.Set("grant", grant)
	}
	return f
}

// TestTokenExchange: an ID token from the provider buys a Lienket token for one of the person's
// grants (RFC 8693), which the services accept; a person with several grants is told which
// to choose; bad requests get RFC 6749 errors.
func TestTokenExchange(t *testing.T) {
	e := start(t)
	ctx := context.Background()

	// One grant: no need to name it.
	status, body := e.exchange(t, exchangeForm(e.idToken(t, "canboxa", demo.Password), ""))
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "Bearer", body["token_type"])
	require.Equal(t, signin.TokenTypeAccessToken, body["issued_token_type"])
	require.InDelta(t, 12*3600, body["expires_in"], 5)
	p, err := e.a.Verifier.Verify(body["access_token"].(string))
	require.NoError(t, err)
	require.Equal(t, auth.RoleCommuneOfficial, p.Role)
	require.Equal(t, demo.Commune, p.AdminArea)
	require.Equal(t, e.seeded.People["canboxa"], p.Subject)
	// The services take it as any Lienket token.
	_, err = contractsv1.NewContractsServiceClient(e.conns[1]).ListContracts(ctx, &contractsv1.ListContractsRequest{}, grpc.PerRPCCredentials(auth.TokenCredentials(body["access_token"].(string))))
	require.NoError(t, err)

	// Two grants: the answer lists them; naming one gives its token.
	two := e.idToken(t, "xavien", demo.Password)
	status, body = e.exchange(t, exchangeForm(two, ""))
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_request", body["error"])
	grants, _ := body["grants"].([]any)
	require.Len(t, grants, 2)
	var producer string
	for _, g := range grants {
		if m := g.(map[string]any); m["role"] == "ROLE_PRODUCER" {
			producer = m["name"].(string)
		}
	}
	status, body = e.exchange(t, exchangeForm(two, producer))
	require.Equal(t, http.StatusOK, status, body)
	p, err = e.a.Verifier.Verify(body["access_token"].(string))
	require.NoError(t, err)
	require.Equal(t, auth.RoleProducer, p.Role)
	require.Equal(t, e.seeded.Names[demo.Cooperative], p.Organization)

	// Someone the registry does not know.
	status, body = e.exchange(t, exchangeForm(e.idToken(t, stranger, demo.Password), ""))
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])

	// A grant the person does not hold; a forged token; wrong parameters.
	status, body = e.exchange(t, exchangeForm(two, e.seeded.People["admin"]+"/grants/x"))
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])
	forged := two[:strings.LastIndexByte(two, '.')+1] + "AAAA"
	status, body = e.exchange(t, exchangeForm(forged, ""))
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_grant", body["error"])
	status, body = e.exchange(t, url.Values{"grant_type": {"password"}})
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "unsupported_grant_type", body["error"])
	f := exchangeForm(two, "")
	f.Set("subject_token_type", signin.TokenTypeAccessToken)
	status, body = e.exchange(t, f)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, "invalid_request", body["error"])
}

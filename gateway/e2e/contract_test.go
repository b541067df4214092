package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/openapi"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// The published OpenAPI document is the contract: the REST story runs through a validating
// proxy (kin-openapi's openapi3filter, as Prism's proxy mode would) that checks every request
// and every response against the document the gateway serves. One violation fails the test.

// contractProxy forwards to the gateway and records every way a request or a response departs
// from the document.
type contractProxy struct {
	router   routers.Router
	upstream string
	mu       sync.Mutex
	checked  int
	problems []string
}

func newContractProxy(t *testing.T, upstream string) *contractProxy {
	t.Helper()
	var v2 openapi2.T
	require.NoError(t, v2.UnmarshalJSON(openapi.JSON))
	doc, err := openapi2conv.ToV3(&v2)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()), "the document is valid OpenAPI")
	router, err := gorillamux.NewRouter(doc)
	require.NoError(t, err)
	return &contractProxy{router: router, upstream: upstream}
}

func (p *contractProxy) fail(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.problems = append(p.problems, fmt.Sprintf(format, args...))
}

// credentialsPresent checks the security requirement: the gateway checks the credentials.
func credentialsPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	switch in.SecuritySchemeName {
	case "BearerAuth":
		if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
			return fmt.Errorf("no Bearer token")
		}
	case "ApiKeyAuth":
		if in.RequestValidationInput.Request.Header.Get("X-API-Key") == "" {
			return fmt.Errorf("no X-API-Key")
		}
	}
	return nil
}

func (p *contractProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, _ := io.ReadAll(r.Body)
	what := r.Method + " " + r.URL.RequestURI()
	route, params, err := p.router.FindRoute(r)
	if err != nil {
		p.fail("%s: no operation in the document: %v", what, err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: credentialsPresent, MultiError: true}}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		p.fail("%s: request: %v", what, err)
	}

	fwd, err := http.NewRequestWithContext(ctx, r.Method, p.upstream+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		p.fail("%s: %v", what, err)
		return
	}
	fwd.Header = r.Header.Clone()
	res, err := http.DefaultClient.Do(fwd)
	if err != nil {
		p.fail("%s: %v", what, err)
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	resBody, _ := io.ReadAll(res.Body)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(resBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		p.fail("%s → %d: response: %v", what, res.StatusCode, err)
	}
	if route.Operation.Responses.Value(strconv.Itoa(res.StatusCode)) == nil { // not just "default"
		p.fail("%s → %d: the operation does not document status %d", what, res.StatusCode, res.StatusCode)
	}
	p.mu.Lock()
	p.checked++
	p.mu.Unlock()
	for k, vs := range res.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(resBody)
}

// TestStoryKeepsToTheOpenAPIDocument runs the REST story through the validating proxy: every
// request and every response (statuses included) matches the published document.
func TestStoryKeepsToTheOpenAPIDocument(t *testing.T) {
	s := start(t, server.Config{})
	p := newContractProxy(t, s.url)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	mint := func(pr auth.Principal) (string, error) { return s.token(pr), nil }
	require.NoError(t, story.Run(front.URL, mint, func(string) {}))
	t.Logf("%d requests and responses checked against the document, %d violations", p.checked, len(p.problems))
	require.Greater(t, p.checked, 40, "the whole story went through the proxy")
	require.Empty(t, p.problems, "\n%s", strings.Join(p.problems, "\n"))
}

// TestContractProxyCatchesViolations: the proxy is not blind — a request with an unknown
// enum value, a missing required field and an undocumented path are reported.
func TestContractProxyCatchesViolations(t *testing.T) {
	s := start(t, server.Config{})
	p := newContractProxy(t, s.url)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	tok := s.token(auth.Principal{Subject: "users/admin", Role: auth.RoleAdmin})
	send := func(method, path, body string) {
		req, err := http.NewRequest(method, front.URL+path, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
	}
	send("POST", "/v1/organizations", `{"kind": "KIND_WIZARD", "display_name": "x", "address": {"commune_code": "`+places.BaoHa+`"}}`)
	send("POST", "/v1/households", `{"head_name": "Hộ A"}`)
	send("GET", "/v1/spaceships", "")
	send("POST", "/v1/projects/p1:approve", `{"note": "thiếu số quyết định"}`)
	send("POST", "/v1/calls", `{"display_name": "Đợt 1", "investor": "authorities/a1", "state": "CALL_STATE_OPEN"}`)
	require.Len(t, p.problems, 5, "%v", p.problems)
	require.Contains(t, p.problems[0], "KIND_WIZARD")
	require.Contains(t, p.problems[1], "ethnic_group")
	require.Contains(t, p.problems[2], "no operation")
	require.Contains(t, p.problems[3], "decision_reference", "support's REQUIRED annotations are in the document")
	require.Contains(t, p.problems[4], "budget_vnd")
	require.Contains(t, p.problems[4], `readOnly property "state"`, "an output-only field sent in a request is reported")

	// Responses too: an upstream answering a wrong body, and a status the operation does not
	// document.
	wrong := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/v1/products" {
			w.WriteHeader(http.StatusTeapot)
		}
		_, _ = w.Write([]byte(`{"name": 12, "grades": "A"}`))
	}))
	t.Cleanup(wrong.Close)
	p = newContractProxy(t, wrong.URL)
	front = httptest.NewServer(p)
	t.Cleanup(front.Close)
	send("GET", "/v1/products/cinnamon-bark", "")
	send("GET", "/v1/products", "")
	require.Len(t, p.problems, 2, "%v", p.problems)
	require.Contains(t, p.problems[0], "grades")
	require.Contains(t, p.problems[1], "418")
}

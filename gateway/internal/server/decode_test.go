package server

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// countingRegistry counts the RPCs that reach it and sends response metadata on ListProducts.
type countingRegistry struct {
	registryv1.UnimplementedRegistryServiceServer
	calls atomic.Int32
}

func (c *countingRegistry) CreateOrganization(context.Context, *registryv1.CreateOrganizationRequest) (*registryv1.Organization, error) {
	c.calls.Add(1)
	return &registryv1.Organization{Name: "organizations/o1"}, nil
}

func (c *countingRegistry) ListProducts(ctx context.Context, _ *registryv1.ListProductsRequest) (*registryv1.ListProductsResponse, error) {
	c.calls.Add(1)
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-internal-node", "registry-7"))
	grpc.SetTrailer(ctx, metadata.Pairs("x-internal-trailer", "t"))
	return &registryv1.ListProductsResponse{}, nil
}

type gatewayUnderTest struct {
	url, token string
	registry   *countingRegistry
}

func startGateway(t *testing.T) *gatewayUnderTest {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	reg := &countingRegistry{}
	gs := grpc.NewServer()
	registryv1.RegisterRegistryServiceServer(gs, reg)
	contractsv1.RegisterContractsServiceServer(gs, contractsv1.UnimplementedContractsServiceServer{})
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	cc, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = cc.Close() })
	key, err := auth.GenerateKey()
	require.NoError(t, err)
	iss := auth.NewIssuer(key, "lienket-dev", "lienket")
	h, err := Handler(context.Background(), Config{MaxBodyBytes: 1 << 16},
		Edge{Verifier: auth.NewVerifier("lienket-dev", "lienket", key.Public().(ed25519Pub)), Issuer: iss}, cc, cc, cc, cc, cc)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tok, err := iss.Mint(auth.Principal{Subject: "users/root", Role: auth.RoleAdmin}, time.Hour)
	require.NoError(t, err)
	return &gatewayUnderTest{url: srv.URL, token: tok, registry: reg}
}

func (g *gatewayUnderTest) do(t *testing.T, method, path, body string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, g.url+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return res, out
}

// errorDetails returns the ErrorInfo reason and the BadRequest field violations of a status.
func errorDetails(t *testing.T, st map[string]any) (reason string, fields map[string]map[string]any) {
	t.Helper()
	fields = map[string]map[string]any{}
	details, _ := st["details"].([]any)
	for _, d := range details {
		d := d.(map[string]any)
		switch d["@type"] {
		case "type.googleapis.com/google.rpc.ErrorInfo":
			require.Equal(t, "lienket.vn", d["domain"])
			reason, _ = d["reason"].(string)
		case "type.googleapis.com/google.rpc.BadRequest":
			for _, v := range d["field_violations"].([]any) {
				v := v.(map[string]any)
				fields[v["field"].(string)] = v
			}
		}
	}
	return reason, fields
}

// TestDecodeErrors: every request the gateway cannot decode is 400 INVALID_ARGUMENT with an
// ErrorInfo reason and a BadRequest violation naming the field (with the body's field as
// prefix) and the same reason; nothing reaches the service.
func TestDecodeErrors(t *testing.T) {
	g := startGateway(t)
	cases := []struct {
		name, method, path, body string
		reason, field            string
		mentions                 []string // in the violation's description
	}{
		{"truncated", "POST", "/v1/organizations", `{"kind": "KIND_BUSINESS",`, ReasonMalformedJSON, "organization", []string{"unexpected end"}},
		{"not JSON", "POST", "/v1/organizations", `not json at all`, ReasonMalformedJSON, "organization", []string{"invalid character"}},
		{"trailing data", "POST", "/v1/organizations", `{"display_name": "x"} {"x": 1}`, ReasonMalformedJSON, "organization", []string{"after the JSON value"}},
		{"not UTF-8", "POST", "/v1/organizations", "\xff\xfe{}", ReasonMalformedJSON, "organization", nil},
		{"unknown field", "POST", "/v1/organizations", `{"kind": "KIND_BUSINESS", "gender": "F"}`, ReasonUnknownField, "organization.gender", []string{`"gender"`}},
		{"unknown nested field", "POST", "/v1/organizations", `{"address": {"commune_code": "` + places.BaoHa + `", "zip": "70000"}}`, ReasonUnknownField, "organization.address.zip", nil},
		{"unknown field in a list", "POST", "/v1/contracts", `{"terms": {"allocations": [{"household": "households/h1"}, {"household": "households/h2", "cows": 3}]}}`, ReasonUnknownField, "contract.terms.allocations[1].cows", nil},
		{"invalid enum lists the accepted values", "POST", "/v1/organizations", `{"kind": "BUSINESS"}`, ReasonInvalidEnumValue, "organization.kind",
			[]string{`"BUSINESS"`, "KIND_BUSINESS, KIND_COOPERATIVE, KIND_UNION_OF_COOPERATIVES, KIND_COOPERATIVE_GROUP, KIND_PRODUCTION_GROUP"}},
		{"invalid enum in a whole-request body", "POST", "/v1/contracts/c1:sign", `{"party": "BUYER", "terms_hash": "abc"}`, ReasonInvalidEnumValue, "party", []string{"PARTY_BUYER, PARTY_PRODUCER, PARTY_HOUSEHOLD"}},
		{"enum as a boolean", "POST", "/v1/organizations", `{"kind": true}`, ReasonInvalidEnumValue, "organization.kind", []string{"KIND_BUSINESS"}},
		{"int32 overflow", "POST", "/v1/households", `{"member_count": 3000000000}`, ReasonValueOutOfRange, "household.member_count", []string{"2147483647"}},
		{"int32 overflow as exponent", "POST", "/v1/households", `{"member_count": "3e9"}`, ReasonValueOutOfRange, "household.member_count", nil},
		{"int64 overflow", "POST", "/v1/offers", `{"quantity": "9223372036854775808"}`, ReasonValueOutOfRange, "offer.quantity", []string{"9223372036854775807"}},
		{"fraction for an integer", "POST", "/v1/offers", `{"quantity": 1.5}`, ReasonInvalidValue, "offer.quantity", []string{"whole number"}},
		{"string for a boolean", "POST", "/v1/organizations", `{"women_led": "yes"}`, ReasonInvalidValue, "organization.women_led", nil},
		{"number for a string", "POST", "/v1/organizations", `{"display_name": 12345}`, ReasonInvalidValue, "organization.display_name", nil},
		{"array for the resource", "POST", "/v1/organizations", `[1, 2, 3]`, ReasonInvalidValue, "organization", []string{"JSON object"}},
		{"bad timestamp", "POST", "/v1/organizations", `{"create_time": "yesterday"}`, ReasonInvalidValue, "organization.create_time", []string{"Timestamp"}},
		{"query integer", "GET", "/v1/products?page_size=abc", ``, ReasonInvalidValue, "page_size", nil},
		{"query integer out of range", "GET", "/v1/products?page_size=1e99", ``, ReasonValueOutOfRange, "page_size", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := g.registry.calls.Load()
			res, st := g.do(t, tc.method, tc.path, tc.body)
			require.Equal(t, http.StatusBadRequest, res.StatusCode, "%v", st)
			require.EqualValues(t, 3, st["code"], "INVALID_ARGUMENT")
			require.NotEmpty(t, st["message"])
			reason, fields := errorDetails(t, st)
			require.Equal(t, tc.reason, reason, "%v", st)
			v, ok := fields[tc.field]
			require.True(t, ok, "a violation of %q in %v", tc.field, st)
			require.Equal(t, tc.reason, v["reason"])
			for _, m := range tc.mentions {
				require.Contains(t, v["description"], m)
			}
			require.Equal(t, before, g.registry.calls.Load(), "nothing reached the service")
		})
	}

	// Several problems are reported at once.
	res, st := g.do(t, "POST", "/v1/organizations", `{"kind": "NOPE", "bogus": 1, "women_led": 2}`)
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
	_, fields := errorDetails(t, st)
	require.Len(t, fields, 3, "%v", st)

	// A body that decodes reaches the service.
	res, _ = g.do(t, "POST", "/v1/organizations", `{"kind": "KIND_BUSINESS", "display_name": "x"}`)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res, _ = g.do(t, "POST", "/v1/organizations", ``)
	require.Equal(t, http.StatusOK, res.StatusCode, "no body is an empty message, as before")
}

// TestErrorsHaveOneShape: errors the gateway meets without details (an unimplemented method)
// get an ErrorInfo too; no gRPC metadata leaks as Grpc-Metadata-* headers; 405 has Allow.
func TestErrorsHaveOneShape(t *testing.T) {
	g := startGateway(t)
	res, st := g.do(t, "POST", "/v1/contracts/c1:submit", `{}`)
	require.Equal(t, http.StatusNotImplemented, res.StatusCode)
	reason, _ := errorDetails(t, st)
	require.Equal(t, "UNIMPLEMENTED", reason)

	res, _ = g.do(t, "GET", "/v1/products", ``)
	require.Equal(t, http.StatusOK, res.StatusCode)
	for h := range res.Header {
		require.False(t, strings.HasPrefix(strings.ToLower(h), "grpc-"), "header %s leaks gRPC metadata", h)
	}

	for path, allow := range map[string]string{
		"/v1/organizations":              "GET, POST",
		"/v1/organizations/o1":           "DELETE, GET, PATCH",
		"/v1/contracts/c1:sign":          "POST",
		"/v1/contracts/c1/deliveries/d1": "GET",
	} {
		res, st := g.do(t, "PUT", path, `{}`)
		require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, path)
		require.Equal(t, allow, res.Header.Get("Allow"), path)
		reason, _ := errorDetails(t, st)
		require.Equal(t, "METHOD_NOT_ALLOWED", reason)
	}
}

func TestUpperSnake(t *testing.T) {
	require.Equal(t, "DEADLINE_EXCEEDED", upperSnake("DeadlineExceeded"))
	require.Equal(t, "UNIMPLEMENTED", upperSnake("Unimplemented"))
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

const generated = `{
  "swagger": "2.0",
  "info": {"title": "Lienket API", "version": "v1"},
  "tags": [{"name": "ContractsService"}],
  "paths": {
    "/v1/contracts/{contract}/deliveries/{deliverie}:confirm": {"post": {"operationId": "ContractsService_ConfirmDelivery",
      "responses": {"200": {"description": "ok"}},
      "parameters": [{"name": "contract", "in": "path", "required": true, "type": "string"},
                     {"name": "deliverie", "in": "path", "required": true, "type": "string"},
                     {"name": "body", "in": "body", "required": true, "schema": {"type": "object"}}]}},
    "/v1/organizations/{organization}": {
      "get": {"operationId": "RegistryService_GetOrganization", "responses": {"200": {"description": "ok"}},
        "parameters": [{"name": "organization", "in": "path", "required": true, "type": "string"}]},
      "patch": {"operationId": "RegistryService_UpdateOrganization", "responses": {"200": {"description": "ok"}},
        "parameters": [{"name": "organization", "in": "path", "required": true, "type": "string"},
                       {"name": "organization", "in": "body", "required": true,
                        "schema": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}}]}},
    "/v1/products": {"get": {"operationId": "RegistryService_ListProducts", "responses": {"200": {"description": "ok"}}}},
    "/v1/contracts/{contract}:document": {"get": {"operationId": "ContractsService_GetContractDocument",
      "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/apiHttpBody"}}},
      "parameters": [{"name": "contract", "in": "path", "required": true, "type": "string"}]}}
  },
  "definitions": {"apiHttpBody": {"type": "object"}}
}`

func finish(t *testing.T) map[string]any {
	t.Helper()
	out, err := Finish([]byte(generated), "0.3.1")
	require.NoError(t, err)
	again, err := Finish(out, "0.3.1")
	require.NoError(t, err)
	require.Equal(t, string(out), string(again), "finishing is idempotent")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out, &doc))
	return doc
}

func op(doc map[string]any, path, method string) map[string]any {
	return doc["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
}

func codes(o map[string]any) []string {
	var out []string
	for c := range o["responses"].(map[string]any) {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

func TestFinish(t *testing.T) {
	doc := finish(t)
	require.Equal(t, "v1 (build 0.3.1)", doc["info"].(map[string]any)["version"])

	confirm := op(doc, "/v1/contracts/{contract}/deliveries/{delivery}:confirm", "post")
	require.Equal(t, []string{"200", "400", "401", "403", "404", "409", "413", "429", "503"}, codes(confirm))
	require.Equal(t, "#/responses/Conflict", confirm["responses"].(map[string]any)["409"].(map[string]any)["$ref"])
	param := confirm["parameters"].([]any)[1].(map[string]any)
	require.Equal(t, "delivery", param["name"])
	require.Contains(t, param["description"], "`contracts/{contract}/deliveries/{delivery}`")

	require.Equal(t, []string{"200", "400", "401", "403", "404", "429", "503"}, codes(op(doc, "/v1/organizations/{organization}", "get")), "a read does not conflict")
	require.Equal(t, []string{"200", "400", "401", "403", "429", "503"}, codes(op(doc, "/v1/products", "get")), "nothing named in the path: no 404")

	patch := op(doc, "/v1/organizations/{organization}", "patch")
	body := patch["parameters"].([]any)[1].(map[string]any)["schema"].(map[string]any)
	require.NotContains(t, body, "required", "an update sends only what it changes")

	health := op(doc, "/healthz", "get")
	require.Equal(t, []any{}, health["security"], "public")
	for _, name := range []string{"BadRequest", "Unauthenticated", "PermissionDenied", "NotFound", "Conflict", "PayloadTooLarge", "TooManyRequests", "Unavailable"} {
		r := doc["responses"].(map[string]any)[name].(map[string]any)
		require.Equal(t, "#/definitions/rpcStatus", r["schema"].(map[string]any)["$ref"], name)
	}
	require.Len(t, doc["tags"], 2)
}

func TestAppVersion(t *testing.T) {
	dir := t.TempDir()
	chart := filepath.Join(dir, "Chart.yaml")
	require.NoError(t, os.WriteFile(chart, []byte("apiVersion: v2\nversion: 0.1.0\nappVersion: \"1.4.2\"\n"), 0o644))
	v, err := appVersion(chart)
	require.NoError(t, err)
	require.Equal(t, "1.4.2", v)
	require.NoError(t, os.WriteFile(chart, []byte("apiVersion: v2\n"), 0o644))
	_, err = appVersion(chart)
	require.Error(t, err)
}

func TestSingular(t *testing.T) {
	for in, want := range map[string]string{"deliveries": "delivery", "authorities": "authority", "apiKeys": "apiKey", "members": "member", "settlement": "settlement"} {
		require.Equal(t, want, singular(in))
	}
}

// A method returning google.api.HttpBody is documented as the file the gateway sends.
func TestFinishDocuments(t *testing.T) {
	doc := finish(t)
	o := op(doc, "/v1/contracts/{contract}:document", "get")
	require.Equal(t, []any{"application/pdf", "text/html"}, o["produces"])
	ok := o["responses"].(map[string]any)["200"].(map[string]any)
	require.Equal(t, map[string]any{"type": "file"}, ok["schema"])
	require.Contains(t, ok["headers"], "X-Document-Sha256")
	require.NotContains(t, doc["definitions"], "apiHttpBody")
	require.Equal(t, []string{"200", "400", "401", "403", "404", "429", "503"}, codes(o))
}

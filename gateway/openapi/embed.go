// Package openapi embeds the generated OpenAPI document of the whole Lienket REST API.
package openapi

import _ "embed"

// JSON is the merged OpenAPI (Swagger 2.0) document generated from the protos and HTTP rules.
//
//go:embed lienket.swagger.json
var JSON []byte

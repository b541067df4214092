// Package data ships the registry's reference data: administrative areas (a sample under the
// two-level system), products and quality standards.
package data

import _ "embed"

// AdminAreas is admin_areas.json.
//
//go:embed admin_areas.json
var AdminAreas []byte

// Products is products.json.
//
//go:embed products.json
var Products []byte

// Standards is standards.json.
//
//go:embed standards.json
var Standards []byte

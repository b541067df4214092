// Package data ships the registry's reference data: Vietnam's official administrative units
// in force since 1 July 2025 (vn-admin-units-2025.json; origin and MIT licence in NOTICE and
// in the file's "_source"), products and quality standards.
package data

import _ "embed"

// AdminAreas is vn-admin-units-2025.json: 34 provinces and 3,321 communes with codes, names,
// kind, centroid, area and a simplified boundary.
//
//go:embed vn-admin-units-2025.json
var AdminAreas []byte

// Products is products.json.
//
//go:embed products.json
var Products []byte

// Standards is standards.json.
//
//go:embed standards.json
var Standards []byte

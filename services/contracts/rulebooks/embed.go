// Package rulebooks ships the versioned rulebooks: the base "decree98" rulebook and programme
// profiles layered on it. Rules are data (id, field, messages, parameters); the checks that
// implement each rule id live in internal/domain.
package rulebooks

import "embed"

// FS holds the rulebook files (*.json).
//
//go:embed *.json
var FS embed.FS

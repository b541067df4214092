// Package rulebooks ships the versioned support rulebooks: the base "decree98-support" (support
// of linkage under Decree 98/2018/ND-CP) and programme profiles layered on it (e.g.
// "ntp-sedema"). Rules are data (id, field path, messages in Vietnamese and English,
// parameters); a profile adds rules and may replace a base rule of the same id (its parameters
// and messages) and the appraisal criteria. The check behind each rule id lives in
// internal/domain; a rulebook naming a rule without a check stops the service at start-up.
package rulebooks

import "embed"

// FS holds the rulebook files (*.json).
//
//go:embed *.json
var FS embed.FS

// Package auditlog is the support service's audit log: the same tamper-evident hash chain as the
// contracts audit log (package contracts/auditchain, canonical encoding "lienket-event-v1"), with
// the chain's subject — the auditchain.Event's Contract field — being the resource name of the
// call or project ("calls/{id}", "projects/{id}"). One verifier checks every chain of the suite.
// It is public so that tools and end-to-end tests verify chains exactly as the service writes
// them.
package auditlog

import "github.com/lienket/lienket/services/contracts/auditchain"

// Event is one audit-log entry; its Contract field holds the chain's subject.
type Event = auditchain.Event

// ChainError names the first broken link of a chain.
type ChainError = auditchain.ChainError

// Hash computes an event's hash from its fields (ignoring e.Hash).
func Hash(e Event) string { return auditchain.Hash(e) }

// Verify checks events (oldest first, from sequence 1) and returns the first broken link, or nil.
func Verify(events []Event) *ChainError { return auditchain.Verify(events) }

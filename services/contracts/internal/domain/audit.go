package domain

import (
	"encoding/json"
	"time"

	"github.com/lienket/lienket/services/contracts/auditchain"
)

// Event is one audit-log entry (see package auditchain for the chain's encoding).
type Event = auditchain.Event

// ChainError names the first broken link of a chain.
type ChainError = auditchain.ChainError

// HashEvent computes an event's hash.
func HashEvent(e Event) string { return auditchain.Hash(e) }

// VerifyChain returns the first broken link of events, or nil.
func VerifyChain(events []Event) *ChainError { return auditchain.Verify(events) }

// Append records a new event at the head of the contract's chain; it is stored with the
// contract's next write (outbox) and then moved to the events collection.
func (c *Contract) Append(typ, actor, role string, payload any, now time.Time) Event {
	p, err := json.Marshal(payload)
	if err != nil {
		p = []byte(`"unencodable payload"`)
	}
	e := Event{
		Contract: c.ID, Seq: c.HeadSeq + 1, Type: typ, Actor: actor, ActorRole: role,
		Time: now.UTC().Truncate(time.Millisecond), Payload: string(p), PreviousHash: c.HeadHash,
	}
	e.Hash = HashEvent(e)
	c.HeadSeq, c.HeadHash = e.Seq, e.Hash
	c.PendingEvents = append(c.PendingEvents, e)
	return e
}

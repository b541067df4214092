package domain

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/auditchain"
)

// Types of the audit events appended to a contract's chain.
const (
	EventContractCreated       = "contract.created"
	EventContractUpdated       = "contract.updated"
	EventContractSubmitted     = "contract.submitted"
	EventContractSigned        = "contract.signed"
	EventContractWitnessed     = "contract.witnessed"
	EventWitnessRejected       = "contract.witness_rejected"
	EventContractCancelled     = "contract.cancelled"
	EventAmendmentProposed     = "contract.amendment_proposed"
	EventContractResumed       = "contract.resumed"
	EventContractTerminated    = "contract.terminated"
	EventSettlementAcknowledge = "contract.settlement_acknowledged"
	EventContractCompleted     = "contract.completed"
	// EventDeliveryRecorded carries the whole delivery, which the outbox flush writes.
	EventDeliveryRecorded = "delivery.recorded"
	EventAdvanceRecorded  = "advance.recorded"
	// EventPaymentRecorded carries the whole payment, which the outbox flush writes.
	EventPaymentRecorded   = "payment.recorded"
	EventIncidentOpened    = "incident.opened"
	EventIncidentVerified  = "incident.verified"
	EventIncidentMediation = "incident.mediation"
	EventIncidentResolved  = "incident.resolved"
	// EventDocumentIssued carries the SHA-256 of a document issued for the contract (see
	// IssuedDocument), which the outbox flush records for the verification page.
	EventDocumentIssued = "document.issued"
)

// DeliveryAnswered is the type of the event of the producer's answer (CONFIRMED, DISPUTED) to
// a delivery: delivery.confirmed, delivery.disputed.
func DeliveryAnswered(state string) string { return "delivery." + strings.ToLower(state) }

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

package domain

import (
	"encoding/json"
	"fmt"
)

// Partner events: what the parties' webhooks receive. They are derived from the audit events
// (the contract's outbox) and from the contract as the write that appended them left it.

// Snapshot is a contract as the write that appended an event left it: what decides which
// partner events the audit event stands for (a witness that activates or that amends, an
// acknowledgement that liquidates) and who receives them. It is stored next to the event (not
// in its hash): the outbox is only ever flushed from the very version that appended it.
type Snapshot struct {
	State          string `bson:"state"`
	AmendmentCount int32  `bson:"amendment_count"`
	Buyer          string `bson:"buyer"`
	Producer       string `bson:"producer"`
}

// SnapshotOf is c's snapshot.
func SnapshotOf(c *Contract) Snapshot {
	return Snapshot{State: c.State, AmendmentCount: c.AmendmentCount, Buyer: c.Terms.Buyer, Producer: c.Terms.Producer}
}

// PartnerEvent is one event for the parties' webhooks.
type PartnerEvent struct {
	// ID is unique and stable: the audit event's id and the type.
	ID   string
	Type string
	// Position orders a contract's partner events: 16 × the audit sequence + the index.
	Position int64
	// Organizations are the parties (buyer, producer).
	Organizations []string
	// Data is a JSON object: contract, contract_state, resource, and the audit event
	// (sequence, type, hash, payload).
	Data string
}

// partnerTypes maps an audit event type to the partner event types it always stands for.
var partnerTypes = map[string][]string{
	EventContractCreated:    {"contract.created"},
	EventContractSubmitted:  {"contract.submitted"},
	EventContractSigned:     {"contract.signed"},
	EventWitnessRejected:    {"contract.witness_rejected"},
	EventContractCancelled:  {"contract.cancelled"},
	EventAmendmentProposed:  {"contract.amendment_proposed"},
	EventContractResumed:    {"contract.resumed"},
	EventContractTerminated: {"contract.terminated"},
	EventContractCompleted:  {"contract.completed"},
	EventDeliveryRecorded:   {"delivery.recorded", "settlement.changed"},
	"delivery.confirmed":    {"delivery.confirmed"},
	"delivery.disputed":     {"delivery.disputed"},
	EventAdvanceRecorded:    {"advance.recorded", "settlement.changed"},
	EventPaymentRecorded:    {"payment.recorded", "settlement.changed"},
	EventIncidentOpened:     {"incident.opened"},
	EventIncidentResolved:   {"incident.resolved"},
}

// partnerTypesOf lists the partner event types of audit event e given the snapshot.
func partnerTypesOf(e Event, after Snapshot, payload map[string]any) []string {
	switch e.Type {
	case EventContractWitnessed:
		if after.AmendmentCount > 0 {
			return []string{"contract.witnessed", "contract.amended"}
		}
		return []string{"contract.witnessed", "contract.activated"}
	case EventSettlementAcknowledge:
		if after.State == StateLiquidated {
			return []string{"contract.liquidated"}
		}
		return nil
	case EventIncidentVerified:
		if after.State == StateSuspended && payload["verification"] == "ACCEPTED" {
			return []string{"contract.suspended"}
		}
		return nil
	}
	return partnerTypes[e.Type]
}

// maxPerEvent bounds the partner events of one audit event (Position spacing).
const maxPerEvent = 16

// PartnerEvents are the partner events audit event e stands for (none for internal ones such
// as contract.updated), for the contract's buyer and producer.
func PartnerEvents(e Event, after Snapshot) []PartnerEvent {
	var payload map[string]any
	if json.Unmarshal([]byte(e.Payload), &payload) != nil {
		payload = map[string]any{}
	}
	types := partnerTypesOf(e, after, payload)
	if len(types) == 0 {
		return nil
	}
	orgs := []string{}
	for _, o := range []string{after.Buyer, after.Producer} {
		if o != "" && (len(orgs) == 0 || orgs[0] != o) {
			orgs = append(orgs, o)
		}
	}
	name := ContractName(e.Contract)
	data, _ := json.Marshal(map[string]any{
		"contract": name, "contract_state": "CONTRACT_STATE_" + after.State, "resource": resourceOf(name, payload),
		"audit_event": map[string]any{"sequence": e.Seq, "type": e.Type, "hash": e.Hash, "time": e.Time, "payload": payload},
	})
	out := make([]PartnerEvent, 0, len(types))
	for i, t := range types[:min(len(types), maxPerEvent)] {
		out = append(out, PartnerEvent{ID: fmt.Sprintf("%s/%012d/%s", name, e.Seq, t), Type: t, Position: e.Seq*maxPerEvent + int64(i),
			Organizations: orgs, Data: string(data)})
	}
	return out
}

// resourceOf is the resource an audit event is about: a record of the contract, or the
// contract itself.
func resourceOf(contract string, payload map[string]any) string {
	for key, coll := range map[string]string{"delivery": "deliveries", "payment": "payments", "advance": "inputAdvances", "incident": "incidents"} {
		if id, ok := payload[key].(string); ok && id != "" {
			return contract + "/" + coll + "/" + id
		}
	}
	return contract
}

package domain

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/lienket/lienket/services/support/auditlog"
)

// Event is one audit-log entry (see package auditlog for the chain's encoding); its Contract
// field holds the chain's subject, the resource name of the call or project.
type Event = auditlog.Event

// Chain is the head of a resource's audit log and its outbox: the events appended since the
// last write, stored with the resource's next conditional write and then moved to the events
// collection. It also remembers the last idempotency keys of transitions.
type Chain struct {
	HeadSeq       int64    `bson:"head_seq"`
	HeadHash      string   `bson:"head_hash"`
	PendingEvents []Event  `bson:"pending_events"`
	Requests      []string `bson:"requests,omitempty"`
}

// maxRequests bounds the idempotency keys remembered per resource.
const maxRequests = 100

// Append records a new event at the head of the chain of subject.
func (c *Chain) Append(subject, typ, actor, role string, payload any, now time.Time) Event {
	p, err := json.Marshal(payload)
	if err != nil {
		p = []byte(`"unencodable payload"`)
	}
	e := Event{
		Contract: subject, Seq: c.HeadSeq + 1, Type: typ, Actor: actor, ActorRole: role,
		Time: now.UTC().Truncate(time.Millisecond), Payload: string(p), PreviousHash: c.HeadHash,
	}
	e.Hash = auditlog.Hash(e)
	c.HeadSeq, c.HeadHash = e.Seq, e.Hash
	c.PendingEvents = append(c.PendingEvents, e)
	return e
}

// Seen reports whether the idempotency key was already applied ("" never is).
func (c *Chain) Seen(key string) bool { return key != "" && slices.Contains(c.Requests, key) }

// Remember records an applied idempotency key (the oldest are forgotten beyond a bound).
func (c *Chain) Remember(key string) {
	if key == "" {
		return
	}
	c.Requests = append(c.Requests, key)
	if len(c.Requests) > maxRequests {
		c.Requests = c.Requests[len(c.Requests)-maxRequests:]
	}
}

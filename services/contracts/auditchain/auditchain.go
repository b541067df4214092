// Package auditchain defines the contracts audit log's hash chain: the canonical encoding of
// an event, its hash, and verification of a whole chain. It is public so that tools (the
// lienket-audit command) verify chains exactly as the service writes them.
package auditchain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event is one audit-log entry.
type Event struct {
	Contract     string    `bson:"contract" json:"contract"`
	Seq          int64     `bson:"seq" json:"seq"`
	Type         string    `bson:"type" json:"type"`
	Actor        string    `bson:"actor" json:"actor"`
	ActorRole    string    `bson:"actor_role" json:"actor_role"`
	Time         time.Time `bson:"time" json:"time"`
	Payload      string    `bson:"payload" json:"payload"`
	PreviousHash string    `bson:"previous_hash" json:"previous_hash"`
	Hash         string    `bson:"hash" json:"hash"`
}

// The audit log is a hash chain: each event's hash is SHA-256 over a canonical encoding of the
// event that includes the previous event's hash, so changing, removing or reordering any event
// breaks every later link. The canonical encoding is the lines
//
//	lienket-event-v1
//	<contract>\n<seq>\n<type>\n<actor>\n<actor_role>\n<time RFC 3339, UTC, milliseconds>\n
//	<len(payload)>:<payload>\n<previous_hash>
//
// Times are truncated to milliseconds because that is what BSON stores.

// Hash computes an event's hash from its fields (ignoring e.Hash).
func Hash(e Event) string {
	var b strings.Builder
	b.WriteString("lienket-event-v1\n")
	for _, s := range []string{e.Contract, strconv.FormatInt(e.Seq, 10), e.Type, e.Actor, e.ActorRole, e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00")} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.WriteString(strconv.Itoa(len(e.Payload)))
	b.WriteByte(':')
	b.WriteString(e.Payload)
	b.WriteByte('\n')
	b.WriteString(e.PreviousHash)
	h := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(h[:])
}

// ChainError names the first broken link of a chain.
type ChainError struct {
	// Seq is the sequence number of the first event that does not verify.
	Seq int64
	// Reason says why.
	Reason string
}

func (e *ChainError) Error() string { return fmt.Sprintf("event %d: %s", e.Seq, e.Reason) }

// Verify checks events (oldest first, starting at sequence 1) and returns the first broken
// link, or nil when the whole chain verifies.
func Verify(events []Event) *ChainError {
	prev := ""
	for i, e := range events {
		want := int64(i + 1)
		switch {
		case e.Seq != want:
			return &ChainError{Seq: want, Reason: fmt.Sprintf("sequence %d found where %d was expected (missing or reordered event)", e.Seq, want)}
		case e.PreviousHash != prev:
			return &ChainError{Seq: e.Seq, Reason: "previous_hash does not match the hash of the event before it"}
		case Hash(e) != e.Hash:
			return &ChainError{Seq: e.Seq, Reason: "hash does not match the event's content (event altered)"}
		}
		prev = e.Hash
	}
	return nil
}

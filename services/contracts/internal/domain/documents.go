package domain

import "time"

// IssuedDocument is a document Lienket issued for a contract: its SHA-256 is recorded in the
// contract's audit chain (a document.issued event), so that anyone holding a copy can check
// that it is one Lienket issued. bson tags are the stored field names.
type IssuedDocument struct {
	// ID is IssuedDocumentID(Contract, SHA256).
	ID       string `bson:"_id"`
	Contract string `bson:"contract"`
	// Kind is "contract", "settlement_statement" or "liquidation_record".
	Kind   string `bson:"kind"`
	SHA256 string `bson:"sha256"`
	Bytes  int64  `bson:"bytes"`
	// Amendment and TermsHash are those of the terms the document shows.
	Amendment int32  `bson:"amendment"`
	TermsHash string `bson:"terms_hash"`
	Lang      string `bson:"lang"`
	Format    string `bson:"format"`
	// Household is the household of a settlement statement.
	Household string `bson:"household,omitempty"`
	// IssueTime is the time of the event that recorded it.
	IssueTime time.Time `bson:"issue_time"`
}

// IssuedDocumentID is the id of the record of the document with hash sha256 of a contract.
func IssuedDocumentID(contract, sha256 string) string { return contract + "/" + sha256 }

// DocumentStates are the states in which a contract's terms are fixed (submitted for
// signature, signed, in force or ended after being in force): documents issued in them are
// recorded. A draft's (or a rejected draft's) document is not: its terms may still change.
var DocumentStates = []string{StatePendingSignatures, StatePendingWitness, StateActive, StateSuspended, StateCompleted, StateLiquidated, StateTerminated}

// ExecutedStates are the states of a contract that has been in force: a settlement statement
// exists only for those.
var ExecutedStates = []string{StateActive, StateSuspended, StateCompleted, StateLiquidated, StateTerminated}

// LiquidationStates are the states that have a liquidation record.
var LiquidationStates = []string{StateCompleted, StateLiquidated}

// Concluded is when the last signature terms need was given, if all of sigs are there.
func Concluded(t Terms, sigs []Signature) (time.Time, bool) {
	if len(Missing(t, sigs)) > 0 {
		return time.Time{}, false
	}
	var last time.Time
	for _, s := range sigs {
		if s.Time.After(last) {
			last = s.Time
		}
	}
	return last, !last.IsZero()
}

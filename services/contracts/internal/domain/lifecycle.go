package domain

import (
	"fmt"
	"slices"
	"time"
)

// Actor is who performs an action (the verified caller), without any transport types.
type Actor struct {
	Subject      string
	Role         string // admin, business, producer, household, commune_official, ...
	Organization string
	Household    string
	AdminArea    string
}

// oneOf reports whether s is one of set.
func oneOf(s string, set ...string) bool { return slices.Contains(set, s) }

// UpdateTerms replaces the terms of an editable contract; editing a contract the witness
// rejected returns it to DRAFT.
func (c *Contract) UpdateTerms(t Terms) error {
	if !c.Editable() {
		return stateErr(c, "edit the terms of", StateDraft, StateWitnessRejected)
	}
	c.SetTerms(t)
	if c.State == StateWitnessRejected {
		c.State, c.StateReason = StateDraft, ""
	}
	return nil
}

// Submit moves a draft whose rules all pass to PENDING_SIGNATURES. The caller validates first
// and passes the violations it found: any violation is FAILED_PRECONDITION RULES_NOT_SATISFIED
// listing them.
func (c *Contract) Submit(violations []Violation) error {
	if !c.Editable() {
		return stateErr(c, "submit", StateDraft, StateWitnessRejected)
	}
	if len(violations) > 0 {
		return RulesError(violations)
	}
	c.State, c.StateReason = StatePendingSignatures, ""
	c.Signatures, c.Witness = nil, nil
	return nil
}

// Required lists the signatures (party/on_behalf_of) the terms need.
func Required(t Terms) []string {
	req := []string{PartyBuyer + "/" + t.Buyer, PartyProducer + "/" + t.Producer}
	for _, a := range t.Allocations {
		req = append(req, PartyHousehold+"/"+a.Household)
	}
	return req
}

func signed(sigs []Signature, key string) bool {
	for _, s := range sigs {
		if s.Party+"/"+s.OnBehalfOf == key {
			return true
		}
	}
	return false
}

// Missing lists the signatures still needed on sigs for t.
func Missing(t Terms, sigs []Signature) []string {
	var out []string
	for _, k := range Required(t) {
		if !signed(sigs, k) {
			out = append(out, k)
		}
	}
	return out
}

// Sign records a signature of the current terms (or of the pending amendment). It checks that
// the actor may sign in that capacity and that termsHash is what is on the table now. When
// the last required signature arrives, the contract moves to PENDING_WITNESS (an amendment
// becomes ready for witness).
func (c *Contract) Sign(a Actor, party, household, termsHash string, now time.Time) error {
	tb, err := c.signingTable()
	if err != nil {
		return err
	}
	s, err := capacity(a, party, household, tb.terms)
	if err != nil {
		return err
	}
	// Capacity first, then the terms: a caller who may not sign learns nothing about them.
	if termsHash != tb.hash {
		return termsChanged(c, "the terms changed since you read them: read the contract again and sign its current terms_hash")
	}
	if signed(*tb.sigs, party+"/"+s.OnBehalfOf) {
		return ErrAlreadyDone
	}
	s.Party, s.Signer, s.SignerRole, s.TermsHash, s.Time, s.Amendment = party, a.Subject, a.Role, tb.hash, now.UTC(), tb.amendment
	*tb.sigs = append(*tb.sigs, s)
	if tb.amendment == 0 && len(Missing(tb.terms, *tb.sigs)) == 0 {
		c.State = StatePendingWitness
	}
	return nil
}

// signingTable is what is on the table to sign: the contract's terms, or its pending
// amendment's.
type signingTable struct {
	terms     Terms
	hash      string
	sigs      *[]Signature
	amendment int32
}

func (c *Contract) signingTable() (signingTable, error) {
	switch {
	case c.State == StatePendingSignatures:
		return signingTable{terms: c.Terms, hash: c.TermsHash, sigs: &c.Signatures}, nil
	case c.amendable() && c.PendingAmendment != nil:
		am := c.PendingAmendment
		return signingTable{terms: am.Terms, hash: am.TermsHash, sigs: &am.Signatures, amendment: am.Number}, nil
	}
	if c.amendable() {
		return signingTable{}, &StateError{Reason: "INVALID_STATE", State: c.State, Resource: ContractName(c.ID),
			Message: fmt.Sprintf("nothing to sign: the contract is %s with no amendment awaiting signatures (a %s contract is signed only to approve an amendment)", c.State, c.State)}
	}
	return signingTable{}, stateErr(c, "sign", StatePendingSignatures, StateActive+" or "+StateSuspended+" with a pending amendment")
}

// capacity checks that a may sign for party under terms and returns the signature's
// on-behalf-of (and mandate) part.
func capacity(a Actor, party, household string, terms Terms) (Signature, error) {
	switch party {
	case PartyBuyer:
		if a.Organization != terms.Buyer || !oneOf(a.Role, "business", "producer") {
			return Signature{}, &ForbiddenError{"only a user of the buyer organisation may sign as buyer"}
		}
		return Signature{OnBehalfOf: terms.Buyer}, nil
	case PartyProducer:
		if a.Organization != terms.Producer || a.Role != "producer" {
			return Signature{}, &ForbiddenError{"only a user of the producer organisation may sign as producer"}
		}
		return Signature{OnBehalfOf: terms.Producer}, nil
	case PartyHousehold:
		return householdCapacity(a, household, terms)
	}
	return Signature{}, &ForbiddenError{"party must be BUYER, PRODUCER or HOUSEHOLD"}
}

// householdCapacity: the household itself, or its producer organisation under a mandate
// recorded in the household's allocation.
func householdCapacity(a Actor, household string, terms Terms) (Signature, error) {
	alloc := terms.Allocation(household)
	if alloc == nil {
		return Signature{}, &ForbiddenError{household + " is not a party to this contract"}
	}
	s := Signature{OnBehalfOf: household}
	switch {
	case a.Role == "household" && a.Household == household:
	case a.Role == "producer" && a.Organization == terms.Producer && alloc.Mandate != nil:
		s.MandateReference = alloc.Mandate.Reference
	case a.Role == "producer" && a.Organization == terms.Producer:
		return Signature{}, &ForbiddenError{"the producer may sign for " + household + " only under a mandate recorded in its allocation"}
	default:
		return Signature{}, &ForbiddenError{"only the household, or its producer organisation under a recorded mandate, may sign for " + household}
	}
	return s, nil
}

// AmendmentReady reports whether the pending amendment has every signature and awaits witness.
func (c *Contract) AmendmentReady() bool {
	return c.PendingAmendment != nil && len(Missing(c.PendingAmendment.Terms, c.PendingAmendment.Signatures)) == 0
}

func (c *Contract) checkOfficial(a Actor) error {
	if a.Role != "commune_official" || a.AdminArea == "" || a.AdminArea != c.ProducerCommuneCode {
		return &ForbiddenError{"only an official of the producer's commune may witness or mediate this contract"}
	}
	return nil
}

// WitnessBy records the commune's witness: PENDING_WITNESS → ACTIVE, or applies a fully signed
// amendment of an ACTIVE or SUSPENDED contract (which keeps its state).
func (c *Contract) WitnessBy(a Actor, authority, termsHash string, now time.Time) error {
	if err := c.checkOfficial(a); err != nil {
		return err
	}
	switch {
	case c.State == StatePendingWitness:
		if termsHash != c.TermsHash {
			return termsChanged(c, "terms_hash does not match the signed terms")
		}
		c.Witness = &Witness{Official: a.Subject, Authority: authority, TermsHash: c.TermsHash, Time: now.UTC()}
		c.State, c.StateReason = StateActive, ""
		return nil
	case c.amendable() && c.AmendmentReady():
		am := c.PendingAmendment
		if termsHash != am.TermsHash {
			return termsChanged(c, "terms_hash does not match the signed amendment")
		}
		c.SetTerms(am.Terms)
		c.Signatures = am.Signatures
		c.AmendmentCount = am.Number
		c.Witness = &Witness{Official: a.Subject, Authority: authority, TermsHash: am.TermsHash, Time: now.UTC(), Amendment: am.Number}
		c.PendingAmendment = nil
		return nil
	}
	return stateErr(c, "witness", StatePendingWitness, StateActive+" or "+StateSuspended+" with a fully signed amendment")
}

// RejectWitness records the commune's refusal with a reason: PENDING_WITNESS →
// WITNESS_REJECTED (editable again), or drops a pending amendment of an ACTIVE contract.
func (c *Contract) RejectWitness(a Actor, authority, reason string, now time.Time) error {
	if err := c.checkOfficial(a); err != nil {
		return err
	}
	w := &Witness{Official: a.Subject, Authority: authority, Time: now.UTC(), RejectionReason: reason}
	switch {
	case c.State == StatePendingWitness:
		w.TermsHash = c.TermsHash
		c.Witness, c.State, c.StateReason = w, StateWitnessRejected, reason
		c.Signatures = nil
		return nil
	case c.amendable() && c.AmendmentReady():
		w.TermsHash, w.Amendment = c.PendingAmendment.TermsHash, c.PendingAmendment.Number
		c.PendingAmendment = nil
		c.StateReason = "amendment rejected by the witness: " + reason
		return nil
	}
	return stateErr(c, "reject the witness of", StatePendingWitness, StateActive+" or "+StateSuspended+" with a fully signed amendment")
}

// Cancel ends a contract that has not become active.
func (c *Contract) Cancel(reason string) error {
	if !oneOf(c.State, StateDraft, StatePendingSignatures, StatePendingWitness, StateWitnessRejected) {
		return stateErr(c, "cancel", StateDraft, StatePendingSignatures, StatePendingWitness, StateWitnessRejected)
	}
	c.State, c.StateReason = StateCancelled, reason
	return nil
}

// amendable: the terms of a signed and witnessed contract change only by amendment, while it
// is in force (ACTIVE) or suspended by force majeure (SUSPENDED: e.g. to reduce quantities).
func (c *Contract) amendable() bool { return oneOf(c.State, StateActive, StateSuspended) }

// Amend proposes new terms for an active or suspended contract; the same signatures and
// witness are needed again before they take effect.
func (c *Contract) Amend(t Terms, reason string, now time.Time) error {
	if !c.amendable() {
		return stateErr(c, "amend", StateActive, StateSuspended)
	}
	if c.PendingAmendment != nil {
		return &StateError{Reason: "AMENDMENT_PENDING", State: c.State, Resource: ContractName(c.ID), Message: fmt.Sprintf("amendment %d is still pending: have it signed and witnessed, or rejected, first", c.PendingAmendment.Number)}
	}
	if t.Buyer != c.Terms.Buyer || t.Producer != c.Terms.Producer {
		return &StateError{Reason: "PARTIES_IMMUTABLE", State: c.State, Resource: ContractName(c.ID), Message: "an amendment cannot change the buyer or the producer"}
	}
	c.PendingAmendment = &Amendment{Number: c.AmendmentCount + 1, Terms: t, Reason: reason, TermsHash: t.Hash(), CreateTime: now.UTC()}
	return nil
}

// Terminate ends an active or suspended contract early.
func (c *Contract) Terminate(reason string) error {
	if !oneOf(c.State, StateActive, StateSuspended) {
		return stateErr(c, "terminate", StateActive, StateSuspended)
	}
	c.State, c.StateReason = StateTerminated, reason
	c.PendingAmendment = nil
	return nil
}

// Suspend suspends an active contract (accepted force majeure).
func (c *Contract) Suspend(reason string) error {
	if c.State != StateActive {
		return stateErr(c, "suspend", StateActive)
	}
	c.State, c.StateReason = StateSuspended, reason
	return nil
}

// Resume returns a suspended contract to ACTIVE.
func (c *Contract) Resume() error {
	if c.State != StateSuspended {
		return stateErr(c, "resume", StateSuspended)
	}
	c.State, c.StateReason = StateActive, ""
	return nil
}

// Complete marks an active contract COMPLETED (all lots delivered or excused, and settled —
// checked by the caller).
func (c *Contract) Complete() error {
	if c.State != StateActive {
		return stateErr(c, "complete", StateActive)
	}
	c.State, c.StateReason = StateCompleted, ""
	return nil
}

// Acknowledge records the buyer's or producer's acknowledgement of the final settlement of a
// COMPLETED contract; when both have, it becomes LIQUIDATED.
func (c *Contract) Acknowledge(a Actor) error {
	if c.State != StateCompleted {
		return stateErr(c, "acknowledge the settlement of", StateCompleted)
	}
	switch {
	case a.Organization == c.Terms.Buyer && oneOf(a.Role, "business", "producer"):
		if c.BuyerAcknowledged {
			return ErrAlreadyDone
		}
		c.BuyerAcknowledged = true
	case a.Organization == c.Terms.Producer && a.Role == "producer":
		if c.ProducerAcknowledged {
			return ErrAlreadyDone
		}
		c.ProducerAcknowledged = true
	default:
		return &ForbiddenError{"only the buyer and the producer acknowledge the settlement"}
	}
	if c.BuyerAcknowledged && c.ProducerAcknowledged {
		c.State = StateLiquidated
	}
	return nil
}

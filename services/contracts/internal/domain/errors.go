package domain

import (
	"fmt"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// StateError is an action the contract's current state does not allow. It is the API error
// FAILED_PRECONDITION with Reason, and the state (and the resource, when known) in the
// ErrorInfo metadata: the platform's error mapper passes it through as that status (Unwrap).
// Return it as it is: a wrapping message would replace the client's message.
type StateError struct {
	Reason  string
	Message string
	State   string
	// Resource is the contract's name (contracts/{id}), when known.
	Resource string
}

func (e *StateError) Error() string { return e.Message }

// Unwrap returns the API error the client gets.
func (e *StateError) Unwrap() error {
	meta := map[string]string{"state": e.State}
	if e.Resource != "" {
		meta["resource"] = e.Resource
	}
	return apierr.FailedPrecondition(e.Reason, e.Message, meta)
}

// ForbiddenError is an actor acting outside its capacity: PERMISSION_DENIED (Unwrap).
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return e.Message }

// Unwrap returns the API error the client gets.
func (e *ForbiddenError) Unwrap() error { return apierr.PermissionDenied(e.Message) }

// ErrAlreadyDone marks an action that is already in effect (e.g. the same party signing the
// same terms again); the caller returns the contract unchanged.
var ErrAlreadyDone = &StateError{Reason: "ALREADY_DONE", Message: "already done"}

// ContractName is the resource name of contract id.
func ContractName(id string) string { return "contracts/" + id }

func stateErr(c *Contract, action string, allowed ...string) error {
	return &StateError{
		Reason:   "INVALID_STATE",
		State:    c.State,
		Resource: ContractName(c.ID),
		Message:  fmt.Sprintf("cannot %s a contract in state %s (allowed in: %s)", action, c.State, strings.Join(allowed, ", ")),
	}
}

func termsChanged(c *Contract, msg string) error {
	return &StateError{Reason: "TERMS_CHANGED", State: c.State, Resource: ContractName(c.ID), Message: msg}
}

// RequireState reports an execution action (recording a delivery, a payment, …) that the
// contract's state does not allow; allowed lists the states that do.
func (c *Contract) RequireState(allowed ...string) error {
	if oneOf(c.State, allowed...) {
		return nil
	}
	return &StateError{Reason: "INVALID_STATE", State: c.State, Resource: ContractName(c.ID),
		Message: "not allowed while the contract is " + c.State + " (needs " + strings.Join(allowed, " or ") + ")"}
}

// invalidState is FAILED_PRECONDITION INVALID_STATE for a record (delivery, incident) or an
// execution request, with the state in the metadata.
func invalidState(state, msg string) error {
	return apierr.FailedPrecondition("INVALID_STATE", msg, map[string]string{"state": state})
}

// RulesError reports broken rules as FAILED_PRECONDITION RULES_NOT_SATISFIED with a
// BadRequest listing each rule id and field.
func RulesError(vs []Violation) error {
	list := make([]apierr.Violation, len(vs))
	for i, v := range vs {
		list[i] = apierr.Violation{Field: v.Field, Rule: v.RuleID, Message: v.MessageEN}
	}
	return apierr.RuleViolations(list...)
}

// Package apierr builds google.rpc.Status errors the Lienket way: every error carries an
// ErrorInfo with an UPPER_SNAKE reason in the "lienket.vn" domain, and INVALID_ARGUMENT carries a
// BadRequest listing each field violation with the rule it broke.
package apierr

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Domain is the ErrorInfo domain of every Lienket error.
const Domain = "lienket.vn"

// New builds a status error with an ErrorInfo reason and optional metadata.
func New(code codes.Code, reason, msg string, meta map[string]string) error {
	st := status.New(code, msg)
	if ds, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: Domain, Metadata: meta}); err == nil {
		st = ds
	}
	return st.Err()
}

// NotFound reports that a resource does not exist (or must not be revealed to the caller).
func NotFound(name string) error {
	return New(codes.NotFound, "RESOURCE_NOT_FOUND", fmt.Sprintf("%s not found", name), map[string]string{"resource": name})
}

// AlreadyExists reports a conflicting create.
func AlreadyExists(name string) error {
	return New(codes.AlreadyExists, "RESOURCE_EXISTS", fmt.Sprintf("%s already exists", name), map[string]string{"resource": name})
}

// EtagMismatch reports an optimistic-concurrency conflict (HTTP 409).
func EtagMismatch(name string) error {
	return New(codes.Aborted, "ETAG_MISMATCH", fmt.Sprintf("%s was modified concurrently: etag does not match, read it again", name), map[string]string{"resource": name})
}

// FailedPrecondition reports an operation not allowed in the resource's current state.
func FailedPrecondition(reason, msg string, meta map[string]string) error {
	return New(codes.FailedPrecondition, reason, msg, meta)
}

// PermissionDenied reports an authenticated caller acting outside its scope.
func PermissionDenied(msg string) error {
	return New(codes.PermissionDenied, "PERMISSION_DENIED", msg, nil)
}

// Unauthenticated reports a missing or invalid credential.
func Unauthenticated(msg string) error {
	return New(codes.Unauthenticated, "UNAUTHENTICATED", msg, nil)
}

// Reasons every service uses the same way.
const (
	// ReasonInternal marks an unexpected failure; the response carries only an error id.
	ReasonInternal = "INTERNAL"
	// ReasonBackendUnavailable marks a store or another service that cannot be reached.
	ReasonBackendUnavailable = "BACKEND_UNAVAILABLE"
	// ReasonDeadlineExceeded marks a call that ran out of its caller's deadline.
	ReasonDeadlineExceeded = "DEADLINE_EXCEEDED"
	// ReasonCancelled marks a call its caller cancelled.
	ReasonCancelled = "CANCELLED"
)

// Internal hides an unexpected error behind a generic message and an opaque id; the caller
// logs the cause with the same id, so an operator can find it and a client learns nothing.
func Internal(errorID string) error {
	return New(codes.Internal, ReasonInternal, "internal error (id "+errorID+")", map[string]string{"error_id": errorID})
}

// BackendUnavailable reports that a backend this call needs (the store, another service) cannot
// be reached. The message is stable and names no address; the cause belongs in the log.
func BackendUnavailable() error {
	return New(codes.Unavailable, ReasonBackendUnavailable, "a backend this call needs is unavailable; retry later", nil)
}

// DeadlineExceeded reports a call that ran out of its caller's deadline.
func DeadlineExceeded() error {
	return New(codes.DeadlineExceeded, ReasonDeadlineExceeded, "deadline exceeded", nil)
}

// Cancelled reports a call its caller cancelled.
func Cancelled() error {
	return New(codes.Canceled, ReasonCancelled, "cancelled by the caller", nil)
}

// Violation is one broken rule on one field.
type Violation struct {
	// Field is the request field path, e.g. "organization.tax_code".
	Field string
	// Rule is the rule id, e.g. "TAX_CODE_CHECKSUM" or "D98-PRICE".
	Rule string
	// Message explains the rule in plain words.
	Message string
}

// Violations collects field violations; the zero value is ready to use.
type Violations struct{ list []Violation }

// Add records a violation.
func (v *Violations) Add(field, rule, format string, args ...any) {
	v.list = append(v.list, Violation{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Check records a violation when ok is false; it returns ok.
func (v *Violations) Check(ok bool, field, rule, format string, args ...any) bool {
	if !ok {
		v.Add(field, rule, format, args...)
	}
	return ok
}

// Append records violations from elsewhere.
func (v *Violations) Append(o ...Violation) { v.list = append(v.list, o...) }

// List returns the violations recorded.
func (v *Violations) List() []Violation { return v.list }

// Empty reports whether there are no violations.
func (v *Violations) Empty() bool { return len(v.list) == 0 }

// Err returns INVALID_ARGUMENT listing every violation, or nil.
func (v *Violations) Err() error {
	if len(v.list) == 0 {
		return nil
	}
	return InvalidArgument(v.list...)
}

// InvalidArgument builds an INVALID_ARGUMENT status naming each field and rule.
func InvalidArgument(vs ...Violation) error {
	msgs := make([]string, 0, len(vs))
	br := &errdetails.BadRequest{}
	rules := map[string]bool{}
	for _, v := range vs {
		msgs = append(msgs, fmt.Sprintf("%s: %s [%s]", v.Field, v.Message, v.Rule))
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
			Field:       v.Field,
			Description: fmt.Sprintf("[%s] %s", v.Rule, v.Message),
			Reason:      v.Rule,
		})
		rules[v.Rule] = true
	}
	ids := make([]string, 0, len(rules))
	for r := range rules {
		ids = append(ids, r)
	}
	sort.Strings(ids)
	st := status.New(codes.InvalidArgument, "invalid request: "+strings.Join(msgs, "; "))
	if ds, err := st.WithDetails(
		&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT", Domain: Domain, Metadata: map[string]string{"rules": strings.Join(ids, ",")}},
		br,
	); err == nil {
		st = ds
	}
	return st.Err()
}

// Field is a shorthand for a single-violation INVALID_ARGUMENT.
func Field(field, rule, format string, args ...any) error {
	return InvalidArgument(Violation{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// Reason extracts the ErrorInfo reason of err, or "".
func Reason(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return ei.Reason
		}
	}
	return ""
}

// FieldViolations extracts the BadRequest field violations of err.
func FieldViolations(err error) []*errdetails.BadRequest_FieldViolation {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			return br.FieldViolations
		}
	}
	return nil
}

// IsStatus reports whether err already is a gRPC status error.
func IsStatus(err error) bool {
	var se interface{ GRPCStatus() *status.Status }
	return errors.As(err, &se)
}

// IsLienket reports whether err is a status built by this package (here or in another Lienket
// service): it carries an ErrorInfo in the Lienket domain. A status without one comes from the
// gRPC machinery itself (a refused connection, a transport failure) and must not reach a
// client as it is, since its message names internal addresses.
func IsLienket(err error) bool {
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok && ei.Domain == Domain {
			return true
		}
	}
	return false
}

// RuleViolations reports a resource that breaks business rules (e.g. a contract submitted
// while rulebook rules fail): FAILED_PRECONDITION with reason RULES_NOT_SATISFIED and a
// BadRequest listing each rule id and field.
func RuleViolations(vs ...Violation) error {
	msgs := make([]string, 0, len(vs))
	br := &errdetails.BadRequest{}
	ids := make([]string, 0, len(vs))
	for _, v := range vs {
		msgs = append(msgs, fmt.Sprintf("%s: [%s] %s", v.Field, v.Rule, v.Message))
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: fmt.Sprintf("[%s] %s", v.Rule, v.Message), Reason: v.Rule})
		ids = append(ids, v.Rule)
	}
	st := status.New(codes.FailedPrecondition, fmt.Sprintf("%d rule(s) not satisfied: %s", len(vs), strings.Join(msgs, "; ")))
	if ds, err := st.WithDetails(&errdetails.ErrorInfo{Reason: "RULES_NOT_SATISFIED", Domain: Domain, Metadata: map[string]string{"rules": strings.Join(ids, ",")}}, br); err == nil {
		st = ds
	}
	return st.Err()
}

package domain

import (
	"strconv"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// AdvanceInput is an input advance as the buyer reports it.
type AdvanceInput struct {
	Household   string
	Date        string
	Description string
	ValueVND    int64
}

// CheckAdvance validates an advance under c (field paths under "input_advance.").
func (c *Contract) CheckAdvance(v *apierr.Violations, in AdvanceInput) {
	v.Check(c.Terms.Allocation(in.Household) != nil, "input_advance.household", "CONTRACT_HOUSEHOLD", "%q is not a household of this contract", in.Household)
	v.Date("input_advance.advance_date", in.Date, true)
	v.Check(in.ValueVND > 0 && in.ValueVND <= MaxValueVND, "input_advance.value_vnd", "RANGE", "must be positive")
	v.Text("input_advance.description", in.Description, true, MaxNoteText)
}

// CanRecordAdvance: advances are recorded under an ACTIVE contract.
func (c *Contract) CanRecordAdvance() error {
	if c.State != StateActive {
		return invalidState(c.State, "advances are recorded under an ACTIVE contract; it is "+c.State)
	}
	return nil
}

// NewAdvance is the record of an advance.
func NewAdvance(id, contract string, in AdvanceInput, now time.Time) *Advance {
	return &Advance{ID: id, Contract: contract, Household: in.Household, Date: in.Date, Description: in.Description, ValueVND: in.ValueVND, CreateTime: now}
}

// PaymentInput is a payment as the buyer reports it.
type PaymentInput struct {
	Payee     string // the producer organisation, or the household paid for
	Household string // the household paid for ("" when the payee is the household)
	AmountVND int64
	Method    string
	Reference string
	Date      string
}

// PaymentStates are the states in which payments are recorded: what is owed is still paid
// while a contract is suspended or after it was terminated.
var PaymentStates = []string{StateActive, StateSuspended, StateTerminated}

// PaidFor returns the household a payment is for: the one named, or the payee when the payee
// is a household.
func (in PaymentInput) PaidFor() string {
	if in.Payee == in.Household || (in.Household == "" && strings.HasPrefix(in.Payee, "households/")) {
		return in.Payee
	}
	return in.Household
}

// CheckPayment validates a payment under c (field paths under "payment.").
func (c *Contract) CheckPayment(v *apierr.Violations, in PaymentInput) {
	household := in.PaidFor()
	v.Check(in.Payee == c.Terms.Producer || in.Payee == household, "payment.payee", "PAYEE", "must be the producer organisation or the household paid for")
	v.Check(c.Terms.Allocation(household) != nil, "payment.household", "CONTRACT_HOUSEHOLD", "name the household of this contract the payment is for")
	v.Check(in.AmountVND > 0, "payment.amount_vnd", "RANGE", "must be positive")
	v.Check(oneOf(in.Method, PaymentMethods...), "payment.method", "ENUM_VALUE", "must be PAYMENT_METHOD_BANK_TRANSFER, _CASH or _MOBILE_MONEY")
	v.Date("payment.payment_date", in.Date, true)
	v.Text("payment.reference", in.Reference, false, apierr.MaxShortText)
}

// CanRecordPayment: payments are recorded under an ACTIVE, SUSPENDED or TERMINATED contract.
func (c *Contract) CanRecordPayment() error {
	if !oneOf(c.State, PaymentStates...) {
		return invalidState(c.State, "payments are recorded under an ACTIVE, SUSPENDED or TERMINATED contract; it is "+c.State)
	}
	return nil
}

// NewPayment is the record of a payment.
func NewPayment(id, contract string, in PaymentInput) *Payment {
	return &Payment{ID: id, Contract: contract, Payee: in.Payee, Household: in.PaidFor(), AmountVND: in.AmountVND, Method: in.Method, Reference: in.Reference, Date: in.Date}
}

// CheckBalance is the check decided in the contract's conditional write, against the
// settlement of the records so far: a payment never exceeds the household's balance.
func CheckBalance(st Statement, p *Payment) error {
	if bal := st.Balance(p.Household); p.AmountVND > bal {
		return apierr.FailedPrecondition("OVERPAYMENT", "the payment exceeds the household's balance", map[string]string{"balance_vnd": strconv.FormatInt(bal, 10)})
	}
	return nil
}

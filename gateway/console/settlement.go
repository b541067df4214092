package console

import (
	"net/http"
	"strings"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

type paymentForm struct{ Payee, Household, Amount, Method, Reference, Date string }

type settlementView struct {
	execBase
	S        *contractsv1.Settlement
	Payments []*contractsv1.Payment
	Form     paymentForm
	Methods  []string
	CanAck   bool
	// Statements: each household's settlement statement can be printed (the contract has
	// been in force).
	Statements bool
}

func (c *Console) settlement(q *rq) error {
	return c.renderSettlement(q, http.StatusOK, paymentForm{Method: "PAYMENT_METHOD_BANK_TRANSFER"}, formErrors{})
}

func (c *Console) renderSettlement(q *rq, code int, f paymentForm, fe formErrors) error {
	b, err := c.execBase(q)
	if err != nil {
		return err
	}
	b.Errors = fe
	st, err := c.b.con.GetSettlement(q.ctx, &contractsv1.GetSettlementRequest{Name: b.C.GetName() + "/settlement"})
	if err != nil {
		return err
	}
	v := settlementView{execBase: b, S: st, Form: f, Methods: []string{"PAYMENT_METHOD_BANK_TRANSFER", "PAYMENT_METHOD_CASH", "PAYMENT_METHOD_MOBILE_MONEY"}}
	if res, err := c.b.con.ListPayments(q.ctx, &contractsv1.ListPaymentsRequest{Parent: b.C.GetName(), PageSize: 500}); err == nil {
		v.Payments = res.GetPayments()
	}
	switch b.C.GetState() {
	case contractsv1.ContractState_CONTRACT_STATE_ACTIVE, contractsv1.ContractState_CONTRACT_STATE_SUSPENDED, contractsv1.ContractState_CONTRACT_STATE_COMPLETED,
		contractsv1.ContractState_CONTRACT_STATE_LIQUIDATED, contractsv1.ContractState_CONTRACT_STATE_TERMINATED:
		v.Statements = true
	}
	done := b.C.GetState() == contractsv1.ContractState_CONTRACT_STATE_COMPLETED
	v.CanAck = done && ((b.IsBuyer && !b.C.GetBuyerAcknowledgedSettlement()) || (b.IsProducer && !b.C.GetProducerAcknowledgedSettlement()))
	q.render(code, "settlement", v)
	return nil
}

var paymentFields = map[string]string{
	"payment.payee": "payee", "payment.household": "household", "payment.amount_vnd": "amount", "payment.method": "method",
	"payment.reference": "reference", "payment.payment_date": "date",
}

func (c *Console) recordPayment(q *rq) error {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	f := paymentForm{Payee: g("payee"), Household: g("household"), Amount: g("amount"), Method: g("method"), Reference: g("reference"), Date: g("date")}
	var fe formErrors
	n := numbers{&fe}
	p := &contractsv1.Payment{Payee: f.Payee, Household: f.Household, AmountVnd: n.amount("amount", f.Amount, true),
		Method: contractsv1.PaymentMethod(contractsv1.PaymentMethod_value[f.Method]), Reference: f.Reference, PaymentDate: n.date("date", f.Date)}
	if !fe.Any() {
		_, err := c.b.con.CreatePayment(q.ctx, &contractsv1.CreatePaymentRequest{Parent: contractName(q.r), Payment: p, RequestId: pf.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+contractName(q.r)+"/settlement", "payment")
		}
		fe = fromAPI(err, paymentFields)
	}
	return c.renderSettlement(q, http.StatusUnprocessableEntity, f, fe)
}

type eventsView struct {
	C      *contractsv1.Contract
	Events []*contractsv1.ContractEvent
}

func (c *Console) events(q *rq) error {
	name := contractName(q.r)
	ct, err := c.b.con.GetContract(q.ctx, &contractsv1.GetContractRequest{Name: name})
	if err != nil {
		return err
	}
	all, err := pages(func(tok string) ([]*contractsv1.ContractEvent, string, error) {
		res, err := c.b.con.ListContractEvents(q.ctx, &contractsv1.ListContractEventsRequest{Parent: name, PageSize: 500, PageToken: tok})
		return res.GetEvents(), res.GetNextPageToken(), err
	}, 5000)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "events", eventsView{C: ct, Events: all})
	return nil
}

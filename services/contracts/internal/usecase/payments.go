package usecase

import (
	"context"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// RecordAdvance records inputs the buyer advanced to a household.
func (s *Service) RecordAdvance(ctx context.Context, p auth.Principal, parent, requestID string, in *domain.AdvanceInput) (*domain.Advance, error) {
	c, err := s.loadFor(ctx, p, "parent", parent, isBuyer, "input advances are recorded by the buyer")
	if err != nil {
		return nil, err
	}
	if err := checkBody(requestID, "input_advance", in, c.CheckAdvance); err != nil {
		return nil, err
	}
	if err := c.CanRecordAdvance(); err != nil {
		return nil, err
	}
	a := domain.NewAdvance(aip.IDForRequest("CreateInputAdvance\x00"+p.Subject+"\x00"+c.ID, requestID), c.ID, *in, s.now().UTC())
	stored, err := s.st.InsertAdvance(ctx, a)
	if err != nil {
		return nil, err
	}
	err = s.appendEvent(ctx, p, c.ID, requestKey("CreateInputAdvance", p, a.ID), []string{domain.StateActive},
		domain.EventAdvanceRecorded, map[string]any{"advance": a.ID, "household": a.Household, "value_vnd": a.ValueVND})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// ListAdvances lists a contract's input advances (households see only their own).
func (s *Service) ListAdvances(ctx context.Context, p auth.Principal, parent string, q ListQuery) (Page[domain.Advance], error) {
	_, page, err := listRecords(ctx, s, p, parent, q, listing[domain.Advance]{
		value: asStored, scope: func(p auth.Principal, _ []aip.Condition) string { return "advances\x00" + p.Household },
		private: true, list: s.st.ListAdvances, key: func(a *domain.Advance) string { return a.ID },
	})
	return page, err
}

// RecordPayment records a payment of the buyer for a household (to the producer or to the
// household), never more than the household's balance. The balance check and the payment are
// one conditional write of the contract: the payment travels in its payment.recorded event and
// the store writes it from there. Concurrent payments are serialised by the contract's
// version, and each sees the ones before it, so together they never exceed the balance.
func (s *Service) RecordPayment(ctx context.Context, p auth.Principal, parent, requestID string, in *domain.PaymentInput) (*domain.Payment, error) {
	c, err := s.loadFor(ctx, p, "parent", parent, isBuyer, "payments are recorded by the buyer")
	if err != nil {
		return nil, err
	}
	if err := checkBody(requestID, "payment", in, c.CheckPayment); err != nil {
		return nil, err
	}
	if err := c.CanRecordPayment(); err != nil {
		return nil, err
	}
	pay := domain.NewPayment(aip.IDForRequest("CreatePayment\x00"+p.Subject+"\x00"+c.ID, requestID), c.ID, *in)
	if existing, err := s.st.GetPayment(ctx, pay.ID); err != nil || existing != nil {
		return existing, err // a retry: the first result
	}
	c, err = s.commit(ctx, p, c.ID, change{key: requestKey("CreatePayment", p, pay.ID), states: domain.PaymentStates,
		apply: func(c *domain.Contract) (string, any, error) {
			st, _, err := s.statement(ctx, c)
			if err != nil {
				return "", nil, err
			}
			return domain.EventPaymentRecorded, storage.RecordedPayment(pay), domain.CheckBalance(st, pay)
		}})
	if err != nil {
		return nil, err
	}
	stored, err := s.st.GetPayment(ctx, pay.ID)
	if err != nil {
		return nil, err
	}
	if stored == nil { // recorded, not yet written: the next reader or writer of the contract writes it
		return nil, apierr.BackendUnavailable()
	}
	if err := s.maybeComplete(ctx, p, c); err != nil {
		return nil, err
	}
	return stored, nil
}

// ListPayments lists a contract's payments (households see only their own).
func (s *Service) ListPayments(ctx context.Context, p auth.Principal, parent string, q ListQuery) (Page[domain.Payment], error) {
	_, page, err := listRecords(ctx, s, p, parent, q, listing[domain.Payment]{
		value: asStored, scope: func(p auth.Principal, _ []aip.Condition) string { return "payments\x00" + p.Household },
		private: true, list: s.st.ListPayments, key: func(x *domain.Payment) string { return x.ID },
	})
	return page, err
}

// Settlement is a contract's settlement as one caller may see it.
type Settlement struct {
	Households []domain.Line
	// Total is nil for a household without a line.
	Total       *domain.Line
	ComputeTime time.Time
}

// GetSettlement computes a contract's settlement (households see only their own line, which
// is also their total). name is contracts/{contract}/settlement.
func (s *Service) GetSettlement(ctx context.Context, p auth.Principal, name string) (Settlement, error) {
	contract := strings.TrimSuffix(name, "/settlement")
	if contract == name {
		return Settlement{}, apierr.Field("name", "RESOURCE_NAME", "must be contracts/{contract}/settlement")
	}
	c, err := s.load(ctx, p, "name", contract)
	if err != nil {
		return Settlement{}, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return Settlement{}, err
	}
	out := Settlement{ComputeTime: s.now()}
	for _, l := range st.Households {
		if !p.Is(auth.RoleHousehold) || l.Household == p.Household {
			out.Households = append(out.Households, l)
		}
	}
	switch {
	case !p.Is(auth.RoleHousehold):
		out.Total = &st.Total
	case len(out.Households) == 1:
		out.Total = &out.Households[0]
	}
	return out, nil
}

// statement computes a contract's settlement from its records.
func (s *Service) statement(ctx context.Context, c *domain.Contract) (domain.Statement, storage.Records, error) {
	r, err := s.st.SettlementRecords(ctx, c.ID)
	if err != nil {
		return domain.Statement{}, storage.Records{}, err
	}
	st, err := domain.Settle(c.Terms, r.Advances, r.Deliveries, r.Payments)
	return st, r, err
}

// maybeComplete moves an ACTIVE contract to COMPLETED when every lot is delivered or excused
// and everything is settled. The decision is taken again in the contract's conditional write
// (on the records as of that version), so a delivery or payment racing with it either comes
// before the completion or is refused by the completed contract.
func (s *Service) maybeComplete(ctx context.Context, p auth.Principal, c *domain.Contract) error {
	if c.State != domain.StateActive {
		return nil
	}
	st, r, err := s.statement(ctx, c)
	if err != nil {
		return err
	}
	if !c.Completes(st, r.Deliveries) {
		return nil
	}
	_, err = s.commit(ctx, p, c.ID, change{apply: func(c *domain.Contract) (string, any, error) {
		st, r, err := s.statement(ctx, c)
		if err != nil {
			return "", nil, err
		}
		if !c.Completes(st, r.Deliveries) {
			return "", nil, storage.ErrUnchanged
		}
		return domain.EventContractCompleted, map[string]any{"gross_vnd": st.Total.GrossVND, "paid_vnd": st.Total.PaidVND}, c.Complete()
	}})
	return err
}

package usecase

import (
	"context"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Delivery is a delivery with the advances recovered from it.
type Delivery struct {
	domain.Delivery
	RecoveredAdvanceVND int64
}

// RecordDelivery records what the buyer received from a household for a lot, priced under
// the contract. The tolerance checks and the delivery are one conditional write of the
// contract: the delivery travels in its delivery.recorded event and the store writes it from
// there, so concurrent deliveries see each other and cannot exceed the tolerance together.
func (s *Service) RecordDelivery(ctx context.Context, p auth.Principal, parent, requestID string, in *domain.DeliveryInput) (Delivery, error) {
	c, err := s.loadFor(ctx, p, "parent", parent, isBuyer, "deliveries are recorded by the buyer")
	if err != nil {
		return Delivery{}, err
	}
	if err := checkBody(requestID, "delivery", in, c.CheckDelivery); err != nil {
		return Delivery{}, err
	}
	if err := c.CanRecordDelivery(in.Lot); err != nil {
		return Delivery{}, err
	}
	d, err := s.priceDelivery(ctx, c, aip.IDForRequest("CreateDelivery\x00"+p.Subject+"\x00"+c.ID, requestID), in)
	if err != nil {
		return Delivery{}, err
	}
	stored, err := s.st.GetDelivery(ctx, d.ID)
	if err != nil {
		return Delivery{}, err
	}
	if stored == nil { // not a retry
		if c, stored, err = s.writeDelivery(ctx, p, c, d); err != nil {
			return Delivery{}, err
		}
	}
	return s.deliveryDone(ctx, p, c, stored)
}

// priceDelivery prices the delivery: the market price of its date comes from the request or,
// when the terms need one, from the price table.
func (s *Service) priceDelivery(ctx context.Context, c *domain.Contract, id string, in *domain.DeliveryInput) (*domain.Delivery, error) {
	market := in.MarketPriceVND
	if c.Terms.NeedsMarketPrice(market) {
		mp, err := s.st.GetMarketPrice(ctx, c.Terms.Price.MarketReference, in.Date)
		if err != nil {
			return nil, err
		}
		if mp == nil {
			return nil, c.Terms.NoMarketPrice(in.Date)
		}
		market = mp.PriceVND
	}
	unit, gross, err := c.Terms.PriceDelivery(*in, market)
	if err != nil {
		return nil, err
	}
	return domain.NewDelivery(id, c.ID, *in, market, unit, gross), nil
}

// writeDelivery records d in the contract's conditional write, against the deliveries recorded
// so far, and returns the contract and the delivery as stored.
func (s *Service) writeDelivery(ctx context.Context, p auth.Principal, c *domain.Contract, d *domain.Delivery) (*domain.Contract, *domain.Delivery, error) {
	al, lt := *c.Terms.Allocation(d.Household), *c.Terms.Lot(d.Lot)
	c, err := s.commit(ctx, p, c.ID, change{key: requestKey("CreateDelivery", p, d.ID), states: []string{domain.StateActive},
		apply: func(c *domain.Contract) (string, any, error) {
			recorded, err := s.st.Deliveries(ctx, c.ID)
			if err != nil {
				return "", nil, err
			}
			return domain.EventDeliveryRecorded, storage.RecordedDelivery(d), c.CheckFits(d, al, lt, recorded)
		}})
	if err != nil {
		return nil, nil, err
	}
	stored, err := s.st.GetDelivery(ctx, d.ID)
	if err != nil {
		return nil, nil, err
	}
	if stored == nil { // recorded, not yet written: the next reader or writer of the contract writes it
		return nil, nil, apierr.BackendUnavailable()
	}
	return c, stored, nil
}

// deliveryDone completes the contract when the delivery was its last, and returns the
// delivery with the advances recovered from it.
func (s *Service) deliveryDone(ctx context.Context, p auth.Principal, c *domain.Contract, d *domain.Delivery) (Delivery, error) {
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return Delivery{}, err
	}
	if err := s.maybeComplete(ctx, p, c); err != nil {
		return Delivery{}, err
	}
	return Delivery{Delivery: *d, RecoveredAdvanceVND: st.Recovered[d.ID]}, nil
}

// loadDelivery returns a delivery the caller may see (a household sees only its own), with
// its contract.
func (s *Service) loadDelivery(ctx context.Context, p auth.Principal, name string) (*domain.Contract, *domain.Delivery, error) {
	return loadRecord(ctx, s, p, name, "deliveries", s.st.GetDelivery, func(d *domain.Delivery, c *domain.Contract) bool {
		return d.Contract == c.ID && (!p.Is(auth.RoleHousehold) || d.Household == p.Household)
	})
}

// GetDelivery returns a delivery.
func (s *Service) GetDelivery(ctx context.Context, p auth.Principal, name string) (Delivery, error) {
	c, d, err := s.loadDelivery(ctx, p, name)
	if err != nil {
		return Delivery{}, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Delivery: *d, RecoveredAdvanceVND: st.Recovered[d.ID]}, nil
}

// ConfirmDelivery records the producer's confirmation of a delivery.
func (s *Service) ConfirmDelivery(ctx context.Context, p auth.Principal, t Target) (Delivery, error) {
	return s.answerDelivery(ctx, p, t, domain.DeliveryConfirmed, "")
}

// DisputeDelivery records the producer's dispute of a delivery and opens a QUALITY_DISPUTE
// incident against the buyer.
func (s *Service) DisputeDelivery(ctx context.Context, p auth.Principal, t Target, reason string) (Delivery, error) {
	if err := domain.ReasonError("reason", reason); err != nil {
		return Delivery{}, err
	}
	return s.answerDelivery(ctx, p, t, domain.DeliveryDisputed, reason)
}

// answerDelivery confirms or disputes a recorded delivery (the producer).
func (s *Service) answerDelivery(ctx context.Context, p auth.Principal, t Target, to, reason string) (Delivery, error) {
	c, d, err := s.loadDelivery(ctx, p, t.Name)
	if err != nil {
		return Delivery{}, err
	}
	if !isProducer(p, c) {
		return Delivery{}, apierr.PermissionDenied("deliveries are confirmed or disputed by the producer")
	}
	if err := aip.CheckEtag("etag", t.Etag, d.Version, t.Name); err != nil {
		return Delivery{}, err
	}
	prev := d.Version
	if changed, err := d.Answer(to, reason); err != nil || !changed {
		return Delivery{Delivery: *d}, err
	}
	d.Version = prev + 1
	if err := s.storeAnswer(ctx, p, c, d, prev, t.Name); err != nil {
		return Delivery{}, err
	}
	err = s.appendEvent(ctx, p, c.ID, requestKey("answerDelivery"+to, p, t.RequestID), nil, domain.DeliveryAnswered(to), map[string]any{"delivery": d.ID, "reason": reason})
	if err != nil {
		return Delivery{}, err
	}
	return Delivery{Delivery: *d}, nil
}

// storeAnswer stores the answered delivery (over version prev) and, for a dispute, its
// incident.
func (s *Service) storeAnswer(ctx context.Context, p auth.Principal, c *domain.Contract, d *domain.Delivery, prev int64, name string) error {
	ok, err := s.st.ReplaceDelivery(ctx, d, prev)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.EtagMismatch(name)
	}
	if d.State != domain.DeliveryDisputed {
		return nil
	}
	inc := c.DisputeIncident(aip.IDForRequest("dispute", d.ID), d, d.DisputeReason, p.Subject, s.now().UTC())
	_, err = s.st.InsertIncident(ctx, inc)
	return err
}

// ListDeliveries lists a contract's deliveries (households see only their own). Filters:
// household, lot, state.
func (s *Service) ListDeliveries(ctx context.Context, p auth.Principal, parent string, q ListQuery) (Page[Delivery], error) {
	c, page, err := listRecords(ctx, s, p, parent, q, listing[domain.Delivery]{
		fields: storage.DeliveryFilterFields(), value: func(c aip.Condition) string {
			if c.Field == "state" {
				return enumValue(c.Value, "STATE_")
			}
			return c.Value
		},
		scope: func(p auth.Principal, cs []aip.Condition) string {
			return "deliveries\x00" + p.Household + "\x00" + aip.String(cs)
		},
		private: true, list: s.st.ListDeliveries, key: func(d *domain.Delivery) string { return d.ID },
	})
	if err != nil {
		return Page[Delivery]{}, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return Page[Delivery]{}, err
	}
	out := Page[Delivery]{Items: make([]Delivery, len(page.Items)), NextPageToken: page.NextPageToken}
	for i, d := range page.Items {
		out.Items[i] = Delivery{Delivery: d, RecoveredAdvanceVND: st.Recovered[d.ID]}
	}
	return out, nil
}

package domain

import (
	"strconv"

	"github.com/lienket/lienket/services/platform/apierr"
)

// DeliveryInput is a delivery as the buyer reports it.
type DeliveryInput struct {
	Household        string
	Lot              string
	Date             string
	Quantity         int64
	AcceptedQuantity int64
	RejectedQuantity int64 // 0, or Quantity − AcceptedQuantity
	Grade            string
	RejectionReason  string
	MarketPriceVND   int64 // 0: the price table's, when the terms need one
}

// CheckDelivery validates a delivery under c (field paths under "delivery.").
func (c *Contract) CheckDelivery(v *apierr.Violations, in DeliveryInput) {
	v.Check(c.Terms.Allocation(in.Household) != nil, "delivery.household", "CONTRACT_HOUSEHOLD", "%q is not a household of this contract", in.Household)
	v.Check(c.Terms.Lot(in.Lot) != nil, "delivery.lot", "CONTRACT_LOT", "%q is not a lot of this contract", in.Lot)
	v.Date("delivery.delivery_date", in.Date, true)
	q, acc := in.Quantity, in.AcceptedQuantity
	v.Check(q > 0 && q <= MaxQuantity, "delivery.quantity", "RANGE", "must be positive")
	v.Check(acc >= 0 && acc <= q, "delivery.accepted_quantity", "RANGE", "must be between 0 and the delivered quantity")
	if in.RejectedQuantity != 0 && in.RejectedQuantity != q-acc {
		v.Add("delivery.rejected_quantity", "CONSISTENCY", "must equal quantity − accepted_quantity (or be omitted)")
	}
	if q > acc {
		v.Text("delivery.rejection_reason", in.RejectionReason, true, MaxNoteText)
	}
	v.Check(in.MarketPriceVND >= 0 && in.MarketPriceVND <= MaxPriceVND, "delivery.market_price_vnd", "RANGE", "must be between 0 and 10^12")
}

// CanRecordDelivery reports why a delivery for lot cannot be recorded now: deliveries are
// recorded under an ACTIVE contract, for lots no accepted force majeure excused.
func (c *Contract) CanRecordDelivery(lot string) error {
	if c.State != StateActive {
		return invalidState(c.State, "deliveries are recorded under an ACTIVE contract; it is "+c.State)
	}
	return c.checkNotExcused(lot)
}

func (c *Contract) checkNotExcused(lot string) error {
	if oneOf(lot, c.ExcusedLots...) {
		return apierr.FailedPrecondition("LOT_EXCUSED", "lot "+lot+" was excused by an accepted force majeure", nil)
	}
	return nil
}

// NeedsMarketPrice reports whether pricing a delivery needs the price table's market price
// (FLOOR_WITH_MARKET terms, and the request brought none).
func (t Terms) NeedsMarketPrice(marketVND int64) bool {
	return marketVND == 0 && t.Price.Type == PriceFloorWithMarket
}

// NoMarketPrice reports that the price table has no market price for date.
func (t Terms) NoMarketPrice(date string) error {
	return apierr.Field("delivery.market_price_vnd", "MARKET_PRICE", "no market price for %s on %s: send market_price_vnd or record it in the price table", t.Price.MarketReference, date)
}

// PriceDelivery resolves a delivery's unit price (price terms, market price, grade) and the
// gross amount of its accepted quantity.
func (t Terms) PriceDelivery(in DeliveryInput, marketVND int64) (unit, gross int64, err error) {
	unit, err = UnitPrice(t.Price, t.GradingRules, in.Grade, marketVND)
	if err != nil {
		return 0, 0, apierr.Field("delivery.grade", "PRICE_RESOLUTION", "%s", err.Error())
	}
	gross, err = Mul(in.AcceptedQuantity, unit)
	if err != nil {
		return 0, 0, apierr.Field("delivery.accepted_quantity", "AMOUNT_RANGE", "accepted quantity × unit price overflows")
	}
	return unit, gross, nil
}

// NewDelivery is the record of a priced delivery, RECORDED.
func NewDelivery(id, contract string, in DeliveryInput, marketVND, unit, gross int64) *Delivery {
	return &Delivery{
		ID: id, Contract: contract, Household: in.Household, Lot: in.Lot, Date: in.Date, Quantity: in.Quantity, Grade: in.Grade,
		AcceptedQuantity: in.AcceptedQuantity, RejectedQuantity: in.Quantity - in.AcceptedQuantity, RejectionReason: in.RejectionReason,
		MarketPriceVND: marketVND, UnitPriceVND: unit, GrossVND: gross, State: DeliveryRecorded, Version: 1,
	}
}

// CheckFits is the check decided in the contract's conditional write, against the deliveries
// recorded so far: the lot was not excused meanwhile, and neither the household (allocation
// al) nor the lot (lt) receives more than its quantity plus the contract's tolerance.
func (c *Contract) CheckFits(d *Delivery, al Allocation, lt Lot, recorded []Delivery) error {
	if err := c.checkNotExcused(lt.ID); err != nil {
		return err
	}
	var hh, lq int64
	for _, r := range recorded {
		if r.Household == al.Household {
			hh += r.Quantity
		}
		if r.Lot == lt.ID {
			lq += r.Quantity
		}
	}
	if !WithinTolerance(hh+d.Quantity, al.Quantity, c.Terms.ToleranceBps) {
		return apierr.FailedPrecondition("TOLERANCE_EXCEEDED", "the household would deliver more than its allocation plus tolerance", map[string]string{"allocation": strconv.FormatInt(al.Quantity, 10), "delivered": strconv.FormatInt(hh, 10)})
	}
	if !WithinTolerance(lq+d.Quantity, lt.Quantity, c.Terms.ToleranceBps) {
		return apierr.FailedPrecondition("TOLERANCE_EXCEEDED", "the lot would receive more than its quantity plus tolerance", map[string]string{"lot": strconv.FormatInt(lt.Quantity, 10), "delivered": strconv.FormatInt(lq, 10)})
	}
	return nil
}

// Answer records the producer's answer to a RECORDED delivery (CONFIRMED, or DISPUTED with a
// reason); it reports false when the delivery already has that answer.
func (d *Delivery) Answer(to, reason string) (bool, error) {
	if d.State == to {
		return false, nil
	}
	if d.State != DeliveryRecorded {
		return false, invalidState(d.State, "delivery is "+d.State)
	}
	d.State, d.DisputeReason = to, reason
	return true, nil
}

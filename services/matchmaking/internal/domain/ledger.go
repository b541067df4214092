package domain

import (
	"fmt"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Hold is one proposal's claim on an offer's capacity or a demand's quantity.
type Hold struct {
	Quantity int64 `bson:"quantity"`
	// Committed: the proposal was accepted (capacity committed, demand allocated).
	Committed bool      `bson:"committed"`
	Time      time.Time `bson:"time"`
}

// Ledger holds the claims on an offer or a demand, by proposal id. Every operation is
// idempotent for a given proposal, so a flow interrupted between documents converges when it
// is retried or reconciled against the proposal, which is the source of truth.
type Ledger map[string]Hold

// Reserve places a pending hold for proposal pid; it reports false if pid already holds.
func (l *Ledger) Reserve(pid string, q int64, now time.Time) bool {
	if _, ok := (*l)[pid]; ok {
		return false
	}
	if *l == nil {
		*l = Ledger{}
	}
	(*l)[pid] = Hold{Quantity: q, Time: now.UTC()}
	return true
}

// Commit marks pid's hold committed (placing it if missing); it reports whether it changed.
func (l *Ledger) Commit(pid string, q int64, now time.Time) bool {
	if h, ok := (*l)[pid]; ok && h.Committed {
		return false
	}
	if *l == nil {
		*l = Ledger{}
	}
	h, ok := (*l)[pid]
	if !ok {
		h = Hold{Quantity: q, Time: now.UTC()}
	}
	h.Committed = true
	(*l)[pid] = h
	return true
}

// Release drops pid's pending hold; committed holds stay. It reports whether it changed.
func (l Ledger) Release(pid string) bool {
	if h, ok := l[pid]; ok && !h.Committed {
		delete(l, pid)
		return true
	}
	return false
}

// Totals sums the pending and the committed holds and counts the pending ones.
func (l Ledger) Totals() (pending, committed int64, npending int) {
	for _, h := range l {
		if h.Committed {
			committed += h.Quantity
		} else {
			pending += h.Quantity
			npending++
		}
	}
	return pending, committed, npending
}

// Recount derives the demand's reserved and allocated quantities from its holds.
func (d *Demand) Recount() {
	d.ReservedQuantity, d.AllocatedQuantity, d.PendingHolds = d.Holds.Totals()
}

// Recount derives the offer's reserved and committed quantities from its holds.
func (o *Offer) Recount() {
	o.ReservedQuantity, o.CommittedQuantity, o.PendingHolds = o.Holds.Totals()
}

// Hold reserves q of the offer's capacity for proposal pid. It reports false, with nothing to
// write, when pid holds already (a retried create); an offer that is not open or has less
// than q available refuses (FAILED_PRECONDITION).
func (o *Offer) Hold(pid string, q int64, now time.Time) (bool, error) {
	if _, held := o.Holds[pid]; held {
		return false, nil
	}
	if o.State != OfferOpen {
		return false, apierr.FailedPrecondition("OFFER_NOT_OPEN", "offer is "+o.State, map[string]string{"state": o.State})
	}
	if q > o.Available() {
		return false, apierr.FailedPrecondition("OFFER_CAPACITY", fmt.Sprintf("only %d available on the offer", o.Available()), nil)
	}
	o.Holds.Reserve(pid, q, now)
	o.Recount()
	return true, nil
}

// Hold reserves q of the demand's open quantity for proposal pid. It reports false, with
// nothing to write, when pid holds already (a retried create); a demand that is not open, or
// has less than q open, refuses (FAILED_PRECONDITION), and so does a quantity below the
// minimum lot unless it is all that is open (INVALID_ARGUMENT on proposal.quantity).
func (d *Demand) Hold(pid string, q int64, now time.Time) (bool, error) {
	if _, held := d.Holds[pid]; held {
		return false, nil
	}
	if d.State != DemandOpen && d.State != DemandPartiallyAllocated {
		return false, apierr.FailedPrecondition("DEMAND_NOT_OPEN", "demand is "+d.State, map[string]string{"state": d.State})
	}
	if q > d.Open() {
		return false, apierr.FailedPrecondition("DEMAND_QUANTITY", fmt.Sprintf("only %d of the demand is still open", d.Open()), nil)
	}
	if q < d.MinLotQuantity && q != d.Open() {
		return false, apierr.Field("proposal.quantity", "MIN_LOT", "must be at least the minimum lot of %d", d.MinLotQuantity)
	}
	d.Holds.Reserve(pid, q, now)
	d.Recount()
	return true, nil
}

// Commit turns proposal pid's hold into committed capacity (placing it if it was lost); an
// open offer with nothing left becomes EXHAUSTED. It reports whether anything changed.
func (o *Offer) Commit(pid string, q int64, now time.Time) bool {
	if !o.Holds.Commit(pid, q, now) {
		return false
	}
	o.Recount()
	if o.Available() <= 0 && o.State == OfferOpen {
		o.State = OfferExhausted
	}
	return true
}

// Commit turns proposal pid's hold into allocated quantity (placing it if it was lost); an
// open demand becomes PARTIALLY_ALLOCATED, or FILLED when all of it is allocated. It reports
// whether anything changed.
func (d *Demand) Commit(pid string, q int64, now time.Time) bool {
	if !d.Holds.Commit(pid, q, now) {
		return false
	}
	d.Recount()
	if d.State == DemandOpen || d.State == DemandPartiallyAllocated {
		d.State = DemandPartiallyAllocated
		if d.AllocatedQuantity >= d.Quantity {
			d.State = DemandFilled
		}
	}
	return true
}

// Release drops proposal pid's pending hold on the offer; it reports whether anything changed.
func (o *Offer) Release(pid string) bool {
	if !o.Holds.Release(pid) {
		return false
	}
	o.Recount()
	return true
}

// Release drops proposal pid's pending hold on the demand; it reports whether anything
// changed.
func (d *Demand) Release(pid string) bool {
	if !d.Holds.Release(pid) {
		return false
	}
	d.Recount()
	return true
}

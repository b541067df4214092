package domain

import "github.com/lienket/lienket/services/platform/apierr"

// The life of demands, offers and proposals: which changes each state allows.

// invalidState refuses an operation the resource's state does not allow.
func invalidState(what, state string) error {
	return apierr.FailedPrecondition("INVALID_STATE", what+" is "+state, map[string]string{"state": state})
}

// Change applies an update to an OPEN or PARTIALLY_ALLOCATED demand: the fields named by paths
// (checked by CheckDemandMask) are taken from patch, and the result must be valid, its quantity
// never below what is allocated or reserved.
func (d *Demand) Change(patch *Demand, paths []string) error {
	if d.State != DemandOpen && d.State != DemandPartiallyAllocated {
		return invalidState("demand", d.State)
	}
	for _, path := range paths {
		d.take(patch, path)
	}
	var v apierr.Violations
	d.Validate(&v)
	held := d.AllocatedQuantity + d.ReservedQuantity
	v.Check(d.Quantity >= held, "demand.quantity", "BELOW_COMMITTED", "must not be below the %d already allocated or reserved", held)
	return v.Err()
}

// take copies the field of path from patch.
func (d *Demand) take(patch *Demand, path string) {
	switch path {
	case "quantity":
		d.Quantity = patch.Quantity
	case "min_lot_quantity":
		d.MinLotQuantity = patch.MinLotQuantity
	case "delivery_window":
		d.DeliveryWindow = patch.DeliveryWindow
	case "delivery_place":
		d.DeliveryPlace = patch.DeliveryPlace
	case "price_terms":
		d.Price = patch.Price
	case "inputs_offered":
		d.InputsOffered = patch.InputsOffered
	case "technical_assistance":
		d.TechnicalAssistance = patch.TechnicalAssistance
	case "inclusion":
		d.MinPoorShareBps, d.PreferWomenLed, d.PreferEthnicMinority = patch.MinPoorShareBps, patch.PreferWomenLed, patch.PreferEthnicMinority
	}
}

// Ended reports whether the demand has reached an end (FILLED, CLOSED or CANCELLED).
func (d *Demand) Ended() bool {
	return d.State == DemandClosed || d.State == DemandCancelled || d.State == DemandFilled
}

// CheckEnd tells whether the demand may be closed or cancelled (to): done is true when it is
// in that state already (a retry, nothing to do); an ended demand refuses any other end.
func (d *Demand) CheckEnd(to string) (done bool, err error) {
	if !d.Ended() {
		return false, nil
	}
	if d.State == to {
		return true, nil
	}
	return false, invalidState("demand", d.State)
}

// Change applies an update to an OPEN or EXHAUSTED offer: the fields named by paths (checked by
// CheckOfferMask) are taken from patch, the result must be valid, its quantity never below what
// is reserved or committed; the offer is then EXHAUSTED when nothing is left, OPEN otherwise.
func (o *Offer) Change(patch *Offer, paths []string) error {
	if o.State != OfferOpen && o.State != OfferExhausted {
		return invalidState("offer", o.State)
	}
	for _, path := range paths {
		switch path {
		case "quantity":
			o.Quantity = patch.Quantity
		case "harvest_window":
			o.HarvestWindow = patch.HarvestWindow
		case "min_price_vnd":
			o.MinPriceVND = patch.MinPriceVND
		}
	}
	var v apierr.Violations
	o.Validate(&v)
	held := o.ReservedQuantity + o.CommittedQuantity
	v.Check(o.Quantity >= held, "offer.quantity", "BELOW_COMMITTED", "must not be below the %d reserved or committed", held)
	if err := v.Err(); err != nil {
		return err
	}
	o.State = OfferOpen
	if o.Available() <= 0 {
		o.State = OfferExhausted
	}
	return nil
}

// CheckEnd tells whether a proposal may be declined or cancelled (to): done is true when it is
// in that state already (a retry: its holds may still need releasing); only a PENDING proposal
// can end.
func (pr *Proposal) CheckEnd(to string) (done bool, err error) {
	if pr.State == to {
		return true, nil
	}
	if pr.State != ProposalPending {
		return false, invalidState("proposal", pr.State)
	}
	return false, nil
}

// CheckAccept tells whether a proposal may be accepted: done is true when it is accepted
// already (a retry: its holds may still need committing); only a PENDING proposal can be.
func (pr *Proposal) CheckAccept() (done bool, err error) {
	if pr.State == ProposalAccepted {
		return true, nil
	}
	if pr.State != ProposalPending {
		return false, invalidState("proposal", pr.State)
	}
	return false, nil
}

// ErrProposalState is the answer to an accept that lost a race to another change of the
// proposal, now in state.
func ErrProposalState(state string) error { return invalidState("proposal", state) }

// ProposalName is the resource name of a proposal.
func (pr *Proposal) Name() string { return pr.Demand + "/proposals/" + pr.ID }

// DemandName is the resource name of a demand.
func DemandName(id string) string { return "demands/" + id }

// OfferName is the resource name of an offer.
func OfferName(id string) string { return "offers/" + id }

package domain

import (
	"fmt"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Incident kinds.
const (
	IncidentForceMajeure   = "FORCE_MAJEURE"
	IncidentSideSelling    = "SIDE_SELLING"
	IncidentRefusalToBuy   = "REFUSAL_TO_BUY"
	IncidentLatePayment    = "LATE_PAYMENT"
	IncidentQualityDispute = "QUALITY_DISPUTE"
)

// IncidentKinds lists the kinds of incident.
var IncidentKinds = []string{IncidentForceMajeure, IncidentSideSelling, IncidentRefusalToBuy, IncidentLatePayment, IncidentQualityDispute}

// Incident states: OPEN → MEDIATION → RESOLVED (or OPEN → RESOLVED by negotiation or, for a
// force-majeure claim, by the commune's verification).
const (
	IncidentOpen      = "OPEN"
	IncidentMediation = "MEDIATION"
	IncidentResolved  = "RESOLVED"
)

// Verifications of a force-majeure claim.
const (
	VerificationAccepted = "ACCEPTED"
	VerificationRejected = "REJECTED"
)

// IncidentStates are the contract states in which incidents are reported.
var IncidentStates = []string{StateActive, StateSuspended, StateCompleted}

// Incident is a force-majeure claim or a breach under a contract.
type Incident struct {
	ID                 string    `bson:"_id"`
	Contract           string    `bson:"contract"`
	Kind               string    `bson:"kind"`
	State              string    `bson:"state"`
	Description        string    `bson:"description"`
	ForceMajeureEvent  string    `bson:"force_majeure_event,omitempty"`
	AffectedLots       []string  `bson:"affected_lots,omitempty"`
	AffectedHouseholds []string  `bson:"affected_households,omitempty"`
	SuspendContract    bool      `bson:"suspend_contract"`
	Verification       string    `bson:"verification,omitempty"`
	BreachingParty     string    `bson:"breaching_party,omitempty"`
	BreachedValueVND   int64     `bson:"breached_value_vnd"`
	PenaltyVND         int64     `bson:"penalty_vnd"`
	Outcome            string    `bson:"outcome,omitempty"`
	Reporter           string    `bson:"reporter"`
	CreateTime         time.Time `bson:"create_time"`
	UpdateTime         time.Time `bson:"update_time"`
	Version            int64     `bson:"version"`
}

// IncidentInput is an incident as a party reports it.
type IncidentInput struct {
	Kind               string
	Description        string
	ForceMajeureEvent  string
	AffectedLots       []string
	AffectedHouseholds []string
	SuspendContract    bool
	BreachingParty     string
	BreachedValueVND   int64
}

// CheckIncident validates an incident under c (field paths under "incident.").
func (c *Contract) CheckIncident(v *apierr.Violations, in IncidentInput) {
	v.Check(oneOf(in.Kind, IncidentKinds...), "incident.kind", "ENUM_VALUE", "must be one of KIND_FORCE_MAJEURE, KIND_SIDE_SELLING, KIND_REFUSAL_TO_BUY, KIND_LATE_PAYMENT, KIND_QUALITY_DISPUTE")
	v.Text("incident.description", in.Description, true, MaxText)
	if in.Kind == IncidentForceMajeure {
		v.Check(oneOf(in.ForceMajeureEvent, c.Terms.ForceMajeureEvents...), "incident.force_majeure_event", "FORCE_MAJEURE_COVERED", "must be one of the contract's force-majeure events %v", c.Terms.ForceMajeureEvents)
	} else {
		v.Check(in.BreachingParty == c.Terms.Buyer || in.BreachingParty == c.Terms.Producer, "incident.breaching_party", "CONTRACT_PARTY", "must be the buyer or the producer")
	}
	v.Check(in.BreachedValueVND >= 0 && in.BreachedValueVND <= MaxValueVND, "incident.breached_value_vnd", "RANGE", "must be between 0 and 10^13")
	for i, l := range in.AffectedLots {
		v.Check(c.Terms.Lot(l) != nil, fmt.Sprintf("incident.affected_lots[%d]", i), "CONTRACT_LOT", "%q is not a lot of this contract", l)
	}
	for i, h := range in.AffectedHouseholds {
		v.Check(c.Terms.Allocation(h) != nil, fmt.Sprintf("incident.affected_households[%d]", i), "CONTRACT_HOUSEHOLD", "%q is not a household of this contract", h)
	}
}

// CanReportIncident: incidents are reported under an ACTIVE, SUSPENDED or COMPLETED contract.
func (c *Contract) CanReportIncident() error {
	if !oneOf(c.State, IncidentStates...) {
		return invalidState(c.State, "incidents are reported under an ACTIVE, SUSPENDED or COMPLETED contract; it is "+c.State)
	}
	return nil
}

// NewIncident is the record of a reported incident, OPEN.
func NewIncident(id, contract string, in IncidentInput, reporter string, now time.Time) *Incident {
	return &Incident{ID: id, Contract: contract, Kind: in.Kind, State: IncidentOpen, Description: in.Description, ForceMajeureEvent: in.ForceMajeureEvent,
		AffectedLots: in.AffectedLots, AffectedHouseholds: in.AffectedHouseholds, SuspendContract: in.SuspendContract,
		BreachingParty: in.BreachingParty, BreachedValueVND: in.BreachedValueVND, Reporter: reporter, CreateTime: now, UpdateTime: now, Version: 1}
}

// DisputeIncident is the QUALITY_DISPUTE incident the producer's dispute of delivery d opens
// against the buyer.
func (c *Contract) DisputeIncident(id string, d *Delivery, reason, reporter string, now time.Time) *Incident {
	return &Incident{ID: id, Contract: c.ID, Kind: IncidentQualityDispute, State: IncidentOpen, Description: "Delivery " + d.ID + " disputed: " + reason,
		AffectedLots: []string{d.Lot}, AffectedHouseholds: []string{d.Household}, BreachingParty: c.Terms.Buyer, Reporter: reporter, CreateTime: now, UpdateTime: now, Version: 1}
}

// CanVerify: only an unresolved force-majeure claim is verified (other incidents are
// mediated).
func (i *Incident) CanVerify() error {
	if i.Kind != IncidentForceMajeure {
		return apierr.FailedPrecondition("NOT_FORCE_MAJEURE", "only force-majeure claims are verified; mediate other incidents", nil)
	}
	if i.State == IncidentResolved {
		return invalidState(i.State, "incident is RESOLVED")
	}
	return nil
}

// Verify resolves a force-majeure claim with the commune's verdict and note.
func (i *Incident) Verify(accept bool, note string) {
	i.State = IncidentResolved
	if accept {
		i.Verification, i.Outcome = VerificationAccepted, "force majeure accepted by the commune. "+note
	} else {
		i.Verification, i.Outcome = VerificationRejected, "force majeure rejected by the commune. "+note
	}
}

// AcceptForceMajeure applies an accepted force-majeure claim to the contract: it is suspended
// (when the claim asks for it) or the affected lots are excused.
func (c *Contract) AcceptForceMajeure(i *Incident) error {
	if i.SuspendContract {
		return c.Suspend("force majeure: " + i.Description)
	}
	for _, l := range i.AffectedLots {
		if !oneOf(l, c.ExcusedLots...) {
			c.ExcusedLots = append(c.ExcusedLots, l)
		}
	}
	return nil
}

// CanMediate: only OPEN incidents go to mediation.
func (i *Incident) CanMediate() error {
	if i.State != IncidentOpen {
		return invalidState(i.State, "only OPEN incidents go to mediation; it is "+i.State)
	}
	return nil
}

// Mediate moves an OPEN incident to the commune's mediation.
func (i *Incident) Mediate() { i.State = IncidentMediation }

// CheckResolvableState: an incident is resolved from OPEN (by negotiation) or MEDIATION.
func (i *Incident) CheckResolvableState() error {
	if i.State != IncidentOpen && i.State != IncidentMediation {
		return invalidState(i.State, "incident is "+i.State)
	}
	return nil
}

// CheckResolvableKind: a force-majeure claim is settled by the commune's verification, not
// resolved.
func (i *Incident) CheckResolvableKind() error {
	if i.Kind == IncidentForceMajeure {
		return apierr.FailedPrecondition("VERIFY_FORCE_MAJEURE", "force-majeure claims are settled by the commune's verification", nil)
	}
	return nil
}

// Resolve closes the incident with its outcome; an upheld breach carries the clause's penalty
// (penaltyBps, capped at MaxPenaltyBps) of the breached value.
func (i *Incident) Resolve(outcome string, upheld bool, penaltyBps int32) error {
	i.State, i.Outcome = IncidentResolved, outcome
	if upheld {
		pen, err := Penalty(i.BreachedValueVND, penaltyBps)
		if err != nil {
			return apierr.Field("breach_upheld", "AMOUNT_RANGE", "%s", err.Error())
		}
		i.PenaltyVND = pen
	}
	return nil
}

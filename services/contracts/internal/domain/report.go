package domain

import (
	"fmt"
	"time"

	"github.com/lienket/lienket/services/platform/vn"
)

// Reports. A report adds up what the contracts of a scope (a commune, a province, an
// organisation, the country) contributed in a period. Every contract contributes a Rollup,
// computed from the contract and its records alone (ContractRollup):
//
//   - contract-level figures (counts by state and linkage form, contracted quantity and value,
//     outstanding advances, household places) as a Start entry at the first month of the
//     contract's period and the same figures as an End entry at its last month: the contracts
//     whose period overlaps a report period [from, to] are then the Start entries up to `to`
//     minus the End entries before `from`, which stays a sum (rollups merge by adding);
//   - flows (deliveries, payments, advances, incidents) as Flow entries in the month of their
//     date;
//   - the households taking part (contracts in force only) as Participations with the period
//     and the household's profile as certified when the contract was submitted: households
//     are counted once across contracts, so they are kept one by one, never pre-summed.
//
// Rollups of many contracts merge by adding entries with equal keys (Merge). A report is
// computed from merged rollups by a Tally, one rollup at a time.

// Month is a calendar month, counted from year 0 (year×12 + month−1).
type Month int32

// MonthOf is the month of a date "YYYY-MM-DD" (or of a month "YYYY-MM").
func MonthOf(date string) (Month, bool) {
	if len(date) < 7 {
		return 0, false
	}
	t, err := time.Parse("2006-01", date[:7])
	if err != nil || (len(date) > 7 && date[7] != '-') {
		return 0, false
	}
	return Month(t.Year()*12 + int(t.Month()) - 1), true
}

// MonthOfTime is the month of t in Asia/Ho_Chi_Minh.
func MonthOfTime(t time.Time) Month {
	l := t.In(vn.Zone)
	return Month(l.Year()*12 + int(l.Month()) - 1)
}

// String is the month as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }

// Fig names one figure of a report.
type Fig int

// The figures. Contract-level figures (IsContractFig) count the contracts whose period overlaps
// the report period; the others are flows dated inside it.
const (
	FigContracts             Fig              = iota // contracts
	FigInForce                                       // contracts that were witnessed (ACTIVE or later)
	FigAllocations                                   // household places in contracts in force
	FigContractedQty                                 // total quantity of contracts in force
	FigContractedVND                                 // quantity × base price of contracts in force
	FigOutstandingAdvanceVND                         // advance principal not yet recovered, now
	FigDeliveries                                    // deliveries
	FigDeliveredQty                                  // quantity delivered
	FigAcceptedQty                                   // quantity accepted
	FigGrossVND                                      // value of the accepted quantity
	FigPricedQty                                     // accepted quantity of deliveries priced with a market reference
	FigPricedVND                                     // their value
	FigMarketVND                                     // their accepted quantity × the market reference price
	FigPayments                                      // payments
	FigPaidVND                                       // amount paid
	FigPaidOnTimeVND                                 // amount paid within the contract's payment terms
	FigPayDaysVND                                    // Σ amount × days from delivery to payment
	FigAdvances                                      // input advances
	FigAdvancedVND                                   // value advanced
	FigRecoveredVND                                  // advances recovered from deliveries (interest included)
	FigIncidents                                     // incidents reported
	FigPenaltyVND                                    // penalties of upheld breaches
	figStates                                        // + index in ContractStates (10)
	figForms                 = figStates + 10        // + index in LinkageForms (4)
	figIncidentCells         = figForms + 4          // + kind (index in IncidentKinds, 5) × NumOutcomes + outcome
	// NumFigures is the number of figures.
	NumFigures = int(figIncidentCells) + 5*NumOutcomes
)

// ContractStates are the states of a contract, in the API's order.
var ContractStates = []string{StateDraft, StatePendingSignatures, StatePendingWitness, StateActive, StateCompleted,
	StateLiquidated, StateCancelled, StateWitnessRejected, StateSuspended, StateTerminated}

// InForceStates are the states of a contract that was witnessed: its households take part.
var InForceStates = []string{StateActive, StateSuspended, StateCompleted, StateLiquidated, StateTerminated}

// Outcomes of an incident, as reports count them.
const (
	OutcomeOpen                 = iota // reported, not yet settled
	OutcomeMediation                   // in the commune's mediation
	OutcomeResolved                    // resolved without a penalty
	OutcomePenalised                   // resolved with a penalty (breach upheld)
	OutcomeForceMajeureAccepted        // force majeure verified and accepted by the commune
	OutcomeForceMajeureRejected        // force majeure rejected by the commune
	NumOutcomes
)

// IncidentOutcomes name the outcomes, by index.
var IncidentOutcomes = []string{"OPEN", "MEDIATION", "RESOLVED", "PENALISED", "FORCE_MAJEURE_ACCEPTED", "FORCE_MAJEURE_REJECTED"}

// FigState is the figure counting contracts in state (false for an unknown state).
func FigState(state string) (Fig, bool) { return indexFig(figStates, ContractStates, state) }

// FigForm is the figure counting contracts of linkage form (false for an unknown form).
func FigForm(form string) (Fig, bool) { return indexFig(figForms, LinkageForms, form) }

// FigIncident is the figure counting incidents of kind with outcome (false for an unknown kind).
func FigIncident(kind string, outcome int) (Fig, bool) {
	f, ok := indexFig(0, IncidentKinds, kind)
	if !ok || outcome < 0 || outcome >= NumOutcomes {
		return 0, false
	}
	return figIncidentCells + f*NumOutcomes + Fig(outcome), true
}

func indexFig(base Fig, list []string, v string) (Fig, bool) {
	for i, x := range list {
		if x == v {
			return base + Fig(i), true
		}
	}
	return 0, false
}

// IsContractFig reports whether f counts contracts in the period (rather than a flow).
func IsContractFig(f Fig) bool {
	return f <= FigOutstandingAdvanceVND || (f >= figStates && f < figIncidentCells)
}

// ReportOutcome is how a report counts an incident's outcome.
func (i *Incident) ReportOutcome() int {
	switch {
	case i.State == IncidentOpen:
		return OutcomeOpen
	case i.State == IncidentMediation:
		return OutcomeMediation
	case i.Verification == VerificationAccepted:
		return OutcomeForceMajeureAccepted
	case i.Verification == VerificationRejected:
		return OutcomeForceMajeureRejected
	case i.PenaltyVND > 0:
		return OutcomePenalised
	}
	return OutcomeResolved
}

// Figures are the values of every figure, indexed by Fig.
type Figures [NumFigures]int64

// Add adds o to f, figure by figure (ErrOverflow when a sum leaves int64).
func (f *Figures) Add(o *Figures) error {
	for i := range f {
		if err := addTo(&f[i], o[i]); err != nil {
			return err
		}
	}
	return nil
}

// Sub subtracts o from f, figure by figure.
func (f *Figures) Sub(o *Figures) error {
	for i := range f {
		if o[i] == -o[i] && o[i] != 0 { // math.MinInt64
			return ErrOverflow
		}
		if err := addTo(&f[i], -o[i]); err != nil {
			return err
		}
	}
	return nil
}

func addTo(a *int64, b int64) error {
	s := *a + b
	if (b > 0 && s < *a) || (b < 0 && s > *a) {
		return ErrOverflow
	}
	*a = s
	return nil
}

// Zero reports whether every figure is 0.
func (f *Figures) Zero() bool {
	for _, v := range f {
		if v != 0 {
			return false
		}
	}
	return true
}

// Dims are what a report filters and breaks down by: the product, the rulebook (or programme
// profile), the linkage form, and the producer's province and commune.
type Dims struct {
	Product, Rulebook, Form, Province, Commune string
}

// Entry kinds.
const (
	EntryStart byte = 'S' // contract-level figures, at the first month of the contract's period
	EntryEnd   byte = 'E' // the same figures, at its last month
	EntryFlow  byte = 'F' // flows dated in Month
)

// Entry is figures of one kind, month and dims.
type Entry struct {
	Kind  byte
	Month Month
	Dims
	Fig Figures
}

// Profile is a household as reports count it: poverty status (POOR, NEAR_POOR,
// RECENTLY_ESCAPED, NON_POOR; "" when not recorded), ethnic minority, a woman heading it, and
// the province it lives in.
type Profile struct {
	Poverty        string
	EthnicMinority bool
	WomenHeaded    bool
	HomeProvince   string
}

// Participation is a household taking part in a contract in force, for the contract's period.
type Participation struct {
	Household string
	Contract  string
	Start     Month
	End       Month
	Dims
	Profile
	// Gen is the generation of the contract's rollup it came from (kept by the national
	// household partitions to apply a contract's latest rollup only).
	Gen int64
}

// Rollup is what one contract, or many merged, contribute to reports.
type Rollup struct {
	Entries        []Entry
	Participations []Participation
}

// ShareBps is figure num ÷ figure den in basis points, rounded (0 when den is 0).
func (f *Figures) ShareBps(num, den Fig) int32 {
	if f[den] == 0 {
		return 0
	}
	v, err := MulDivRound(f[num], WholeBps, f[den])
	if err != nil {
		return 0
	}
	return int32(v)
}

// Average is figure num ÷ figure den, rounded to a whole number (0 when den is 0).
func (f *Figures) Average(num, den Fig) int64 {
	if f[den] <= 0 {
		return 0
	}
	v, _ := MulDivRound(f[num], 1, f[den])
	return v
}

// AverageDaysToPay is the average days from delivery to payment, weighted by amount.
func (f *Figures) AverageDaysToPay() float64 {
	if f[FigPaidVND] == 0 {
		return 0
	}
	return float64(f[FigPayDaysVND]) / float64(f[FigPaidVND])
}

package domain

import (
	"fmt"
	"slices"
)

// SettlementLine is one household's line of a contract's settlement statement (the contracts
// service's figures).
type SettlementLine struct {
	Household                                  string
	Contracted, Accepted, Gross, Paid, Balance int64
}

// ContractResult is what the contracts service says about one linked contract now.
type ContractResult struct {
	Name  string
	Fact  *ContractFact // nil: the contract is gone
	Lines []SettlementLine
}

// EvaluationInput is what a milestone's indicators are computed from.
type EvaluationInput struct {
	Contracts []ContractResult
	// Poverty of households (the project's participants, and any other household of the
	// settlements as the registry describes it now).
	Poverty map[string]string
}

// Evaluate computes the indicators of milestone id, with the figures behind each.
func (p *Project) Evaluate(id string, in EvaluationInput) []IndicatorResult {
	m := p.Proposal.Milestone(id)
	if m == nil {
		return nil
	}
	out := make([]IndicatorResult, 0, len(m.Indicators))
	for _, ind := range m.Indicators {
		r := IndicatorResult{Kind: ind.Kind, Target: ind.Target}
		r.Actual, r.Explanation = p.measure(ind.Kind, id, in)
		r.Met = r.Actual >= r.Target
		r.RequiresConfirmation = ind.Kind == IndicatorTrainingAttendance
		out = append(out, r)
	}
	return out
}

func (p *Project) measure(kind, milestone string, in EvaluationInput) (int64, string) {
	switch kind {
	case IndicatorDeliveredShare:
		return deliveredShare(in)
	case IndicatorHouseholdsPaid:
		return householdsPaid(in)
	case IndicatorPoorValuePaid:
		return poorValuePaid(in)
	case IndicatorContractsWitnessed:
		return contractsWitnessed(in)
	case IndicatorTrainingAttendance:
		return p.trainingAttendance(milestone)
	}
	return 0, "unknown indicator"
}

func deliveredShare(in EvaluationInput) (int64, string) {
	var contracted, accepted int64
	for _, c := range in.Contracts {
		for _, l := range c.Lines {
			contracted += l.Contracted
			accepted += l.Accepted
		}
	}
	share := MulDiv(min(accepted, contracted), BpsWhole, contracted)
	return share, fmt.Sprintf("%d of %d contracted units delivered and accepted under %d linked contract(s): %d bps", accepted, contracted, len(in.Contracts), share)
}

func householdsPaid(in EvaluationInput) (int64, string) {
	delivered, owed := map[string]bool{}, map[string]bool{}
	for _, c := range in.Contracts {
		for _, l := range c.Lines {
			if l.Gross > 0 {
				delivered[l.Household] = true
				if l.Balance > 0 {
					owed[l.Household] = true
				}
			}
		}
	}
	var n int64
	for h := range delivered {
		if !owed[h] {
			n++
		}
	}
	return n, fmt.Sprintf("%d of %d households with accepted deliveries are paid in full", n, len(delivered))
}

func poorValuePaid(in EvaluationInput) (int64, string) {
	var paid, all int64
	for _, c := range in.Contracts {
		for _, l := range c.Lines {
			all += l.Paid
			if s := in.Poverty[l.Household]; s == PovertyPoor || s == PovertyNearPoor {
				paid += l.Paid
			}
		}
	}
	return paid, fmt.Sprintf("%d VND of %d VND paid under the linked contracts went to poor and near-poor households", paid, all)
}

func contractsWitnessed(in EvaluationInput) (int64, string) {
	var n int64
	for _, c := range in.Contracts {
		if c.Fact != nil && c.Fact.Witnessed && slices.Contains(inForceContractStates, c.Fact.State) {
			n++
		}
	}
	return n, fmt.Sprintf("%d of %d linked contracts are witnessed and in force or completed", n, len(in.Contracts))
}

func (p *Project) trainingAttendance(milestone string) (int64, string) {
	var n, sessions int64
	for _, a := range p.Activities {
		if a.Milestone == milestone && a.Kind == ActivityTraining {
			n += int64(a.Attendance)
			sessions++
		}
	}
	return n, fmt.Sprintf("%d attendees at %d training session(s) recorded for milestone %s (evidence to be checked by the verifying official)", n, sessions, milestone)
}

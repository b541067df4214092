package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Actions on a project.
const (
	ActionUpdate          = "update"
	ActionSubmit          = "submit"
	ActionScore           = "score"
	ActionAppraise        = "appraise"
	ActionApprove         = "approve"
	ActionReject          = "reject"
	ActionStart           = "start"
	ActionAmend           = "amend"
	ActionDecideAmendment = "decide an amendment of"
	ActionComplete        = "complete"
	ActionClose           = "close"
	ActionReport          = "report on"
	ActionVerify          = "verify a milestone of"
)

// Actions lists every action.
var Actions = []string{ActionUpdate, ActionSubmit, ActionScore, ActionAppraise, ActionApprove, ActionReject, ActionStart,
	ActionAmend, ActionDecideAmendment, ActionComplete, ActionClose, ActionReport, ActionVerify}

// transitions: action → state it is allowed in → state it leads to. Everything else is
// FAILED_PRECONDITION / INVALID_STATE.
var transitions = map[string]map[string]string{
	ActionUpdate:          {StateDraft: StateDraft},
	ActionSubmit:          {StateDraft: StateSubmitted},
	ActionScore:           {StateSubmitted: StateSubmitted},
	ActionAppraise:        {StateSubmitted: StateAppraised},
	ActionApprove:         {StateAppraised: StateApproved},
	ActionReject:          {StateAppraised: StateRejected},
	ActionStart:           {StateApproved: StateInProgress},
	ActionAmend:           {StateApproved: StateApproved, StateInProgress: StateInProgress},
	ActionDecideAmendment: {StateApproved: StateApproved, StateInProgress: StateInProgress},
	ActionComplete:        {StateInProgress: StateCompleted},
	ActionClose:           {StateApproved: StateClosed, StateInProgress: StateClosed},
	ActionReport:          {StateInProgress: StateInProgress},
	ActionVerify:          {StateInProgress: StateInProgress},
}

// Next returns the state action leads to from state, or FAILED_PRECONDITION (INVALID_STATE).
func Next(state, action string) (string, error) {
	if to, ok := transitions[action][state]; ok {
		return to, nil
	}
	return "", apierr.FailedPrecondition("INVALID_STATE", fmt.Sprintf("cannot %s a project that is %s", action, state),
		map[string]string{"state": state, "action": action})
}

func (p *Project) step(action string) error {
	to, err := Next(p.State, action)
	if err != nil {
		return err
	}
	p.State = to
	return nil
}

// RulesError reports broken rules: FAILED_PRECONDITION, reason RULES_NOT_SATISFIED, with a
// BadRequest listing each rule id and field.
func RulesError(vs []Violation) error {
	list := make([]apierr.Violation, len(vs))
	for i, v := range vs {
		list[i] = apierr.Violation{Field: v.Field, Rule: v.RuleID, Message: v.MessageEN}
	}
	return apierr.RuleViolations(list...)
}

func precondition(reason, format string, args ...any) error {
	return apierr.FailedPrecondition(reason, fmt.Sprintf(format, args...), nil)
}

// UpdateProposal replaces the proposal of a DRAFT.
func (p *Project) UpdateProposal(np Proposal) error {
	if err := p.step(ActionUpdate); err != nil {
		return err
	}
	p.Proposal = np
	return nil
}

// Submit moves a DRAFT to SUBMITTED when no rule is broken, recording the participating
// households and the rulebook version checked against.
func (p *Project) Submit(vs []Violation, participants []Participant, version string) error {
	if _, err := Next(p.State, ActionSubmit); err != nil {
		return err
	}
	if len(vs) > 0 {
		return RulesError(vs)
	}
	p.State, p.StateReason = StateSubmitted, ""
	p.Participants, p.RulebookVersion = participants, version
	return nil
}

// AddScore records a council member's score (replacing the member's earlier one).
func (p *Project) AddScore(s Score) error {
	if _, err := Next(p.State, ActionScore); err != nil {
		return err
	}
	s.Total = 0
	for _, c := range s.Criteria {
		s.Total += c.Score
	}
	p.Scores = slices.DeleteFunc(p.Scores, func(o Score) bool { return o.Member == s.Member })
	p.Scores = append(p.Scores, s)
	return nil
}

// Appraise closes the appraisal: the scores of the current council members count, and at least
// the quorum of the council (and at least one member) must have scored.
func (p *Project) Appraise(spec *AppraisalSpec, council []string, appraiser, note string, now time.Time) error {
	if _, err := Next(p.State, ActionAppraise); err != nil {
		return err
	}
	a := Appraisal{MinPassScore: spec.MinPassScore, Appraiser: appraiser, Note: note, Time: now.UTC()}
	for _, s := range p.Scores {
		if slices.Contains(council, s.Member) {
			a.ScoredBy++
			a.TotalSum += int64(s.Total)
		}
	}
	need := max(1, (int64(len(council))*int64(spec.QuorumBps)+BpsWhole-1)/BpsWhole)
	if int64(a.ScoredBy) < need {
		return apierr.FailedPrecondition("QUORUM_NOT_MET", fmt.Sprintf("%d council member(s) scored the project, %d must before the appraisal closes", a.ScoredBy, need),
			map[string]string{"scored_by": fmt.Sprint(a.ScoredBy), "required": fmt.Sprint(need)})
	}
	p.Appraisal = &a
	return p.step(ActionAppraise)
}

// Approve records the investor's approval: the programme funding requested is approved, the
// type ceiling in force is fixed, and each milestone's amount is set.
func (p *Project) Approve(ceiling int64, d Decision) error {
	if _, err := Next(p.State, ActionApprove); err != nil {
		return err
	}
	if p.Appraisal == nil || !p.Appraisal.Passes() {
		return apierr.FailedPrecondition("APPRAISAL_BELOW_PASS", fmt.Sprintf("the average score %.1f is below the pass mark %d", p.appraisalAverage(), p.appraisalPass()), nil)
	}
	t := p.Proposal.Totals()
	if ceiling > 0 && t.ProgrammeVND > ceiling {
		return precondition("CEILING_EXCEEDED", "programme funding %d VND is above the ceiling of %d VND", t.ProgrammeVND, ceiling)
	}
	p.ApprovedProgrammeVND, p.ApprovedTotalVND, p.CeilingVND = t.ProgrammeVND, t.TotalVND, ceiling
	p.Milestones = planMilestones(p.Proposal.Milestones, t.ProgrammeVND, nil)
	d.Approved = true
	p.Decision = &d
	p.StateReason = ""
	return p.step(ActionApprove)
}

func (p *Project) appraisalAverage() float64 {
	if p.Appraisal == nil {
		return 0
	}
	return p.Appraisal.Average()
}

func (p *Project) appraisalPass() int32 {
	if p.Appraisal == nil {
		return 0
	}
	return p.Appraisal.MinPassScore
}

// planMilestones sets each milestone's amount: disbursed milestones (in prev) keep what they
// paid; the rest of the programme funding is split among the others by their release shares
// (MilestoneAmounts), so the amounts always add up to exactly the programme funding.
func planMilestones(ms []Milestone, programme int64, prev []MilestoneStatus) []MilestoneStatus {
	done := map[string]MilestoneStatus{}
	var paid int64
	for _, s := range prev {
		if s.State == MilestoneDisbursed {
			done[s.ID] = s
			paid += s.AmountVND
		}
	}
	var shares []int32
	for _, m := range ms {
		if _, ok := done[m.ID]; !ok {
			shares = append(shares, m.ReleaseShareBps)
		}
	}
	amounts := MilestoneAmounts(max(programme-paid, 0), shares)
	out := make([]MilestoneStatus, 0, len(ms))
	for _, m := range ms {
		if s, ok := done[m.ID]; ok {
			out = append(out, s)
			continue
		}
		out = append(out, MilestoneStatus{ID: m.ID, AmountVND: amounts[0], State: MilestonePending})
		amounts = amounts[1:]
	}
	return out
}

// Reject records the investor's rejection with reasons.
func (p *Project) Reject(d Decision) error {
	if err := p.step(ActionReject); err != nil {
		return err
	}
	d.Approved = false
	p.Decision = &d
	p.StateReason = d.Reason
	return nil
}

// Start moves an APPROVED project to IN_PROGRESS.
func (p *Project) Start() error { return p.step(ActionStart) }

// ProposeAmendment records an amended proposal, to take effect when the investor approves it.
func (p *Project) ProposeAmendment(np Proposal, reason, proposer string, now time.Time) error {
	if _, err := Next(p.State, ActionAmend); err != nil {
		return err
	}
	if p.PendingAmendment != nil {
		return precondition("AMENDMENT_PENDING", "amendment %d is still pending: have it decided first", p.PendingAmendment.Number)
	}
	if err := p.amendable(np); err != nil {
		return err
	}
	p.PendingAmendment = &Amendment{Number: p.AmendmentCount + 1, Proposal: np, Reason: reason, Proposer: proposer, CreateTime: now.UTC()}
	return nil
}

// amendable checks what an amendment may not change: the project type, a disbursed milestone
// (its id and share), the programme funding below what was disbursed; and that funding left
// to disburse has a milestone to release it.
func (p *Project) amendable(np Proposal) error {
	if np.Type != p.Proposal.Type {
		return precondition("TYPE_IMMUTABLE", "an amendment cannot change the project type")
	}
	for _, s := range p.Milestones {
		if s.State != MilestoneDisbursed {
			continue
		}
		old, nm := p.Proposal.Milestone(s.ID), np.Milestone(s.ID)
		if nm == nil || old == nil || nm.ReleaseShareBps != old.ReleaseShareBps {
			return precondition("MILESTONE_DISBURSED", "milestone %s is disbursed: an amendment must keep it and its release share", s.ID)
		}
	}
	got := np.Totals().ProgrammeVND
	if got < p.DisbursedVND {
		return precondition("BELOW_DISBURSED", "programme funding %d VND is below the %d VND already disbursed", got, p.DisbursedVND)
	}
	var pending int64
	for _, m := range np.Milestones {
		if s := p.Status(m.ID); s == nil || s.State != MilestoneDisbursed {
			pending += int64(max(m.ReleaseShareBps, 0))
		}
	}
	if got > p.DisbursedVND && pending == 0 {
		return precondition("FUNDING_WITHOUT_MILESTONE", "%d VND of programme funding would remain, but no undisbursed milestone would release it", got-p.DisbursedVND)
	}
	return nil
}

// ApproveAmendment applies the pending amendment, when it breaks no rule: the approved funding,
// the ceiling and the milestone amounts follow the amended proposal; disbursed milestones keep
// what they paid.
func (p *Project) ApproveAmendment(vs []Violation, participants []Participant, version string, ceiling int64) (*Amendment, error) {
	if _, err := Next(p.State, ActionDecideAmendment); err != nil {
		return nil, err
	}
	a := p.PendingAmendment
	if a == nil {
		return nil, precondition("NO_AMENDMENT_PENDING", "there is no pending amendment")
	}
	if len(vs) > 0 {
		return nil, RulesError(vs)
	}
	if err := p.amendable(a.Proposal); err != nil {
		return nil, err
	}
	t := a.Proposal.Totals()
	if ceiling > 0 && t.ProgrammeVND > ceiling {
		return nil, precondition("CEILING_EXCEEDED", "programme funding %d VND is above the ceiling of %d VND", t.ProgrammeVND, ceiling)
	}
	p.Milestones = planMilestones(a.Proposal.Milestones, t.ProgrammeVND, p.Milestones)
	p.Proposal, p.Participants, p.RulebookVersion = a.Proposal, participants, version
	p.ApprovedProgrammeVND, p.ApprovedTotalVND, p.CeilingVND = t.ProgrammeVND, t.TotalVND, ceiling
	p.AmendmentCount++
	p.PendingAmendment = nil
	return a, nil
}

// RejectAmendment drops the pending amendment.
func (p *Project) RejectAmendment() (*Amendment, error) {
	if _, err := Next(p.State, ActionDecideAmendment); err != nil {
		return nil, err
	}
	a := p.PendingAmendment
	if a == nil {
		return nil, precondition("NO_AMENDMENT_PENDING", "there is no pending amendment")
	}
	p.PendingAmendment = nil
	return a, nil
}

// Complete moves an IN_PROGRESS project whose milestones are all disbursed to COMPLETED.
func (p *Project) Complete() error {
	if _, err := Next(p.State, ActionComplete); err != nil {
		return err
	}
	var open []string
	for _, s := range p.Milestones {
		if s.State != MilestoneDisbursed {
			open = append(open, s.ID)
		}
	}
	if len(open) > 0 {
		return precondition("MILESTONES_OUTSTANDING", "milestones %s are not disbursed: close the project instead if they will not be", strings.Join(open, ", "))
	}
	p.PendingAmendment = nil
	return p.step(ActionComplete)
}

// Close ends an approved or in-progress project early.
func (p *Project) Close(reason string) error {
	if err := p.step(ActionClose); err != nil {
		return err
	}
	p.StateReason, p.PendingAmendment = reason, nil
	return nil
}

// AddSpending records a spending report.
func (p *Project) AddSpending(r SpendingReport) error {
	if _, err := Next(p.State, ActionReport); err != nil {
		return err
	}
	if len(p.Spending) >= MaxSpendingReport {
		return precondition("TOO_MANY", "a project holds at most %d spending reports", MaxSpendingReport)
	}
	r.TotalVND = 0
	for _, l := range r.Lines {
		r.TotalVND += l.AmountVND
	}
	p.Spending = append(p.Spending, r)
	return nil
}

// AddActivity records an activity.
func (p *Project) AddActivity(a Activity) error {
	if _, err := Next(p.State, ActionReport); err != nil {
		return err
	}
	if len(p.Activities) >= MaxActivities {
		return precondition("TOO_MANY", "a project holds at most %d activities", MaxActivities)
	}
	p.Activities = append(p.Activities, a)
	return nil
}

// VerifyInput is an official's verification of a milestone.
type VerifyInput struct {
	EvidenceConfirmed bool
	PaymentReference  string
	Note              string
}

// Disburse records the verification of milestone id and its disbursement, in one change of the
// project: the indicators (computed from the contracts and the recorded evidence) must all be
// met, evidence-based ones confirmed by the official, and the milestone's amount must fit under
// every limit (LimitsFor). The milestone is then DISBURSED: a second verification finds it so.
func (p *Project) Disburse(id, disbursementID string, results []IndicatorResult, in VerifyInput, official string, now time.Time) (*Disbursement, error) {
	if _, err := Next(p.State, ActionVerify); err != nil {
		return nil, err
	}
	ms := p.Status(id)
	if ms == nil {
		return nil, apierr.NotFound(MilestoneName(p.ID, id))
	}
	if ms.State == MilestoneDisbursed {
		return nil, apierr.FailedPrecondition("MILESTONE_ALREADY_DISBURSED", fmt.Sprintf("milestone %s was already verified and disbursed", id),
			map[string]string{"disbursement": ms.Disbursement})
	}
	if err := indicatorsMet(results, in.EvidenceConfirmed); err != nil {
		return nil, err
	}
	l := p.LimitsFor(id)
	if l.PayableVND <= 0 {
		return nil, limitError(l)
	}
	d := Disbursement{ID: disbursementID, Milestone: id, AmountVND: l.PayableVND, Indicators: results, Limits: l,
		VerifiedBy: official, PaymentReference: in.PaymentReference, Note: in.Note, CreateTime: now.UTC()}
	p.Disbursements = append(p.Disbursements, d)
	ms.State, ms.Disbursement = MilestoneDisbursed, d.ID
	p.DisbursedVND += d.AmountVND
	return &d, nil
}

func indicatorsMet(results []IndicatorResult, confirmed bool) error {
	meta := map[string]string{}
	var missing []string
	for _, r := range results {
		meta[r.Kind] = fmt.Sprintf("%d/%d", r.Actual, r.Target)
		if !r.Met {
			missing = append(missing, r.Kind+": "+r.Explanation)
		}
	}
	if len(missing) > 0 {
		return apierr.FailedPrecondition("INDICATORS_NOT_MET", "indicators not met: "+strings.Join(missing, "; "), meta)
	}
	for _, r := range results {
		if r.RequiresConfirmation && !confirmed {
			return apierr.Field("evidence_confirmed", "EVIDENCE_NOT_CONFIRMED", "%s is evidence-based: confirm that you checked the evidence", r.Kind)
		}
	}
	return nil
}

// limitError refuses a disbursement that would break a limit, with the figures.
func limitError(l Limits) error {
	meta := map[string]string{
		"milestone_amount_vnd": fmt.Sprint(l.MilestoneAmountVND), "disbursed_before_vnd": fmt.Sprint(l.DisbursedBeforeVND),
		"eligible_spending_vnd": fmt.Sprint(l.EligibleSpendingVND), "spending_share_cap_vnd": fmt.Sprint(l.SpendingShareCapVND),
		"approved_programme_vnd": fmt.Sprint(l.ApprovedProgrammeVND), "ceiling_vnd": fmt.Sprint(l.CeilingVND),
	}
	after := l.DisbursedBeforeVND + l.MilestoneAmountVND
	switch l.BlockedBy {
	case BlockedSpendingShare:
		return apierr.FailedPrecondition("EXCEEDS_SPENDING_SHARE", fmt.Sprintf("disbursing %d VND would bring the total to %d VND, above the approved programme share of the actual spending (%d VND of %d VND eligible spending): report more spending first",
			l.MilestoneAmountVND, after, l.SpendingShareCapVND, l.EligibleSpendingVND), meta)
	case BlockedProgrammeShare:
		return apierr.FailedPrecondition("EXCEEDS_PROGRAMME_SHARE", fmt.Sprintf("disbursing %d VND would bring the total to %d VND, above the approved programme funding of %d VND", l.MilestoneAmountVND, after, l.ApprovedProgrammeVND), meta)
	case BlockedCeiling:
		return apierr.FailedPrecondition("EXCEEDS_CEILING", fmt.Sprintf("disbursing %d VND would bring the total to %d VND, above the ceiling of %d VND", l.MilestoneAmountVND, after, l.CeilingVND), meta)
	}
	return apierr.FailedPrecondition("NOTHING_TO_PAY", "the milestone releases nothing", meta)
}

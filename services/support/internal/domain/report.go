package domain

import "time"

// Report aggregates the projects of one call or of a programme's calls.
type Report struct {
	Calls                                            int32
	ByState                                          map[string]int32
	BudgetVND, CommittedVND, DisbursedVND            int64
	Reached                                          Participation
	PoorShareBps, NearPoorShareBps, MinorityShareBps int32
	WomenShareBps                                    int32
	Milestones, MetOnTime, MetLate, Overdue          int32
}

// reached: states of projects whose households count as reached (approved or later).
var reached = map[string]bool{StateApproved: true, StateInProgress: true, StateCompleted: true, StateClosed: true}

// BuildReport aggregates calls and their projects. Households are counted once however many
// projects they take part in; a milestone is on time when it was disbursed on or before its due
// date (dates in dateOf's zone, Asia/Ho_Chi_Minh); overdue when it is not disbursed and its due
// date has passed.
func BuildReport(calls []Call, projects []Project, today string, dateOf func(time.Time) string) Report {
	r := Report{Calls: int32(len(calls)), ByState: map[string]int32{}}
	for _, c := range calls {
		r.BudgetVND += c.BudgetVND
	}
	households := map[string]Participant{}
	for i := range projects {
		p := &projects[i]
		r.ByState[p.State]++
		r.CommittedVND += p.Committed()
		r.DisbursedVND += p.DisbursedVND
		if !reached[p.State] {
			continue
		}
		for _, h := range p.Participants {
			households[h.Household] = h
		}
		r.countMilestones(p, today, dateOf)
	}
	all := make([]Participant, 0, len(households))
	for _, h := range households {
		all = append(all, h)
	}
	r.Reached = Count(all)
	share := func(n int32) int32 { return int32(MulDiv(int64(n), BpsWhole, int64(r.Reached.Households))) }
	r.PoorShareBps, r.NearPoorShareBps = share(r.Reached.Poor), share(r.Reached.NearPoor)
	r.MinorityShareBps, r.WomenShareBps = share(r.Reached.EthnicMinority), share(r.Reached.WomenHeaded)
	return r
}

func (r *Report) countMilestones(p *Project, today string, dateOf func(time.Time) string) {
	for _, s := range p.Milestones {
		m := p.Proposal.Milestone(s.ID)
		if m == nil {
			continue
		}
		r.Milestones++
		d := p.Disbursement(s.Disbursement)
		switch {
		case s.State == MilestoneDisbursed && d != nil && dateOf(d.CreateTime) <= m.DueDate:
			r.MetOnTime++
		case s.State == MilestoneDisbursed:
			r.MetLate++
		case m.DueDate < today && p.State != StateClosed:
			r.Overdue++
		}
	}
}

package domain

import (
	"math"
	"math/bits"
)

// Money is integer VND and shares are basis points; nothing here uses floating point.
const (
	// BpsWhole is 100% in basis points.
	BpsWhole = 10_000
	// MaxVND bounds every amount a client sends (VND 10 trillion): sums of the bounded number
	// of amounts a resource holds stay far from overflow, and products of two amounts are
	// computed in 128 bits (MulDiv).
	MaxVND = 10_000_000_000_000
)

// MulDiv returns floor(a × b / c) for a, b ≥ 0 and c > 0, computed exactly in 128 bits. A
// result that does not fit is math.MaxInt64 (it cannot happen for amounts bounded by MaxVND
// and a ratio b/c ≤ 1).
func MulDiv(a, b, c int64) int64 {
	if a <= 0 || b <= 0 || c <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(q)
}

// MilestoneAmounts splits total by the milestones' release shares: milestone i receives
// floor(total × cumulative share up to i / all shares) − floor(total × cumulative share before
// i / all shares), so the amounts are integers that add up to exactly total, and rounding
// never moves more than 1 VND between neighbours. For a project's plan the shares add up to
// 100%; after an amendment the undisbursed milestones share what is left.
func MilestoneAmounts(total int64, shares []int32) []int64 {
	out := make([]int64, len(shares))
	var sum int64
	for _, s := range shares {
		sum += int64(max(s, 0))
	}
	if sum == 0 {
		return out
	}
	var cum, prev int64
	for i, s := range shares {
		cum += int64(max(s, 0))
		at := MulDiv(total, cum, sum)
		out[i] = at - prev
		prev = at
	}
	return out
}

// EligibleSpending is the reported spending that counts: per category at most the category's
// budgeted cost (spending beyond a line, or on a category without a line, does not count).
func EligibleSpending(lines []BudgetLine, spent map[string]int64) int64 {
	var t int64
	for _, l := range lines {
		t += min(max(spent[l.Category], 0), l.TotalVND())
	}
	return t
}

// Limit names for Limits.BlockedBy.
const (
	BlockedSpendingShare  = "SPENDING_SHARE"
	BlockedProgrammeShare = "PROGRAMME_SHARE"
	BlockedCeiling        = "CEILING"
	BlockedNothingToPay   = "NOTHING_TO_PAY"
)

// Limits are the limits a disbursement must respect, with the figures.
type Limits struct {
	MilestoneAmountVND   int64  `bson:"milestone_amount_vnd"`
	ReportedSpendingVND  int64  `bson:"reported_spending_vnd"`
	EligibleSpendingVND  int64  `bson:"eligible_spending_vnd"`
	SpendingShareCapVND  int64  `bson:"spending_share_cap_vnd"`
	ApprovedProgrammeVND int64  `bson:"approved_programme_vnd"`
	CeilingVND           int64  `bson:"ceiling_vnd"`
	DisbursedBeforeVND   int64  `bson:"disbursed_before_vnd"`
	PayableVND           int64  `bson:"payable_vnd"`
	BlockedBy            string `bson:"blocked_by,omitempty"`
}

// LimitsFor computes what disbursing milestone id would pay now: its whole amount when, added
// to what was disbursed before, it stays within (1) the approved programme share of the
// eligible actual spending, (2) the approved programme funding and (3) the type ceiling in
// force at approval; else nothing, naming the first limit that blocks. A milestone's share is
// paid whole or not at all: never more than its share, never a part of it.
func (p *Project) LimitsFor(id string) Limits {
	l := Limits{
		ReportedSpendingVND:  p.ReportedVND(),
		EligibleSpendingVND:  EligibleSpending(p.Proposal.BudgetLines, p.Spent()),
		ApprovedProgrammeVND: p.ApprovedProgrammeVND,
		CeilingVND:           p.CeilingVND,
		DisbursedBeforeVND:   p.DisbursedVND,
	}
	l.SpendingShareCapVND = MulDiv(l.EligibleSpendingVND, p.ApprovedProgrammeVND, p.ApprovedTotalVND)
	if ms := p.Status(id); ms != nil && ms.State != MilestoneDisbursed {
		l.MilestoneAmountVND = ms.AmountVND
	}
	after := l.DisbursedBeforeVND + l.MilestoneAmountVND
	switch {
	case l.MilestoneAmountVND <= 0:
		l.BlockedBy = BlockedNothingToPay
	case after > l.SpendingShareCapVND:
		l.BlockedBy = BlockedSpendingShare
	case after > l.ApprovedProgrammeVND:
		l.BlockedBy = BlockedProgrammeShare
	case l.CeilingVND > 0 && after > l.CeilingVND:
		l.BlockedBy = BlockedCeiling
	default:
		l.PayableVND = l.MilestoneAmountVND
	}
	return l
}

package domain

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestMulDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, c, want int64 }{
		{0, 5, 7, 0}, {5, 0, 7, 0}, {10, 3, 4, 7}, {MaxVND, MaxVND, MaxVND, MaxVND},
		{MaxVND, 4900, BpsWhole, 4_900_000_000_000}, {math.MaxInt64, math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MaxInt64, 2, 1, math.MaxInt64}, // does not fit: saturates
		{-1, 5, 7, 0}, {5, 5, 0, 0},
	} {
		require.Equal(t, tc.want, MulDiv(tc.a, tc.b, tc.c), fmt.Sprint(tc))
	}
}

func TestMilestoneAmounts(t *testing.T) {
	require.Equal(t, []int64{196_000_000, 294_000_000}, MilestoneAmounts(490_000_000, []int32{4000, 6000}))
	require.Equal(t, []int64{3, 3, 4}, MilestoneAmounts(10, []int32{3333, 3333, 3334}))
	require.Equal(t, []int64{0, 0}, MilestoneAmounts(10, []int32{0, 0}))
	require.Equal(t, []int64{33, 33, 34}, MilestoneAmounts(100, []int32{1, 1, 1}), "rounding moves at most 1 VND")
}

func TestEligibleSpending(t *testing.T) {
	lines := baseProposal().BudgetLines
	require.Equal(t, int64(0), EligibleSpending(lines, nil))
	require.Equal(t, int64(40_000_000+600_000_000), EligibleSpending(lines, map[string]int64{CategoryConsulting: 90_000_000, CategoryMachinery: 600_000_000, CategoryMarketDevelopment: 10_000_000}),
		"capped per line; a category without a line does not count")
}

// TestDisbursementProperty: over random projects, budgets, milestone plans, ceilings,
// spending reports, verifications in any order and amendments, what is disbursed never exceeds
// the milestone's share, the approved programme funding, the type ceiling, or the approved
// programme share of the eligible actual spending at the time (recomputed here independently
// with arbitrary-precision arithmetic), and each milestone pays at most once.
func TestDisbursementProperty(t *testing.T) {
	paidCount, amendedCount = 0, 0
	defer func() {
		// The property is not vacuous: verifications did pay, and amendments did take effect.
		require.Greater(t, paidCount, 20)
		require.Greater(t, amendedCount, 3)
	}()
	rapid.Check(t, func(t *rapid.T) {
		p := randomApproved(t)
		paidMilestones := map[string]bool{}
		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0:
				cat := rapid.SampledFrom(Categories).Draw(t, "any category") // usually one with a line
				if rapid.IntRange(0, 4).Draw(t, "budgeted") > 0 {
					cat = rapid.SampledFrom(p.Proposal.BudgetLines).Draw(t, "line").Category
				}
				amt := rapid.Int64Range(1, 4_000_000_000).Draw(t, "spent")
				_ = p.AddSpending(SpendingReport{ID: fmt.Sprint("s", i), Lines: []SpendingLine{{Category: cat, AmountVND: amt}}})
			case 1, 2:
				verify(t, p, paidMilestones, i)
			case 3:
				amend(t, p)
			}
			invariants(t, p)
		}
	})
}

var paidCount, amendedCount int

func randomApproved(t *rapid.T) *Project {
	pr := Proposal{Type: TypeValueChain}
	for _, c := range Categories {
		if rapid.Bool().Draw(t, "has "+c) {
			pr.BudgetLines = append(pr.BudgetLines, BudgetLine{Category: c,
				ProgrammeVND: rapid.Int64Range(0, 3_000_000_000).Draw(t, "programme"), OwnerCashVND: rapid.Int64Range(0, 3_000_000_000).Draw(t, "cash"),
				OwnerInKindVND: rapid.Int64Range(0, 1_000_000).Draw(t, "kind")})
		}
	}
	if pr.Totals().ProgrammeVND == 0 {
		pr.BudgetLines = append(pr.BudgetLines, BudgetLine{Category: CategoryConsulting, ProgrammeVND: rapid.Int64Range(1, 300_000_000).Draw(t, "programme"), OwnerCashVND: 1})
	}
	pr.Milestones = randomMilestones(t)
	p := &Project{ID: "p", State: StateAppraised, Proposal: pr, Appraisal: &Appraisal{ScoredBy: 1, TotalSum: 100, MinPassScore: 50}}
	ceiling := int64(0)
	if rapid.Bool().Draw(t, "has ceiling") {
		ceiling = pr.Totals().ProgrammeVND + rapid.Int64Range(0, 1_000_000_000).Draw(t, "headroom")
	}
	if err := p.Approve(ceiling, Decision{}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if err := p.Start(); err != nil {
		t.Fatalf("start: %v", err)
	}
	return p
}

func randomMilestones(t *rapid.T) []Milestone {
	n := rapid.IntRange(1, 6).Draw(t, "milestones")
	left := int32(BpsWhole)
	var ms []Milestone
	for i := 0; i < n; i++ {
		share := left
		if i < n-1 {
			share = rapid.Int32Range(1, max(1, left-int32(n-1-i))).Draw(t, "share")
		}
		left -= share
		ms = append(ms, Milestone{ID: fmt.Sprint("m", i), ReleaseShareBps: share})
	}
	return ms
}

// capNow recomputes the approved programme share of the eligible spending with big integers.
func capNow(p *Project) *big.Int {
	elig := new(big.Int)
	for _, l := range p.Proposal.BudgetLines {
		var spent int64
		for _, r := range p.Spending {
			for _, sl := range r.Lines {
				if sl.Category == l.Category {
					spent += sl.AmountVND
				}
			}
		}
		elig.Add(elig, big.NewInt(min(spent, l.TotalVND())))
	}
	if p.ApprovedTotalVND == 0 {
		return new(big.Int)
	}
	num := new(big.Int).Mul(elig, big.NewInt(p.ApprovedProgrammeVND))
	return num.Quo(num, big.NewInt(p.ApprovedTotalVND))
}

func verify(t *rapid.T, p *Project, paid map[string]bool, i int) {
	id := rapid.SampledFrom(p.Milestones).Draw(t, "milestone").ID
	before, amount := p.DisbursedVND, p.Status(id).AmountVND
	capBefore := capNow(p)
	d, err := p.Disburse(id, fmt.Sprint("d", i), []IndicatorResult{{Kind: IndicatorDeliveredShare, Met: true}}, VerifyInput{}, "users/o", now)
	if err != nil {
		if p.DisbursedVND != before {
			t.Fatalf("a refused verification changed the disbursed total")
		}
		return
	}
	if paid[id] {
		t.Fatalf("milestone %s paid twice", id)
	}
	paid[id] = true
	paidCount++
	if d.AmountVND != amount || d.AmountVND <= 0 {
		t.Fatalf("paid %d for a milestone of %d", d.AmountVND, amount)
	}
	if big.NewInt(before+d.AmountVND).Cmp(capBefore) > 0 {
		t.Fatalf("disbursed %d in total, above the spending share %s", before+d.AmountVND, capBefore)
	}
}

func amend(t *rapid.T, p *Project) {
	np := p.Proposal
	np.BudgetLines = append([]BudgetLine(nil), np.BudgetLines...)
	i := rapid.IntRange(0, len(np.BudgetLines)-1).Draw(t, "line")
	np.BudgetLines[i].ProgrammeVND = rapid.Int64Range(0, 3_000_000_000).Draw(t, "new programme")
	if p.ProposeAmendment(np, "r", "users/c", now) != nil {
		return
	}
	ceiling := int64(0)
	if rapid.Bool().Draw(t, "amended ceiling") {
		ceiling = rapid.Int64Range(1, 6_000_000_000).Draw(t, "ceiling")
	}
	if _, err := p.ApproveAmendment(nil, nil, "v", ceiling); err != nil {
		_, _ = p.RejectAmendment()
		return
	}
	amendedCount++
}

func invariants(t *rapid.T, p *Project) {
	var sum, plan int64
	for _, d := range p.Disbursements {
		sum += d.AmountVND
	}
	for _, s := range p.Milestones {
		if s.AmountVND < 0 {
			t.Fatalf("negative milestone amount %d", s.AmountVND)
		}
		plan += s.AmountVND
	}
	switch {
	case sum != p.DisbursedVND:
		t.Fatalf("disbursements add up to %d, the project says %d", sum, p.DisbursedVND)
	case p.DisbursedVND > p.ApprovedProgrammeVND:
		t.Fatalf("disbursed %d above the approved %d", p.DisbursedVND, p.ApprovedProgrammeVND)
	case p.CeilingVND > 0 && p.DisbursedVND > p.CeilingVND:
		t.Fatalf("disbursed %d above the ceiling %d", p.DisbursedVND, p.CeilingVND)
	case plan != p.ApprovedProgrammeVND:
		t.Fatalf("milestone amounts add up to %d, not the approved %d", plan, p.ApprovedProgrammeVND)
	}
}

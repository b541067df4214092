package domain

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
)

func TestBaselinePassesEveryRule(t *testing.T) {
	rs := books(t)
	vs, label, err := rs.Validate("ntp-sedema", baseProposal(), baseFacts())
	require.NoError(t, err)
	require.Empty(t, vs)
	require.Equal(t, "ntp-sedema@2026.1+decree98-support@2026.1", label)
	tot := baseProposal().Totals()
	require.Equal(t, int64(490_000_000), tot.ProgrammeVND)
	require.Equal(t, int64(1_000_000_000), tot.TotalVND)
	require.Equal(t, int32(4900), tot.ProgrammeShareBps)
}

// ruleCase breaks the baseline proposal or its facts and names the rules that must then fail
// (exactly those) and a field path one of the violations names.
type ruleCase struct {
	name  string
	edit  func(p *Proposal, f *Facts)
	rules []string
	field string
}

var ruleCases = []ruleCase{
	// SUP-CALL-OPEN
	{"call missing", func(_ *Proposal, f *Facts) { f.Call = nil }, []string{RuleCallOpen}, "call"},
	{"call draft", func(_ *Proposal, f *Facts) { f.Call.State = CallDraft }, []string{RuleCallOpen}, "call"},
	{"call closed", func(_ *Proposal, f *Facts) { f.Call.State = CallClosed }, []string{RuleCallOpen}, "call"},
	{"before opening", func(_ *Proposal, f *Facts) { f.Today = "2025-12-31" }, []string{RuleCallOpen}, "call"},
	{"after closing", func(_ *Proposal, f *Facts) { f.Today = "2027-01-01" }, []string{RuleCallOpen}, "call"},
	// SUP-OWNER
	{"owner missing", func(_ *Proposal, f *Facts) { f.Owner = nil }, []string{RuleOwner}, "owner"},
	{"owner suspended", func(_ *Proposal, f *Facts) { f.Owner.State = "SUSPENDED" }, []string{RuleOwner}, "owner"},
	{"owner of unknown kind", func(_ *Proposal, f *Facts) { f.Owner.Kind = "HOUSEHOLD" }, []string{RuleOwner}, "owner"},
	// SUP-PROJECT-TYPE
	{"type missing", func(p *Proposal, _ *Facts) { p.Type = "" }, []string{RuleProjectType}, "proposal.project_type"},
	{"type not in call", func(p *Proposal, f *Facts) { f.Call.ProjectTypes = []string{TypeLivelihood} }, []string{RuleProjectType}, "proposal.project_type"},
	// SUP-CONTENT
	{"no title", func(p *Proposal, _ *Facts) { p.DisplayName = "" }, []string{RuleContent}, "proposal.display_name"},
	{"no summary", func(p *Proposal, _ *Facts) { p.Summary = "" }, []string{RuleContent}, "proposal.summary"},
	{"no product", func(p *Proposal, _ *Facts) { p.Product = "" }, []string{RuleContent}, "proposal.product"},
	{"unknown product", func(_ *Proposal, f *Facts) { f.ProductKnown = false }, []string{RuleContent}, "proposal.product"},
	// SUP-AREA
	{"no commune", func(p *Proposal, _ *Facts) { p.Communes = nil }, []string{RuleArea, RuleContracts}, "proposal.commune_codes"},
	{"unknown commune", func(p *Proposal, _ *Facts) { p.Communes = append(p.Communes, "99999") }, []string{RuleArea}, "proposal.commune_codes[1]"},
	{"a province is not a commune", func(p *Proposal, _ *Facts) { p.Communes = append(p.Communes, "15") }, []string{RuleArea}, "proposal.commune_codes[1]"},
	{"commune of another province", func(p *Proposal, _ *Facts) { p.Communes = append(p.Communes, places.ThapMuoi) }, []string{RuleArea}, "proposal.commune_codes[1]"},
	{"commune investor: other commune", func(_ *Proposal, f *Facts) {
		f.Call.InvestorKind, f.Call.InvestorAreaCode = AuthorityCommune, places.DongCuong
	}, []string{RuleArea}, "proposal.commune_codes[0]"},
	// SUP-PERIOD
	{"no period", func(p *Proposal, _ *Facts) { p.PeriodStart, p.PeriodEnd = "", "" }, []string{RulePeriod}, "proposal.period"},
	{"period reversed", func(p *Proposal, _ *Facts) { p.PeriodStart, p.PeriodEnd = "2027-12-31", "2026-03-01" }, []string{RulePeriod, RuleMilestones}, "proposal.period"},
	{"period too long", func(p *Proposal, _ *Facts) { p.PeriodEnd = "2031-12-31" }, []string{RulePeriod}, "proposal.period"},
	// SUP-BUDGET
	{"no budget", func(p *Proposal, _ *Facts) { p.BudgetLines = nil }, []string{RuleBudget}, "proposal.budget_lines"},
	{"category twice", func(p *Proposal, _ *Facts) {
		p.BudgetLines = append(p.BudgetLines, BudgetLine{Category: CategoryTraining, OwnerLabourVND: 1})
	}, []string{RuleBudget}, "proposal.budget_lines[4].category"},
	{"empty line", func(p *Proposal, _ *Facts) {
		p.BudgetLines = append(p.BudgetLines, BudgetLine{Category: CategoryPackagingLabels})
	}, []string{RuleBudget}, "proposal.budget_lines[4]"},
	{"no programme funding", func(p *Proposal, _ *Facts) {
		p.BudgetLines = []BudgetLine{{Category: CategoryTraining, OwnerCashVND: 10}}
	}, []string{RuleBudget}, "proposal.budget_lines"},
	// SUP-CEILING-TYPE (the programme's ceilings, and the call's tighter ones)
	{"technical assistance above 300 million", func(p *Proposal, f *Facts) {
		p.Type, p.Contracts = TypeTechnicalAssistance, nil
		f.Call.ProjectTypes = append(f.Call.ProjectTypes, TypeTechnicalAssistance)
		p.Milestones[0].Indicators = []Indicator{{IndicatorTrainingAttendance, 10}}
		p.Milestones[1].Indicators = []Indicator{{IndicatorTrainingAttendance, 10}}
	}, []string{RuleCeilingType}, "proposal.budget_lines"},
	{"call ceiling for value chains", func(_ *Proposal, f *Facts) {
		f.Call.TypeCeilings = []TypeCeiling{{Type: TypeValueChain, MaxProgrammeVND: 400_000_000}}
	}, []string{RuleCeilingType}, "proposal.budget_lines"},
	// SUP-CEILING-CATEGORY
	{"machinery above 30%", func(p *Proposal, _ *Facts) {
		p.BudgetLines[1].ProgrammeVND, p.BudgetLines[1].OwnerCashVND = 181_000_000, 419_000_000
		p.BudgetLines[0].ProgrammeVND, p.BudgetLines[0].OwnerCashVND = 39_000_000, 1_000_000 // still 49% in all
	}, []string{RuleCeilingCategory}, "proposal.budget_lines[1].programme_vnd"},
	{"consulting above 300 million", func(p *Proposal, _ *Facts) {
		p.BudgetLines[0].ProgrammeVND, p.BudgetLines[1].OwnerCashVND = 301_000_000, 1_000_000_000
		p.BudgetLines[1].ProgrammeVND = 0
	}, []string{RuleCeilingCategory}, "proposal.budget_lines[0].programme_vnd"},
	{"call ceiling for training", func(_ *Proposal, f *Facts) {
		f.Call.CategoryCeilings = []CategoryCeiling{{Category: CategoryTraining, MaxProgrammeVND: 20_000_000}}
	}, []string{RuleCeilingCategory}, "proposal.budget_lines[3].programme_vnd"},
	{"call share ceiling for seeds", func(_ *Proposal, f *Facts) {
		f.Call.CategoryCeilings = []CategoryCeiling{{Category: CategorySeedsInputs, MaxShareBps: 5000}}
	}, []string{RuleCeilingCategory}, "proposal.budget_lines[2].programme_vnd"},
	// SUP-CO-INVESTMENT
	{"programme at 49% and 1 VND", func(p *Proposal, _ *Facts) { p.BudgetLines[0].ProgrammeVND++ }, []string{RuleCoInvestment}, "proposal.budget_lines"},
	{"non-profit without justification", func(p *Proposal, f *Facts) {
		f.Owner.NonProfit = true
		p.BudgetLines[2].OwnerInKindVND = 0
	}, []string{RuleCoInvestment}, "proposal.co_investment_justification"},
	{"non-profit justified above 70%", func(p *Proposal, f *Facts) {
		f.Owner.NonProfit, p.Justification = true, "Doanh nghiệp xã hội phục vụ hộ nghèo"
		p.BudgetLines = []BudgetLine{{Category: CategoryConsulting, ProgrammeVND: 71}, {Category: CategoryTraining, OwnerCashVND: 29}}
	}, []string{RuleCoInvestment}, "proposal.budget_lines"},
	// SUP-INPUT-CYCLES
	{"no cycles", func(p *Proposal, _ *Facts) { p.BudgetLines[2].ProductionCycles = 0 }, []string{RuleInputCycles}, "proposal.budget_lines[2].production_cycles"},
	{"four cycles", func(p *Proposal, _ *Facts) { p.BudgetLines[2].ProductionCycles = 4 }, []string{RuleInputCycles}, "proposal.budget_lines[2].production_cycles"},
	// SUP-NONPOOR-SHARE
	{"value chain: 3 of 5 non-poor", func(_ *Proposal, f *Facts) {
		f.Participants[0].Poverty, f.Participants[1].Poverty = PovertyNonPoor, PovertyNonPoor
	}, []string{RuleNonPoorShare}, "participation"},
	{"livelihood: 2 of 5 non-poor", func(p *Proposal, f *Facts) {
		p.Type = TypeLivelihood
		f.Participants[0].Poverty = PovertyNonPoor
	}, []string{RuleNonPoorShare}, "participation"},
	// SUP-HOUSEHOLDS
	{"no participants", func(_ *Proposal, f *Facts) { f.Participants = nil }, []string{RuleHouseholds}, "participation"},
	{"unknown member group", func(p *Proposal, _ *Facts) { p.MemberGroups = []string{"organizations/nobody"} }, []string{RuleHouseholds}, "proposal.member_groups[0]"},
	{"a business is not a group", func(p *Proposal, f *Facts) {
		p.MemberGroups = []string{buyer}
		f.Groups[buyer] = &OrgFact{Kind: "BUSINESS", State: "ACTIVE", CommuneCode: places.ChauQue}
	}, []string{RuleHouseholds}, "proposal.member_groups[0]"},
	{"group elsewhere", func(p *Proposal, f *Facts) {
		p.MemberGroups = []string{"organizations/g"}
		f.Groups["organizations/g"] = &OrgFact{Kind: "PRODUCTION_GROUP", State: "ACTIVE", CommuneCode: places.DongCuong}
	}, []string{RuleHouseholds}, "proposal.member_groups[0]"},
	{"group suspended", func(p *Proposal, f *Facts) {
		p.MemberGroups = []string{"organizations/g"}
		f.Groups["organizations/g"] = &OrgFact{Kind: "PRODUCTION_GROUP", State: "SUSPENDED", CommuneCode: places.ChauQue}
	}, []string{RuleHouseholds}, "proposal.member_groups[0]"},
	// SUP-CONTRACTS
	{"value chain without contracts", func(p *Proposal, _ *Facts) {
		p.Contracts = nil
		p.Milestones[0].Indicators = []Indicator{{IndicatorTrainingAttendance, 1}}
		p.Milestones[1].Indicators = []Indicator{{IndicatorTrainingAttendance, 1}}
	}, []string{RuleContracts}, "proposal.contracts"},
	{"unknown contract", func(_ *Proposal, f *Facts) { f.Contracts["contracts/k2"] = nil }, []string{RuleContracts}, "proposal.contracts[1]"},
	{"contract linked twice", func(p *Proposal, _ *Facts) { p.Contracts = append(p.Contracts, "contracts/k1") }, []string{RuleContracts}, "proposal.contracts[2]"},
	{"owner not party", func(_ *Proposal, f *Facts) { f.Contracts["contracts/k1"].Producer = "organizations/other" }, []string{RuleContracts}, "proposal.contracts[0]"},
	{"owner as buyer is fine, other product is not", func(_ *Proposal, f *Facts) {
		f.Contracts["contracts/k1"].Buyer, f.Contracts["contracts/k1"].Producer = owner, "organizations/g"
		f.Contracts["contracts/k2"].Product = "products/star-anise"
	}, []string{RuleContracts}, "proposal.contracts[1]"},
	{"draft contract", func(_ *Proposal, f *Facts) { f.Contracts["contracts/k1"].State = "DRAFT" }, []string{RuleContracts}, "proposal.contracts[0]"},
	{"cancelled contract", func(_ *Proposal, f *Facts) { f.Contracts["contracts/k1"].State = "CANCELLED" }, []string{RuleContracts}, "proposal.contracts[0]"},
	{"contract producer elsewhere", func(_ *Proposal, f *Facts) { f.Contracts["contracts/k2"].ProducerCommune = places.DongCuong }, []string{RuleContracts}, "proposal.contracts[1]"},
	// SUP-MILESTONES
	{"no milestones", func(p *Proposal, _ *Facts) { p.Milestones = nil }, []string{RuleMilestones}, "proposal.milestones"},
	{"shares add up to 90%", func(p *Proposal, _ *Facts) { p.Milestones[1].ReleaseShareBps = 5000 }, []string{RuleMilestones}, "proposal.milestones"},
	{"zero share", func(p *Proposal, _ *Facts) {
		p.Milestones[0].ReleaseShareBps, p.Milestones[1].ReleaseShareBps = 0, 10000
	}, []string{RuleMilestones}, "proposal.milestones[0].release_share_bps"},
	{"duplicate id", func(p *Proposal, _ *Facts) { p.Milestones[1].ID = "m1" }, []string{RuleMilestones}, "proposal.milestones[1].id"},
	{"due after the period", func(p *Proposal, _ *Facts) { p.Milestones[1].DueDate = "2028-01-01" }, []string{RuleMilestones}, "proposal.milestones[1].due_date"},
	// SUP-MILESTONE-INDICATORS
	{"milestone without indicators", func(p *Proposal, _ *Facts) { p.Milestones[0].Indicators = nil }, []string{RuleMilestoneTargets}, "proposal.milestones[0].indicators"},
	{"delivered share target too low", func(p *Proposal, _ *Facts) { p.Milestones[0].Indicators[0].Target = 500 }, []string{RuleMilestoneTargets}, "proposal.milestones[0].indicators[0].target"},
	{"contract indicator without contracts", func(p *Proposal, _ *Facts) {
		p.Type, p.Contracts = TypeLivelihood, nil
	}, []string{RuleMilestoneTargets}, "proposal.milestones[0].indicators[0]"},
}

func TestEveryRuleFailsOnItsCase(t *testing.T) {
	rs := books(t)
	covered := map[string]bool{}
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			p, f := baseProposal(), baseFacts()
			tc.edit(&p, &f)
			vs, _, err := rs.Validate("ntp-sedema", p, f)
			require.NoError(t, err)
			require.ElementsMatch(t, uniq(tc.rules), uniq(ruleIDs(vs)), "%+v", vs)
			var fields []string
			for _, v := range vs {
				fields = append(fields, v.Field)
				require.True(t, strings.HasPrefix(v.MessageEN, "") && v.MessageVI != "" && v.MessageEN != "")
			}
			require.Contains(t, fields, tc.field)
		})
		for _, r := range tc.rules {
			covered[r] = true
		}
	}
	for _, id := range CheckIDs() {
		require.True(t, covered[id], "rule %s has no failing case", id)
	}
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// TestValidateListsEveryViolation: several broken rules are all reported at once.
func TestValidateListsEveryViolation(t *testing.T) {
	p, f := baseProposal(), baseFacts()
	p.Summary = ""
	p.BudgetLines[0].ProgrammeVND = 200_000_000 // 65% → co-investment
	p.Milestones[1].ReleaseShareBps = 1000
	f.Contracts["contracts/k2"] = nil
	vs, _, err := books(t).Validate("ntp-sedema", p, f)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{RuleContent, RuleCoInvestment, RuleMilestones, RuleContracts}, ruleIDs(vs))
}

func TestBaseProgrammeHasNoCoInvestmentCap(t *testing.T) {
	p, f := baseProposal(), baseFacts()
	f.Call.Programme = "decree98-support"
	p.BudgetLines[0].ProgrammeVND = 200_000_000 // 65%: allowed under the base rulebook
	f.Participants[0].Poverty, f.Participants[1].Poverty = PovertyNonPoor, PovertyNonPoor
	vs, label, err := books(t).Validate("decree98-support", p, f)
	require.NoError(t, err)
	require.Empty(t, vs)
	require.Equal(t, "decree98-support@2026.1", label)
}

func TestUnknownProgramme(t *testing.T) {
	_, _, err := books(t).Validate("nowhere", baseProposal(), baseFacts())
	require.ErrorContains(t, err, "unknown programme")
}

func TestExceedsShareIsExact(t *testing.T) {
	for _, tc := range []struct {
		part, whole, bps int64
		want             bool
	}{
		{49, 100, 4900, false}, {50, 100, 4900, true}, {4900, 10000, 4900, false}, {4901, 10000, 4900, true},
		{490_000_000, 1_000_000_000, 4900, false}, {490_000_001, 1_000_000_000, 4900, true},
		{MaxVND, MaxVND, BpsWhole, false}, {1, 3, 3333, true}, {1, 3, 3334, false},
	} {
		require.Equal(t, tc.want, exceedsShare(tc.part, tc.whole, tc.bps), fmt.Sprint(tc))
	}
}

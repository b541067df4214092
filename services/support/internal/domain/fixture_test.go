package domain

import (
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/support/rulebooks"
)

const (
	owner = "organizations/coop"
	buyer = "organizations/biz"
)

func books(t testing.TB) Rulebooks {
	t.Helper()
	rs, err := LoadRulebooks(rulebooks.FS)
	require.NoError(t, err)
	return rs
}

func baseCall() *Call {
	return &Call{
		ID: "c1", Investor: "authorities/p15", InvestorKind: AuthorityProvince, InvestorAreaCode: "15", InvestorProvinceCode: "15",
		Programme: "ntp-sedema", ProjectTypes: []string{TypeValueChain, TypeLivelihood}, BudgetVND: 5_000_000_000,
		OpenDate: "2026-01-01", CloseDate: "2026-12-31", State: CallOpen, Council: []string{"users/a", "users/b"},
	}
}

// baseProposal is a complete value-chain proposal at exactly 49% programme funding (VND 490
// million of 1 billion) that passes every rule against baseFacts.
func baseProposal() Proposal {
	return Proposal{
		Type: TypeValueChain, DisplayName: "Chuỗi quế hữu cơ Châu Quế", Summary: "Liên kết sản xuất, tiêu thụ quế hữu cơ", Product: "products/cinnamon-bark",
		Communes: []string{places.ChauQue}, PeriodStart: "2026-03-01", PeriodEnd: "2027-12-31",
		BudgetLines: []BudgetLine{
			{Category: CategoryConsulting, ProgrammeVND: 40_000_000},
			{Category: CategoryMachinery, ProgrammeVND: 180_000_000, OwnerCashVND: 420_000_000},
			{Category: CategorySeedsInputs, ProgrammeVND: 240_000_000, OwnerInKindVND: 60_000_000, ProductionCycles: 2},
			{Category: CategoryTraining, ProgrammeVND: 30_000_000, OwnerLabourVND: 30_000_000},
		},
		Contracts: []string{"contracts/k1", "contracts/k2"},
		Milestones: []Milestone{
			{ID: "m1", Title: "Giao nhận vụ 1", DueDate: "2026-09-30", ReleaseShareBps: 4000, Indicators: []Indicator{{IndicatorDeliveredShare, 5000}, {IndicatorContractsWitnessed, 2}}},
			{ID: "m2", Title: "Thanh toán đủ, tập huấn", DueDate: "2027-06-30", ReleaseShareBps: 6000, Indicators: []Indicator{{IndicatorHouseholdsPaid, 3}, {IndicatorPoorValuePaid, 1_000_000}, {IndicatorTrainingAttendance, 20}}},
		},
	}
}

func contractFact(hh ...string) *ContractFact {
	return &ContractFact{Buyer: buyer, Producer: owner, Product: "products/cinnamon-bark", State: "ACTIVE", ProducerCommune: places.ChauQue, Households: hh, Witnessed: true}
}

func baseFacts() Facts {
	return Facts{
		Today: "2026-06-01", Call: baseCall(), OwnerName: owner,
		Owner:        &OrgFact{Kind: "COOPERATIVE", State: "ACTIVE", CommuneCode: places.ChauQue, ProvinceCode: "15"},
		ProductKnown: true,
		Communes:     map[string]*AreaFact{places.ChauQue: {Level: "COMMUNE", ProvinceCode: "15"}, places.ThapMuoi: {Level: "COMMUNE", ProvinceCode: "82"}, "15": {Level: "PROVINCE", ProvinceCode: "15"}},
		Contracts:    map[string]*ContractFact{"contracts/k1": contractFact("households/h1", "households/h2", "households/h3"), "contracts/k2": contractFact("households/h4", "households/h5")},
		Groups:       map[string]*OrgFact{},
		Participants: []Participant{
			{Household: "households/h1", Poverty: PovertyPoor, EthnicMinority: true, WomenHeaded: true},
			{Household: "households/h2", Poverty: PovertyPoor, EthnicMinority: true},
			{Household: "households/h3", Poverty: PovertyPoor, EthnicMinority: true},
			{Household: "households/h4", Poverty: PovertyNearPoor, EthnicMinority: true, WomenHeaded: true},
			{Household: "households/h5", Poverty: PovertyNonPoor},
		},
	}
}

func ruleIDs(vs []Violation) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.RuleID)
	}
	return out
}

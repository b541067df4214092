package domain

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
)

func goodCallInput() CallInput {
	return CallInput{Investor: "authorities/p15", DisplayName: "Đợt 1", Programme: "programmes/ntp-sedema", ProjectTypes: []string{TypeValueChain},
		BudgetVND: 5_000_000_000, OpenDate: "2026-01-01", CloseDate: "2026-12-31", Council: []string{"users/a"}}
}

func violations(v *apierr.Violations) map[string]string {
	out := map[string]string{}
	for _, x := range v.List() {
		out[x.Field] = x.Rule
	}
	return out
}

func TestCheckCallInput(t *testing.T) {
	var v apierr.Violations
	CheckCallInput(&v, "call", goodCallInput(), nil)
	require.True(t, v.Empty(), "%v", v.List())
	for name, tc := range map[string]struct {
		edit        func(*CallInput)
		field, rule string
	}{
		"no investor":                 {func(c *CallInput) { c.Investor = "" }, "call.investor", "REQUIRED"},
		"investor malformed":          {func(c *CallInput) { c.Investor = "organizations/x" }, "call.investor", "RESOURCE_NAME"},
		"title too long":              {func(c *CallInput) { c.DisplayName = strings.Repeat("x", 201) }, "call.display_name", "MAX_LENGTH"},
		"no programme":                {func(c *CallInput) { c.Programme = "" }, "call.programme", "REQUIRED"},
		"no types":                    {func(c *CallInput) { c.ProjectTypes = nil }, "call.project_types", "REQUIRED"},
		"unknown type":                {func(c *CallInput) { c.ProjectTypes = []string{""} }, "call.project_types[0]", "REQUIRED"},
		"type twice":                  {func(c *CallInput) { c.ProjectTypes = []string{TypeLivelihood, TypeLivelihood} }, "call.project_types[1]", "DUPLICATE"},
		"no budget":                   {func(c *CallInput) { c.BudgetVND = 0 }, "call.budget_vnd", "AMOUNT_RANGE"},
		"budget overflows":            {func(c *CallInput) { c.BudgetVND = MaxVND + 1 }, "call.budget_vnd", "AMOUNT_RANGE"},
		"window reversed":             {func(c *CallInput) { c.OpenDate, c.CloseDate = "2026-12-31", "2026-01-01" }, "call.submission_window", "DATE_ORDER"},
		"bad date":                    {func(c *CallInput) { c.CloseDate = "31/12/2026" }, "call.submission_window.end_date", "DATE_FORMAT"},
		"council not users":           {func(c *CallInput) { c.Council = []string{"apiKeys/x"} }, "call.council_members[0]", "RESOURCE_NAME"},
		"council twice":               {func(c *CallInput) { c.Council = []string{"users/a", "users/a"} }, "call.council_members[1]", "DUPLICATE"},
		"type ceiling zero":           {func(c *CallInput) { c.TypeCeilings = []TypeCeiling{{Type: TypeLivelihood}} }, "call.type_ceilings[0].max_programme_vnd", "AMOUNT_RANGE"},
		"category ceiling of nothing": {func(c *CallInput) { c.CategoryCeilings = []CategoryCeiling{{Category: CategoryTraining}} }, "call.category_ceilings[0]", "REQUIRED"},
		"share above 100%": {func(c *CallInput) {
			c.CategoryCeilings = []CategoryCeiling{{Category: CategoryTraining, MaxShareBps: 10001}}
		}, "call.category_ceilings[0].max_programme_share_bps", "BPS_RANGE"},
	} {
		t.Run(name, func(t *testing.T) {
			in := goodCallInput()
			tc.edit(&in)
			var v apierr.Violations
			CheckCallInput(&v, "call", in, nil)
			require.Equal(t, tc.rule, violations(&v)[tc.field], "%v", v.List())
		})
	}
	// An update checks only the fields it names.
	var u apierr.Violations
	CheckCallInput(&u, "call", CallInput{DisplayName: "x"}, map[string]bool{"display_name": true})
	require.True(t, u.Empty())
}

func TestCheckCallCeilings(t *testing.T) {
	rs := books(t)
	in := goodCallInput()
	in.TypeCeilings = []TypeCeiling{{Type: TypeTechnicalAssistance, MaxProgrammeVND: 300_000_001}, {Type: TypeValueChain, MaxProgrammeVND: 9_000_000_000}}
	in.CategoryCeilings = []CategoryCeiling{{Category: CategoryMachinery, MaxProgrammeVND: 1, MaxShareBps: 3001}}
	var v apierr.Violations
	CheckCallCeilings(&v, "call", in, rs.Params("ntp-sedema", RuleCeilingType), rs.Params("ntp-sedema", RuleCeilingCategory))
	require.Equal(t, map[string]string{
		"call.type_ceilings[0].max_programme_vnd":           "CEILING_ABOVE_PROGRAMME",
		"call.category_ceilings[0].max_programme_share_bps": "CEILING_ABOVE_PROGRAMME",
	}, violations(&v), "value chains have no programme ceiling; machinery's amount is tighter")
}

func TestCheckProposalInput(t *testing.T) {
	var v apierr.Violations
	CheckProposalInput(&v, "project.proposal", baseProposal())
	require.True(t, v.Empty(), "%v", v.List())
	CheckProposalInput(&v, "p", Proposal{})
	require.True(t, v.Empty(), "a draft may be empty")
	for name, tc := range map[string]struct {
		edit        func(*Proposal)
		field, rule string
	}{
		"unknown type":        {func(p *Proposal) { p.Type = "FARM" }, "p.project_type", "ENUM_VALUE"},
		"product malformed":   {func(p *Proposal) { p.Product = "cinnamon" }, "p.product", "RESOURCE_NAME"},
		"commune malformed":   {func(p *Proposal) { p.Communes = []string{"Châu Quế"} }, "p.commune_codes[0]", "COMMUNE_CODE"},
		"period half":         {func(p *Proposal) { p.PeriodEnd = "" }, "p.period.end_date", "REQUIRED"},
		"period reversed":     {func(p *Proposal) { p.PeriodStart = "2028-01-01" }, "p.period", "DATE_ORDER"},
		"contract malformed":  {func(p *Proposal) { p.Contracts = []string{"k1"} }, "p.contracts[0]", "RESOURCE_NAME"},
		"negative amount":     {func(p *Proposal) { p.BudgetLines[0].ProgrammeVND = -1 }, "p.budget_lines[0].programme_vnd", "AMOUNT_RANGE"},
		"amount overflows":    {func(p *Proposal) { p.BudgetLines[1].OwnerCashVND = MaxVND + 1 }, "p.budget_lines[1].owner_cash_vnd", "AMOUNT_RANGE"},
		"no category":         {func(p *Proposal) { p.BudgetLines[0].Category = "" }, "p.budget_lines[0].category", "REQUIRED"},
		"cycles negative":     {func(p *Proposal) { p.BudgetLines[2].ProductionCycles = -1 }, "p.budget_lines[2].production_cycles", "RANGE"},
		"milestone id":        {func(p *Proposal) { p.Milestones[0].ID = "M 1" }, "p.milestones[0].id", "MILESTONE_ID"},
		"milestone title":     {func(p *Proposal) { p.Milestones[0].Title = " " }, "p.milestones[0].title", "REQUIRED"},
		"share above 100%":    {func(p *Proposal) { p.Milestones[0].ReleaseShareBps = 10001 }, "p.milestones[0].release_share_bps", "BPS_RANGE"},
		"indicator kind":      {func(p *Proposal) { p.Milestones[0].Indicators[0].Kind = "" }, "p.milestones[0].indicators[0].kind", "REQUIRED"},
		"target above 100%":   {func(p *Proposal) { p.Milestones[0].Indicators[0].Target = 10001 }, "p.milestones[0].indicators[0].target", "TARGET_RANGE"},
		"target zero":         {func(p *Proposal) { p.Milestones[1].Indicators[1].Target = 0 }, "p.milestones[1].indicators[1].target", "TARGET_RANGE"},
		"too many milestones": {func(p *Proposal) { p.Milestones = make([]Milestone, 21) }, "p.milestones", "TOO_MANY"},
	} {
		t.Run(name, func(t *testing.T) {
			p := baseProposal()
			tc.edit(&p)
			var v apierr.Violations
			CheckProposalInput(&v, "p", p)
			require.Equal(t, tc.rule, violations(&v)[tc.field], "%v", v.List())
		})
	}
}

func TestCheckScoreInput(t *testing.T) {
	spec := books(t).Appraisal("ntp-sedema")
	all := []CriterionScore{{Criterion: "feasibility", Score: 30}, {Criterion: "linkage", Score: 0}, {Criterion: "inclusion", Score: 20}, {Criterion: "capacity", Score: 15}, {Criterion: "sustainability", Score: 10}}
	var v apierr.Violations
	CheckScoreInput(&v, ScoreInput{Criteria: all}, spec)
	require.True(t, v.Empty(), "%v", v.List())
	bad := append([]CriterionScore{}, all[1:]...)
	bad[0].Score = 26
	bad = append(bad, CriterionScore{Criterion: "luck", Score: 1}, CriterionScore{Criterion: "capacity", Score: 1})
	CheckScoreInput(&v, ScoreInput{Criteria: bad}, spec)
	require.Equal(t, map[string]string{"criteria[0].score": "SCORE_RANGE", "criteria[4].criterion": "CRITERION_UNKNOWN", "criteria[5].criterion": "DUPLICATE", "criteria": "CRITERIA_MISSING"}, violations(&v))
}

func TestCheckSpendingAndActivityInput(t *testing.T) {
	budget := baseProposal().BudgetLines
	var v apierr.Violations
	CheckSpendingInput(&v, "r", SpendingReport{Date: "2026-07-01", DocumentReference: "HĐ-01", Lines: []SpendingLine{{Category: CategoryMachinery, AmountVND: 1}}}, budget)
	require.True(t, v.Empty())
	CheckSpendingInput(&v, "r", SpendingReport{Date: "x", Lines: []SpendingLine{{Category: CategoryMarketDevelopment, AmountVND: 1}, {Category: CategoryMachinery}, {Category: CategoryMachinery, AmountVND: 1}}}, budget)
	require.Equal(t, map[string]string{"r.report_date": "DATE_FORMAT", "r.document_reference": "REQUIRED", "r.lines[0].category": "CATEGORY_NOT_IN_BUDGET", "r.lines[1].amount_vnd": "AMOUNT_RANGE", "r.lines[2].category": "DUPLICATE"}, violations(&v))
	var e apierr.Violations
	CheckSpendingInput(&e, "r", SpendingReport{Date: "2026-07-01", DocumentReference: "x"}, budget)
	require.Equal(t, map[string]string{"r.lines": "REQUIRED"}, violations(&e))

	var a apierr.Violations
	CheckActivityInput(&a, "a", Activity{Kind: ActivityTraining, Milestone: "m2", Date: "2026-08-01", Attendance: 25, WomenAttendance: 14, DocumentReference: "DS-01"}, baseProposal())
	require.True(t, a.Empty())
	CheckActivityInput(&a, "a", Activity{Milestone: "m9", Date: "2026-08-01", Attendance: 5, WomenAttendance: 6}, baseProposal())
	require.Equal(t, map[string]string{"a.kind": "REQUIRED", "a.milestone": "MILESTONE_UNKNOWN", "a.women_attendance": "RANGE", "a.document_reference": "REQUIRED"}, violations(&a))
}

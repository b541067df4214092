package console

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
)

// The proposal form: what an owner proposes (type, title and summary, product, communes,
// period, a budget line per support category split into programme funding and the owner's
// cash, in-kind and labour contribution, the justification of a higher programme share, the
// linked contracts and member groups, the milestones with their indicators). The form is read
// as typed; numbers that cannot be read are field errors before any call; the programme's rule
// findings (ValidateProject) and the API's field violations are shown next to the section they
// name.

// Sections of the proposal form, as error keys.
const (
	secType       = "project_type"
	secTitle      = "display_name"
	secSummary    = "summary"
	secProduct    = "product"
	secCommunes   = "communes"
	secPeriod     = "period"
	secBudget     = "budget"
	secJustify    = "justification"
	secContracts  = "contracts"
	secGroups     = "member_groups"
	secMilestones = "milestones"
)

// proposalSections maps API field paths (of the rule findings, "proposal.…", and of
// CreateProject and UpdateProject, "project.proposal.…") to the form's sections. A finding
// about the proposal as a whole (SUP-CONTENT) goes to its title; one about the participating
// households to the contracts and member groups they come from.
var proposalSections = func() map[string]string {
	m := map[string]string{
		"proposal": secTitle, "proposal.project_type": secType, "proposal.display_name": secTitle, "proposal.summary": secSummary,
		"proposal.product": secProduct, "proposal.commune_codes": secCommunes, "proposal.period": secPeriod, "proposal.budget_lines": secBudget,
		"proposal.co_investment_justification": secJustify, "proposal.contracts": secContracts, "proposal.member_groups": secGroups,
		"proposal.milestones": secMilestones, "participation": secGroups,
	}
	for k, v := range m {
		m["project."+k] = v
	}
	return m
}()

// budgetRow is a budget line as typed (one row per support category).
type budgetRow struct {
	Category                                          string
	Description, Programme, Cash, Kind, Labour, Cycle string
}

// indicatorRow is a milestone indicator as typed.
type indicatorRow struct{ Kind, Target string }

// milestoneRow is a milestone as typed.
type milestoneRow struct {
	ID, Title, Due, Share string
	Indicators            []indicatorRow
}

// proposalForm is the proposal as typed.
type proposalForm struct {
	Type, Title, Summary, Product, Communes, Start, End, Justification, Groups string
	Contracts                                                                  []string
	Budget                                                                     []budgetRow
	Milestones                                                                 []milestoneRow
	// OwnMembers: the owner's own member households take part (the owner among the member
	// groups); Owner is the owner organisation.
	OwnMembers bool
	Owner      string
}

// ownedBy moves the owner out of the typed member groups into OwnMembers.
func (f proposalForm) ownedBy(owner string) proposalForm {
	f.Owner = owner
	var rest []string
	for _, g := range lines(f.Groups) {
		if g == owner {
			f.OwnMembers = true
		} else {
			rest = append(rest, g)
		}
	}
	f.Groups = strings.Join(rest, "\n")
	return f
}

// Blank rows offered for new milestones and indicators.
const (
	blankMilestones = 2
	indicatorSlots  = 3
)

// formOf writes a proposal into the form, with blank rows for new milestones.
func formOf(p *supportv1.ProjectProposal) proposalForm {
	f := proposalForm{Type: p.GetProjectType().String(), Title: p.GetDisplayName(), Summary: p.GetSummary(), Product: p.GetProduct(),
		Communes: strings.Join(p.GetCommuneCodes(), ", "), Start: p.GetPeriod().GetStartDate(), End: p.GetPeriod().GetEndDate(),
		Justification: p.GetCoInvestmentJustification(), Groups: strings.Join(p.GetMemberGroups(), "\n"), Contracts: p.GetContracts()}
	if p.GetProjectType() == supportv1.ProjectType_PROJECT_TYPE_UNSPECIFIED {
		f.Type = ""
	}
	lines := map[string]*supportv1.BudgetLine{}
	for _, l := range p.GetBudgetLines() {
		lines[l.GetCategory().String()] = l
	}
	for _, cat := range categories {
		row := budgetRow{Category: cat}
		if l := lines[cat]; l != nil {
			row = budgetRow{Category: cat, Description: l.GetDescription(), Programme: amountText(l.GetProgrammeVnd()), Cash: amountText(l.GetOwnerCashVnd()),
				Kind: amountText(l.GetOwnerInKindVnd()), Labour: amountText(l.GetOwnerLabourVnd()), Cycle: amountText(int64(l.GetProductionCycles()))}
		}
		f.Budget = append(f.Budget, row)
	}
	for _, m := range p.GetMilestones() {
		row := milestoneRow{ID: m.GetId(), Title: m.GetTitle(), Due: m.GetDueDate(), Share: pctText(m.GetReleaseShareBps())}
		for _, ind := range m.GetIndicators() {
			row.Indicators = append(row.Indicators, indicatorRow{Kind: ind.GetKind().String(), Target: targetText(ind.GetKind(), ind.GetTarget())})
		}
		f.Milestones = append(f.Milestones, row)
	}
	return f.withBlankRows()
}

// withBlankRows pads the milestones with blank rows and every milestone's indicators to
// indicatorSlots.
func (f proposalForm) withBlankRows() proposalForm {
	for range blankMilestones {
		f.Milestones = append(f.Milestones, milestoneRow{})
	}
	for i := range f.Milestones {
		for len(f.Milestones[i].Indicators) < indicatorSlots {
			f.Milestones[i].Indicators = append(f.Milestones[i].Indicators, indicatorRow{})
		}
	}
	return f
}

func amountText(n int64) string {
	if n == 0 {
		return ""
	}
	return group(n)
}

func pctText(n int32) string {
	if n == 0 {
		return ""
	}
	return strings.TrimSuffix(bps(n), "%")
}

// targetText writes an indicator's target in the unit people type it in: a percentage for the
// delivered share, dong for the value paid, a count otherwise.
func targetText(k supportv1.IndicatorKind, target int64) string {
	if k == supportv1.IndicatorKind_INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE {
		return pctText(int32(min(target, 1_000_000)))
	}
	return amountText(target)
}

// readProposalForm reads the form as typed.
func readProposalForm(v url.Values) proposalForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	f := proposalForm{Type: g("project_type"), Title: g("display_name"), Summary: g("summary"), Product: g("product"), Communes: g("communes"),
		Start: g("period_start"), End: g("period_end"), Justification: g("justification"), Groups: v.Get("member_groups"), Contracts: v["contracts"],
		OwnMembers: v.Get("own_members") == "on"}
	for _, cat := range categories {
		f.Budget = append(f.Budget, budgetRow{Category: cat, Description: g("bl-" + cat + "-desc"), Programme: g("bl-" + cat + "-programme"),
			Cash: g("bl-" + cat + "-cash"), Kind: g("bl-" + cat + "-kind"), Labour: g("bl-" + cat + "-labour"), Cycle: g("bl-" + cat + "-cycles")})
	}
	for i := 0; v.Has(fmt.Sprintf("m-%d-id", i)); i++ {
		p := fmt.Sprintf("m-%d-", i)
		row := milestoneRow{ID: g(p + "id"), Title: g(p + "title"), Due: g(p + "due"), Share: g(p + "share")}
		for j := 0; v.Has(fmt.Sprintf("%sind-%d-kind", p, j)); j++ {
			if ind := (indicatorRow{Kind: g(fmt.Sprintf("%sind-%d-kind", p, j)), Target: g(fmt.Sprintf("%sind-%d-target", p, j))}); ind != (indicatorRow{}) {
				row.Indicators = append(row.Indicators, ind)
			}
		}
		if row.ID != "" || row.Title != "" || row.Due != "" || row.Share != "" || len(row.Indicators) > 0 {
			f.Milestones = append(f.Milestones, row)
		}
	}
	return f
}

// toProto reads the form into a proposal. Empty budget rows, milestones and indicators are
// left out; what cannot be read is an error of its section.
func (f proposalForm) toProto(fe *formErrors) *supportv1.ProjectProposal {
	n := numbers{fe}
	p := &supportv1.ProjectProposal{ProjectType: supportv1.ProjectType(supportv1.ProjectType_value[f.Type]), DisplayName: f.Title, Summary: f.Summary,
		Product: f.Product, CoInvestmentJustification: f.Justification, Contracts: f.Contracts, CommuneCodes: splitCodes(f.Communes)}
	if f.OwnMembers && f.Owner != "" {
		p.MemberGroups = append(p.MemberGroups, f.Owner)
	}
	for _, g := range lines(f.Groups) {
		if !slices.Contains(p.MemberGroups, g) {
			p.MemberGroups = append(p.MemberGroups, g)
		}
	}
	if f.Start != "" || f.End != "" {
		p.Period = &typesv1.DateWindow{StartDate: n.date(secPeriod, f.Start), EndDate: n.date(secPeriod, f.End)}
	}
	p.BudgetLines, p.Milestones = f.budgetLines(n), f.milestones(n)
	return p
}

// splitCodes reads codes typed with commas, semicolons, spaces or new lines between them.
func splitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' })
}

func (f proposalForm) budgetLines(n numbers) []*supportv1.BudgetLine {
	var out []*supportv1.BudgetLine
	for _, r := range f.Budget {
		if r == (budgetRow{Category: r.Category}) {
			continue
		}
		out = append(out, &supportv1.BudgetLine{Category: supportv1.SupportCategory(supportv1.SupportCategory_value[r.Category]), Description: r.Description,
			ProgrammeVnd: n.amount(secBudget, r.Programme, false), OwnerCashVnd: n.amount(secBudget, r.Cash, false), OwnerInKindVnd: n.amount(secBudget, r.Kind, false),
			OwnerLabourVnd: n.amount(secBudget, r.Labour, false), ProductionCycles: int32(n.amount(secBudget, r.Cycle, false))})
	}
	return out
}

func (f proposalForm) milestones(n numbers) []*supportv1.Milestone {
	var out []*supportv1.Milestone
	for _, m := range f.Milestones {
		if m.ID == "" && m.Title == "" && m.Due == "" && m.Share == "" && len(m.Indicators) == 0 {
			continue
		}
		ms := &supportv1.Milestone{Id: m.ID, Title: m.Title, DueDate: n.date(secMilestones, m.Due), ReleaseShareBps: n.percent(secMilestones, m.Share)}
		for _, ind := range m.Indicators {
			if ind.Kind == "" {
				n.fe.add(secMilestones, ruleVI["ENUM_VALUE"]) // a target without its indicator
				continue
			}
			k := supportv1.IndicatorKind(supportv1.IndicatorKind_value[ind.Kind])
			ms.Indicators = append(ms.Indicators, &supportv1.Indicator{Kind: k, Target: readTarget(n, k, ind.Target)})
		}
		out = append(out, ms)
	}
	return out
}

// readTarget reads an indicator's target in the unit of its kind (see targetText).
func readTarget(n numbers, k supportv1.IndicatorKind, s string) int64 {
	if k == supportv1.IndicatorKind_INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE {
		if s == "" {
			n.fe.add(secMilestones, ruleVI["REQUIRED"])
		}
		return int64(n.percent(secMilestones, s))
	}
	return n.amount(secMilestones, s, true)
}

// contractChoice is a contract the owner may link, as a checkbox.
type contractChoice struct {
	Name, Label string
	Checked     bool
}

// contractChoices lists the owner's contracts (and any linked one not among them) for the
// form's checkboxes.
func contractChoices(own []*contractRef, linked []string) []contractChoice {
	var out []contractChoice
	seen := map[string]bool{}
	for _, c := range own {
		out = append(out, contractChoice{Name: c.Name, Label: c.Label, Checked: slices.Contains(linked, c.Name)})
		seen[c.Name] = true
	}
	for _, l := range linked {
		if !seen[l] {
			out = append(out, contractChoice{Name: l, Label: "Hợp đồng " + shortID(l), Checked: true})
		}
	}
	return out
}

// contractRef is a contract named for a form.
type contractRef struct{ Name, Label string }

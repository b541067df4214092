package domain

import (
	"fmt"
	"slices"
	"time"
)

// Rule ids: each has exactly one check below; a rulebook naming another id fails to load.
const (
	RuleCallOpen         = "SUP-CALL-OPEN"
	RuleOwner            = "SUP-OWNER"
	RuleProjectType      = "SUP-PROJECT-TYPE"
	RuleContent          = "SUP-CONTENT"
	RuleArea             = "SUP-AREA"
	RulePeriod           = "SUP-PERIOD"
	RuleBudget           = "SUP-BUDGET"
	RuleCeilingType      = "SUP-CEILING-TYPE"
	RuleCeilingCategory  = "SUP-CEILING-CATEGORY"
	RuleCoInvestment     = "SUP-CO-INVESTMENT"
	RuleInputCycles      = "SUP-INPUT-CYCLES"
	RuleNonPoorShare     = "SUP-NONPOOR-SHARE"
	RuleHouseholds       = "SUP-HOUSEHOLDS"
	RuleContracts        = "SUP-CONTRACTS"
	RuleMilestones       = "SUP-MILESTONES"
	RuleMilestoneTargets = "SUP-MILESTONE-INDICATORS"
)

type finding struct{ field, detail string }

type check func(p Proposal, f Facts, params map[string]int64) []finding

func one(field, detail string) []finding { return []finding{{field: field, detail: detail}} }

// CheckIDs lists the rule ids that have a check, sorted.
func CheckIDs() []string {
	ids := make([]string, 0, len(checks))
	for id := range checks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

var checks = map[string]check{
	RuleCallOpen:         checkCallOpen,
	RuleOwner:            checkOwner,
	RuleProjectType:      checkProjectType,
	RuleContent:          checkContent,
	RuleArea:             checkArea,
	RulePeriod:           checkPeriod,
	RuleBudget:           checkBudget,
	RuleCeilingType:      checkCeilingType,
	RuleCeilingCategory:  checkCeilingCategory,
	RuleCoInvestment:     checkCoInvestment,
	RuleInputCycles:      checkInputCycles,
	RuleNonPoorShare:     checkNonPoorShare,
	RuleHouseholds:       checkHouseholds,
	RuleContracts:        checkContracts,
	RuleMilestones:       checkMilestones,
	RuleMilestoneTargets: checkMilestoneIndicators,
}

func checkCallOpen(_ Proposal, f Facts, _ map[string]int64) []finding {
	c := f.Call
	switch {
	case c == nil:
		return one("", "the call does not exist")
	case c.State != CallOpen:
		return one("", "the call is "+c.State+", not open for submissions")
	case f.Today < c.OpenDate:
		return one("", "the call opens on "+c.OpenDate)
	case f.Today > c.CloseDate:
		return one("", "the call closed on "+c.CloseDate)
	}
	return nil
}

func checkOwner(_ Proposal, f Facts, _ map[string]int64) []finding {
	switch {
	case f.Owner == nil:
		return one("", "the owner organisation does not exist")
	case f.Owner.State != "ACTIVE":
		return one("", "the owner organisation is not active")
	case !slices.Contains(OwnerKinds, f.Owner.Kind):
		return one("", "the owner must be an enterprise, a cooperative or a group")
	}
	return nil
}

func checkProjectType(p Proposal, f Facts, _ map[string]int64) []finding {
	switch {
	case p.Type == "":
		return one("", "the project type is required")
	case f.Call != nil && !slices.Contains(f.Call.ProjectTypes, p.Type):
		return one("", fmt.Sprintf("the call accepts %v, not %s", f.Call.ProjectTypes, p.Type))
	}
	return nil
}

func checkContent(p Proposal, f Facts, _ map[string]int64) []finding {
	var out []finding
	if p.DisplayName == "" {
		out = append(out, finding{"proposal.display_name", "a title is required"})
	}
	if p.Summary == "" {
		out = append(out, finding{"proposal.summary", "the objectives and summary are required"})
	}
	switch {
	case p.Product == "":
		out = append(out, finding{"proposal.product", "the product is required"})
	case !f.ProductKnown:
		out = append(out, finding{"proposal.product", p.Product + " does not exist"})
	}
	return out
}

func checkArea(p Proposal, f Facts, _ map[string]int64) []finding {
	if len(p.Communes) == 0 {
		return one("", "at least one commune is required")
	}
	var out []finding
	for i, code := range p.Communes {
		field := fmt.Sprintf("proposal.commune_codes[%d]", i)
		a := f.Communes[code]
		switch {
		case a == nil || a.Level != "COMMUNE":
			out = append(out, finding{field, code + " is not a commune"})
		case f.Call == nil:
		case f.Call.InvestorKind == AuthorityCommune && code != f.Call.InvestorAreaCode:
			out = append(out, finding{field, fmt.Sprintf("commune %s is outside the investor's commune %s", code, f.Call.InvestorAreaCode)})
		case f.Call.InvestorKind == AuthorityProvince && a.ProvinceCode != f.Call.InvestorAreaCode:
			out = append(out, finding{field, fmt.Sprintf("commune %s is outside the investor's province %s", code, f.Call.InvestorAreaCode)})
		}
	}
	return out
}

func parseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func checkPeriod(p Proposal, _ Facts, params map[string]int64) []finding {
	start, okS := parseDate(p.PeriodStart)
	end, okE := parseDate(p.PeriodEnd)
	switch {
	case !okS || !okE:
		return one("", "the implementation period (start and end dates) is required")
	case end.Before(start):
		return one("", "the period ends before it starts")
	case params["max_days"] > 0 && int64(end.Sub(start).Hours()/24) > params["max_days"]:
		return one("", fmt.Sprintf("the period may last at most %d days", params["max_days"]))
	}
	return nil
}

func checkBudget(p Proposal, _ Facts, _ map[string]int64) []finding {
	if len(p.BudgetLines) == 0 {
		return one("", "at least one budget line is required")
	}
	var out []finding
	seen := map[string]bool{}
	for i, l := range p.BudgetLines {
		field := fmt.Sprintf("proposal.budget_lines[%d]", i)
		if seen[l.Category] {
			out = append(out, finding{field + ".category", l.Category + " appears twice"})
		}
		seen[l.Category] = true
		if l.TotalVND() <= 0 {
			out = append(out, finding{field, "a line must cost something"})
		}
	}
	if p.Totals().ProgrammeVND <= 0 {
		out = append(out, finding{"", "the programme funding requested must be positive"})
	}
	return out
}

func checkCeilingType(p Proposal, f Facts, params map[string]int64) []finding {
	limit := TypeCeilingVND(params, f.Call, p.Type)
	if got := p.Totals().ProgrammeVND; limit > 0 && got > limit {
		return one("", fmt.Sprintf("programme funding %d VND exceeds the ceiling of %d VND for a %s project", got, limit, p.Type))
	}
	return nil
}

func checkCeilingCategory(p Proposal, f Facts, params map[string]int64) []finding {
	var out []finding
	for i, l := range p.BudgetLines {
		field := fmt.Sprintf("proposal.budget_lines[%d].programme_vnd", i)
		maxVND, maxBps := CategoryCeilingOf(params, f.Call, l.Category)
		if maxVND > 0 && l.ProgrammeVND > maxVND {
			out = append(out, finding{field, fmt.Sprintf("%s: programme funding %d VND exceeds the ceiling of %d VND", l.Category, l.ProgrammeVND, maxVND)})
		}
		if maxBps > 0 && l.TotalVND() > 0 && exceedsShare(l.ProgrammeVND, l.TotalVND(), maxBps) {
			out = append(out, finding{field, fmt.Sprintf("%s: programme funding %d of %d VND is above %d bps of the cost", l.Category, l.ProgrammeVND, l.TotalVND(), maxBps)})
		}
	}
	return out
}

// exceedsShare reports part/whole > bps/10000, exactly (128-bit products).
func exceedsShare(part, whole, bps int64) bool {
	// part × 10000 > bps × whole ⇔ part > floor(bps × whole / 10000) for integers.
	return part > MulDiv(whole, bps, BpsWhole)
}

func checkCoInvestment(p Proposal, f Facts, params map[string]int64) []finding {
	t := p.Totals()
	standard, justified := params["max_programme_share_bps"], params["max_justified_share_bps"]
	if t.TotalVND <= 0 || !exceedsShare(t.ProgrammeVND, t.TotalVND, standard) {
		return nil
	}
	share := fmt.Sprintf("the programme share is %d bps of %d VND", t.ProgrammeShareBps, t.TotalVND)
	nonProfit := f.Owner != nil && f.Owner.NonProfit
	switch {
	case !nonProfit:
		return one("", fmt.Sprintf("%s, above %d bps: the owner must contribute at least %d bps", share, standard, BpsWhole-standard))
	case p.Justification == "":
		return one("proposal.co_investment_justification", fmt.Sprintf("%s, above %d bps: a non-profit or social-enterprise owner must justify it", share, standard))
	case exceedsShare(t.ProgrammeVND, t.TotalVND, justified):
		return one("", fmt.Sprintf("%s, above the %d bps a justified non-profit or social-enterprise owner may receive", share, justified))
	}
	return nil
}

func checkInputCycles(p Proposal, _ Facts, params map[string]int64) []finding {
	var out []finding
	for i, l := range p.BudgetLines {
		if l.Category != CategorySeedsInputs {
			continue
		}
		if c := int64(l.ProductionCycles); c < 1 || c > params["max_cycles"] {
			out = append(out, finding{fmt.Sprintf("proposal.budget_lines[%d].production_cycles", i), fmt.Sprintf("seeds and inputs may be supported for 1 to %d production cycles, not %d", params["max_cycles"], c)})
		}
	}
	return out
}

func checkNonPoorShare(p Proposal, f Facts, params map[string]int64) []finding {
	limit, ok := params[p.Type]
	n := int64(len(f.Participants))
	if !ok || n == 0 {
		return nil
	}
	nonPoor := int64(Count(f.Participants).NonPoor)
	if nonPoor*BpsWhole > limit*n {
		return one("", fmt.Sprintf("%d of %d participating households are non-poor, above %d bps for a %s project", nonPoor, n, limit, p.Type))
	}
	return nil
}

func checkHouseholds(p Proposal, f Facts, params map[string]int64) []finding {
	var out []finding
	if n := int64(len(f.Participants)); n < params["min_households"] {
		out = append(out, finding{"participation", fmt.Sprintf("%d participating households, at least %d are required (from the linked contracts and member groups)", n, params["min_households"])})
	}
	for i, g := range p.MemberGroups {
		field := fmt.Sprintf("proposal.member_groups[%d]", i)
		o := f.Groups[g]
		switch {
		case o == nil:
			out = append(out, finding{field, g + " does not exist"})
		case !slices.Contains(producerKinds, o.Kind):
			out = append(out, finding{field, g + " is not a producer organisation"})
		case o.State != "ACTIVE":
			out = append(out, finding{field, g + " is not active"})
		case !slices.Contains(p.Communes, o.CommuneCode):
			out = append(out, finding{field, fmt.Sprintf("%s is in commune %s, outside the project's communes", g, o.CommuneCode)})
		}
	}
	return out
}

func checkContracts(p Proposal, f Facts, params map[string]int64) []finding {
	var out []finding
	if need := params["min."+p.Type]; int64(len(p.Contracts)) < need {
		out = append(out, finding{"", fmt.Sprintf("a %s project needs at least %d linked contract(s), it has %d", p.Type, need, len(p.Contracts))})
	}
	seen := map[string]bool{}
	for i, name := range p.Contracts {
		field := fmt.Sprintf("proposal.contracts[%d]", i)
		if seen[name] {
			out = append(out, finding{field, name + " is linked twice"})
			continue
		}
		seen[name] = true
		if d := contractProblem(p, f, name); d != "" {
			out = append(out, finding{field, d})
		}
	}
	return out
}

// contractProblem says what keeps a contract from backing the project ("" when nothing).
func contractProblem(p Proposal, f Facts, name string) string {
	c := f.Contracts[name]
	switch {
	case c == nil:
		return name + " does not exist"
	case c.Buyer != f.OwnerName && c.Producer != f.OwnerName:
		return "the owner is neither the buyer nor the producer of " + name
	case p.Product != "" && c.Product != p.Product:
		return fmt.Sprintf("%s is for %s, the project for %s", name, c.Product, p.Product)
	case !slices.Contains(linkableContractStates, c.State):
		return fmt.Sprintf("%s is %s: only submitted contracts that are not cancelled or terminated may be linked", name, c.State)
	case !slices.Contains(p.Communes, c.ProducerCommune):
		return fmt.Sprintf("the producer of %s is in commune %s, outside the project's communes", name, c.ProducerCommune)
	}
	return ""
}

func checkMilestones(p Proposal, _ Facts, _ map[string]int64) []finding {
	if len(p.Milestones) == 0 {
		return one("", "at least one milestone is required")
	}
	var out []finding
	var sum int64
	seen := map[string]bool{}
	for i, m := range p.Milestones {
		field := fmt.Sprintf("proposal.milestones[%d]", i)
		if seen[m.ID] {
			out = append(out, finding{field + ".id", "milestone id " + m.ID + " appears twice"})
		}
		seen[m.ID] = true
		if m.ReleaseShareBps <= 0 {
			out = append(out, finding{field + ".release_share_bps", "each milestone must release a positive share"})
		}
		sum += int64(m.ReleaseShareBps)
		if (p.PeriodStart != "" && m.DueDate < p.PeriodStart) || (p.PeriodEnd != "" && m.DueDate > p.PeriodEnd) {
			out = append(out, finding{field + ".due_date", "the due date " + m.DueDate + " is outside the project period"})
		}
	}
	if sum != BpsWhole {
		out = append(out, finding{"", fmt.Sprintf("the milestones release %d bps in total, they must release exactly %d", sum, BpsWhole)})
	}
	return out
}

func checkMilestoneIndicators(p Proposal, _ Facts, params map[string]int64) []finding {
	var out []finding
	for i, m := range p.Milestones {
		field := fmt.Sprintf("proposal.milestones[%d].indicators", i)
		if len(m.Indicators) == 0 {
			out = append(out, finding{field, "milestone " + m.ID + " needs at least one indicator"})
		}
		for j, ind := range m.Indicators {
			if ind.Kind != IndicatorTrainingAttendance && len(p.Contracts) == 0 {
				out = append(out, finding{fmt.Sprintf("%s[%d]", field, j), ind.Kind + " is computed from linked contracts: link at least one"})
			}
			if ind.Kind == IndicatorDeliveredShare && int64(ind.Target) < params["min_delivered_share_bps"] {
				out = append(out, finding{fmt.Sprintf("%s[%d].target", field, j), fmt.Sprintf("a delivered-and-accepted target below %d bps does not show a result", params["min_delivered_share_bps"])})
			}
		}
	}
	return out
}

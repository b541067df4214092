package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Bounds of what one request may carry (a resource never grows without bound).
const (
	maxBudgetLines    = 12
	maxMilestones     = 20
	maxIndicators     = 10
	maxContracts      = 200
	maxMemberGroups   = 50
	maxCommunes       = 100
	maxCouncil        = 50
	maxCeilings       = 12
	maxSpendingLines  = 12
	maxCycles         = 100
	maxCount          = 1_000_000_000
	MaxSpendingReport = 500 // spending reports per project
	MaxActivities     = 500 // activities per project
)

const idRe = `[A-Za-z0-9][A-Za-z0-9_-]{0,127}`

var (
	nameRes = func() map[string]*regexp.Regexp {
		m := map[string]*regexp.Regexp{}
		for _, c := range []string{"authorities", "organizations", "contracts", "products", "users", "programmes", "calls"} {
			m[c] = regexp.MustCompile(`^` + c + `/` + idRe + `$`)
		}
		return m
	}()
	communeRe   = regexp.MustCompile(`^[0-9]{1,10}$`)
	milestoneRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
)

// nameRe is the pattern of a resource name collection/{id} (read-only after start-up).
func nameRe(collection string) *regexp.Regexp {
	if re, ok := nameRes[collection]; ok {
		return re
	}
	return regexp.MustCompile(`^` + collection + `/` + idRe + `$`)
}

// CheckName checks a resource name collection/{id}: REQUIRED (when required), RESOURCE_NAME.
func CheckName(v *apierr.Violations, field, name, collection string, required bool) {
	switch {
	case name == "":
		if required {
			v.Add(field, "REQUIRED", "is required")
		}
	case !nameRe(collection).MatchString(name):
		v.Add(field, "RESOURCE_NAME", "must be of the form %s/{id}", collection)
	}
}

// checkAmount checks an amount of VND: 0..MaxVND. Rule: AMOUNT_RANGE.
func checkAmount(v *apierr.Violations, field string, x int64) {
	v.Check(x >= 0 && x <= MaxVND, field, "AMOUNT_RANGE", "must be between 0 and %d VND", int64(MaxVND))
}

func checkBps(v *apierr.Violations, field string, x int64) {
	v.Check(x >= 0 && x <= BpsWhole, field, "BPS_RANGE", "must be between 0 and %d bps", BpsWhole)
}

func checkEnum(v *apierr.Violations, field, val string, set []string, required bool) {
	switch {
	case val == "" && required:
		v.Add(field, "REQUIRED", "is required")
	case val != "" && !slices.Contains(set, val):
		v.Add(field, "ENUM_VALUE", "must be one of %s", strings.Join(set, ", "))
	}
}

func checkCount(v *apierr.Violations, field string, n, limit int) bool {
	return v.Check(n <= limit, field, "TOO_MANY", "at most %d items", limit)
}

// CheckWindow checks a pair of dates in order. Rules: REQUIRED, DATE_FORMAT, DATE_ORDER.
func CheckWindow(v *apierr.Violations, field, start, end string, required bool) {
	v.Date(field+".start_date", start, required)
	v.Date(field+".end_date", end, required)
	if ValidDates(start, end) && end < start {
		v.Add(field, "DATE_ORDER", "end_date %s is before start_date %s", end, start)
	}
}

// ValidDates reports whether every s is a calendar date.
func ValidDates(ss ...string) bool {
	for _, s := range ss {
		if !apierr.ValidDate(s) {
			return false
		}
	}
	return true
}

// CallInput is what a client sets on a call.
type CallInput struct {
	Investor, DisplayName, Description, Programme string
	ProjectTypes                                  []string
	BudgetVND                                     int64
	TypeCeilings                                  []TypeCeiling
	CategoryCeilings                              []CategoryCeiling
	OpenDate, CloseDate                           string
	Council                                       []string
}

// CheckCallInput validates a call's fields (prefix is the request field, e.g. "call"); paths,
// when given, limits the check to the fields an update names.
func CheckCallInput(v *apierr.Violations, prefix string, in CallInput, paths map[string]bool) {
	checks := []struct {
		paths []string
		check func()
	}{
		{[]string{"investor"}, func() { CheckName(v, prefix+".investor", in.Investor, "authorities", true) }},
		{[]string{"display_name"}, func() { v.Text(prefix+".display_name", in.DisplayName, true, apierr.MaxNameText) }},
		{[]string{"description"}, func() { v.Text(prefix+".description", in.Description, false, apierr.MaxLongText) }},
		{[]string{"programme"}, func() { CheckName(v, prefix+".programme", in.Programme, "programmes", true) }},
		{[]string{"project_types"}, func() { checkProjectTypes(v, prefix+".project_types", in.ProjectTypes) }},
		{[]string{"budget_vnd"}, func() {
			v.Check(in.BudgetVND > 0 && in.BudgetVND <= MaxVND, prefix+".budget_vnd", "AMOUNT_RANGE", "must be between 1 and %d VND", int64(MaxVND))
		}},
		{[]string{"type_ceilings"}, func() { checkTypeCeilings(v, prefix+".type_ceilings", in.TypeCeilings) }},
		{[]string{"category_ceilings"}, func() { checkCategoryCeilings(v, prefix+".category_ceilings", in.CategoryCeilings) }},
		{[]string{"submission_window", "submission_window.end_date"}, func() {
			CheckWindow(v, prefix+".submission_window", in.OpenDate, in.CloseDate, true)
		}},
		{[]string{"council_members"}, func() { checkCouncil(v, prefix+".council_members", in.Council) }},
	}
	for _, c := range checks {
		if paths == nil || slices.ContainsFunc(c.paths, func(p string) bool { return paths[p] }) {
			c.check()
		}
	}
}

func checkProjectTypes(v *apierr.Violations, field string, ts []string) {
	if !v.Check(len(ts) > 0, field, "REQUIRED", "name at least one project type") || !checkCount(v, field, len(ts), len(ProjectTypes)) {
		return
	}
	seen := map[string]bool{}
	for i, t := range ts {
		f := fmt.Sprintf("%s[%d]", field, i)
		checkEnum(v, f, t, ProjectTypes, true)
		v.Check(!seen[t], f, "DUPLICATE", "%s appears twice", t)
		seen[t] = true
	}
}

func checkTypeCeilings(v *apierr.Violations, field string, cs []TypeCeiling) {
	if !checkCount(v, field, len(cs), maxCeilings) {
		return
	}
	seen := map[string]bool{}
	for i, c := range cs {
		f := fmt.Sprintf("%s[%d]", field, i)
		checkEnum(v, f+".project_type", c.Type, ProjectTypes, true)
		v.Check(!seen[c.Type], f+".project_type", "DUPLICATE", "%s appears twice", c.Type)
		seen[c.Type] = true
		v.Check(c.MaxProgrammeVND > 0 && c.MaxProgrammeVND <= MaxVND, f+".max_programme_vnd", "AMOUNT_RANGE", "must be between 1 and %d VND", int64(MaxVND))
	}
}

func checkCategoryCeilings(v *apierr.Violations, field string, cs []CategoryCeiling) {
	if !checkCount(v, field, len(cs), maxCeilings) {
		return
	}
	seen := map[string]bool{}
	for i, c := range cs {
		f := fmt.Sprintf("%s[%d]", field, i)
		checkEnum(v, f+".category", c.Category, Categories, true)
		v.Check(!seen[c.Category], f+".category", "DUPLICATE", "%s appears twice", c.Category)
		seen[c.Category] = true
		checkAmount(v, f+".max_programme_vnd", c.MaxProgrammeVND)
		checkBps(v, f+".max_programme_share_bps", int64(c.MaxShareBps))
		v.Check(c.MaxProgrammeVND > 0 || c.MaxShareBps > 0, f, "REQUIRED", "set max_programme_vnd, max_programme_share_bps or both")
	}
}

func checkCouncil(v *apierr.Violations, field string, ms []string) {
	if !checkCount(v, field, len(ms), maxCouncil) {
		return
	}
	seen := map[string]bool{}
	for i, m := range ms {
		f := fmt.Sprintf("%s[%d]", field, i)
		CheckName(v, f, m, "users", true)
		v.Check(!seen[m], f, "DUPLICATE", "%s appears twice", m)
		seen[m] = true
	}
}

// CheckCallCeilings checks that a call's ceilings only tighten its programme's (params of
// SUP-CEILING-TYPE and SUP-CEILING-CATEGORY). Rule: CEILING_ABOVE_PROGRAMME.
func CheckCallCeilings(v *apierr.Violations, prefix string, in CallInput, typeParams, catParams map[string]int64) {
	for i, c := range in.TypeCeilings {
		if lim := typeParams[c.Type]; lim > 0 && c.MaxProgrammeVND > lim {
			v.Add(fmt.Sprintf("%s.type_ceilings[%d].max_programme_vnd", prefix, i), "CEILING_ABOVE_PROGRAMME", "the programme's ceiling for %s is %d VND: a call may only tighten it", c.Type, lim)
		}
	}
	for i, c := range in.CategoryCeilings {
		f := fmt.Sprintf("%s.category_ceilings[%d]", prefix, i)
		if lim := catParams[c.Category+".max_vnd"]; lim > 0 && c.MaxProgrammeVND > lim {
			v.Add(f+".max_programme_vnd", "CEILING_ABOVE_PROGRAMME", "the programme's ceiling for %s is %d VND: a call may only tighten it", c.Category, lim)
		}
		if lim := catParams[c.Category+".max_share_bps"]; lim > 0 && int64(c.MaxShareBps) > lim {
			v.Add(f+".max_programme_share_bps", "CEILING_ABOVE_PROGRAMME", "the programme's ceiling for %s is %d bps: a call may only tighten it", c.Category, lim)
		}
	}
}

// CheckProposalInput validates the form of a proposal (prefix e.g. "project.proposal"): what is
// present must be well formed; completeness and policy are the rulebook's (a DRAFT may be
// incomplete).
func CheckProposalInput(v *apierr.Violations, prefix string, p Proposal) {
	checkEnum(v, prefix+".project_type", p.Type, ProjectTypes, false)
	v.Text(prefix+".display_name", p.DisplayName, false, apierr.MaxNameText)
	v.Text(prefix+".summary", p.Summary, false, apierr.MaxLongText)
	CheckName(v, prefix+".product", p.Product, "products", false)
	v.Text(prefix+".co_investment_justification", p.Justification, false, apierr.MaxLongText)
	if p.PeriodStart != "" || p.PeriodEnd != "" {
		CheckWindow(v, prefix+".period", p.PeriodStart, p.PeriodEnd, true)
	}
	checkCommunes(v, prefix+".commune_codes", p.Communes)
	checkNames(v, prefix+".contracts", p.Contracts, "contracts", maxContracts)
	checkNames(v, prefix+".member_groups", p.MemberGroups, "organizations", maxMemberGroups)
	if checkCount(v, prefix+".budget_lines", len(p.BudgetLines), maxBudgetLines) {
		for i, l := range p.BudgetLines {
			checkBudgetLine(v, fmt.Sprintf("%s.budget_lines[%d]", prefix, i), l)
		}
	}
	if checkCount(v, prefix+".milestones", len(p.Milestones), maxMilestones) {
		for i, m := range p.Milestones {
			checkMilestone(v, fmt.Sprintf("%s.milestones[%d]", prefix, i), m)
		}
	}
}

func checkCommunes(v *apierr.Violations, field string, cs []string) {
	if !checkCount(v, field, len(cs), maxCommunes) {
		return
	}
	for i, c := range cs {
		v.Check(communeRe.MatchString(c), fmt.Sprintf("%s[%d]", field, i), "COMMUNE_CODE", "must be a commune code (digits)")
	}
}

func checkNames(v *apierr.Violations, field string, names []string, collection string, limit int) {
	if !checkCount(v, field, len(names), limit) {
		return
	}
	for i, n := range names {
		CheckName(v, fmt.Sprintf("%s[%d]", field, i), n, collection, true)
	}
}

func checkBudgetLine(v *apierr.Violations, f string, l BudgetLine) {
	checkEnum(v, f+".category", l.Category, Categories, true)
	v.Text(f+".description", l.Description, false, apierr.MaxLineText)
	checkAmount(v, f+".programme_vnd", l.ProgrammeVND)
	checkAmount(v, f+".owner_cash_vnd", l.OwnerCashVND)
	checkAmount(v, f+".owner_in_kind_vnd", l.OwnerInKindVND)
	checkAmount(v, f+".owner_labour_vnd", l.OwnerLabourVND)
	v.Check(l.ProductionCycles >= 0 && l.ProductionCycles <= maxCycles, f+".production_cycles", "RANGE", "must be between 0 and %d", maxCycles)
}

func checkMilestone(v *apierr.Violations, f string, m Milestone) {
	if m.ID == "" {
		v.Add(f+".id", "REQUIRED", "is required")
	} else {
		v.Check(milestoneRe.MatchString(m.ID), f+".id", "MILESTONE_ID", "must be 1-32 lowercase letters, digits or '-'")
	}
	v.Text(f+".title", m.Title, true, apierr.MaxNameText)
	v.Date(f+".due_date", m.DueDate, true)
	checkBps(v, f+".release_share_bps", int64(m.ReleaseShareBps))
	if !checkCount(v, f+".indicators", len(m.Indicators), maxIndicators) {
		return
	}
	for j, ind := range m.Indicators {
		checkIndicator(v, fmt.Sprintf("%s.indicators[%d]", f, j), ind)
	}
}

func checkIndicator(v *apierr.Violations, f string, ind Indicator) {
	checkEnum(v, f+".kind", ind.Kind, IndicatorKinds, true)
	limit := int64(maxCount)
	switch ind.Kind {
	case IndicatorDeliveredShare:
		limit = BpsWhole
	case IndicatorPoorValuePaid:
		limit = MaxVND
	}
	v.Check(ind.Target > 0 && ind.Target <= limit, f+".target", "TARGET_RANGE", "must be between 1 and %d", limit)
}

// ScoreInput is a council member's score.
type ScoreInput struct {
	Criteria []CriterionScore
	Comment  string
}

// CheckScoreInput validates a score against the programme's criteria: every criterion exactly
// once, each within 0..max. Rules: CRITERION_UNKNOWN, DUPLICATE, SCORE_RANGE, CRITERIA_MISSING.
func CheckScoreInput(v *apierr.Violations, in ScoreInput, spec *AppraisalSpec) {
	v.Text("comment", in.Comment, false, apierr.MaxLongText)
	maxOf := map[string]int32{}
	for _, c := range spec.Criteria {
		maxOf[c.ID] = c.MaxScore
	}
	seen := map[string]bool{}
	for i, c := range in.Criteria {
		f := fmt.Sprintf("criteria[%d]", i)
		m, ok := maxOf[c.Criterion]
		if !v.Check(ok, f+".criterion", "CRITERION_UNKNOWN", "%q is not a criterion of the programme", c.Criterion) {
			continue
		}
		v.Check(!seen[c.Criterion], f+".criterion", "DUPLICATE", "%s is scored twice", c.Criterion)
		seen[c.Criterion] = true
		v.Check(c.Score >= 0 && c.Score <= m, f+".score", "SCORE_RANGE", "must be between 0 and %d", m)
		v.Text(f+".comment", c.Comment, false, apierr.MaxLongText)
	}
	for _, c := range spec.Criteria {
		v.Check(seen[c.ID], "criteria", "CRITERIA_MISSING", "criterion %s is not scored", c.ID)
	}
}

// CheckSpendingInput validates a spending report against the project's budget lines. Rules:
// REQUIRED, ENUM_VALUE, AMOUNT_RANGE, CATEGORY_NOT_IN_BUDGET, DUPLICATE, DATE_FORMAT.
func CheckSpendingInput(v *apierr.Violations, prefix string, r SpendingReport, budget []BudgetLine) {
	v.Date(prefix+".report_date", r.Date, true)
	v.Text(prefix+".description", r.Description, false, apierr.MaxLongText)
	v.Text(prefix+".document_reference", r.DocumentReference, true, apierr.MaxLineText)
	if !v.Check(len(r.Lines) > 0, prefix+".lines", "REQUIRED", "report at least one category") || !checkCount(v, prefix+".lines", len(r.Lines), maxSpendingLines) {
		return
	}
	seen := map[string]bool{}
	for i, l := range r.Lines {
		f := fmt.Sprintf("%s.lines[%d]", prefix, i)
		checkEnum(v, f+".category", l.Category, Categories, true)
		v.Check(l.AmountVND > 0 && l.AmountVND <= MaxVND, f+".amount_vnd", "AMOUNT_RANGE", "must be between 1 and %d VND", int64(MaxVND))
		v.Check(!seen[l.Category], f+".category", "DUPLICATE", "%s appears twice", l.Category)
		seen[l.Category] = true
		if l.Category != "" && budget != nil {
			v.Check(slices.ContainsFunc(budget, func(b BudgetLine) bool { return b.Category == l.Category }), f+".category", "CATEGORY_NOT_IN_BUDGET", "the project has no %s budget line", l.Category)
		}
	}
}

// CheckActivityInput validates an activity. Rules: REQUIRED, ENUM_VALUE, DATE_FORMAT, RANGE,
// MILESTONE_UNKNOWN.
func CheckActivityInput(v *apierr.Violations, prefix string, a Activity, p Proposal) {
	checkEnum(v, prefix+".kind", a.Kind, ActivityKinds, true)
	v.Date(prefix+".activity_date", a.Date, true)
	v.Check(a.Attendance >= 0 && a.Attendance <= maxCount, prefix+".attendance", "RANGE", "must be between 0 and %d", maxCount)
	v.Check(a.WomenAttendance >= 0 && a.WomenAttendance <= a.Attendance, prefix+".women_attendance", "RANGE", "must be between 0 and the attendance")
	v.Text(prefix+".description", a.Description, false, apierr.MaxLongText)
	v.Text(prefix+".document_reference", a.DocumentReference, true, apierr.MaxLineText)
	if v.Check(a.Milestone != "", prefix+".milestone", "REQUIRED", "is required") {
		v.Check(p.Milestone(a.Milestone) != nil, prefix+".milestone", "MILESTONE_UNKNOWN", "the project has no milestone %q", a.Milestone)
	}
}

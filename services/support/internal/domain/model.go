// Package domain holds the support service's pure rules: calls for proposals, linkage projects
// and their lifecycle, the support rulebook (rules as data, one check per rule id), milestone
// indicators computed from contract results, and the money rules of post-investment
// disbursement. It does no I/O: the usecase layer gathers the facts the rules need.
package domain

import "time"

// Project types.
const (
	TypeValueChain          = "VALUE_CHAIN"
	TypeLivelihood          = "LIVELIHOOD"
	TypeStartupIncubation   = "STARTUP_INCUBATION"
	TypeStartupAcceleration = "STARTUP_ACCELERATION"
	TypeTechnicalAssistance = "TECHNICAL_ASSISTANCE"
)

// ProjectTypes lists every project type.
var ProjectTypes = []string{TypeValueChain, TypeLivelihood, TypeStartupIncubation, TypeStartupAcceleration, TypeTechnicalAssistance}

// Support categories.
const (
	CategoryConsulting        = "CONSULTING"
	CategoryMachinery         = "MACHINERY_INFRASTRUCTURE"
	CategorySeedsInputs       = "SEEDS_INPUTS"
	CategoryTraining          = "TRAINING"
	CategoryPackagingLabels   = "PACKAGING_LABELS"
	CategoryMarketDevelopment = "MARKET_DEVELOPMENT"
)

// Categories lists every support category.
var Categories = []string{CategoryConsulting, CategoryMachinery, CategorySeedsInputs, CategoryTraining, CategoryPackagingLabels, CategoryMarketDevelopment}

// Call states.
const (
	CallDraft  = "DRAFT"
	CallOpen   = "OPEN"
	CallClosed = "CLOSED"
)

// Project states.
const (
	StateDraft      = "DRAFT"
	StateSubmitted  = "SUBMITTED"
	StateAppraised  = "APPRAISED"
	StateApproved   = "APPROVED"
	StateRejected   = "REJECTED"
	StateInProgress = "IN_PROGRESS"
	StateCompleted  = "COMPLETED"
	StateClosed     = "CLOSED"
)

// ProjectStates lists every project state, in lifecycle order.
var ProjectStates = []string{StateDraft, StateSubmitted, StateAppraised, StateApproved, StateRejected, StateInProgress, StateCompleted, StateClosed}

// Indicator kinds.
const (
	IndicatorDeliveredShare     = "DELIVERED_ACCEPTED_SHARE"
	IndicatorHouseholdsPaid     = "HOUSEHOLDS_PAID_IN_FULL"
	IndicatorPoorValuePaid      = "POOR_VALUE_PAID"
	IndicatorContractsWitnessed = "CONTRACTS_WITNESSED"
	IndicatorTrainingAttendance = "TRAINING_ATTENDANCE"
)

// IndicatorKinds lists every indicator kind.
var IndicatorKinds = []string{IndicatorDeliveredShare, IndicatorHouseholdsPaid, IndicatorPoorValuePaid, IndicatorContractsWitnessed, IndicatorTrainingAttendance}

// Milestone states.
const (
	MilestonePending   = "PENDING"
	MilestoneDisbursed = "DISBURSED"
)

// Activity kinds.
const (
	ActivityTraining      = "TRAINING"
	ActivityDemonstration = "DEMONSTRATION"
	ActivityMarketEvent   = "MARKET_EVENT"
)

// ActivityKinds lists every activity kind.
var ActivityKinds = []string{ActivityTraining, ActivityDemonstration, ActivityMarketEvent}

// Authority kinds of an investor (the registry's).
const (
	AuthorityCommune  = "COMMUNE_PEOPLES_COMMITTEE"
	AuthorityProvince = "PROVINCE_PEOPLES_COMMITTEE"
)

// Poverty statuses (the registry's).
const (
	PovertyPoor            = "POOR"
	PovertyNearPoor        = "NEAR_POOR"
	PovertyRecentlyEscaped = "RECENTLY_ESCAPED"
	PovertyNonPoor         = "NON_POOR"
)

// TypeCeiling is a call's ceiling of programme funding per project of one type.
type TypeCeiling struct {
	Type            string `bson:"type"`
	MaxProgrammeVND int64  `bson:"max_programme_vnd"`
}

// CategoryCeiling is a call's ceiling of programme funding for one category, per project.
type CategoryCeiling struct {
	Category        string `bson:"category"`
	MaxProgrammeVND int64  `bson:"max_programme_vnd"`
	MaxShareBps     int32  `bson:"max_share_bps"`
}

// Call is a call for proposals.
type Call struct {
	ID string `bson:"_id"`
	// Investor is the authority's name (authorities/{id}); its kind and area are copied from
	// the registry when the call is created.
	Investor             string            `bson:"investor"`
	InvestorKind         string            `bson:"investor_kind"`
	InvestorAreaCode     string            `bson:"investor_area_code"`
	InvestorProvinceCode string            `bson:"investor_province_code"`
	DisplayName          string            `bson:"display_name"`
	Description          string            `bson:"description,omitempty"`
	Programme            string            `bson:"programme"` // rulebook id, e.g. "ntp-sedema"
	ProgrammeVersion     string            `bson:"programme_version,omitempty"`
	ProjectTypes         []string          `bson:"project_types"`
	BudgetVND            int64             `bson:"budget_vnd"`
	TypeCeilings         []TypeCeiling     `bson:"type_ceilings,omitempty"`
	CategoryCeilings     []CategoryCeiling `bson:"category_ceilings,omitempty"`
	OpenDate             string            `bson:"open_date"`
	CloseDate            string            `bson:"close_date"`
	Council              []string          `bson:"council_members"`
	State                string            `bson:"state"`
	StateReason          string            `bson:"state_reason,omitempty"`
	// Commitments reserve the call's budget: project id → programme funding reserved for it.
	Commitments  map[string]int64 `bson:"commitments"`
	CommittedVND int64            `bson:"committed_vnd"`
	CreateTime   time.Time        `bson:"create_time"`
	UpdateTime   time.Time        `bson:"update_time"`
	Version      int64            `bson:"version"`
	Chain        `bson:",inline"`
}

// Name is the call's resource name.
func (c *Call) Name() string { return CallName(c.ID) }

// CallName is the resource name of call id.
func CallName(id string) string { return "calls/" + id }

// BudgetLine is one line of a project's budget.
type BudgetLine struct {
	Category         string `bson:"category"`
	Description      string `bson:"description,omitempty"`
	ProgrammeVND     int64  `bson:"programme_vnd"`
	OwnerCashVND     int64  `bson:"owner_cash_vnd"`
	OwnerInKindVND   int64  `bson:"owner_in_kind_vnd"`
	OwnerLabourVND   int64  `bson:"owner_labour_vnd"`
	ProductionCycles int32  `bson:"production_cycles,omitempty"`
}

// OwnerVND is the owner's contribution to the line.
func (l BudgetLine) OwnerVND() int64 { return l.OwnerCashVND + l.OwnerInKindVND + l.OwnerLabourVND }

// TotalVND is the line's cost.
func (l BudgetLine) TotalVND() int64 { return l.ProgrammeVND + l.OwnerVND() }

// Indicator is a milestone's target.
type Indicator struct {
	Kind   string `bson:"kind"`
	Target int64  `bson:"target"`
}

// Milestone is a step of a project's plan that releases a share of the programme funding.
type Milestone struct {
	ID              string      `bson:"id"`
	Title           string      `bson:"title"`
	DueDate         string      `bson:"due_date"`
	ReleaseShareBps int32       `bson:"release_share_bps"`
	Indicators      []Indicator `bson:"indicators"`
}

// Proposal is what the owner proposes: checked against the rulebook, appraised, approved and
// amended.
type Proposal struct {
	Type          string       `bson:"type"`
	DisplayName   string       `bson:"display_name"`
	Summary       string       `bson:"summary,omitempty"`
	Product       string       `bson:"product,omitempty"`
	Communes      []string     `bson:"communes"`
	PeriodStart   string       `bson:"period_start,omitempty"`
	PeriodEnd     string       `bson:"period_end,omitempty"`
	BudgetLines   []BudgetLine `bson:"budget_lines"`
	Justification string       `bson:"justification,omitempty"`
	Contracts     []string     `bson:"contracts"`
	MemberGroups  []string     `bson:"member_groups"`
	Milestones    []Milestone  `bson:"milestones"`
}

// Totals are a proposal's budget totals.
type Totals struct {
	ProgrammeVND, OwnerCashVND, OwnerInKindVND, OwnerLabourVND, TotalVND int64
	// ProgrammeShareBps is rounded down.
	ProgrammeShareBps int32
}

// Totals adds up the budget lines (amounts are bounded by input validation, so sums of a
// bounded number of lines cannot overflow).
func (p Proposal) Totals() Totals {
	var t Totals
	for _, l := range p.BudgetLines {
		t.ProgrammeVND += l.ProgrammeVND
		t.OwnerCashVND += l.OwnerCashVND
		t.OwnerInKindVND += l.OwnerInKindVND
		t.OwnerLabourVND += l.OwnerLabourVND
	}
	t.TotalVND = t.ProgrammeVND + t.OwnerCashVND + t.OwnerInKindVND + t.OwnerLabourVND
	if t.TotalVND > 0 {
		t.ProgrammeShareBps = int32(MulDiv(t.ProgrammeVND, BpsWhole, t.TotalVND))
	}
	return t
}

// Milestone returns the milestone with id, or nil.
func (p Proposal) Milestone(id string) *Milestone {
	for i := range p.Milestones {
		if p.Milestones[i].ID == id {
			return &p.Milestones[i]
		}
	}
	return nil
}

// Line returns the budget line of category, or nil.
func (p Proposal) Line(category string) *BudgetLine {
	for i := range p.BudgetLines {
		if p.BudgetLines[i].Category == category {
			return &p.BudgetLines[i]
		}
	}
	return nil
}

// Participant is a participating household as the registry described it when the project was
// last submitted or approved (no personal identifiers: the facts the rules and reports need).
type Participant struct {
	Household      string `bson:"household"`
	Poverty        string `bson:"poverty"`
	EthnicMinority bool   `bson:"ethnic_minority"`
	WomenHeaded    bool   `bson:"women_headed"`
}

// Participation counts participants by group.
type Participation struct {
	Households, Poor, NearPoor, RecentlyEscaped, NonPoor, EthnicMinority, WomenHeaded int32
}

// Count counts participants by group.
func Count(ps []Participant) Participation {
	var c Participation
	for _, p := range ps {
		c.Households++
		switch p.Poverty {
		case PovertyPoor:
			c.Poor++
		case PovertyNearPoor:
			c.NearPoor++
		case PovertyRecentlyEscaped:
			c.RecentlyEscaped++
		default:
			c.NonPoor++
		}
		if p.EthnicMinority {
			c.EthnicMinority++
		}
		if p.WomenHeaded {
			c.WomenHeaded++
		}
	}
	return c
}

// CriterionScore is one criterion's score.
type CriterionScore struct {
	Criterion string `bson:"criterion"`
	Score     int32  `bson:"score"`
	Comment   string `bson:"comment,omitempty"`
}

// Score is a council member's score of a project.
type Score struct {
	Member   string           `bson:"member"`
	Criteria []CriterionScore `bson:"criteria"`
	Comment  string           `bson:"comment,omitempty"`
	Total    int32            `bson:"total"`
	Time     time.Time        `bson:"time"`
}

// Appraisal is the closed appraisal.
type Appraisal struct {
	ScoredBy     int32     `bson:"scored_by"`
	TotalSum     int64     `bson:"total_sum"`
	MinPassScore int32     `bson:"min_pass_score"`
	Appraiser    string    `bson:"appraiser"`
	Note         string    `bson:"note,omitempty"`
	Time         time.Time `bson:"time"`
}

// Average is the average total score.
func (a Appraisal) Average() float64 {
	if a.ScoredBy == 0 {
		return 0
	}
	return float64(a.TotalSum) / float64(a.ScoredBy)
}

// Passes reports whether the average total score reaches the pass mark (exactly, in integers).
func (a Appraisal) Passes() bool {
	return a.ScoredBy > 0 && a.TotalSum >= int64(a.MinPassScore)*int64(a.ScoredBy)
}

// Decision is the investor's decision on a project.
type Decision struct {
	Approved  bool      `bson:"approved"`
	Reference string    `bson:"reference,omitempty"`
	Reason    string    `bson:"reason,omitempty"`
	Official  string    `bson:"official"`
	Time      time.Time `bson:"time"`
}

// MilestoneStatus is the state of one milestone of an approved project.
type MilestoneStatus struct {
	ID           string `bson:"id"`
	AmountVND    int64  `bson:"amount_vnd"`
	State        string `bson:"state"`
	Disbursement string `bson:"disbursement,omitempty"` // disbursement id
}

// SpendingLine is actual spending of one category.
type SpendingLine struct {
	Category  string `bson:"category"`
	AmountVND int64  `bson:"amount_vnd"`
}

// SpendingReport is a report of actual spending.
type SpendingReport struct {
	ID                string         `bson:"id"`
	Lines             []SpendingLine `bson:"lines"`
	Date              string         `bson:"date"`
	Description       string         `bson:"description,omitempty"`
	DocumentReference string         `bson:"document_reference,omitempty"`
	TotalVND          int64          `bson:"total_vnd"`
	Reporter          string         `bson:"reporter"`
	CreateTime        time.Time      `bson:"create_time"`
}

// Activity is an activity recorded as evidence for a milestone.
type Activity struct {
	ID                string    `bson:"id"`
	Kind              string    `bson:"kind"`
	Milestone         string    `bson:"milestone"`
	Date              string    `bson:"date"`
	Attendance        int32     `bson:"attendance"`
	WomenAttendance   int32     `bson:"women_attendance"`
	Description       string    `bson:"description,omitempty"`
	DocumentReference string    `bson:"document_reference,omitempty"`
	Reporter          string    `bson:"reporter"`
	CreateTime        time.Time `bson:"create_time"`
}

// IndicatorResult is one indicator's computed value.
type IndicatorResult struct {
	Kind                 string `bson:"kind"`
	Target               int64  `bson:"target"`
	Actual               int64  `bson:"actual"`
	Met                  bool   `bson:"met"`
	Explanation          string `bson:"explanation"`
	RequiresConfirmation bool   `bson:"requires_confirmation,omitempty"`
}

// Disbursement is a post-investment disbursement of one milestone's share.
type Disbursement struct {
	ID               string            `bson:"id"`
	Milestone        string            `bson:"milestone"`
	AmountVND        int64             `bson:"amount_vnd"`
	Indicators       []IndicatorResult `bson:"indicators"`
	Limits           Limits            `bson:"limits"`
	VerifiedBy       string            `bson:"verified_by"`
	PaymentReference string            `bson:"payment_reference,omitempty"`
	Note             string            `bson:"note,omitempty"`
	CreateTime       time.Time         `bson:"create_time"`
}

// Amendment is a pending amendment of an approved project.
type Amendment struct {
	Number     int32     `bson:"number"`
	Proposal   Proposal  `bson:"proposal"`
	Reason     string    `bson:"reason"`
	Proposer   string    `bson:"proposer"`
	CreateTime time.Time `bson:"create_time"`
}

// Project is a linkage project.
type Project struct {
	ID    string `bson:"_id"`
	Call  string `bson:"call"`  // calls/{id}
	Owner string `bson:"owner"` // organizations/{id}
	// Copied from the call at creation (immutable there), for scoping and reports.
	Programme            string            `bson:"programme"`
	Investor             string            `bson:"investor"`
	InvestorKind         string            `bson:"investor_kind"`
	InvestorAreaCode     string            `bson:"investor_area_code"`
	InvestorProvinceCode string            `bson:"investor_province_code"`
	Proposal             Proposal          `bson:"proposal"`
	State                string            `bson:"state"`
	StateReason          string            `bson:"state_reason,omitempty"`
	RulebookVersion      string            `bson:"rulebook_version,omitempty"`
	Participants         []Participant     `bson:"participants"`
	Scores               []Score           `bson:"scores"`
	Appraisal            *Appraisal        `bson:"appraisal,omitempty"`
	Decision             *Decision         `bson:"decision,omitempty"`
	ApprovedProgrammeVND int64             `bson:"approved_programme_vnd"`
	ApprovedTotalVND     int64             `bson:"approved_total_vnd"`
	CeilingVND           int64             `bson:"ceiling_vnd"`
	Milestones           []MilestoneStatus `bson:"milestones"`
	Spending             []SpendingReport  `bson:"spending"`
	Activities           []Activity        `bson:"activities"`
	Disbursements        []Disbursement    `bson:"disbursements"`
	DisbursedVND         int64             `bson:"disbursed_vnd"`
	PendingAmendment     *Amendment        `bson:"pending_amendment,omitempty"`
	AmendmentCount       int32             `bson:"amendment_count"`
	CreateTime           time.Time         `bson:"create_time"`
	UpdateTime           time.Time         `bson:"update_time"`
	Version              int64             `bson:"version"`
	Chain                `bson:",inline"`
}

// Name is the project's resource name.
func (p *Project) Name() string { return ProjectName(p.ID) }

// ProjectName is the resource name of project id.
func ProjectName(id string) string { return "projects/" + id }

// MilestoneName is the resource name of a milestone of a project.
func MilestoneName(projectID, milestone string) string {
	return ProjectName(projectID) + "/milestones/" + milestone
}

// Status returns the status of milestone id, or nil.
func (p *Project) Status(id string) *MilestoneStatus {
	for i := range p.Milestones {
		if p.Milestones[i].ID == id {
			return &p.Milestones[i]
		}
	}
	return nil
}

// Disbursement returns the disbursement with id, or nil.
func (p *Project) Disbursement(id string) *Disbursement {
	for i := range p.Disbursements {
		if p.Disbursements[i].ID == id {
			return &p.Disbursements[i]
		}
	}
	return nil
}

// Spent is the actual spending reported per category.
func (p *Project) Spent() map[string]int64 {
	out := map[string]int64{}
	for _, r := range p.Spending {
		for _, l := range r.Lines {
			out[l.Category] += l.AmountVND
		}
	}
	return out
}

// ReportedVND is the actual spending reported in total.
func (p *Project) ReportedVND() int64 {
	var t int64
	for _, r := range p.Spending {
		t += r.TotalVND
	}
	return t
}

// Committed is the programme funding the project holds against its call's budget: the approved
// funding while it is approved or in progress, what was disbursed once it is completed or
// closed, nothing before approval or after rejection.
func (p *Project) Committed() int64 {
	switch p.State {
	case StateApproved, StateInProgress:
		return max(p.ApprovedProgrammeVND, p.DisbursedVND)
	case StateCompleted, StateClosed:
		return p.DisbursedVND
	}
	return 0
}

// Journal returns the call's audit chain and outbox (for storage).
func (c *Call) Journal() *Chain { return &c.Chain }

// Revision returns the call's version counter (for storage).
func (c *Call) Revision() *int64 { return &c.Version }

// Journal returns the project's audit chain and outbox (for storage).
func (p *Project) Journal() *Chain { return &p.Chain }

// Revision returns the project's version counter (for storage).
func (p *Project) Revision() *int64 { return &p.Version }

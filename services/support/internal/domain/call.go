package domain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Apply sets the fields of in that paths names (all of them when paths is nil). A DRAFT call
// takes any change; an OPEN one only its title, description, council and closing date (the
// rules owners applied under stay as they were); a CLOSED one none.
func (c *Call) Apply(in CallInput, paths map[string]bool) error {
	if c.State == CallClosed {
		return apierr.FailedPrecondition("INVALID_STATE", "a CLOSED call cannot change", map[string]string{"state": c.State})
	}
	if c.State == CallOpen {
		for p := range paths {
			if !slices.Contains([]string{"display_name", "description", "council_members", "submission_window.end_date"}, p) {
				return apierr.FailedPrecondition("CALL_OPEN", fmt.Sprintf("%s cannot change once the call is OPEN (display_name, description, council_members and submission_window.end_date can)", p), map[string]string{"state": c.State})
			}
		}
	}
	set := func(p string) bool { return paths == nil || paths[p] }
	if set("display_name") {
		c.DisplayName = in.DisplayName
	}
	if set("description") {
		c.Description = in.Description
	}
	if set("programme") {
		c.Programme = strings.TrimPrefix(in.Programme, "programmes/")
	}
	if set("project_types") {
		c.ProjectTypes = in.ProjectTypes
	}
	if set("budget_vnd") {
		c.BudgetVND = in.BudgetVND
	}
	c.applyRest(in, set)
	return nil
}

func (c *Call) applyRest(in CallInput, set func(string) bool) {
	if set("type_ceilings") {
		c.TypeCeilings = in.TypeCeilings
	}
	if set("category_ceilings") {
		c.CategoryCeilings = in.CategoryCeilings
	}
	if set("submission_window") {
		c.OpenDate = in.OpenDate
	}
	if set("submission_window") || set("submission_window.end_date") {
		c.CloseDate = in.CloseDate
	}
	if set("council_members") {
		c.Council = in.Council
	}
}

// Publish opens a DRAFT call for submissions, recording the programme version in force.
func (c *Call) Publish(version, today string) error {
	if c.State != CallDraft {
		return apierr.FailedPrecondition("INVALID_STATE", "only a DRAFT call can be published; this one is "+c.State, map[string]string{"state": c.State})
	}
	if c.CloseDate < today {
		return apierr.FailedPrecondition("CALL_WINDOW_PASSED", fmt.Sprintf("the submission window closed on %s: set a later closing date first", c.CloseDate), nil)
	}
	c.State, c.ProgrammeVersion = CallOpen, version
	return nil
}

// Close closes an OPEN call for submissions.
func (c *Call) Close(reason string) error {
	if c.State != CallOpen {
		return apierr.FailedPrecondition("INVALID_STATE", "only an OPEN call can be closed; this one is "+c.State, map[string]string{"state": c.State})
	}
	c.State, c.StateReason = CallClosed, reason
	return nil
}

// Reserve sets the programme funding reserved for project against the call's budget. An
// increase that would take the reservations past the budget is refused
// (CALL_BUDGET_EXCEEDED); a decrease always succeeds. It reports whether anything changed.
func (c *Call) Reserve(project string, amount int64) (bool, error) {
	old := c.Commitments[project]
	if amount == old {
		return false, nil
	}
	next := c.CommittedVND - old + amount
	if amount > old && next > c.BudgetVND {
		return false, apierr.FailedPrecondition("CALL_BUDGET_EXCEEDED", fmt.Sprintf("reserving %d VND would commit %d VND of the call's budget of %d VND", amount, next, c.BudgetVND),
			map[string]string{"budget_vnd": fmt.Sprint(c.BudgetVND), "committed_vnd": fmt.Sprint(c.CommittedVND), "requested_vnd": fmt.Sprint(amount)})
	}
	if c.Commitments == nil {
		c.Commitments = map[string]int64{}
	}
	if amount == 0 {
		delete(c.Commitments, project)
	} else {
		c.Commitments[project] = amount
	}
	c.CommittedVND = next
	return true, nil
}

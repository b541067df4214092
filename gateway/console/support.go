package console

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Programme support of linkage projects (the support service) in the console:
//
//   - investor officials (of a commune or province People's Committee) issue calls for
//     proposals, publish and close them, read the projects submitted to them, close the
//     appraisal, approve or reject, evaluate milestones with their indicators and figures in
//     words, verify a milestone (which records its disbursement), and read the call and
//     programme reports;
//   - project owners (cooperatives, businesses) propose projects under open calls, edit and
//     check them against the programme's rules (every finding next to its field), submit them,
//     link their contracts, report spending and record activities, and follow milestones and
//     disbursements;
//   - council members score the projects of the calls they sit on.
//
// Every page asks the support service as the signed-in person; what a page offers to do is a
// hint only: the service decides.

// supportRoutes registers the support pages on m.
func (c *Console) supportRoutes(m *http.ServeMux) {
	b := BasePath
	// Calls for proposals and their reports.
	m.Handle("GET "+b+"/calls", c.page(c.calls))
	m.Handle("GET "+b+"/calls/new", c.page(c.newCall))
	m.Handle("POST "+b+"/calls", c.page(c.createCall))
	m.Handle("GET "+b+"/calls/{id}", c.page(c.callPage))
	m.Handle("POST "+b+"/calls/{id}/{action}", c.page(c.callAction))
	m.Handle("GET "+b+"/calls/{id}/report", c.page(c.callReport))
	m.Handle("GET "+b+"/programmes/{id}/report", c.page(c.programmeReport))
	// Projects: the proposal, its check, the decisions, implementation.
	m.Handle("GET "+b+"/projects", c.page(c.projects))
	m.Handle("GET "+b+"/projects/new", c.page(c.newProject))
	m.Handle("POST "+b+"/projects", c.page(c.createProject))
	m.Handle("GET "+b+"/projects/{id}", c.page(c.projectPage))
	m.Handle("GET "+b+"/projects/{id}/edit", c.page(c.editProject))
	m.Handle("POST "+b+"/projects/{id}/edit", c.page(c.saveProject))
	m.Handle("POST "+b+"/projects/{id}/{action}", c.page(c.projectAction))
	m.Handle("POST "+b+"/projects/{id}/spending", c.page(c.reportSpending))
	m.Handle("POST "+b+"/projects/{id}/activities", c.page(c.recordActivity))
	m.Handle("GET "+b+"/projects/{id}/milestones/{m}", c.page(c.milestonePage))
	m.Handle("POST "+b+"/projects/{id}/milestones/{m}/verify", c.page(c.verifyMilestone))
	// The investment council.
	m.Handle("GET "+b+"/council", c.page(c.council))
	m.Handle("GET "+b+"/projects/{id}/score", c.page(c.scoreForm))
	m.Handle("POST "+b+"/projects/{id}/score", c.page(c.scoreProject))
}

// isOfficial: a commune or province official.
func isOfficial(s *session) bool {
	return s.Role == "commune_official" || s.Role == "province_official"
}

// investorOf: the person acts as an official of the investor authority.
func investorOf(s *session, investor string) bool {
	return isOfficial(s) && s.Authority != "" && s.Authority == investor
}

// owner: the person acts for an organisation that may own projects.
func projectOwnerRole(s *session) bool { return s.Role == "business" || s.Role == "producer" }

// tf translates a text of the Go code and formats it.
func tf(lang, vi string, args ...any) string { return fmt.Sprintf(tr(lang, vi), args...) }

// Enum value lists of the support forms, in the order people choose from them.
var (
	projectTypes = []string{"PROJECT_TYPE_VALUE_CHAIN", "PROJECT_TYPE_LIVELIHOOD", "PROJECT_TYPE_STARTUP_INCUBATION", "PROJECT_TYPE_STARTUP_ACCELERATION", "PROJECT_TYPE_TECHNICAL_ASSISTANCE"}
	categories   = []string{"SUPPORT_CATEGORY_CONSULTING", "SUPPORT_CATEGORY_MACHINERY_INFRASTRUCTURE", "SUPPORT_CATEGORY_SEEDS_INPUTS", "SUPPORT_CATEGORY_TRAINING",
		"SUPPORT_CATEGORY_PACKAGING_LABELS", "SUPPORT_CATEGORY_MARKET_DEVELOPMENT"}
	indicatorKinds = []string{"INDICATOR_KIND_DELIVERED_ACCEPTED_SHARE", "INDICATOR_KIND_HOUSEHOLDS_PAID_IN_FULL", "INDICATOR_KIND_POOR_VALUE_PAID",
		"INDICATOR_KIND_CONTRACTS_WITNESSED", "INDICATOR_KIND_TRAINING_ATTENDANCE"}
	activityKinds = []string{"ACTIVITY_KIND_TRAINING", "ACTIVITY_KIND_DEMONSTRATION", "ACTIVITY_KIND_MARKET_EVENT"}
	projectStates = []string{"PROJECT_STATE_DRAFT", "PROJECT_STATE_SUBMITTED", "PROJECT_STATE_APPRAISED", "PROJECT_STATE_APPROVED", "PROJECT_STATE_REJECTED",
		"PROJECT_STATE_IN_PROGRESS", "PROJECT_STATE_COMPLETED", "PROJECT_STATE_CLOSED"}
)

// chosen keeps the values of list that are among allowed, in allowed's order.
func chosen(list, allowed []string) []string {
	var out []string
	for _, a := range allowed {
		if slices.Contains(list, a) {
			out = append(out, a)
		}
	}
	return out
}

// stateFilter is the filter term of a ?state= parameter, if it names one of states.
func stateFilter(r *http.Request, states []string) (string, string) {
	st := r.URL.Query().Get("state")
	if !slices.Contains(states, st) {
		return "", ""
	}
	return st, fmt.Sprintf("state = %q", st)
}

// trimmed reads a form value without surrounding spaces.
func trimmed(r *http.Request, k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }

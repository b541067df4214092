package usecase

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Reports of linkage contracts. Who sees what: an operator (or a service) any scope; a
// province official their province and its communes; a commune official their commune; a
// business, cooperative or partner key its own organisation's contracts (as buyer or
// producer). Households have no reports (their own deliveries and balance are theirs to see
// under the contract). A report is computed from rollups (see storage: reports.go), never
// from the records: first what is marked and not yet rebuilt is rebuilt, then the nodes of the
// scope are read.

// ReportRequest asks for a report.
type ReportRequest struct {
	// Scope: "national", "adminAreas/{code}", "organizations/{id}", or "" for the caller's own.
	Scope string
	// StartMonth and EndMonth ("YYYY-MM") bound the period; empty: the current year.
	StartMonth, EndMonth string
	// Filter: product, rulebook, linkage_form, province_code, commune_code (= only).
	Filter string
}

// Kinds of report scope.
const (
	ScopeNational     = "NATIONAL"
	ScopeProvince     = "PROVINCE"
	ScopeCommune      = "COMMUNE"
	ScopeOrganization = "ORGANIZATION"
)

// Area levels of a report's area breakdown.
const (
	LevelProvince = "PROVINCE"
	LevelCommune  = "COMMUNE"
)

// ContractReport is a computed report.
type ContractReport struct {
	Scope     string // as resolved: national, adminAreas/{code}, organizations/{id}
	Kind      string // ScopeNational, ...
	AreaLevel string // what ByArea is by: LevelProvince or LevelCommune
	Query     domain.ReportQuery
	Filter    string
	domain.Report
	ComputeTime time.Time
}

// MaxReportMonths bounds a report's period.
const MaxReportMonths = 60

// reportScope is a resolved, authorised scope.
type reportScope struct {
	name, kind string
	province   string // the province of a province or commune scope
	commune    string
	org        string
}

// ReportContracts computes a report for p.
func (s *Service) ReportContracts(ctx context.Context, p auth.Principal, r ReportRequest) (*ContractReport, error) {
	q, err := s.reportQuery(r)
	if err != nil {
		return nil, err
	}
	sc, err := s.reportScope(ctx, p, r.Scope)
	if err != nil {
		return nil, err
	}
	empty := !narrow(&q.Province, sc.province) || !narrow(&q.Commune, sc.commune)
	if q.Commune != "" && q.Province == "" && !empty {
		a, err := s.area(ctx, q.Commune)
		if err != nil {
			return nil, err
		}
		empty = a == nil
		if a != nil {
			q.Province = a.ProvinceCode
		}
	}
	out := &ContractReport{Scope: sc.name, Kind: sc.kind, AreaLevel: LevelCommune, Query: q, Filter: r.Filter, ComputeTime: s.now().UTC()}
	node := ""
	switch {
	case sc.org != "":
		node = storage.OrgNode(sc.org)
	case q.Province != "":
		node = storage.ProvinceNode(q.Province)
	default:
		out.AreaLevel = LevelProvince
	}
	t := domain.NewTally(q, out.AreaLevel == LevelProvince)
	if !empty {
		if err := s.tally(ctx, t, node); err != nil {
			return nil, err
		}
	}
	if out.Report, err = t.Report(); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return out, nil
}

// narrow narrows a query's area to the scope's (false: they contradict, nothing can match).
func narrow(q *string, scope string) bool {
	if scope == "" {
		return true
	}
	if *q != "" && *q != scope {
		return false
	}
	*q = scope
	return true
}

// tally counts a node (a province's or an organisation's), or the whole country when node is
// empty: every province's figures and households (for the area breakdown), and the household
// partitions, which count each household once nationally.
func (s *Service) tally(ctx context.Context, t *domain.Tally, node string) error {
	if err := s.freshen(ctx, func(n string) bool { return n == node || (node == "" && strings.HasPrefix(n, "P/")) }); err != nil {
		return err
	}
	if node != "" {
		n, err := s.refreshNode(ctx, node)
		if err != nil || n == nil {
			return err
		}
		t.AddEntries(n.Rollup.Entries, domain.ByAll)
		t.AddHouseholds(n.Rollup.Participations, domain.ByAll)
		return nil
	}
	return s.st.EachAreaNode(ctx, func(id string, n *storage.NodeState) error {
		if strings.HasPrefix(id, "H/") {
			t.AddHouseholds(n.Rollup.Participations, domain.ByTotal|domain.ByProduct|domain.ByForm|domain.ByMonth)
			return nil
		}
		t.AddEntries(n.Rollup.Entries, domain.ByAll)
		t.AddHouseholds(n.Rollup.Participations, domain.ByArea)
		return nil
	})
}

// monthPattern is a month "YYYY-MM".
var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// reportQuery checks a request's period and filter.
func (s *Service) reportQuery(r ReportRequest) (domain.ReportQuery, error) {
	var v apierr.Violations
	var q domain.ReportQuery
	this := domain.MonthOfTime(s.now())
	from, to := this-this%12, this-this%12+11
	var okFrom, okTo bool
	if r.StartMonth != "" {
		from, okFrom = domain.MonthOf(r.StartMonth)
		v.Check(okFrom && monthPattern.MatchString(r.StartMonth), "start_month", "MONTH", "must be a month YYYY-MM")
	}
	if r.EndMonth != "" {
		to, okTo = domain.MonthOf(r.EndMonth)
		v.Check(okTo && monthPattern.MatchString(r.EndMonth), "end_month", "MONTH", "must be a month YYYY-MM")
	}
	switch {
	case r.StartMonth != "" && r.EndMonth == "":
		to = from - from%12 + 11
	case r.StartMonth == "" && r.EndMonth != "":
		from = to - to%12
	}
	if err := v.Err(); err != nil {
		return q, err
	}
	v.Check(from <= to, "end_month", "PERIOD_ORDER", "must not be before start_month")
	v.Check(to-from < MaxReportMonths, "end_month", "PERIOD_LENGTH", "a report covers at most %d months", MaxReportMonths)
	if err := v.Err(); err != nil {
		return q, err
	}
	q.From, q.To = from, to
	return q, reportFilter(&q, r.Filter)
}

// reportFilterFields are the fields a report filter names.
var reportFilterFields = []string{"product", "rulebook", "linkage_form", "province_code", "commune_code"}

// reportFilter narrows q by filter's terms (= only; a field named twice with two values
// matches nothing, which the query then says).
func reportFilter(q *domain.ReportQuery, filter string) error {
	cs, err := aip.ParseFilter(filter, reportFilterFields...)
	if err != nil {
		return err
	}
	for _, c := range cs {
		if c.Op != "=" {
			return apierr.Field("filter", "FILTER_OPERATOR", "reports filter with = only (%s %s)", c.Field, c.Op)
		}
		val := c.Value
		if c.Field == "linkage_form" {
			val = enumValue(val, "LINKAGE_FORM_")
			if !slices.Contains(domain.LinkageForms, val) {
				return apierr.Field("filter", "FILTER_VALUE", "linkage_form cannot be %q (accepted: LINKAGE_FORM_%s)", c.Value, strings.Join(domain.LinkageForms, ", LINKAGE_FORM_"))
			}
		}
		field := map[string]*string{"product": &q.Product, "rulebook": &q.Rulebook, "linkage_form": &q.Form, "province_code": &q.Province, "commune_code": &q.Commune}[c.Field]
		if *field != "" && *field != val {
			val = "\x00" // contradicting terms: a value no dims hold
		}
		*field = val
	}
	return nil
}

// defaultScope is the caller's own report scope ("" when it has none).
func defaultScope(p auth.Principal) string {
	switch {
	case p.Privileged():
		return "national"
	case p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial):
		return "adminAreas/" + p.AdminArea
	case p.Is(auth.RoleBusiness, auth.RoleProducer, auth.RolePartner):
		return p.Organization
	}
	return ""
}

// reportScope resolves and authorises a report scope.
func (s *Service) reportScope(ctx context.Context, p auth.Principal, scope string) (reportScope, error) {
	if scope == "" {
		if scope = defaultScope(p); scope == "" {
			return reportScope{}, apierr.PermissionDenied("role " + string(p.Role) + " has no reports")
		}
	}
	denied := apierr.PermissionDenied("a report of " + scope + " is not yours to see")
	switch {
	case scope == "national":
		if !p.Privileged() {
			return reportScope{}, denied
		}
		return reportScope{name: scope, kind: ScopeNational}, nil
	case strings.HasPrefix(scope, "organizations/"):
		if _, err := aip.ParseName("scope", scope, "organizations"); err != nil {
			return reportScope{}, err
		}
		if !p.Privileged() && !p.ActsFor(scope) {
			return reportScope{}, denied
		}
		return reportScope{name: scope, kind: ScopeOrganization, org: scope}, nil
	case strings.HasPrefix(scope, "adminAreas/"):
		return s.areaScope(ctx, p, scope, denied)
	}
	return reportScope{}, apierr.Field("scope", "REPORT_SCOPE", "must be national, adminAreas/{code} or organizations/{id}")
}

// areaScope resolves a province or commune scope: a province's officials see it and its
// communes, a commune's officials their commune.
func (s *Service) areaScope(ctx context.Context, p auth.Principal, scope string, denied error) (reportScope, error) {
	ids, err := aip.ParseName("scope", scope, "adminAreas")
	if err != nil {
		return reportScope{}, err
	}
	code := ids[0]
	if !p.Privileged() && !p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial) {
		return reportScope{}, denied
	}
	a, err := s.area(ctx, code)
	if err != nil {
		return reportScope{}, err
	}
	if a == nil {
		return reportScope{}, apierr.NotFound(scope)
	}
	sc := reportScope{name: scope, kind: ScopeCommune, province: a.ProvinceCode, commune: code}
	if a.Level == "PROVINCE" {
		sc.kind, sc.commune = ScopeProvince, ""
	}
	switch {
	case p.Privileged(),
		p.Is(auth.RoleProvinceOfficial) && p.AdminArea == sc.province,
		p.Is(auth.RoleCommuneOfficial) && sc.kind == ScopeCommune && p.AdminArea == code:
		return sc, nil
	}
	return reportScope{}, denied
}

// area is what the registry says of an administrative area, cached (areas do not change
// while a process runs; an unknown area is asked again).
func (s *Service) area(ctx context.Context, code string) (*domain.AreaFact, error) {
	if a, ok := s.areas.Load(code); ok {
		return a.(*domain.AreaFact), nil
	}
	a, err := s.registry.Area(ctx, code)
	if err != nil || a == nil {
		return nil, err
	}
	s.areas.Store(code, a)
	return a, nil
}

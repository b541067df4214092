// Package reportscope holds what every Lienket report shares: its scope ("national",
// "adminAreas/{code}" — a province or a commune — or "organizations/{id}"), who may see it, the
// caller's own scope when none is named, its period in months, and its filter (`=` terms
// only). Services decide with it and count on their own data.
package reportscope

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Kind is what a scope covers.
type Kind string

// Kinds of scope.
const (
	National     Kind = "NATIONAL"
	Province     Kind = "PROVINCE"
	Commune      Kind = "COMMUNE"
	Organization Kind = "ORGANIZATION"
)

// Scope is a resolved and authorised report scope.
type Scope struct {
	Name     string // national, adminAreas/{code}, organizations/{id}
	Kind     Kind
	Province string // the province of a province or commune scope
	Commune  string // the commune of a commune scope
	Org      string // the organisation of an organisation scope
}

// Area is what the registry says of an administrative area: whether it is a province, and
// the province it lies in (itself for a province).
type Area struct {
	IsProvince   bool
	ProvinceCode string
}

// AreaFunc describes area code (nil when the registry does not know it).
type AreaFunc func(ctx context.Context, code string) (*Area, error)

// Default is the caller's own scope: the country for operators and services, an official's
// area, an organisation's own; "" for a role without reports (households).
func Default(p auth.Principal) string {
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

// Resolve resolves scope ("" is the caller's own) and authorises p: operators and services
// see any scope; a province's officials the province and its communes; a commune's officials
// their commune; an organisation's users and partner keys the organisation. Anything else is
// PERMISSION_DENIED; an unknown area NOT_FOUND; a malformed scope INVALID_ARGUMENT (field
// scope, rule REPORT_SCOPE).
func Resolve(ctx context.Context, p auth.Principal, scope string, area AreaFunc) (Scope, error) {
	if scope == "" {
		if scope = Default(p); scope == "" {
			return Scope{}, apierr.PermissionDenied("role " + string(p.Role) + " has no reports")
		}
	}
	denied := apierr.PermissionDenied("a report of " + scope + " is not yours to see")
	switch {
	case scope == "national":
		if !p.Privileged() {
			return Scope{}, denied
		}
		return Scope{Name: scope, Kind: National}, nil
	case strings.HasPrefix(scope, "organizations/"):
		if _, err := aip.ParseName("scope", scope, "organizations"); err != nil {
			return Scope{}, err
		}
		if !p.Privileged() && !p.ActsFor(scope) {
			return Scope{}, denied
		}
		return Scope{Name: scope, Kind: Organization, Org: scope}, nil
	case strings.HasPrefix(scope, "adminAreas/"):
		return areaScope(ctx, p, scope, area, denied)
	}
	return Scope{}, apierr.Field("scope", "REPORT_SCOPE", "must be national, adminAreas/{code} or organizations/{id}")
}

func areaScope(ctx context.Context, p auth.Principal, scope string, area AreaFunc, denied error) (Scope, error) {
	ids, err := aip.ParseName("scope", scope, "adminAreas")
	if err != nil {
		return Scope{}, err
	}
	code := ids[0]
	if !p.Privileged() && !p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial) {
		return Scope{}, denied
	}
	a, err := area(ctx, code)
	if err != nil {
		return Scope{}, err
	}
	if a == nil {
		return Scope{}, apierr.NotFound(scope)
	}
	sc := Scope{Name: scope, Kind: Commune, Province: a.ProvinceCode, Commune: code}
	if a.IsProvince {
		sc.Kind, sc.Commune = Province, ""
	}
	switch {
	case p.Privileged(),
		p.Is(auth.RoleProvinceOfficial) && p.AdminArea == sc.Province,
		p.Is(auth.RoleCommuneOfficial) && sc.Kind == Commune && p.AdminArea == code:
		return sc, nil
	}
	return Scope{}, denied
}

// MaxMonths bounds a report's period.
const MaxMonths = 60

// Period is a report's months, "YYYY-MM", first and last included.
type Period struct {
	From, To string
}

// month is a month counted from year 0.
type month int

func (m month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }

var monthPattern = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])$`)

func parseMonth(v *apierr.Violations, field, s string) month {
	m := monthPattern.FindStringSubmatch(s)
	if m == nil {
		v.Add(field, "MONTH", "must be a month YYYY-MM")
		return 0
	}
	var y, mo int
	_, _ = fmt.Sscanf(m[1]+" "+m[2], "%d %d", &y, &mo)
	return month(y*12 + mo - 1)
}

// ParsePeriod reads a report's start and end months (INVALID_ARGUMENT on start_month or
// end_month, rules MONTH, PERIOD_ORDER, PERIOD_LENGTH). Without them the period is the year of
// the one given, or the current year in Asia/Ho_Chi_Minh.
func ParsePeriod(now time.Time, start, end string) (Period, error) {
	var v apierr.Violations
	t := now.In(vn.Zone)
	this := month(t.Year()*12 + int(t.Month()) - 1)
	from, to := this-this%12, this-this%12+11
	if start != "" {
		from = parseMonth(&v, "start_month", start)
	}
	if end != "" {
		to = parseMonth(&v, "end_month", end)
	}
	if err := v.Err(); err != nil {
		return Period{}, err
	}
	switch {
	case start != "" && end == "":
		to = from - from%12 + 11
	case start == "" && end != "":
		from = to - to%12
	}
	v.Check(from <= to, "end_month", "PERIOD_ORDER", "must not be before start_month")
	v.Check(to-from < MaxMonths, "end_month", "PERIOD_LENGTH", "a report covers at most %d months", MaxMonths)
	if err := v.Err(); err != nil {
		return Period{}, err
	}
	return Period{From: from.String(), To: to.String()}, nil
}

// Contradiction is the value a filter field takes when it names two different values: no
// data holds it, so nothing matches.
const Contradiction = "\x00"

// ParseFilter reads a report filter: `=` terms on fields (INVALID_ARGUMENT on filter,
// FILTER_SYNTAX, FILTER_OPERATOR, or FILTER_VALUE when a value is not one of its field's).
// It returns the value of each field named.
func ParseFilter(filter string, fields ...aip.FilterField) (map[string]string, error) {
	cs, err := aip.ParseFilterFields(filter, fields...)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, c := range cs {
		if c.Op != "=" {
			return nil, apierr.Field("filter", "FILTER_OPERATOR", "reports filter with = only (%s %s)", c.Field, c.Op)
		}
		if cur, ok := out[c.Field]; ok && cur != c.Value {
			out[c.Field] = Contradiction
			continue
		}
		out[c.Field] = c.Value
	}
	return out, nil
}

// Narrow narrows a filter's area value to the scope's (false: they contradict, nothing can
// match).
func Narrow(q *string, scope string) bool {
	if scope == "" {
		return true
	}
	if *q != "" && *q != scope {
		return false
	}
	*q = scope
	return true
}

package usecase

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/reportscope"
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

// Area levels of a report's area breakdown.
const (
	LevelProvince = "PROVINCE"
	LevelCommune  = "COMMUNE"
)

// ContractReport is a computed report.
type ContractReport struct {
	Scope     string // as resolved: national, adminAreas/{code}, organizations/{id}
	Kind      reportscope.Kind
	AreaLevel string // what ByArea is by: LevelProvince or LevelCommune
	Query     domain.ReportQuery
	Filter    string
	domain.Report
	ComputeTime time.Time
}

// ReportContracts computes a report for p.
func (s *Service) ReportContracts(ctx context.Context, p auth.Principal, r ReportRequest) (*ContractReport, error) {
	q, err := s.reportQuery(r)
	if err != nil {
		return nil, err
	}
	sc, err := reportscope.Resolve(ctx, p, r.Scope, s.reportArea)
	if err != nil {
		return nil, err
	}
	empty := !reportscope.Narrow(&q.Province, sc.Province) || !reportscope.Narrow(&q.Commune, sc.Commune)
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
	out := &ContractReport{Scope: sc.Name, Kind: sc.Kind, AreaLevel: LevelCommune, Query: q, Filter: r.Filter, ComputeTime: s.now().UTC()}
	node := ""
	switch {
	case sc.Org != "":
		node = storage.OrgNode(sc.Org)
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

// reportQuery checks a request's period and filter.
func (s *Service) reportQuery(r ReportRequest) (domain.ReportQuery, error) {
	var q domain.ReportQuery
	per, err := reportscope.ParsePeriod(s.now(), r.StartMonth, r.EndMonth)
	if err != nil {
		return q, err
	}
	q.From, _ = domain.MonthOf(per.From)
	q.To, _ = domain.MonthOf(per.To)
	forms := append([]string(nil), domain.LinkageForms...)
	for _, f := range domain.LinkageForms {
		forms = append(forms, "LINKAGE_FORM_"+f)
	}
	terms, err := reportscope.ParseFilter(r.Filter, aip.AnyValue("product"), aip.AnyValue("rulebook"), aip.OneOf("linkage_form", forms...),
		aip.AnyValue("province_code"), aip.AnyValue("commune_code"))
	if err != nil {
		return q, err
	}
	q.Product, q.Rulebook, q.Form = terms["product"], terms["rulebook"], enumValue(terms["linkage_form"], "LINKAGE_FORM_")
	q.Province, q.Commune = terms["province_code"], terms["commune_code"]
	return q, nil
}

// reportArea describes an area for reportscope.
func (s *Service) reportArea(ctx context.Context, code string) (*reportscope.Area, error) {
	a, err := s.area(ctx, code)
	if err != nil || a == nil {
		return nil, err
	}
	return &reportscope.Area{IsProvince: a.Level == "PROVINCE", ProvinceCode: a.ProvinceCode}, nil
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

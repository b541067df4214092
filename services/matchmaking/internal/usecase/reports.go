package usecase

import (
	"context"
	"strings"
	"time"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/reportscope"
)

// DemandReportRequest asks for a report on demands.
type DemandReportRequest struct {
	Scope, StartMonth, EndMonth, Filter string
}

// DemandReport is a computed report on demands.
type DemandReport struct {
	Scope      string
	Period     reportscope.Period
	Filter     string
	ByProvince bool
	domain.DemandReport
	ComputeTime time.Time
}

// ReportDemands reports on the demands posted in a period over a scope p may see (see
// reportscope): an area's are those delivered there, an organisation's those it posted.
func (u *Service) ReportDemands(ctx context.Context, p auth.Principal, r DemandReportRequest) (*DemandReport, error) {
	per, err := reportscope.ParsePeriod(u.now(), r.StartMonth, r.EndMonth)
	if err != nil {
		return nil, err
	}
	terms, err := reportscope.ParseFilter(r.Filter, aip.AnyValue("product"), aip.AnyValue("province_code"), aip.AnyValue("commune_code"))
	if err != nil {
		return nil, err
	}
	sc, err := reportscope.Resolve(ctx, p, r.Scope, u.reportArea)
	if err != nil {
		return nil, err
	}
	f := storage.DemandReportFilter{Product: terms["product"], Province: terms["province_code"], Commune: terms["commune_code"], Buyer: sc.Org}
	empty := !reportscope.Narrow(&f.Province, sc.Province) || !reportscope.Narrow(&f.Commune, sc.Commune)
	out := &DemandReport{Scope: sc.Name, Period: per, Filter: r.Filter, ByProvince: sc.Kind == reportscope.National && f.Province == "" && f.Commune == "", ComputeTime: u.now().UTC()}
	var ds []domain.Demand
	if !empty {
		if f.From, err = domain.MonthStart(per.From); err != nil {
			return nil, err
		}
		if f.To, err = domain.MonthStart(per.To); err != nil {
			return nil, err
		}
		f.To = f.To.AddDate(0, 1, 0)
		if ds, err = u.st.DemandsForReport(ctx, f); err != nil {
			return nil, err
		}
	}
	out.DemandReport = domain.ReportDemands(ds, per.From, per.To, out.ByProvince)
	return out, nil
}

// reportArea describes an area for reportscope.
func (u *Service) reportArea(ctx context.Context, code string) (*reportscope.Area, error) {
	a, err := u.registry.AdminArea(ctx, code)
	if err != nil || a == nil {
		return nil, err
	}
	if !a.Commune {
		return &reportscope.Area{IsProvince: true, ProvinceCode: code}, nil
	}
	return &reportscope.Area{ProvinceCode: strings.TrimPrefix(a.ParentCode, "adminAreas/")}, nil
}

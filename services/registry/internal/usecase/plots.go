package usecase

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// maxPlotsSummed bounds the plots of one household summed into its cultivated areas.
const maxPlotsSummed = 500

// PlotInput is a plot as requested: the plot (nil: none), its GeoJSON geometry and the number
// of its land-use document.
type PlotInput struct {
	Plot              *domain.Plot
	Geometry          []byte
	CertificateNumber string
}

// CreatePlot records a production plot of a household: operators, the household itself and
// the producer organisations it belongs to. The plot must lie in the household's commune. A
// retry with the same request id returns the first result.
func (r *Registry) CreatePlot(ctx context.Context, p auth.Principal, parent string, in PlotInput, requestID string) (*domain.Plot, error) {
	h, err := r.getHousehold(ctx, p, "parent", parent)
	if err != nil {
		return nil, err
	}
	if ok, err := r.mayManageHousehold(ctx, p, h); err != nil {
		return nil, err
	} else if !ok {
		return nil, apierr.PermissionDenied("only operators, the household and its organisations may record its plots")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("plot", in.Plot != nil) {
		return nil, v.Err()
	}
	pl := in.Plot
	if a, ok := r.ref.AdminArea(h.CommuneCode); ok && a.Retired {
		v.Add("parent", "ADMIN_AREA_RETIRED", "the household's commune %s is no longer in the official list: move the household first", h.CommuneCode)
	}
	domain.ValidatePlot(&v, r.ref, "plot", pl, in.Geometry, h.CommuneCode)
	if in.CertificateNumber != "" {
		nid, err := domain.ProtectLandUseNumber(in.CertificateNumber, r.idKey)
		if err != nil {
			v.Add("plot.land_use_certificate_number", "LAND_USE_NUMBER_FORMAT", "%s", err.Error())
		}
		pl.CertificateHash, pl.CertificateLast4 = nid.Hash, nid.Last4
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	pl.Household, pl.CommuneCode = householdName(h.ID), h.CommuneCode
	pl.ID = h.ID + "/" + aip.IDForRequest("CreatePlot\x00"+p.Subject+"\x00"+parent, requestID)
	pl.Created(r.now().UTC())
	stored, _, err := r.st.Plots.Insert(ctx, pl.ID, pl)
	if err != nil {
		return nil, fmt.Errorf("insert plot: %w", err)
	}
	return stored, r.sumPlots(ctx, h.ID)
}

// sumPlots records on household its area per product from its plots (a plot of several
// products counts for each: intercropping).
func (r *Registry) sumPlots(ctx context.Context, household string) error {
	plots, _, err := r.st.Plots.List(ctx, []storage.Cond{storage.Eq("household", householdName(household))}, storage.Page{Limit: maxPlotsSummed})
	if err != nil {
		return fmt.Errorf("list plots: %w", err)
	}
	byProduct := map[string]float64{}
	var order []string
	for _, pl := range plots {
		for _, prod := range pl.Products {
			if _, seen := byProduct[prod]; !seen {
				order = append(order, prod)
			}
			byProduct[prod] += pl.AreaHa
		}
	}
	areas := make([]domain.CultivatedArea, 0, len(order))
	for _, prod := range order {
		areas = append(areas, domain.CultivatedArea{Product: prod, AreaM2: int64(math.Round(byProduct[prod] * 10_000))})
	}
	if err := r.st.SetPlotAreas(ctx, household, areas); err != nil {
		return fmt.Errorf("record plot areas: %w", err)
	}
	return nil
}

// getPlot loads a plot whose household the caller may see; otherwise it does not exist.
func (r *Registry) getPlot(ctx context.Context, p auth.Principal, name string) (*domain.Plot, *domain.Household, error) {
	pl, err := get(ctx, r.st.Plots, "name", name, "households", "plots")
	if err != nil {
		return nil, nil, err
	}
	h, err := r.getHousehold(ctx, p, "name", pl.Household)
	if err != nil {
		if apierr.Reason(err) == "RESOURCE_NOT_FOUND" {
			return nil, nil, apierr.NotFound(name)
		}
		return nil, nil, err
	}
	return pl, h, nil
}

// GetPlot returns a plot to those who may see its household (and to services).
func (r *Registry) GetPlot(ctx context.Context, p auth.Principal, name string) (*domain.Plot, error) {
	pl, _, err := r.getPlot(ctx, p, name)
	return pl, err
}

// ListPlots lists a household's plots (filter: product).
func (r *Registry) ListPlots(ctx context.Context, p auth.Principal, parent string, in ListInput) (Page[domain.Plot], error) {
	cs, where, err := filter(in.Filter, nil, "product")
	if err != nil {
		return Page[domain.Plot]{}, err
	}
	if _, err := r.getHousehold(ctx, p, "parent", parent); err != nil {
		return Page[domain.Plot]{}, err
	}
	where = append(where, storage.Eq("household", parent))
	return page(in, "plots\x00"+parent+"\x00"+aip.String(cs), func(pg storage.Page) ([]domain.Plot, bool, error) { return r.st.Plots.List(ctx, where, pg) },
		func(pl *domain.Plot) string { return pl.ID })
}

// DeletePlot removes a plot: operators, the household and its organisations.
func (r *Registry) DeletePlot(ctx context.Context, p auth.Principal, name, etag string) error {
	pl, h, err := r.getPlot(ctx, p, name)
	if err != nil {
		return err
	}
	if ok, err := r.mayManageHousehold(ctx, p, h); err != nil {
		return err
	} else if !ok {
		return apierr.PermissionDenied("only operators, the household and its organisations may remove its plots")
	}
	if err := aip.CheckEtag("etag", etag, pl.Version, name); err != nil {
		return err
	}
	if err := remove(ctx, r.st.Plots, pl.ID, pl.Version, name); err != nil {
		return err
	}
	return r.sumPlots(ctx, strings.TrimPrefix(pl.Household, "households/"))
}

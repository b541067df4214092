package usecase

import (
	"context"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/auth"
)

// ExportContractPlots returns the GeoJSON FeatureCollection of the plots the contract's
// allocations name, to those who may read the contract; a household sees its own plots only.
func (s *Service) ExportContractPlots(ctx context.Context, p auth.Principal, name string) (map[string]any, error) {
	c, err := s.load(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	view := *c
	view.Terms.Allocations = nil
	var names []string
	for _, a := range c.Terms.Allocations {
		if p.Is(auth.RoleHousehold) && a.Household != p.Household {
			continue
		}
		view.Terms.Allocations = append(view.Terms.Allocations, a)
		names = append(names, a.Plots...)
	}
	plots, err := s.registry.Plots(ctx, names)
	if err != nil {
		return nil, err
	}
	return domain.PlotFeatures(&view, plots), nil
}

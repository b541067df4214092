package domain

import (
	"encoding/json"
	"strings"
)

// ProducerCountry is the country of production of every plot (ISO 3166-1 alpha-2).
const ProducerCountry = "VN"

// PlotFeatures is the GeoJSON FeatureCollection of the plots c's allocations name, as plots
// describes them (a plot the registry no longer knows is left out): one Feature per plot with
// the properties a due-diligence statement (EU Regulation 2023/1115) needs — the country of
// production, the area, the products — and the contract's commodity and the quantity
// allocated to the plot's household. No personal data of the household is included.
func PlotFeatures(c *Contract, plots map[string]PlotFact) map[string]any {
	features := []any{}
	for _, a := range c.Terms.Allocations {
		for _, name := range a.Plots {
			p, ok := plots[name]
			if !ok {
				continue
			}
			var geometry any
			if json.Unmarshal([]byte(p.Geometry), &geometry) != nil {
				continue
			}
			features = append(features, map[string]any{
				"type": "Feature", "id": name, "geometry": geometry,
				"properties": map[string]any{
					"plot": name, "producer_country": ProducerCountry, "area_ha": p.AreaHa, "declared_area_ha": p.DeclaredAreaHa,
					"products": strings.Join(p.Products, ","), "commodity": c.Terms.Product, "commune_code": p.CommuneCode,
					"contract": ContractName(c.ID), "allocated_quantity": float64(a.Quantity),
				},
			})
		}
	}
	return map[string]any{"type": "FeatureCollection", "features": features}
}

package usecase

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// CreateAuthority registers a People's Committee (operators); a nil a means the request had
// none. A retry with the same request id returns the first result.
func (r *Registry) CreateAuthority(ctx context.Context, p auth.Principal, a *domain.Authority, requestID string) (*domain.Authority, error) {
	if err := requireRole(p, auth.RoleAdmin); err != nil {
		return nil, err
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("authority", a != nil) {
		return nil, v.Err()
	}
	domain.ValidateAuthority(&v, r.ref, "authority", a)
	if err := v.Err(); err != nil {
		return nil, err
	}
	a.ID = aip.IDForRequest("CreateAuthority\x00"+p.Subject, requestID)
	a.CreateTime, a.Version = r.now().UTC(), 1
	stored, _, err := r.st.Authorities.Insert(ctx, a.ID, a)
	if err != nil {
		return nil, fmt.Errorf("insert authority: %w", err)
	}
	return stored, nil
}

// GetAuthority returns an authority (public information).
func (r *Registry) GetAuthority(ctx context.Context, _ auth.Principal, name string) (*domain.Authority, error) {
	return get(ctx, r.st.Authorities, "name", name, "authorities")
}

// ListAuthorities lists authorities (filter: kind, admin_area_code).
func (r *Registry) ListAuthorities(ctx context.Context, _ auth.Principal, in ListInput) (Page[domain.Authority], error) {
	cs, where, err := filter(in.Filter, map[string]enum{"kind": {"KIND_", []string{domain.AuthorityCommune, domain.AuthorityProvince}}}, "kind", "admin_area_code")
	if err != nil {
		return Page[domain.Authority]{}, err
	}
	if err := aip.RequireEquality(cs, "kind", "admin_area_code"); err != nil {
		return Page[domain.Authority]{}, err
	}
	return page(in, "authorities\x00"+aip.String(cs), func(pg storage.Page) ([]domain.Authority, bool, error) { return r.st.Authorities.List(ctx, where, pg) },
		func(a *domain.Authority) string { return a.ID })
}

// reference looks code up in the reference data: INVALID_ARGUMENT for a malformed name,
// NOT_FOUND for an unknown code.
func reference[T any](name, collection string, lookup func(string) (T, bool)) (*T, error) {
	ids, err := aip.ParseName("name", name, collection)
	if err != nil {
		return nil, err
	}
	x, ok := lookup(ids[0])
	if !ok {
		return nil, apierr.NotFound(name)
	}
	return &x, nil
}

// GetAdminArea returns an administrative area.
func (r *Registry) GetAdminArea(_ context.Context, _ auth.Principal, name string) (*domain.AdminArea, error) {
	return reference(name, "adminAreas", r.ref.AdminArea)
}

// ListAdminAreas lists the current administrative units (filter: level, parent_code), or with
// retired = true the units a newer official file no longer lists.
func (r *Registry) ListAdminAreas(ctx context.Context, _ auth.Principal, in ListInput) (Page[domain.AdminArea], error) {
	cs, err := aip.ParseFilterFields(in.Filter, aip.OneOfEnum("level", "LEVEL_", domain.LevelProvince, domain.LevelDistrict, domain.LevelCommune),
		aip.AnyValue("parent_code"), aip.OneOf("retired", "true", "false"))
	if err != nil {
		return Page[domain.AdminArea]{}, err
	}
	var rest []aip.Condition
	retired := false
	for _, c := range cs {
		if c.Field == "retired" {
			retired = (c.Value == "true") == (c.Op == "=")
			continue
		}
		rest = append(rest, c)
	}
	where, err := conds(rest, map[string]string{"level": "LEVEL_"})
	if err != nil {
		return Page[domain.AdminArea]{}, err
	}
	return page(in, "areas\x00"+aip.String(cs), func(pg storage.Page) ([]domain.AdminArea, bool, error) {
		return r.st.ListAreas(ctx, where, retired, pg)
	},
		func(a *domain.AdminArea) string { return a.Code })
}

// GetProduct returns a product.
func (r *Registry) GetProduct(_ context.Context, _ auth.Principal, name string) (*domain.Product, error) {
	return reference(name, "products", r.ref.Product)
}

// ListProducts lists products (filter: category).
func (r *Registry) ListProducts(ctx context.Context, _ auth.Principal, in ListInput) (Page[domain.Product], error) {
	cs, where, err := filter(in.Filter, map[string]enum{"category": {"PRODUCT_CATEGORY_", []string{"CROP", "LIVESTOCK", "FORESTRY", "AQUACULTURE", "HANDICRAFT"}}}, "category")
	if err != nil {
		return Page[domain.Product]{}, err
	}
	return page(in, "products\x00"+aip.String(cs), func(pg storage.Page) ([]domain.Product, bool, error) { return r.st.Products.List(ctx, where, pg) },
		func(p *domain.Product) string { return p.Code })
}

// GetStandard returns a quality or production standard.
func (r *Registry) GetStandard(_ context.Context, _ auth.Principal, name string) (*domain.Standard, error) {
	return reference(name, "standards", r.ref.Standard)
}

// ListStandards lists the standards.
func (r *Registry) ListStandards(ctx context.Context, _ auth.Principal, in ListInput) (Page[domain.Standard], error) {
	return page(in, "standards", func(pg storage.Page) ([]domain.Standard, bool, error) { return r.st.Standards.List(ctx, nil, pg) },
		func(s *domain.Standard) string { return s.Code })
}

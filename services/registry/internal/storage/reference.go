package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/lienket/lienket/services/registry/data"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// RefCache is the reference data in memory (it is small and read on every validation). It is
// built once at start-up and only read afterwards.
type RefCache struct {
	areas     map[string]domain.AdminArea
	products  map[string]domain.Product
	standards map[string]domain.Standard
}

// AdminArea implements domain.RefData.
func (r *RefCache) AdminArea(code string) (domain.AdminArea, bool) {
	a, ok := r.areas[code]
	return a, ok
}

// Product implements domain.RefData.
func (r *RefCache) Product(code string) (domain.Product, bool) {
	p, ok := r.products[code]
	return p, ok
}

// Standard implements domain.RefData.
func (r *RefCache) Standard(code string) (domain.Standard, bool) {
	s, ok := r.standards[code]
	return s, ok
}

// referenceFiles are the shipped reference data, decoded.
type referenceFiles struct {
	Areas     []domain.AdminArea `json:"areas"`
	Products  []domain.Product   `json:"products"`
	Standards []domain.Standard  `json:"standards"`
}

func readReferenceFiles(adminAreasFile string) (*referenceFiles, error) {
	areasJSON := data.AdminAreas
	if adminAreasFile != "" {
		b, err := os.ReadFile(adminAreasFile)
		if err != nil {
			return nil, fmt.Errorf("ADMIN_AREAS_FILE: %w", err)
		}
		areasJSON = b
	}
	var f referenceFiles
	for _, x := range []struct {
		name string
		b    []byte
	}{{"admin areas", areasJSON}, {"products", data.Products}, {"standards", data.Standards}} {
		if err := json.Unmarshal(x.b, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", x.name, err)
		}
	}
	return &f, nil
}

// cache checks the admin areas (known levels, code and name, every parent present) and indexes
// everything by code.
func (f *referenceFiles) cache() (*RefCache, error) {
	rc := &RefCache{areas: map[string]domain.AdminArea{}, products: map[string]domain.Product{}, standards: map[string]domain.Standard{}}
	for _, a := range f.Areas {
		switch a.Level {
		case domain.LevelProvince, domain.LevelDistrict, domain.LevelCommune:
		default:
			return nil, fmt.Errorf("admin area %q: unknown level %q", a.Code, a.Level)
		}
		if a.Code == "" || a.Name == "" {
			return nil, fmt.Errorf("admin area without code or name: %+v", a)
		}
		rc.areas[a.Code] = a
	}
	for _, a := range f.Areas {
		if _, ok := rc.areas[a.ParentCode]; !ok && a.Level != domain.LevelProvince {
			return nil, fmt.Errorf("admin area %q: parent %q missing", a.Code, a.ParentCode)
		}
	}
	for _, p := range f.Products {
		rc.products[p.Code] = p
	}
	for _, st := range f.Standards {
		rc.standards[st.Code] = st
	}
	return rc, nil
}

// LoadReferenceData reads the shipped data files (adminAreasFile, when set, replaces the
// shipped admin-area sample, e.g. with a full national file in the same format), validates
// them, upserts them into the store (idempotent) and returns the in-memory cache.
func (s *Store) LoadReferenceData(ctx context.Context, adminAreasFile string) (*RefCache, error) {
	f, err := readReferenceFiles(adminAreasFile)
	if err != nil {
		return nil, err
	}
	rc, err := f.cache()
	if err != nil {
		return nil, err
	}
	if err := upsertAll(ctx, s.Areas, f.Areas, func(a *domain.AdminArea) string { return a.Code }); err != nil {
		return nil, err
	}
	if err := upsertAll(ctx, s.Products, f.Products, func(p *domain.Product) string { return p.Code }); err != nil {
		return nil, err
	}
	if err := upsertAll(ctx, s.Standards, f.Standards, func(st *domain.Standard) string { return st.Code }); err != nil {
		return nil, err
	}
	return rc, nil
}

func upsertAll[T any](ctx context.Context, t Table[T], docs []T, key func(*T) string) error {
	for i := range docs {
		if err := t.repo.Upsert(ctx, key(&docs[i]), &docs[i]); err != nil {
			return fmt.Errorf("reference data %s: %w", t.repo.C.Name(), err)
		}
	}
	return nil
}

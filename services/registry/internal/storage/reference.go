package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/lienket/lienket/services/registry/data"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// RefCache is the reference data in memory (it is small and read on every validation). It is
// built once at start-up and only read afterwards.
type RefCache struct {
	areas     map[string]domain.AdminArea
	products  map[string]domain.Product
	standards map[string]domain.Standard
	shapes    sync.Map // code → orb.Geometry, parsed on first use
}

// Boundary implements domain.RefData: the area's boundary, parsed from the file's GeoJSON on
// first use (a start parses none of the 3,321).
func (r *RefCache) Boundary(code string) (orb.Geometry, bool) {
	if g, ok := r.shapes.Load(code); ok {
		return g.(orb.Geometry), true
	}
	a, ok := r.areas[code]
	if !ok || a.Boundary == "" {
		return nil, false
	}
	g, err := geojson.UnmarshalGeometry([]byte(a.Boundary))
	if err != nil || g.Coordinates == nil {
		return nil, false
	}
	r.shapes.Store(code, g.Coordinates)
	return g.Coordinates, true
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

// referenceFiles are the reference data, decoded: the admin-unit file (with the digest of
// its bytes), products and standards.
type referenceFiles struct {
	areas     areaFile
	digest    string
	Products  []domain.Product  `json:"products"`
	Standards []domain.Standard `json:"standards"`
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
	if err := json.Unmarshal(areasJSON, &f.areas); err != nil {
		return nil, fmt.Errorf("admin areas: %w", err)
	}
	sum := sha256.Sum256(append([]byte(areaSchema+"\x00"), areasJSON...))
	f.digest = hex.EncodeToString(sum[:])
	for _, x := range []struct {
		name string
		b    []byte
	}{{"products", data.Products}, {"standards", data.Standards}} {
		if err := json.Unmarshal(x.b, &f); err != nil {
			return nil, fmt.Errorf("%s: %w", x.name, err)
		}
	}
	return &f, nil
}

// units checks the file's admin areas (known levels and kinds, code and name, unique codes,
// every parent present) and converts them.
func (f *referenceFiles) units() ([]domain.AdminArea, error) {
	units := make([]domain.AdminArea, 0, len(f.areas.Areas))
	seen := make(map[string]string, len(f.areas.Areas))
	for i := range f.areas.Areas {
		a, err := f.areas.Areas[i].toDomain()
		if err != nil {
			return nil, err
		}
		switch a.Level {
		case domain.LevelProvince, domain.LevelDistrict, domain.LevelCommune:
		default:
			return nil, fmt.Errorf("admin area %q: unknown level %q", a.Code, a.Level)
		}
		if a.Code == "" || a.Name == "" {
			return nil, fmt.Errorf("admin area without code or name: %+v", f.areas.Areas[i])
		}
		if _, dup := seen[a.Code]; dup {
			return nil, fmt.Errorf("admin area %q listed twice", a.Code)
		}
		seen[a.Code] = a.Level
		units = append(units, a)
	}
	for _, a := range units {
		if _, ok := seen[a.ParentCode]; !ok && a.Level != domain.LevelProvince {
			return nil, fmt.Errorf("admin area %q: parent %q missing", a.Code, a.ParentCode)
		}
	}
	return units, nil
}

// LoadReferenceData reads the reference data (adminAreasFile, when set, replaces the shipped
// official units, e.g. with a newer official file in the same format), checks it, brings the
// store in step with it and returns the in-memory cache and a report of the admin-unit load.
//
// The admin units are written only when the store does not already hold this very file (its
// digest is recorded): a normal start writes none. A newer file writes only the units whose
// content changed, and retires the units it no longer lists — they are kept, so that the
// records naming them still resolve, and the report lists those records.
func (s *Store) LoadReferenceData(ctx context.Context, adminAreasFile string) (*RefCache, AreaLoad, error) {
	start := time.Now()
	f, err := readReferenceFiles(adminAreasFile)
	if err != nil {
		return nil, AreaLoad{}, err
	}
	units, err := f.units()
	if err != nil {
		return nil, AreaLoad{}, err
	}
	retired, written, newly, err := s.syncAreas(ctx, f.digest, f.areas.Source, units, start.UTC())
	if err != nil {
		return nil, AreaLoad{}, err
	}
	if err := upsertAll(ctx, s.Products, f.Products, func(p *domain.Product) string { return p.Code }); err != nil {
		return nil, AreaLoad{}, err
	}
	if err := upsertAll(ctx, s.Standards, f.Standards, func(st *domain.Standard) string { return st.Code }); err != nil {
		return nil, AreaLoad{}, err
	}
	rc := &RefCache{areas: make(map[string]domain.AdminArea, len(units)+len(retired)), products: map[string]domain.Product{}, standards: map[string]domain.Standard{}}
	for _, a := range retired {
		rc.areas[a.Code] = a
	}
	for _, a := range units {
		rc.areas[a.Code] = a
	}
	for _, p := range f.Products {
		rc.products[p.Code] = p
	}
	for _, st := range f.Standards {
		rc.standards[st.Code] = st
	}
	report := AreaLoad{Source: f.areas.Source, Units: len(units), Retired: len(retired), Unchanged: written == 0 && newly == 0,
		Written: written, NewlyRetired: newly}
	if report.InUse, err = s.retiredInUse(ctx, retired); err != nil {
		return nil, AreaLoad{}, err
	}
	report.Took = time.Since(start)
	return rc, report, nil
}

// retiredInUse lists the retired units that records still name.
func (s *Store) retiredInUse(ctx context.Context, retired []domain.AdminArea) ([]RetiredInUse, error) {
	if len(retired) == 0 {
		return nil, nil
	}
	codes := make([]string, 0, len(retired))
	for _, a := range retired {
		codes = append(codes, a.Code)
	}
	names, counts, err := s.referencesTo(ctx, codes)
	if err != nil {
		return nil, err
	}
	var out []RetiredInUse
	for _, a := range retired {
		if counts[a.Code] > 0 {
			out = append(out, RetiredInUse{Code: a.Code, Name: a.Name, Count: counts[a.Code], References: names[a.Code]})
		}
	}
	return out, nil
}
func upsertAll[T any](ctx context.Context, t Table[T], docs []T, key func(*T) string) error {
	for i := range docs {
		if err := t.repo.Upsert(ctx, key(&docs[i]), &docs[i]); err != nil {
			return fmt.Errorf("reference data %s: %w", t.repo.C.Name(), err)
		}
	}
	return nil
}

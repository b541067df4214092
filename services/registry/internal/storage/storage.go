// Package storage keeps the registry's resources in MongoDB (or the embedded store).
package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/registry/data"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// Store holds the registry's collections.
type Store struct {
	Orgs        mongostore.Repo[domain.Organization]
	Households  mongostore.Repo[domain.Household]
	Memberships mongostore.Repo[domain.Membership]
	Authorities mongostore.Repo[domain.Authority]
	Areas       mongostore.Repo[domain.AdminArea]
	Products    mongostore.Repo[domain.Product]
	Standards   mongostore.Repo[domain.Standard]
	APIKeys     mongostore.Repo[domain.APIKey]
	Claims      mongostore.Repo[domain.Claim]
}

// New returns the store over db.
func New(db *mongo.Database) *Store {
	return &Store{
		Orgs:        mongostore.NewRepo[domain.Organization](db, "organizations"),
		Households:  mongostore.NewRepo[domain.Household](db, "households"),
		Memberships: mongostore.NewRepo[domain.Membership](db, "memberships"),
		Authorities: mongostore.NewRepo[domain.Authority](db, "authorities"),
		Areas:       mongostore.NewRepo[domain.AdminArea](db, "admin_areas"),
		Products:    mongostore.NewRepo[domain.Product](db, "products"),
		Standards:   mongostore.NewRepo[domain.Standard](db, "standards"),
		APIKeys:     mongostore.NewRepo[domain.APIKey](db, "api_keys"),
		Claims:      mongostore.NewRepo[domain.Claim](db, "claims"),
	}
}

func idx(keys ...string) mongo.IndexModel {
	d := bson.D{}
	for _, k := range keys {
		d = append(d, bson.E{Key: k, Value: 1})
	}
	return mongo.IndexModel{Keys: d}
}

// EnsureIndexes creates the indexes the queries use; idempotent.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for _, x := range []struct {
		c  *mongo.Collection
		ms []mongo.IndexModel
	}{
		{s.Orgs.C, []mongo.IndexModel{idx("kind"), idx("address.commune_code"), idx("address.province_code"), idx("tax_code")}},
		{s.Households.C, []mongo.IndexModel{idx("commune_code"), idx("province_code"), idx("poverty_status"), idx("national_id_hash")}},
		{s.Memberships.C, []mongo.IndexModel{idx("organization"), idx("household")}},
		{s.Authorities.C, []mongo.IndexModel{idx("admin_area_code"), idx("kind")}},
		{s.Areas.C, []mongo.IndexModel{idx("level"), idx("parent_code")}},
		{s.APIKeys.C, []mongo.IndexModel{idx("organization"), {Keys: bson.D{{Key: "prefix", Value: 1}}, Options: options.Index().SetUnique(true)}}},
	} {
		if err := mongostore.EnsureIndexes(ctx, x.c, x.ms...); err != nil {
			return err
		}
	}
	return nil
}

// RefCache is the reference data in memory (it is small and read on every validation).
type RefCache struct {
	mu        sync.RWMutex
	areas     map[string]domain.AdminArea
	products  map[string]domain.Product
	standards map[string]domain.Standard
}

// AdminArea implements domain.RefData.
func (r *RefCache) AdminArea(code string) (domain.AdminArea, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.areas[code]
	return a, ok
}

// Product implements domain.RefData.
func (r *RefCache) Product(code string) (domain.Product, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.products[code]
	return p, ok
}

// Standard implements domain.RefData.
func (r *RefCache) Standard(code string) (domain.Standard, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.standards[code]
	return s, ok
}

// LoadReferenceData reads the shipped data files (adminAreasFile, when set, replaces the
// shipped admin-area sample, e.g. with a full national file in the same format), validates
// them, upserts them into the store (idempotent) and returns the in-memory cache.
func (s *Store) LoadReferenceData(ctx context.Context, adminAreasFile string) (*RefCache, error) {
	areasJSON := data.AdminAreas
	if adminAreasFile != "" {
		b, err := os.ReadFile(adminAreasFile)
		if err != nil {
			return nil, fmt.Errorf("ADMIN_AREAS_FILE: %w", err)
		}
		areasJSON = b
	}
	var af struct {
		Areas []domain.AdminArea `json:"areas"`
	}
	var pf struct {
		Products []domain.Product `json:"products"`
	}
	var sf struct {
		Standards []domain.Standard `json:"standards"`
	}
	if err := json.Unmarshal(areasJSON, &af); err != nil {
		return nil, fmt.Errorf("admin areas: %w", err)
	}
	if err := json.Unmarshal(data.Products, &pf); err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	if err := json.Unmarshal(data.Standards, &sf); err != nil {
		return nil, fmt.Errorf("standards: %w", err)
	}
	rc := &RefCache{areas: map[string]domain.AdminArea{}, products: map[string]domain.Product{}, standards: map[string]domain.Standard{}}
	for _, a := range af.Areas {
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
	for _, a := range af.Areas {
		if a.Level != domain.LevelProvince {
			if _, ok := rc.areas[a.ParentCode]; !ok {
				return nil, fmt.Errorf("admin area %q: parent %q missing", a.Code, a.ParentCode)
			}
		}
	}
	for _, p := range pf.Products {
		rc.products[p.Code] = p
	}
	for _, st := range sf.Standards {
		rc.standards[st.Code] = st
	}
	for _, a := range af.Areas {
		if err := s.Areas.Upsert(ctx, a.Code, &a); err != nil {
			return nil, err
		}
	}
	for _, p := range pf.Products {
		if err := s.Products.Upsert(ctx, p.Code, &p); err != nil {
			return nil, err
		}
	}
	for _, st := range sf.Standards {
		if err := s.Standards.Upsert(ctx, st.Code, &st); err != nil {
			return nil, err
		}
	}
	return rc, nil
}

package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// areaSchema versions the stored shape of an admin area: a change to what is stored (or how a
// unit's digest is computed) bumps it, so that the next start re-syncs every unit.
const areaSchema = "areas/v2"

// areasMeta is the _id of the reference_meta document recording the admin-unit file the
// store holds.
const areasMeta = "admin_areas"

// maxReportedReferences bounds the resource names listed per retired unit in a load report.
const maxReportedReferences = 20

// fileArea is one unit of an admin-unit file (vn-admin-units-2025.json, or an older file with
// code, level, parent_code, name, latitude and longitude only).
type fileArea struct {
	Code       string          `json:"code"`
	Level      string          `json:"level"`
	ParentCode string          `json:"parent_code,omitempty"`
	Name       string          `json:"name"`
	NameEN     string          `json:"name_en,omitempty"`
	Kind       string          `json:"kind,omitempty"`
	Latitude   float64         `json:"latitude"`
	Longitude  float64         `json:"longitude"`
	AreaKm2    float64         `json:"area_km2,omitempty"`
	Boundary   json.RawMessage `json:"boundary,omitempty"`
}

// areaFile is an admin-unit file: its attribution and units.
type areaFile struct {
	Source string     `json:"_source"`
	Areas  []fileArea `json:"areas"`
}

// fileKinds maps the kinds an admin-unit file names to the domain's.
var fileKinds = map[string]string{
	"":                              "",
	"Province":                      domain.AreaKindProvince,
	"City":                          domain.AreaKindCity,
	"Commune":                       domain.AreaKindCommune,
	"Ward":                          domain.AreaKindWard,
	"Special administrative region": domain.AreaKindSpecialZone,
}

// toDomain converts a file unit.
func (f *fileArea) toDomain() (domain.AdminArea, error) {
	kind, ok := fileKinds[f.Kind]
	if !ok {
		return domain.AdminArea{}, fmt.Errorf("admin area %q: unknown kind %q", f.Code, f.Kind)
	}
	return domain.AdminArea{
		Code: f.Code, Level: f.Level, ParentCode: f.ParentCode, Name: f.Name, NameEN: f.NameEN, Kind: kind,
		Latitude: f.Latitude, Longitude: f.Longitude, AreaKm2: f.AreaKm2, Boundary: string(f.Boundary),
	}, nil
}

// digest identifies what is stored of a unit (everything but its boundary), to skip the
// unchanged units of a newer file.
func digest(a *domain.AdminArea) (string, error) {
	b, err := bson.Marshal(a)
	if err != nil {
		return "", fmt.Errorf("admin area %s: %w", a.Code, err)
	}
	sum := sha256.Sum256(append([]byte(areaSchema+"\x00"), b...))
	return hex.EncodeToString(sum[:8]), nil
}

// loadMeta records which admin-unit file the store holds.
type loadMeta struct {
	ID       string    `bson:"_id"`
	Digest   string    `bson:"digest"`
	Source   string    `bson:"source"`
	Units    int       `bson:"units"`
	LoadTime time.Time `bson:"load_time"`
	// Retired lists the codes of the stored units that no file lists any more.
	Retired []string `bson:"retired,omitempty"`
	Version int64    `bson:"version"`
}

// AreaLoad reports one start-up load of the admin-unit file.
type AreaLoad struct {
	// Source is the file's attribution ("_source").
	Source string
	// Units is how many units the file lists; Retired how many units the store keeps that
	// no file lists any more.
	Units, Retired int
	// Unchanged: the store already held this very file, so nothing was written.
	Unchanged bool
	// Written is how many units were inserted or replaced; NewlyRetired how many this load
	// retired.
	Written, NewlyRetired int
	// InUse lists the retired units that records still name.
	InUse []RetiredInUse
	// Took is the time the whole load took (read, check, sync, report).
	Took time.Duration
}

// RetiredInUse is a retired unit that records still name: they keep resolving (the unit is
// kept, retired), but they should be moved to the unit that replaced it.
type RetiredInUse struct {
	Code, Name string
	// Count is how many records name it; References up to 20 of their resource names.
	Count      int
	References []string
}

// syncAreas makes the stored admin areas those of the file (digest, units), unless the store
// already holds this file: new and changed units are written, units the file no longer lists
// are retired (kept, so that records naming them still resolve). It returns the retired units
// (all of them, not only this load's) and the counts written and newly retired.
func (s *Store) syncAreas(ctx context.Context, digest, source string, units []domain.AdminArea, now time.Time) (retired []domain.AdminArea, written, newly int, err error) {
	metas := mongostore.NewRepo[loadMeta](s.db, collReferenceMeta)
	meta, err := metas.Get(ctx, areasMeta)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("admin areas: read the load record: %w", err)
	}
	if meta == nil || meta.Digest != digest {
		var gone []string
		if written, gone, newly, err = s.writeAreas(ctx, units, now); err != nil {
			return nil, 0, 0, err
		}
		meta = &loadMeta{ID: areasMeta, Digest: digest, Source: source, Units: len(units), LoadTime: now, Retired: gone, Version: 1}
		if err := metas.Upsert(ctx, areasMeta, meta); err != nil {
			return nil, 0, 0, fmt.Errorf("admin areas: record the load: %w", err)
		}
	}
	if len(meta.Retired) == 0 {
		return nil, written, newly, nil
	}
	cur, err := s.Areas.repo.C.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: meta.Retired}}}})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("admin areas: read retired units: %w", err)
	}
	if err := cur.All(ctx, &retired); err != nil {
		return nil, 0, 0, fmt.Errorf("admin areas: read retired units: %w", err)
	}
	return retired, written, newly, nil
}

// storedArea is what a sync reads of a stored unit.
type storedArea struct {
	Code    string `bson:"_id"`
	Digest  string `bson:"digest"`
	Retired bool   `bson:"retired"`
}

// writeAreas writes the units whose digest the store does not hold and retires the stored
// units not among them; it returns how many it wrote, the codes of all retired units and how
// many it retired now.
func (s *Store) writeAreas(ctx context.Context, units []domain.AdminArea, now time.Time) (written int, retired []string, newly int, err error) {
	c := s.Areas.repo.C
	cur, err := c.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "digest", Value: 1}, {Key: "retired", Value: 1}}))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("admin areas: read stored units: %w", err)
	}
	var stored []storedArea
	if err := cur.All(ctx, &stored); err != nil {
		return 0, nil, 0, fmt.Errorf("admin areas: read stored units: %w", err)
	}
	have := make(map[string]storedArea, len(stored))
	for _, a := range stored {
		have[a.Code] = a
	}
	var fresh []*domain.AdminArea
	for i := range units {
		u := &units[i]
		if u.Digest, err = digest(u); err != nil {
			return 0, nil, 0, err
		}
		old, ok := have[u.Code]
		delete(have, u.Code)
		switch {
		case !ok:
			fresh = append(fresh, u)
		case old.Digest != u.Digest || old.Retired:
			if err := s.Areas.repo.Upsert(ctx, u.Code, u); err != nil {
				return 0, nil, 0, fmt.Errorf("admin areas: replace %s: %w", u.Code, err)
			}
			written++
		}
	}
	if _, err := s.Areas.InsertMany(ctx, fresh); err != nil { // another replica's units are no error
		return 0, nil, 0, fmt.Errorf("admin areas: insert: %w", err)
	}
	var gone []string
	for code, a := range have {
		retired = append(retired, code)
		if !a.Retired {
			gone = append(gone, code)
		}
	}
	slices.Sort(retired)
	if len(gone) > 0 {
		if _, err := c.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: gone}}}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "retired", Value: true}, {Key: "retire_time", Value: now}}}}); err != nil {
			return 0, nil, 0, fmt.Errorf("admin areas: retire %d units: %w", len(gone), err)
		}
	}
	return written + len(fresh), retired, len(gone), nil
}

// referencesTo lists the records that name one of codes: organisations by address, households
// by commune, authorities by governed area; per code, the count and up to
// maxReportedReferences resource names.
func (s *Store) referencesTo(ctx context.Context, codes []string) (map[string][]string, map[string]int, error) {
	names, counts := map[string][]string{}, map[string]int{}
	add := func(code, name string) {
		counts[code]++
		if len(names[code]) < maxReportedReferences {
			names[code] = append(names[code], name)
		}
	}
	in := bson.D{{Key: "$in", Value: codes}}
	for _, q := range []struct {
		c      *mongo.Collection
		path   string
		prefix string
	}{
		{s.Orgs.repo.C, "address.commune_code", "organizations/"},
		{s.Households.repo.C, "commune_code", "households/"},
		{s.Authorities.repo.C, "admin_area_code", "authorities/"},
	} {
		cur, err := q.c.Find(ctx, bson.D{{Key: q.path, Value: in}}, options.Find().SetProjection(bson.D{{Key: q.path, Value: 1}}))
		if err != nil {
			return nil, nil, fmt.Errorf("records naming retired units: %w", err)
		}
		var docs []bson.M
		if err := cur.All(ctx, &docs); err != nil {
			return nil, nil, fmt.Errorf("records naming retired units: %w", err)
		}
		for _, d := range docs {
			add(pathString(d, q.path), q.prefix+fmt.Sprint(d["_id"]))
		}
	}
	return names, counts, nil
}

// pathString reads a dotted string path of a decoded document.
func pathString(d bson.M, path string) string {
	if v, ok := d[path].(string); ok {
		return v
	}
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		return ""
	}
	switch sub := d[head].(type) {
	case bson.M:
		return pathString(sub, rest)
	case bson.D:
		m := bson.M{}
		for _, e := range sub {
			m[e.Key] = e.Value
		}
		return pathString(m, rest)
	}
	return ""
}

// ListAreas returns a page of the admin areas matching every condition — the current units,
// or with retired the retired ones — without their boundaries, in code order.
func (s *Store) ListAreas(ctx context.Context, conds []Cond, retired bool, p Page) ([]domain.AdminArea, bool, error) {
	f, err := s.Areas.filter(conds)
	if err != nil {
		return nil, false, err
	}
	if retired {
		f = append(f, bson.E{Key: "retired", Value: true})
	} else {
		f = append(f, bson.E{Key: "retired", Value: bson.D{{Key: "$ne", Value: true}}})
	}
	if p.After != "" {
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: p.After}}})
	}
	cur, err := s.Areas.repo.C.Find(ctx, f, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(p.Limit+1)).
		SetProjection(bson.D{{Key: "boundary", Value: 0}}))
	if err != nil {
		return nil, false, err
	}
	var out []domain.AdminArea
	if err := cur.All(ctx, &out); err != nil {
		return nil, false, err
	}
	more := len(out) > p.Limit
	if more {
		out = out[:p.Limit]
	}
	return out, more, nil
}

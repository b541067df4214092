package storage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/data"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newStore(t testing.TB) *Store {
	t.Helper()
	db := testkit.Database(t)
	require.NoError(t, mongostore.EnsureCollections(context.Background(), db, Collections()))
	return New(db)
}

// TestOfficialUnitsLoad: the shipped file is the official list (34 provinces, 3,321 communes,
// each commune with a boundary and its province as parent); a second start writes nothing.
func TestOfficialUnitsLoad(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	ref, first, err := st.LoadReferenceData(ctx, "")
	require.NoError(t, err)
	require.Contains(t, first.Source, "MIT License")
	require.Equal(t, 3355, first.Units)
	require.Equal(t, 3355, first.Written)
	require.False(t, first.Unchanged)
	t.Logf("first load (empty store): %v", first.Took)

	levels := map[string]int{}
	for _, a := range ref.areas {
		levels[a.Level]++
		if a.Level == domain.LevelCommune {
			require.NotEmpty(t, a.Boundary, a.Code)
			p, ok := ref.AdminArea(a.ParentCode)
			require.True(t, ok, a.Code)
			require.Equal(t, domain.LevelProvince, p.Level, a.Code)
		}
	}
	require.Equal(t, map[string]int{domain.LevelProvince: 34, domain.LevelCommune: 3321}, levels)
	a, ok := ref.AdminArea(places.ChauQue)
	require.True(t, ok)
	require.Equal(t, "Xã Châu Quế", a.Name)
	require.Equal(t, places.LaoCai, a.ParentCode)
	require.Equal(t, domain.AreaKindCommune, a.Kind)

	_, again, err := st.LoadReferenceData(ctx, "")
	require.NoError(t, err)
	require.True(t, again.Unchanged)
	require.Zero(t, again.Written)
	t.Logf("start over a store that holds the file: %v", again.Took)

	page, more, err := st.ListAreas(ctx, []Cond{Eq("level", domain.LevelCommune), Eq("parent_code", places.LaoCai)}, false, Page{Limit: 500})
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, page, 99) // Lào Cai after the 2025 merger with Yên Bái
	for _, a := range page {
		require.Empty(t, a.Boundary, "listings leave the boundaries out")
	}
}

// TestNewerFileRetiresUnits: a newer file that drops a unit and changes another writes only
// those two; the dropped unit is kept, retired, still resolves, and the records naming it are
// reported rather than orphaned.
func TestNewerFileRetiresUnits(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	_, _, err := st.LoadReferenceData(ctx, "")
	require.NoError(t, err)

	hh := &domain.Household{ID: "h1", HeadName: "Triệu Thị Mai", CommuneCode: places.DongCuong}
	_, _, err = st.Households.Insert(ctx, hh.ID, hh)
	require.NoError(t, err)
	org := &domain.Organization{ID: "o1", DisplayName: "HTX Đông Cuông", Address: domain.Address{CommuneCode: places.DongCuong}}
	_, _, err = st.Orgs.Insert(ctx, org.ID, org)
	require.NoError(t, err)

	var f areaFile
	require.NoError(t, json.Unmarshal(data.AdminAreas, &f))
	kept := f.Areas[:0]
	for _, a := range f.Areas {
		switch a.Code {
		case places.DongCuong, places.HuongKhe:
			continue // merged away
		case places.ChauQue:
			a.Name = "Xã Châu Quế Mới"
		}
		kept = append(kept, a)
	}
	f.Areas = kept
	b, err := json.Marshal(f)
	require.NoError(t, err)
	newer := filepath.Join(t.TempDir(), "newer.json")
	require.NoError(t, os.WriteFile(newer, b, 0o600))

	ref, load, err := st.LoadReferenceData(ctx, newer)
	require.NoError(t, err)
	t.Logf("newer file: %v", load.Took)
	require.Equal(t, 1, load.Written, "only the changed unit is written")
	require.Equal(t, 2, load.NewlyRetired)
	require.Equal(t, 2, load.Retired)
	require.Equal(t, []RetiredInUse{{Code: places.DongCuong, Name: "Xã Đông Cuông", Count: 2,
		References: []string{"organizations/o1", "households/h1"}}}, load.InUse)

	gone, ok := ref.AdminArea(places.DongCuong)
	require.True(t, ok, "a retired unit still resolves")
	require.True(t, gone.Retired)
	renamed, _ := ref.AdminArea(places.ChauQue)
	require.Equal(t, "Xã Châu Quế Mới", renamed.Name)

	current, _, err := st.ListAreas(ctx, []Cond{Eq("parent_code", places.LaoCai)}, false, Page{Limit: 500})
	require.NoError(t, err)
	require.Len(t, current, 98)
	retired, _, err := st.ListAreas(ctx, nil, true, Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, retired, 2)

	// The next start with the same file writes nothing and still reports the records.
	_, again, err := st.LoadReferenceData(ctx, newer)
	require.NoError(t, err)
	require.True(t, again.Unchanged)
	require.Equal(t, load.InUse, again.InUse)

	// Going back to the shipped file brings the units back.
	ref, back, err := st.LoadReferenceData(ctx, "")
	require.NoError(t, err)
	require.Equal(t, 3, back.Written)
	require.Zero(t, back.Retired)
	require.Empty(t, back.InUse)
	a, _ := ref.AdminArea(places.DongCuong)
	require.False(t, a.Retired)
}

// BenchmarkLoadUnchanged is a start over a store that already holds the file.
func BenchmarkLoadUnchanged(b *testing.B) {
	ctx := context.Background()
	st := newStore(b)
	_, _, err := st.LoadReferenceData(ctx, "")
	require.NoError(b, err)
	for b.Loop() {
		_, l, err := st.LoadReferenceData(ctx, "")
		require.NoError(b, err)
		require.True(b, l.Unchanged)
	}
}

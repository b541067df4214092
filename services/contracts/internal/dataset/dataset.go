// Package dataset generates a synthetic season at any scale — up to the whole country: 34
// provinces, 3,321 communes, 50,000 contracts, 1,000,000 households, 2,000,000 deliveries — and
// loads it with the report rollups the service would have built from it (the rollups are
// computed by the domain's own ContractRollup and Merge, contract by contract). It serves the
// report benchmarks and the lienket-dataset tool; the service never uses it.
package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
)

// Spec is the size of a dataset.
type Spec struct {
	Name        string // its marker in the store
	Provinces   int
	Communes    int
	Producers   int // cooperatives, each in one commune
	Buyers      int
	Contracts   int
	Households  int
	Allocations int // households per contract
	Deliveries  int
	Seed        uint64
}

// National is the whole country.
var National = Spec{Name: "national-v2", Provinces: 34, Communes: 3321, Producers: 10_000, Buyers: 2_000, Contracts: 50_000, Households: 1_000_000,
	Allocations: 20, Deliveries: 2_000_000, Seed: 1}

// Small is a CI-sized dataset of the same shape (a hundredth of the country's contracts).
var Small = Spec{Name: "small-v2", Provinces: 34, Communes: 340, Producers: 100, Buyers: 20, Contracts: 500, Households: 10_000,
	Allocations: 20, Deliveries: 20_000, Seed: 1}

// ProvinceCode is province i's code.
func ProvinceCode(i int) string { return fmt.Sprintf("%02d", i+1) }

// CommuneCode is commune i's code.
func CommuneCode(i int) string { return fmt.Sprintf("%05d", i+1) }

// ProvinceOf is the province of commune i.
func (s Spec) ProvinceOf(commune int) int { return commune % s.Provinces }

// Summary counts what was generated.
type Summary struct {
	Contracts, InForce, Deliveries, Payments, Advances, Incidents int
	Elapsed                                                       time.Duration
}

var (
	products   = []string{"products/cinnamon-bark", "products/star-anise", "products/tea-shan-tuyet", "products/coffee-robusta", "products/rice-st25", "products/rice-paddy", "products/honey", "products/bamboo", "products/banana", "products/pomelo", "products/mango", "products/pig-black"}
	statesBy   = weighted{{domain.StateActive, 50}, {domain.StateCompleted, 25}, {domain.StateLiquidated, 5}, {domain.StateTerminated, 3}, {domain.StateSuspended, 2}, {domain.StateDraft, 8}, {domain.StatePendingSignatures, 3}, {domain.StatePendingWitness, 2}, {domain.StateCancelled, 2}}
	povertyBy  = weighted{{"POOR", 20}, {"NEAR_POOR", 15}, {"RECENTLY_ESCAPED", 10}, {"NON_POOR", 55}}
	rulebookBy = weighted{{"decree98", 70}, {"ntp-sedema", 30}}
)

type weighted []struct {
	v string
	w int
}

func (ws weighted) pick(r *rand.Rand) string {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[0].v
}

// world is the generated geography and parties.
type world struct {
	s          Spec
	r          *rand.Rand
	byCommune  [][]int // households of each commune
	profiles   []domain.HouseholdProfile
	producerAt []int // commune of each producer
}

func newWorld(s Spec) *world {
	w := &world{s: s, r: rand.New(rand.NewPCG(s.Seed, s.Seed*7919+1)), byCommune: make([][]int, s.Communes), producerAt: make([]int, s.Producers)}
	w.profiles = make([]domain.HouseholdProfile, s.Households)
	for h := range s.Households {
		c := h % s.Communes
		w.byCommune[c] = append(w.byCommune[c], h)
		w.profiles[h] = domain.HouseholdProfile{Household: householdName(h), Poverty: povertyBy.pick(w.r), EthnicMinority: w.r.IntN(10) < 4,
			WomenHeaded: w.r.IntN(10) < 3, ProvinceCode: ProvinceCode(s.ProvinceOf(c))}
	}
	for p := range w.producerAt {
		w.producerAt[p] = w.r.IntN(s.Communes)
	}
	return w
}

func householdName(h int) string { return fmt.Sprintf("households/h%07d", h) }
func producerName(p int) string  { return fmt.Sprintf("organizations/htx%05d", p) }
func buyerName(b int) string     { return fmt.Sprintf("organizations/dn%04d", b) }

// Generate empties the contracts service's collections in st and loads s's dataset into them,
// with its report rollups; progress, when set, hears how far it is.
func Generate(ctx context.Context, st *storage.Store, s Spec, progress func(string)) (Summary, error) {
	start := time.Now()
	if progress == nil {
		progress = func(string) {}
	}
	if err := st.DropDataset(ctx); err != nil {
		return Summary{}, err
	}
	if err := st.EnsureIndexes(ctx); err != nil {
		return Summary{}, err
	}
	w := newWorld(s)
	g := newGenerator(w)
	const chunk = 500
	for k := 0; k < s.Contracts; k += chunk {
		if err := g.chunk(ctx, st, k, min(k+chunk, s.Contracts)); err != nil {
			return Summary{}, err
		}
		progress(fmt.Sprintf("%d/%d contracts, %d deliveries", min(k+chunk, s.Contracts), s.Contracts, g.sum.Deliveries))
	}
	if err := g.nodes(ctx, st); err != nil {
		return Summary{}, err
	}
	g.sum.Elapsed = time.Since(start)
	return g.sum, st.MarkLoaded(ctx, s.Name, time.Now().UTC())
}

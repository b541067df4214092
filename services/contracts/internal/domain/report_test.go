package domain

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFigureLayout(t *testing.T) {
	require.Len(t, ContractStates, 10, "figStates reserves 10 figures")
	require.Len(t, LinkageForms, 4, "figForms reserves 4 figures")
	require.Len(t, IncidentKinds, 5, "the incident cells are for 5 kinds")
	require.Len(t, IncidentOutcomes, NumOutcomes)
	seen := map[Fig]bool{}
	for _, s := range ContractStates {
		f, ok := FigState(s)
		require.True(t, ok)
		require.True(t, IsContractFig(f), s)
		seen[f] = true
	}
	for _, lf := range LinkageForms {
		f, ok := FigForm(lf)
		require.True(t, ok)
		require.True(t, IsContractFig(f), lf)
		seen[f] = true
	}
	for _, k := range IncidentKinds {
		for o := range NumOutcomes {
			f, ok := FigIncident(k, o)
			require.True(t, ok)
			require.False(t, IsContractFig(f))
			require.Less(t, int(f), NumFigures)
			seen[f] = true
		}
	}
	require.Len(t, seen, 10+4+5*NumOutcomes, "no two cells share a figure")
	_, ok := FigState("NOPE")
	require.False(t, ok)
	_, ok = FigIncident(IncidentSideSelling, NumOutcomes)
	require.False(t, ok)
}

func TestMonths(t *testing.T) {
	m, ok := MonthOf("2026-03-31")
	require.True(t, ok)
	require.Equal(t, "2026-03", m.String())
	m2, ok := MonthOf("2026-04")
	require.True(t, ok)
	require.Equal(t, m+1, m2)
	for _, bad := range []string{"", "2026", "2026-13-01", "2026-03x01", "abcd-ef"} {
		_, ok := MonthOf(bad)
		require.False(t, ok, bad)
	}
	// 31 Jan 2026 20:00 UTC is 1 Feb in Asia/Ho_Chi_Minh.
	require.Equal(t, "2026-02", MonthOfTime(time.Date(2026, 1, 31, 20, 0, 0, 0, time.UTC)).String())
}

// TestPaymentTiming: payments pay the oldest deliveries first; the part paid within the terms
// and amount × days are reported per payment, whatever order the records come in.
func TestPaymentTiming(t *testing.T) {
	ds := []Delivery{
		{ID: "d2", Household: "h", Date: "2026-03-10", GrossVND: 500},
		{ID: "d1", Household: "h", Date: "2026-03-01", GrossVND: 1000},
		{ID: "d3", Household: "g", Date: "2026-03-01", GrossVND: 300},
	}
	recovered := map[string]int64{"d1": 200} // d1 is owed 800
	ps := []Payment{
		{ID: "p2", Household: "h", Date: "2026-03-31", AmountVND: 500}, // d2: 500 at 21 days
		{ID: "p1", Household: "h", Date: "2026-03-11", AmountVND: 800}, // d1: 800 at 10 days
		{ID: "p3", Household: "g", Date: "2026-02-20", AmountVND: 300}, // before its delivery: 0 days
		{ID: "p4", Household: "g", Date: "2026-05-01", AmountVND: 50},  // nothing owed: on time
	}
	got, err := PaymentTiming(15, ds, recovered, ps)
	require.NoError(t, err)
	require.Equal(t, map[string]Timing{
		"p1": {OnTimeVND: 800, DaysVND: 8000},
		"p2": {OnTimeVND: 0, DaysVND: 500 * 21},
		"p3": {OnTimeVND: 300, DaysVND: 0},
		"p4": {OnTimeVND: 50, DaysVND: 0},
	}, got)
	// A payment spanning two deliveries.
	got, err = PaymentTiming(15, ds[:2], recovered, []Payment{{ID: "p", Household: "h", Date: "2026-03-20", AmountVND: 1000}})
	require.NoError(t, err)
	require.Equal(t, Timing{OnTimeVND: 200, DaysVND: 800*19 + 200*10}, got["p"])
}

// TestTallyOverlap: a contract counts in a period it overlaps, in every month it overlaps,
// and nowhere else; flows count in their month.
func TestTallyOverlap(t *testing.T) {
	mk := func(s, e string) Rollup {
		c := &Contract{ID: s + e, State: StateActive, Terms: Terms{Product: "products/p", LinkageForm: "PURCHASE_ONLY", Period: DateWindow{Start: s, End: e}, TotalQuantity: 10,
			Allocations: []Allocation{{Household: "households/" + s, Quantity: 10}}, Price: PriceTerms{Type: PriceFixed, FixedPriceVND: 3}},
			ProducerProvinceCode: "15", ProducerCommuneCode: "04477"}
		r, err := ContractRollup(c, ContractRecords{Deliveries: []Delivery{{ID: "d", Household: "households/" + s, Date: s, Quantity: 4, AcceptedQuantity: 4, GrossVND: 12}}})
		require.NoError(t, err)
		return r
	}
	all, err := Merge(mk("2026-01-01", "2026-03-31"), mk("2026-03-01", "2026-06-30"), mk("2026-07-01", "2026-07-31"))
	require.NoError(t, err)
	from, _ := MonthOf("2026-04")
	to, _ := MonthOf("2026-06")
	tl := NewTally(ReportQuery{From: from, To: to}, false)
	tl.AddEntries(all.Entries, ByAll)
	tl.AddHouseholds(all.Participations, ByAll)
	r, err := tl.Report()
	require.NoError(t, err)
	require.EqualValues(t, 1, r.Total.Fig[FigContracts], "only the March–June contract overlaps April–June")
	require.EqualValues(t, 30, r.Total.Fig[FigContractedVND])
	require.EqualValues(t, 0, r.Total.Fig[FigDeliveries], "its delivery is dated in March")
	require.EqualValues(t, 1, r.Total.Households.Total)
	require.Len(t, r.ByMonth, 3)
	for _, l := range r.ByMonth {
		require.EqualValues(t, 1, l.Fig[FigContracts], l.Key)
		require.EqualValues(t, 1, l.Households.Total, l.Key)
	}
	from, _ = MonthOf("2026-01")
	tl = NewTally(ReportQuery{From: from, To: to}, false)
	tl.AddEntries(all.Entries, ByAll)
	tl.AddHouseholds(all.Participations, ByAll)
	r, err = tl.Report()
	require.NoError(t, err)
	require.EqualValues(t, 2, r.Total.Fig[FigContracts])
	require.EqualValues(t, 2, r.Total.Fig[FigDeliveries])
	got := []int64{}
	for _, l := range r.ByMonth {
		got = append(got, l.Fig[FigContracts])
	}
	require.Equal(t, []int64{1, 1, 2, 1, 1, 1}, got)
}

func randomRollup(rng *rand.Rand) Rollup {
	var r Rollup
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	dims := func() Dims {
		return Dims{Product: pick("products/a", "products/b", ""), Rulebook: pick("decree98", "ntp-sedema"), Form: pick(LinkageForms...), Province: pick("15", "08"), Commune: pick("04477", "02794", "")}
	}
	for range rng.IntN(20) {
		e := Entry{Kind: []byte{EntryStart, EntryEnd, EntryFlow}[rng.IntN(3)], Month: Month(2026*12 + rng.IntN(24)), Dims: dims()}
		for range rng.IntN(8) {
			e.Fig[rng.IntN(NumFigures)] = rng.Int64N(1<<40) - 1<<39
		}
		r.Entries = append(r.Entries, e)
	}
	for range rng.IntN(20) {
		r.Participations = append(r.Participations, Participation{Household: pick("households/x", "households/y", "households/z"), Contract: pick("c1", "c2"),
			Start: Month(2026 * 12), End: Month(2026*12 + rng.IntN(12)), Dims: dims(), Gen: rng.Int64N(100),
			Profile: Profile{Poverty: pick("POOR", "NEAR_POOR", ""), EthnicMinority: rng.IntN(2) == 0, WomenHeaded: rng.IntN(2) == 0, HomeProvince: pick("15", "08")}})
	}
	return r
}

func TestRollupCodecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		r := randomRollup(rng)
		got, err := DecodeRollup(EncodeRollup(r))
		require.NoError(t, err)
		if len(r.Entries) == 0 {
			r.Entries = []Entry{}
		}
		if len(r.Participations) == 0 {
			r.Participations = []Participation{}
		}
		require.Equal(t, r, got)
	}
	empty, err := DecodeRollup(nil)
	require.NoError(t, err)
	require.Equal(t, Rollup{}, empty)
	for _, bad := range [][]byte{{2}, {1}, {1, 1, 5, 'a'}, append(EncodeRollup(randomRollup(rng)), 0)} {
		_, err := DecodeRollup(bad)
		require.ErrorIs(t, err, ErrBadRollup)
	}
}

// FuzzDecodeRollup: no input makes the decoder panic or allocate beyond the input.
func FuzzDecodeRollup(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5 {
		f.Add(EncodeRollup(randomRollup(rng)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRollup(b)
		if err == nil {
			again, err := DecodeRollup(EncodeRollup(r))
			require.NoError(t, err)
			require.Equal(t, len(r.Entries), len(again.Entries))
		}
	})
}

// TestMergeAddsUp: merging rollups adds their figures, whatever the grouping.
func TestMergeAddsUp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50 {
		a, b, c := randomRollup(rng), randomRollup(rng), randomRollup(rng)
		ab, err := Merge(a, b)
		require.NoError(t, err)
		left, err := Merge(ab, c)
		require.NoError(t, err)
		bc, err := Merge(b, c)
		require.NoError(t, err)
		right, err := Merge(a, bc)
		require.NoError(t, err)
		require.Equal(t, left, right)
	}
}

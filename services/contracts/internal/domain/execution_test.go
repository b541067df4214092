package domain

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUnitPrice(t *testing.T) {
	grades := []GradingRule{{Grade: "A"}, {Grade: "B", PriceAdjustmentBps: -1000}, {Grade: "P", PriceAdjustmentBps: 333}}
	floor := PriceTerms{Type: PriceFloorWithMarket, FloorPriceVND: 38000, PremiumBps: 500}
	for _, tc := range []struct {
		name   string
		p      PriceTerms
		grade  string
		market int64
		want   int64
		err    bool
	}{
		{"fixed", PriceTerms{Type: PriceFixed, FixedPriceVND: 40000}, "A", 0, 40000, false},
		{"fixed grade B", PriceTerms{Type: PriceFixed, FixedPriceVND: 40000}, "B", 0, 36000, false},
		{"market below floor", floor, "A", 30000, 38000, false},
		{"market plus premium equals floor", floor, "A", 36190, 38000, false}, // 36190 × 1.05 = 37999.5 → 38000
		{"market just above floor", floor, "A", 36200, 38010, false},          // 36200 × 1.05 = 38010
		{"market well above", floor, "A", 50000, 52500, false},
		{"market above, grade B", floor, "B", 50000, 47250, false},
		{"rounding half up", PriceTerms{Type: PriceFixed, FixedPriceVND: 15}, "P", 0, 15, false},     // 15.4995 → 15
		{"rounding half up 2", PriceTerms{Type: PriceFixed, FixedPriceVND: 150}, "P", 0, 155, false}, // 154.995 → 155
		{"no market price", floor, "A", 0, 0, true},
		{"cost plus", PriceTerms{Type: PriceCostPlus, CostPriceVND: 30000, MarginBps: 1500}, "A", 0, 34500, false},
		{"unknown grade", PriceTerms{Type: PriceFixed, FixedPriceVND: 1}, "Z", 0, 0, true},
		{"no type", PriceTerms{}, "A", 0, 0, true},
	} {
		got, err := UnitPrice(tc.p, grades, tc.grade, tc.market)
		require.Equal(t, tc.err, err != nil, tc.name)
		require.Equal(t, tc.want, got, tc.name)
	}
	got, err := UnitPrice(PriceTerms{Type: PriceFixed, FixedPriceVND: 40000}, nil, "", 0)
	require.NoError(t, err)
	require.EqualValues(t, 40000, got, "no grading rules: no adjustment")
}

func TestMoneyArithmetic(t *testing.T) {
	v, err := MulDivRound(5, 1, 2)
	require.NoError(t, err)
	require.EqualValues(t, 3, v)
	v, _ = MulDivRound(-5, 1, 2)
	require.EqualValues(t, -3, v, "half away from zero")
	_, err = Mul(math.MaxInt64, 2)
	require.ErrorIs(t, err, ErrOverflow)
	_, err = Add(math.MaxInt64, 1)
	require.ErrorIs(t, err, ErrOverflow)
	p, err := Penalty(100_000_000, 1200)
	require.NoError(t, err)
	require.EqualValues(t, 8_000_000, p, "capped at 8%")
	p, _ = Penalty(100_000_000, 500)
	require.EqualValues(t, 5_000_000, p)
	require.True(t, WithinTolerance(1050, 1000, 500))
	require.False(t, WithinTolerance(1051, 1000, 500))
}

func FuzzMoney(f *testing.F) {
	f.Add(int64(40000), int64(1500), int32(-1000), int64(30000))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int32(10000), int64(1))
	f.Fuzz(func(t *testing.T, price, qty int64, bps int32, market int64) {
		// No panics, no silent wrap-around: either an exact in-range result or ErrOverflow.
		if g, err := Mul(price, qty); err == nil {
			if price != 0 {
				require.Equal(t, qty, g/price)
			}
		}
		if v, err := ApplyBps(price, bps); err == nil && price > 0 && bps >= -10000 {
			require.GreaterOrEqual(t, v, int64(0))
		}
		p := PriceTerms{Type: PriceFloorWithMarket, FloorPriceVND: max(price, 0), PremiumBps: bps}
		if u, err := UnitPrice(p, nil, "", market); err == nil && bps >= 0 && market > 0 {
			require.GreaterOrEqual(t, u, p.FloorPriceVND, "never below the floor")
			require.GreaterOrEqual(t, u, market, "never below the market with a non-negative premium")
		}
		if pen, err := Penalty(max(price, 0), bps); err == nil {
			cap, _ := ShareBps(max(price, 0), 800)
			require.LessOrEqual(t, pen, cap, "penalty capped at 8%")
		}
	})
}

func randomSettlement(r *rand.Rand) (Terms, []Advance, []Delivery, []Payment) {
	t := Terms{InputSupply: &InputSupply{RecoveredAtSettlement: r.IntN(2) == 0, InterestRateBps: int32(r.IntN(1500))}}
	var adv []Advance
	var del []Delivery
	var pay []Payment
	for h := 0; h < r.IntN(6)+1; h++ {
		hh := fmt.Sprint("households/h", h)
		t.Allocations = append(t.Allocations, Allocation{Household: hh, Quantity: r.Int64N(5000) + 1})
		for i := 0; i < r.IntN(3); i++ {
			adv = append(adv, Advance{ID: fmt.Sprint(h, i), Household: hh, Date: fmt.Sprintf("2026-0%d-1%d", r.IntN(3)+1, r.IntN(9)), ValueVND: r.Int64N(5_000_000)})
		}
		for i := 0; i < r.IntN(4); i++ {
			q := r.Int64N(2000)
			acc := r.Int64N(q + 1)
			del = append(del, Delivery{ID: fmt.Sprint("d", h, i), Household: hh, Date: fmt.Sprintf("2026-0%d-2%d", r.IntN(5)+4, r.IntN(9)), Quantity: q, AcceptedQuantity: acc, GrossVND: acc * (30000 + r.Int64N(20000))})
		}
	}
	return t, adv, del, pay
}

// TestSettlementProperties: totals equal the sum of households; balance = gross − recovered −
// paid; recovery never exceeds gross or what is owed; paying every balance settles to zero.
func TestSettlementProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for n := 0; n < 2000; n++ {
		terms, adv, del, _ := randomSettlement(r)
		st, err := Settle(terms, adv, del, nil)
		require.NoError(t, err)
		var sum Line
		for _, l := range st.Households {
			require.Equal(t, l.GrossVND-l.RecoveredVND-l.PaidVND, l.BalanceVND)
			require.GreaterOrEqual(t, l.BalanceVND, int64(0), "no negative balance from valid input")
			require.LessOrEqual(t, l.RecoveredVND, l.GrossVND)
			require.LessOrEqual(t, l.RecoveredVND, l.AdvancesVND, "never recover more than owed")
			require.Equal(t, l.AdvancesVND, l.RecoveredVND+l.OutstandingAdvVND, "advances are recovered or outstanding")
			sum.GrossVND += l.GrossVND
			sum.RecoveredVND += l.RecoveredVND
			sum.BalanceVND += l.BalanceVND
			sum.Accepted += l.Accepted
		}
		require.Equal(t, sum.GrossVND, st.Total.GrossVND)
		require.Equal(t, sum.RecoveredVND, st.Total.RecoveredVND)
		require.Equal(t, sum.BalanceVND, st.Total.BalanceVND)
		require.Equal(t, sum.Accepted, st.Total.Accepted)
		for _, d := range del {
			require.LessOrEqual(t, st.Recovered[d.ID], d.GrossVND)
		}
		var pay []Payment
		for _, l := range st.Households {
			pay = append(pay, Payment{Household: l.Household, AmountVND: l.BalanceVND})
		}
		st2, err := Settle(terms, adv, del, pay)
		require.NoError(t, err)
		require.Zero(t, st2.Total.BalanceVND, "paying every balance settles the contract")
	}
}

func TestAdvanceRecoveryWithInterest(t *testing.T) {
	terms := Terms{Allocations: []Allocation{{Household: "h", Quantity: 100}}, InputSupply: &InputSupply{RecoveredAtSettlement: true, InterestRateBps: 1200}}
	adv := []Advance{{ID: "a", Household: "h", Date: "2026-01-01", ValueVND: 10_000_000}}
	// 181 days at 12%/year on 10,000,000 = 595,068.49… → 595,068.
	del := []Delivery{{ID: "d1", Household: "h", Date: "2026-07-01", Quantity: 100, AcceptedQuantity: 100, GrossVND: 4_000_000}, {ID: "d2", Household: "h", Date: "2026-07-01", Quantity: 200, AcceptedQuantity: 200, GrossVND: 8_000_000}}
	st, err := Settle(terms, adv, del, nil)
	require.NoError(t, err)
	l := st.Households[0]
	require.EqualValues(t, 595_068, l.InterestVND)
	require.EqualValues(t, 10_595_068, l.RecoveredVND)
	require.EqualValues(t, 4_000_000, st.Recovered["d1"])
	require.EqualValues(t, 6_595_068, st.Recovered["d2"])
	require.EqualValues(t, 12_000_000-10_595_068, l.BalanceVND)
	require.Zero(t, l.OutstandingAdvVND)
}

func TestLotsDone(t *testing.T) {
	terms := Terms{ToleranceBps: 500, Lots: []Lot{{ID: "1", Quantity: 1000}, {ID: "2", Quantity: 1000}}}
	require.False(t, LotsDone(terms, map[string]int64{"1": 1000}, nil))
	require.True(t, LotsDone(terms, map[string]int64{"1": 950, "2": 1000}, nil))
	require.False(t, LotsDone(terms, map[string]int64{"1": 949, "2": 1000}, nil))
	require.True(t, LotsDone(terms, map[string]int64{"1": 1000}, []string{"2"}))
}

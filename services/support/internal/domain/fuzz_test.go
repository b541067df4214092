package domain

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// FuzzValidate feeds arbitrary proposals (JSON) and facts to the support rulebook: it never
// panics, answers the same twice, names only rules of the programme (each with a field and
// both messages), and whatever it lets through keeps the money rules: programme share at most
// 49% (70% for a justified non-profit), category ceilings, milestone shares adding up to 100%,
// non-poor households within the type's limit.
func FuzzValidate(f *testing.F) {
	seed, _ := json.Marshal(baseProposal())
	f.Add(seed, false, false, uint8(0), "2026-06-01")
	f.Add(seed, true, true, uint8(3), "2026-06-01")
	f.Add([]byte(`{"Type":"LIVELIHOOD","BudgetLines":[{"Category":"SEEDS_INPUTS","ProgrammeVND":5,"OwnerCashVND":5}]}`), true, false, uint8(1), "2027-01-01")
	f.Add([]byte(`{"Milestones":[{"ID":"m","ReleaseShareBps":10000,"DueDate":"2026-01-01"}],"Contracts":["contracts/x","contracts/x"]}`), false, true, uint8(2), "")
	rs := books(f)
	rules, _ := rs.Rules("ntp-sedema")
	known := map[string]bool{}
	for _, r := range rules {
		known[r.ID] = true
	}
	f.Fuzz(func(t *testing.T, raw []byte, nonProfit, drop bool, nonPoor uint8, today string) {
		var p Proposal
		if json.Unmarshal(raw, &p) != nil {
			return
		}
		facts := baseFacts()
		facts.Today = today
		facts.Owner.NonProfit = nonProfit
		if drop {
			facts.Contracts["contracts/k2"] = nil
		}
		for i := 0; i < int(nonPoor)%6 && i < len(facts.Participants); i++ {
			facts.Participants[i].Poverty = PovertyNonPoor
		}
		vs, _, err := rs.Validate("ntp-sedema", p, facts)
		if err != nil {
			t.Fatal(err)
		}
		again, _, _ := rs.Validate("ntp-sedema", p, facts)
		if !reflect.DeepEqual(vs, again) {
			t.Fatal("validation is not deterministic")
		}
		for _, v := range vs {
			if !known[v.RuleID] || v.Field == "" || v.MessageVI == "" || v.MessageEN == "" {
				t.Fatalf("malformed violation %+v", v)
			}
		}
		if len(vs) == 0 {
			passedInvariants(t, p, facts)
		}
	})
}

func passedInvariants(t *testing.T, p Proposal, f Facts) {
	tot := p.Totals()
	limit := int64(4900)
	if f.Owner.NonProfit && p.Justification != "" {
		limit = 7000
	}
	if tot.TotalVND <= 0 || exceedsShare(tot.ProgrammeVND, tot.TotalVND, limit) {
		t.Fatalf("passed with programme %d of %d", tot.ProgrammeVND, tot.TotalVND)
	}
	for _, l := range p.BudgetLines {
		if l.Category == CategoryMachinery && (l.ProgrammeVND > 10_000_000_000 || exceedsShare(l.ProgrammeVND, l.TotalVND(), 3000)) {
			t.Fatalf("passed with machinery %d of %d", l.ProgrammeVND, l.TotalVND())
		}
		if l.Category == CategoryConsulting && l.ProgrammeVND > 300_000_000 {
			t.Fatalf("passed with consulting %d", l.ProgrammeVND)
		}
	}
	var shares int64
	for _, m := range p.Milestones {
		shares += int64(m.ReleaseShareBps)
	}
	if shares != BpsWhole {
		t.Fatalf("passed with milestone shares adding up to %d", shares)
	}
	c := Count(f.Participants)
	if lim, ok := map[string]int64{TypeValueChain: 5000, TypeLivelihood: 3000}[p.Type]; ok && int64(c.NonPoor)*BpsWhole > lim*int64(c.Households) {
		t.Fatalf("passed with %d of %d non-poor households", c.NonPoor, c.Households)
	}
	if !slices.Contains(f.Call.ProjectTypes, p.Type) {
		t.Fatalf("passed with type %q", p.Type)
	}
}

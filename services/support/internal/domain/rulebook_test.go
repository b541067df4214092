package domain

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

func TestShippedRulebooks(t *testing.T) {
	rs := books(t)
	require.Equal(t, []string{"decree98-support", "ntp-sedema"}, rs.IDs())
	rules, ok := rs.Rules("ntp-sedema")
	require.True(t, ok)
	used := map[string]bool{}
	for _, r := range rules {
		used[r.ID] = true
	}
	for _, id := range CheckIDs() {
		require.True(t, used[id], "check %s is in no rulebook of the programme", id)
	}
	// The profile replaces the base's type ceilings in place and adds its own rules.
	require.Equal(t, int64(300_000_000), rs.Params("ntp-sedema", RuleCeilingType)[TypeTechnicalAssistance])
	require.Empty(t, rs.Params("decree98-support", RuleCeilingType))
	require.Nil(t, rs.Params("decree98-support", RuleCoInvestment))
	for _, r := range rules {
		if r.ID == RuleCeilingType {
			require.Equal(t, "ntp-sedema@2026.1", r.Rulebook)
		}
		if r.ID == RuleOwner {
			require.Equal(t, "decree98-support@2026.1", r.Rulebook)
		}
	}
	spec := rs.Appraisal("ntp-sedema")
	require.Len(t, spec.Criteria, 5)
	require.Equal(t, int32(50), spec.MinPassScore)
	_, ok = rs.Rules("nowhere")
	require.False(t, ok)
	require.Nil(t, rs.Appraisal("nowhere"))
}

const goodAppraisal = `"appraisal":{"criteria":[{"id":"a","name_vi":"A","name_en":"A","max_score":10}],"min_pass_score":5,"quorum_bps":5000}`

func TestRulebookLoadingRefusesBadBooks(t *testing.T) {
	for name, tc := range map[string]struct{ files map[string]string }{
		"rule without a check":  {map[string]string{"a.json": `{"id":"a","version":"1","rules":[{"id":"SUP-NOPE","field":"x","message_vi":"v","message_en":"e"}],` + goodAppraisal + `}`}},
		"rule without messages": {map[string]string{"a.json": `{"id":"a","version":"1","rules":[{"id":"SUP-OWNER","field":"owner","message_vi":"","message_en":"e"}],` + goodAppraisal + `}`}},
		"rule twice":            {map[string]string{"a.json": `{"id":"a","version":"1","rules":[{"id":"SUP-OWNER","field":"o","message_vi":"v","message_en":"e"},{"id":"SUP-OWNER","field":"o","message_vi":"v","message_en":"e"}],` + goodAppraisal + `}`}},
		"no version":            {map[string]string{"a.json": `{"id":"a","rules":[],` + goodAppraisal + `}`}},
		"unknown field":         {map[string]string{"a.json": `{"id":"a","version":"1","rulez":[],` + goodAppraisal + `}`}},
		"missing base":          {map[string]string{"a.json": `{"id":"a","version":"1","base":"b","rules":[],` + goodAppraisal + `}`}},
		"circular bases": {map[string]string{
			"a.json": `{"id":"a","version":"1","base":"b","rules":[],` + goodAppraisal + `}`,
			"b.json": `{"id":"b","version":"1","base":"a","rules":[]}`}},
		"no appraisal":              {map[string]string{"a.json": `{"id":"a","version":"1","rules":[]}`}},
		"pass mark above the total": {map[string]string{"a.json": `{"id":"a","version":"1","rules":[],"appraisal":{"criteria":[{"id":"a","name_vi":"A","name_en":"A","max_score":10}],"min_pass_score":11}}`}},
		"criterion twice":           {map[string]string{"a.json": `{"id":"a","version":"1","rules":[],"appraisal":{"criteria":[{"id":"a","name_vi":"A","name_en":"A","max_score":10},{"id":"a","name_vi":"A","name_en":"A","max_score":1}]}}`}},
		"quorum above 100%":         {map[string]string{"a.json": `{"id":"a","version":"1","rules":[],"appraisal":{"criteria":[{"id":"a","name_vi":"A","name_en":"A","max_score":10}],"quorum_bps":10001}}`}},
	} {
		t.Run(name, func(t *testing.T) {
			fs := fstest.MapFS{}
			for n, body := range tc.files {
				fs[n] = &fstest.MapFile{Data: []byte(body)}
			}
			_, err := LoadRulebooks(fs)
			require.Error(t, err)
		})
	}
	fs := fstest.MapFS{"a.json": {Data: []byte(`{"id":"a","version":"1","rules":[{"id":"SUP-OWNER","field":"owner","message_vi":"v","message_en":"e"}],` + goodAppraisal + `}`)}}
	rs, err := LoadRulebooks(fs)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, rs.IDs())
}

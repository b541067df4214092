package domain

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Rule is one rule of a support rulebook, as data.
type Rule struct {
	ID        string           `json:"id"`
	Field     string           `json:"field"`
	MessageVI string           `json:"message_vi"`
	MessageEN string           `json:"message_en"`
	Params    map[string]int64 `json:"params"`
}

// Criterion is a criterion the investment council scores.
type Criterion struct {
	ID       string `json:"id"`
	NameVI   string `json:"name_vi"`
	NameEN   string `json:"name_en"`
	MaxScore int32  `json:"max_score"`
}

// AppraisalSpec is how a programme's council appraises: the criteria, the least average total
// score for approval, and the share of the council that must have scored (bps).
type AppraisalSpec struct {
	Criteria     []Criterion `json:"criteria"`
	MinPassScore int32       `json:"min_pass_score"`
	QuorumBps    int32       `json:"quorum_bps"`
}

// Rulebook is a versioned set of support rules; a programme profile names its base, adds rules
// and may replace a base rule (same id: its parameters and messages) and the appraisal.
type Rulebook struct {
	ID        string         `json:"id"`
	Version   string         `json:"version"`
	Title     string         `json:"title"`
	Base      string         `json:"base"`
	Rules     []Rule         `json:"rules"`
	Appraisal *AppraisalSpec `json:"appraisal,omitempty"`
}

// Rulebooks are the loaded rulebooks by id.
type Rulebooks map[string]*Rulebook

// LoadRulebooks reads every *.json rulebook in fsys and checks it: every rule id has a check,
// every rule has a field and both messages, each profile's base exists, and the appraisal
// criteria are sound. A rulebook that fails any of these stops the service at start-up.
func LoadRulebooks(fsys fs.FS) (Rulebooks, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	out := Rulebooks{}
	for _, n := range names {
		rb, err := loadRulebook(fsys, n)
		if err != nil {
			return nil, err
		}
		out[rb.ID] = rb
	}
	for _, rb := range out {
		if rb.Base != "" && out[rb.Base] == nil {
			return nil, fmt.Errorf("rulebook %s: base %q not found", rb.ID, rb.Base)
		}
		if _, _, ok := out.Resolve(rb.ID); !ok {
			return nil, fmt.Errorf("rulebook %s: its chain of bases is too long or circular", rb.ID)
		}
		if out.Appraisal(rb.ID) == nil {
			return nil, fmt.Errorf("rulebook %s: no appraisal criteria in its chain", rb.ID)
		}
	}
	return out, nil
}

func loadRulebook(fsys fs.FS, n string) (*Rulebook, error) {
	b, err := fs.ReadFile(fsys, n)
	if err != nil {
		return nil, err
	}
	var rb Rulebook
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rb); err != nil {
		return nil, fmt.Errorf("rulebook %s: %w", n, err)
	}
	if rb.ID == "" || rb.Version == "" {
		return nil, fmt.Errorf("rulebook %s: id and version are required", n)
	}
	seen := map[string]bool{}
	for _, r := range rb.Rules {
		if _, ok := checks[r.ID]; !ok {
			return nil, fmt.Errorf("rulebook %s: rule %s has no check", rb.ID, r.ID)
		}
		if r.MessageVI == "" || r.MessageEN == "" || r.Field == "" {
			return nil, fmt.Errorf("rulebook %s: rule %s needs field, message_vi and message_en", rb.ID, r.ID)
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("rulebook %s: rule %s appears twice", rb.ID, r.ID)
		}
		seen[r.ID] = true
	}
	if rb.Appraisal != nil {
		if err := rb.Appraisal.check(); err != nil {
			return nil, fmt.Errorf("rulebook %s: appraisal: %w", rb.ID, err)
		}
	}
	return &rb, nil
}

func (a *AppraisalSpec) check() error {
	if len(a.Criteria) == 0 {
		return fmt.Errorf("at least one criterion is required")
	}
	ids := map[string]bool{}
	var sum int32
	for _, c := range a.Criteria {
		if c.ID == "" || c.NameVI == "" || c.NameEN == "" || c.MaxScore <= 0 || ids[c.ID] {
			return fmt.Errorf("criterion %q needs a unique id, names and a positive max_score", c.ID)
		}
		ids[c.ID] = true
		sum += c.MaxScore
	}
	if a.MinPassScore < 0 || a.MinPassScore > sum {
		return fmt.Errorf("min_pass_score %d must be between 0 and %d", a.MinPassScore, sum)
	}
	if a.QuorumBps < 0 || a.QuorumBps > BpsWhole {
		return fmt.Errorf("quorum_bps %d must be between 0 and %d", a.QuorumBps, BpsWhole)
	}
	return nil
}

// maxChain bounds a chain of profiles.
const maxChain = 8

// Resolve returns the chain of rulebooks (base first) for id and its version label, e.g.
// "ntp-sedema@2026.1+decree98-support@2026.1".
func (rs Rulebooks) Resolve(id string) ([]*Rulebook, string, bool) {
	var chain []*Rulebook
	for cur := id; cur != ""; {
		rb, ok := rs[cur]
		if !ok || len(chain) >= maxChain {
			return nil, "", false
		}
		chain = append([]*Rulebook{rb}, chain...)
		cur = rb.Base
	}
	labels := make([]string, 0, len(chain))
	for i := len(chain) - 1; i >= 0; i-- {
		labels = append(labels, chain[i].ID+"@"+chain[i].Version)
	}
	return chain, strings.Join(labels, "+"), true
}

// IDs lists the rulebook ids, sorted.
func (rs Rulebooks) IDs() []string {
	ids := make([]string, 0, len(rs))
	for id := range rs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// EffectiveRule is a rule in force for a programme and the rulebook that defines it.
type EffectiveRule struct {
	Rule
	Rulebook string // id@version
}

// Rules returns the rules in force for programme id: the base's first, each replaced by a
// profile's rule of the same id, then the profile's new rules.
func (rs Rulebooks) Rules(id string) ([]EffectiveRule, bool) {
	chain, _, ok := rs.Resolve(id)
	if !ok {
		return nil, false
	}
	var out []EffectiveRule
	at := map[string]int{}
	for _, rb := range chain {
		for _, r := range rb.Rules {
			er := EffectiveRule{Rule: r, Rulebook: rb.ID + "@" + rb.Version}
			if i, dup := at[r.ID]; dup {
				out[i] = er
				continue
			}
			at[r.ID] = len(out)
			out = append(out, er)
		}
	}
	return out, true
}

// Params returns the parameters of rule ruleID in force for programme id (nil when the
// programme has no such rule).
func (rs Rulebooks) Params(id, ruleID string) map[string]int64 {
	rules, _ := rs.Rules(id)
	for _, r := range rules {
		if r.ID == ruleID {
			return r.Params
		}
	}
	return nil
}

// Appraisal returns the appraisal in force for programme id: the nearest one up the chain.
func (rs Rulebooks) Appraisal(id string) *AppraisalSpec {
	chain, _, ok := rs.Resolve(id)
	if !ok {
		return nil
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].Appraisal != nil {
			return chain[i].Appraisal
		}
	}
	return nil
}

// Violation is a broken rule.
type Violation struct {
	RuleID    string
	Field     string
	MessageVI string
	MessageEN string
}

// Validate checks a proposal against the rules in force for programme id and returns every
// violation (not only the first) and the version label checked against.
func (rs Rulebooks) Validate(id string, p Proposal, f Facts) ([]Violation, string, error) {
	rules, ok := rs.Rules(id)
	if !ok {
		return nil, "", fmt.Errorf("unknown programme %q (known: %s)", id, strings.Join(rs.IDs(), ", "))
	}
	_, label, _ := rs.Resolve(id)
	var out []Violation
	for _, r := range rules {
		for _, fd := range checks[r.ID](p, f, r.Params) {
			field := r.Field
			if fd.field != "" {
				field = fd.field
			}
			out = append(out, Violation{
				RuleID: r.ID, Field: field,
				MessageVI: r.MessageVI + " (" + fd.detail + ")",
				MessageEN: r.MessageEN + " (" + fd.detail + ")",
			})
		}
	}
	return out, label, nil
}

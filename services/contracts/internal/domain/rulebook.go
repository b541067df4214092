package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Rule is one rule of a rulebook, as data.
type Rule struct {
	ID        string           `json:"id"`
	Field     string           `json:"field"`
	MessageVI string           `json:"message_vi"`
	MessageEN string           `json:"message_en"`
	Params    map[string]int64 `json:"params"`
}

// Rulebook is a versioned set of rules; a profile names its base and adds rules.
type Rulebook struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Title   string `json:"title"`
	Base    string `json:"base"`
	Rules   []Rule `json:"rules"`
}

// maxRulebookChain bounds how many profiles may be layered on a base (and breaks cycles).
const maxRulebookChain = 8

// Rulebooks are the loaded rulebooks by id.
type Rulebooks map[string]*Rulebook

// LoadRulebooks reads every *.json rulebook in fsys and checks that each rule id has an
// implementation and each profile's base exists.
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
	}
	return out, nil
}

// loadRulebook decodes one rulebook file strictly and checks its rules.
func loadRulebook(fsys fs.FS, name string) (*Rulebook, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var rb Rulebook
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rb); err != nil {
		return nil, fmt.Errorf("rulebook %s: %w", name, err)
	}
	if rb.ID == "" || rb.Version == "" {
		return nil, fmt.Errorf("rulebook %s: id and version are required", name)
	}
	for _, r := range rb.Rules {
		if _, ok := checks[r.ID]; !ok {
			return nil, fmt.Errorf("rulebook %s: rule %s has no implementation", rb.ID, r.ID)
		}
		if r.MessageVI == "" || r.MessageEN == "" || r.Field == "" {
			return nil, fmt.Errorf("rulebook %s: rule %s needs field, message_vi and message_en", rb.ID, r.ID)
		}
	}
	return &rb, nil
}

// Resolve returns the chain of rulebooks (base first) for id and its version label, e.g.
// "ntp-sedema@2026.1+decree98@2026.1".
func (rs Rulebooks) Resolve(id string) ([]*Rulebook, string, bool) {
	var chain []*Rulebook
	for cur := id; cur != ""; {
		rb, ok := rs[cur]
		if !ok || len(chain) > maxRulebookChain {
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

// Violation is a broken rule.
type Violation struct {
	RuleID    string
	Field     string
	MessageVI string
	MessageEN string
}

// Validate checks terms against the rulebook chain of id and returns every violation.
func (rs Rulebooks) Validate(id string, t Terms, f Facts) ([]Violation, string, error) {
	chain, label, ok := rs.Resolve(id)
	if !ok {
		return nil, "", fmt.Errorf("unknown rulebook %q (known: %s)", id, strings.Join(rs.IDs(), ", "))
	}
	var out []Violation
	for _, rb := range chain {
		for _, r := range rb.Rules {
			for _, fd := range checks[r.ID](t, f, r.Params) {
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
	}
	return out, label, nil
}

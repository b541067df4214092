package apierr

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestChecks(t *testing.T) {
	rules := func(f func(v *Violations)) []string {
		var v Violations
		f(&v)
		var out []string
		for _, x := range v.List() {
			out = append(out, x.Field+":"+x.Rule)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    func(v *Violations)
		want []string
	}{
		{"required and blank", func(v *Violations) { v.Text("a", "  ", true, 5) }, []string{"a:REQUIRED"}},
		{"optional and empty", func(v *Violations) { v.Text("a", "", false, 5) }, nil},
		{"five letters with diacritics fit five", func(v *Violations) { v.Text("a", "Nguyễ", true, 5) }, nil},
		{"too long", func(v *Violations) { v.Text("a", strings.Repeat("ằ", 6), false, 5) }, []string{"a:MAX_LENGTH"}},
		{"bad UTF-8", func(v *Violations) { v.Text("a", "\xff", false, 5) }, []string{"a:UTF8"}},
		{"date ok", func(v *Violations) { v.Date("d", "2026-02-28", true) }, nil},
		{"date impossible", func(v *Violations) { v.Date("d", "2026-02-30", false) }, []string{"d:DATE_FORMAT"}},
		{"date missing", func(v *Violations) { v.Date("d", "", true) }, []string{"d:REQUIRED"}},
		{"required unset", func(v *Violations) { v.Required("r", false) }, []string{"r:REQUIRED"}},
	} {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, rules(tc.f)) })
	}
}

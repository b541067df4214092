package aip

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Condition is one `field op value` term of a filter.
type Condition struct {
	// Field as written by the client.
	Field string
	// Op is "=" or "!=" — or "in" (one of Values) for a != on an enum field (see
	// ParseFilterFields).
	Op string
	// Value, unquoted.
	Value string
	// Values an "in" condition takes, as stored.
	Values []string
}

// Equality reports whether c selects by equality: = or in (an index range, a scope).
func (c Condition) Equality() bool { return c.Op == "=" || c.Op == "in" }

// ParseFilter parses the AIP-160 subset Lienket supports: terms `field = "value"` or
// `field != "value"` (value quoted or a bare word) joined by AND. Only fields in allowed may
// appear; anything else is INVALID_ARGUMENT naming the field "filter".
func ParseFilter(filter string, allowed ...string) ([]Condition, error) {
	toks, err := lex(filter)
	if err != nil {
		return nil, err
	}
	ok := map[string]bool{}
	for _, a := range allowed {
		ok[a] = true
	}
	var out []Condition
	for i := 0; i < len(toks); {
		if len(out) > 0 {
			if !strings.EqualFold(toks[i], "AND") {
				return nil, bad("expected AND between terms, got %q", toks[i])
			}
			i++
		}
		if i+3 > len(toks) {
			return nil, bad("incomplete term: expected field = value")
		}
		f, op, v := toks[i], toks[i+1], toks[i+2]
		if !ok[f] {
			return nil, bad("unknown filter field %q (allowed: %s)", f, strings.Join(allowed, ", "))
		}
		if op != "=" && op != "!=" {
			return nil, bad("unsupported operator %q (use = or !=)", op)
		}
		out = append(out, Condition{Field: f, Op: op, Value: strings.Trim(v, `"`)})
		i += 3
	}
	return out, nil
}

// FilterField is a field a filter may name, and the values it may take (nil: any value).
type FilterField struct {
	Name   string
	Values []string
	// enum: the prefix of the API's values and the values as stored (OneOfEnum).
	prefix string
	stored []string
}

// AnyValue is a filter field that takes any value (a resource name, a code, a date).
func AnyValue(name string) FilterField { return FilterField{Name: name} }

// OneOf is a filter field that takes only the given values (an enum's names).
func OneOf(name string, values ...string) FilterField { return FilterField{Name: name, Values: values} }

// OneOfEnum is a filter field over an enum: it takes each of values (as stored) with or
// without the API's prefix (state = "STATE_OPEN" or "OPEN"), and the unspecified value, which
// matches nothing set.
func OneOfEnum(name, prefix string, values ...string) FilterField {
	out := make([]string, 0, 2*len(values)+1)
	for _, v := range values {
		out = append(out, prefix+v)
	}
	out = append(out, values...)
	f := OneOf(name, append(out, prefix+"UNSPECIFIED")...)
	f.prefix, f.stored = prefix, values
	return f
}

// ParseFilterFields is ParseFilter with the values checked too: a value a field cannot take
// (state = "NOPE") is INVALID_ARGUMENT listing the accepted ones, rather than a filter that
// silently matches nothing. A != on an enum field (OneOfEnum) becomes Op "in" with the field's
// other values: an equality an index serves (a != reads every other key of it), the same
// documents since an enum field holds one of its values.
func ParseFilterFields(filter string, fields ...FilterField) ([]Condition, error) {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	cs, err := ParseFilter(filter, names...)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		for _, f := range fields {
			if f.Name != cs[i].Field || f.Values == nil {
				continue
			}
			if err := f.check(&cs[i]); err != nil {
				return nil, err
			}
		}
	}
	return cs, nil
}

// check refuses a value f cannot take, and turns a != on an enum field into an "in" of its
// other stored values.
func (f FilterField) check(c *Condition) error {
	if !contains(f.Values, c.Value) {
		return apierr.Field("filter", "FILTER_VALUE", "%s cannot be %q (accepted: %s)", c.Field, c.Value, strings.Join(f.Values, ", "))
	}
	if f.stored == nil || c.Op != "!=" {
		return nil
	}
	v := strings.TrimPrefix(c.Value, f.prefix)
	c.Op, c.Values = "in", nil
	for _, x := range f.stored {
		if x != v {
			c.Values = append(c.Values, x)
		}
	}
	return nil
}

// RequireEquality refuses a filter whose conditions select by no equality (only != and
// ranges): it would read a whole collection. An empty filter passes (the caller's scope, or
// an operator's export, bounds what it reads). INVALID_ARGUMENT, rule SCOPE_REQUIRED.
func RequireEquality(cs []Condition, fields ...string) error {
	if len(cs) == 0 {
		return nil
	}
	for _, c := range cs {
		if c.Equality() {
			return nil
		}
	}
	return apierr.Field("filter", "SCOPE_REQUIRED", "add an = condition (on %s): only != and range conditions would read every document", strings.Join(fields, ", "))
}

// RequireScope refuses a listing whose filter has no equality on one of fields: the scopes its
// store indexes (an organisation, a commune, a province, a state). An unscoped listing of a
// large collection — every household of the country — is an export for operators, not a page
// anyone may ask for. INVALID_ARGUMENT, rule SCOPE_REQUIRED, naming the fields.
func RequireScope(cs []Condition, fields ...string) error {
	for _, c := range cs {
		if c.Equality() && contains(fields, c.Field) {
			return nil
		}
	}
	return apierr.Field("filter", "SCOPE_REQUIRED", "filter by %s (an = condition): listing them all is an export for operators", strings.Join(fields, " or "))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func bad(format string, args ...any) error {
	return apierr.Field("filter", "FILTER_SYNTAX", format, args...)
}

func lex(s string) ([]string, error) {
	if len(s) > 1024 {
		return nil, bad("filter longer than 1024 characters")
	}
	var toks []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if j >= len(rs) {
				return nil, bad("unterminated string")
			}
			toks = append(toks, string(rs[i:j+1]))
			i = j + 1
		case r == '=':
			toks = append(toks, "=")
			i++
		case r == '!' && i+1 < len(rs) && rs[i+1] == '=':
			toks = append(toks, "!=")
			i += 2
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_.-/:", r):
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || strings.ContainsRune("_.-/:", rs[j])) {
				j++
			}
			toks = append(toks, string(rs[i:j]))
			i = j
		default:
			return nil, bad("unexpected character %q", string(r))
		}
	}
	return toks, nil
}

// String renders conditions canonically (for page-token digests).
func String(cs []Condition) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		op := c.Op
		if op == "in" {
			op = "!=" // as the client wrote it
		}
		parts[i] = fmt.Sprintf("%s%s%q", c.Field, op, c.Value)
	}
	return strings.Join(parts, "&")
}

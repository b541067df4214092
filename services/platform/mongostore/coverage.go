package mongostore

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// Index coverage: on MongoDB a query is cheap if and only if an index bounds what it reads. The
// functions here take the commands a service sent (captured by a command monitor in tests) and
// check each read and write against the indexes the services declare (Collection), by
// MongoDB's equality–sort–range rule.

// Shape is one query reduced to what decides which index serves it: the fields it compares
// for equality (an $in counts as equality: a few point ranges), the fields it compares by range
// ($gt, $ne, $exists, ...), and its sort. An $or is one Shape per branch, each with the
// conditions outside the $or.
type Shape struct {
	Equal []string
	Range []string
	Sort  []string
}

// Query is one read or write of a command.
type Query struct {
	// Command is the command's name (find, aggregate, count, distinct, update, delete,
	// findAndModify).
	Command    string
	Collection string
	// Shapes: one, or one per branch of an $or.
	Shapes []Shape
	// Filter is the query's filter as sent, with values replaced by their types (for
	// messages: values may be personal data).
	Filter string
	// Hint names the index the query asks for (nil: the planner chooses): it must be declared,
	// and hold every equality of the query before the sort.
	Hint []string
}

// QueriesOf returns the queries of one command: none for a command that reads and writes no
// documents by a filter (insert, getMore, createIndexes, ping, ...), several for an update or a
// delete command that carries several statements.
func QueriesOf(cmd bson.Raw) []Query {
	elems, err := cmd.Elements()
	if err != nil || len(elems) == 0 {
		return nil
	}
	name := elems[0].Key()
	coll, _ := elems[0].Value().StringValueOK()
	q := func(filter, sort bson.Raw) Query {
		return Query{Command: name, Collection: coll, Shapes: shapesOf(filter, keysOf(sort)), Filter: describe(filter)}
	}
	doc := func(key string) bson.Raw { d, _ := cmd.Lookup(key).DocumentOK(); return d }
	switch name {
	case "find":
		fq := q(doc("filter"), doc("sort"))
		if h, ok := cmd.Lookup("hint").DocumentOK(); ok {
			fq.Hint = keysOf(h)
		}
		return []Query{fq}
	case "count", "distinct":
		return []Query{q(doc("query"), nil)}
	case "findAndModify":
		return []Query{q(doc("query"), doc("sort"))}
	case "aggregate":
		return []Query{aggregateQuery(name, coll, cmd)}
	case "update", "delete":
		key, field := "updates", "q"
		if name == "delete" {
			key = "deletes"
		}
		arr, _ := cmd.Lookup(key).ArrayOK()
		vals, _ := arr.Values()
		var out []Query
		for _, v := range vals {
			stmt, _ := v.DocumentOK()
			f, _ := stmt.Lookup(field).DocumentOK()
			out = append(out, q(f, nil))
		}
		return out
	}
	return nil
}

// aggregateQuery is the query of a pipeline's leading $match (and the $sort right after it).
func aggregateQuery(name, coll string, cmd bson.Raw) Query {
	arr, _ := cmd.Lookup("pipeline").ArrayOK()
	stages, _ := arr.Values()
	var match, srt bson.Raw
	for i, st := range stages {
		d, _ := st.DocumentOK()
		if m, ok := d.Lookup("$match").DocumentOK(); ok && i == 0 {
			match = m
			continue
		}
		if s, ok := d.Lookup("$sort").DocumentOK(); ok && i <= 1 {
			srt = s
		}
		break
	}
	return Query{Command: name, Collection: coll, Shapes: shapesOf(match, keysOf(srt)), Filter: describe(match)}
}

func keysOf(d bson.Raw) []string {
	elems, _ := d.Elements()
	out := make([]string, 0, len(elems))
	for _, e := range elems {
		out = append(out, e.Key())
	}
	return out
}

// conds are the conditions of a conjunction, and the $or groups within it.
type conds struct {
	equal, rng map[string]bool
	ors        [][]conds
}

func shapesOf(filter bson.Raw, sortKeys []string) []Shape {
	c := conds{equal: map[string]bool{}, rng: map[string]bool{}}
	c.add(filter)
	var out []Shape
	for _, branch := range c.expand() {
		s := Shape{Equal: setKeys(branch.equal), Range: setKeys(branch.rng)}
		for _, k := range sortKeys {
			if !branch.equal[k] { // sorting on a field fixed by equality costs nothing
				s.Sort = append(s.Sort, k)
			}
		}
		out = append(out, s)
	}
	return out
}

// add adds the conditions of filter.
func (c *conds) add(filter bson.Raw) {
	elems, _ := filter.Elements()
	for _, e := range elems {
		switch k := e.Key(); k {
		case "$and":
			for _, sub := range docs(e.Value()) {
				c.add(sub)
			}
		case "$or":
			var group []conds
			for _, sub := range docs(e.Value()) {
				b := conds{equal: map[string]bool{}, rng: map[string]bool{}}
				b.add(sub)
				group = append(group, b)
			}
			c.ors = append(c.ors, group)
		case "$comment":
		default:
			if strings.HasPrefix(k, "$") { // $nor, $expr, $where: nothing an index bounds
				c.rng[k] = true
				continue
			}
			if isEquality(e.Value()) {
				c.equal[k] = true
			} else {
				c.rng[k] = true
			}
		}
	}
}

// expand turns the $or groups into branches: one conjunction per combination.
func (c conds) expand() []conds {
	out := []conds{{equal: c.equal, rng: c.rng}}
	for _, group := range c.ors {
		var next []conds
		for _, base := range out {
			for _, b := range group {
				for _, bb := range b.expand() {
					next = append(next, merge(base, bb))
				}
			}
		}
		out = next
	}
	return out
}

func merge(a, b conds) conds {
	m := conds{equal: map[string]bool{}, rng: map[string]bool{}}
	for _, x := range []conds{a, b} {
		for k := range x.equal {
			m.equal[k] = true
		}
		for k := range x.rng {
			m.rng[k] = true
		}
	}
	return m
}

// isEquality: a value, or an operator document with $eq or $in (and nothing that widens it).
func isEquality(v bson.RawValue) bool {
	d, ok := v.DocumentOK()
	if !ok {
		return true
	}
	elems, _ := d.Elements()
	if len(elems) == 0 || !strings.HasPrefix(elems[0].Key(), "$") {
		return true // an embedded document compared whole
	}
	for _, e := range elems {
		if e.Key() == "$eq" || e.Key() == "$in" {
			return true
		}
	}
	return false
}

func docs(v bson.RawValue) []bson.Raw {
	arr, _ := v.ArrayOK()
	vals, _ := arr.Values()
	var out []bson.Raw
	for _, x := range vals {
		if d, ok := x.DocumentOK(); ok {
			out = append(out, d)
		}
	}
	return out
}

func setKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Serves reports whether an index with keys (in order) serves s by the equality–sort–range
// rule:
//   - a query that compares some field for equality (it has a scope) needs an index that
//     begins with one or more of those fields, then has the sort's fields in order (no
//     in-memory sort); other conditions are then checked on what the scope holds;
//   - a query without equality is served by an index that begins with its sort (the scan stops
//     at the page's limit) when its other conditions are ranges on fields that follow the sort
//     in the index (checked on the index's keys, as the need it names says), or, unsorted, by
//     an index that begins with one of its range fields;
//   - anything else would scan the collection (or sort it in memory).
func (s Shape) Serves(keys []string) bool {
	equal := map[string]bool{}
	for _, f := range s.Equal {
		equal[f] = true
	}
	i := 0
	for i < len(keys) && equal[keys[i]] {
		i++
	}
	if i == 0 && len(s.Equal) > 0 {
		return false
	}
	rest := keys[i:]
	if len(s.Sort) > 0 {
		return s.sortServed(rest, i > 0)
	}
	if i > 0 {
		return true
	}
	return len(rest) > 0 && slices.Contains(s.Range, rest[0])
}

// sortServed reports whether rest, the index's keys after the equality fields it begins with,
// continue with the sort; without a scope (scoped false) the scan is bounded by the sort, and
// its ranges must be on the sort or follow it in the index.
func (s Shape) sortServed(rest []string, scoped bool) bool {
	if len(rest) < len(s.Sort) || !slices.Equal(rest[:len(s.Sort)], s.Sort) {
		return false
	}
	if scoped {
		return true
	}
	for _, r := range s.Range {
		if !slices.Contains(s.Sort, r) && !slices.Contains(rest[len(s.Sort):], r) {
			return false
		}
	}
	return true
}

// ServesAll is Serves with every equality of s in the index, before the sort: what a query that
// names its index (a hint) must find in it.
func (s Shape) ServesAll(keys []string) bool {
	if len(keys) < len(s.Equal) {
		return false
	}
	for _, f := range s.Equal {
		if !slices.Contains(keys[:len(s.Equal)], f) {
			return false
		}
	}
	return s.Serves(keys)
}

// Need is the index the equality–sort–range rule asks for s: its equality fields, then its
// sort, then its range fields.
func (s Shape) Need() []string {
	out := append([]string{}, s.Equal...)
	out = append(out, s.Sort...)
	for _, r := range s.Range {
		if !slices.Contains(out, r) && !strings.HasPrefix(r, "$") {
			out = append(out, r)
		}
	}
	return out
}

// Uncovered is a query no declared index serves.
type Uncovered struct {
	Query Query
	// Shape is the branch of the query no index serves.
	Shape Shape
	// Reason says why: a collection nobody declared, or the index it would need.
	Reason string
}

func (u Uncovered) String() string {
	return fmt.Sprintf("%s on %s %s sort %v: %s", u.Query.Command, u.Query.Collection, u.Query.Filter, u.Shape.Sort, u.Reason)
}

// Check returns the queries of cmds that no index of the declared collections serves. The
// _id index serves every collection; a Bounded collection needs none.
func Check(declared []Collection, cmds []bson.Raw) []Uncovered {
	byName := map[string]Collection{}
	for _, c := range declared {
		byName[c.Name] = c
	}
	var out []Uncovered
	seen := map[string]bool{}
	for _, cmd := range cmds {
		for _, q := range QueriesOf(cmd) {
			for _, u := range checkQuery(byName, q) {
				if k := u.String(); !seen[k] {
					seen[k] = true
					out = append(out, u)
				}
			}
		}
	}
	return out
}

func checkQuery(byName map[string]Collection, q Query) []Uncovered {
	c, ok := byName[q.Collection]
	if !ok {
		return []Uncovered{{Query: q, Reason: "the collection is not declared (storage/indexes.go)"}}
	}
	if c.Bounded {
		return nil
	}
	indexes := [][]string{{"_id"}}
	for _, m := range c.Indexes {
		indexes = append(indexes, IndexKeys(m))
	}
	if q.Hint != nil {
		return checkHinted(q, indexes)
	}
	var out []Uncovered
	for _, s := range q.Shapes {
		if !slices.ContainsFunc(indexes, s.Serves) {
			out = append(out, Uncovered{Query: q, Shape: s, Reason: fmt.Sprintf("no declared index serves it; it needs e.g. (%s)", strings.Join(s.Need(), ", "))})
		}
	}
	return out
}

// checkHinted checks a query that names its index: declared, and holding all its equalities.
func checkHinted(q Query, indexes [][]string) []Uncovered {
	hint := strings.Join(q.Hint, ", ")
	if !slices.ContainsFunc(indexes, func(keys []string) bool { return slices.Equal(keys, q.Hint) }) {
		return []Uncovered{{Query: q, Reason: fmt.Sprintf("it asks for the index (%s), which is not declared", hint)}}
	}
	var out []Uncovered
	for _, s := range q.Shapes {
		if !s.ServesAll(q.Hint) {
			out = append(out, Uncovered{Query: q, Shape: s, Reason: fmt.Sprintf("the index it asks for (%s) does not hold every equality before the sort; it needs e.g. (%s)", hint, strings.Join(s.Need(), ", "))})
		}
	}
	return out
}

// IndexKeys are the fields of an index model, in order.
func IndexKeys(m mongo.IndexModel) []string {
	var out []string
	switch k := m.Keys.(type) {
	case bson.D:
		for _, e := range k {
			out = append(out, e.Key)
		}
	}
	return out
}

// describe renders a filter with each value replaced by its type.
func describe(filter bson.Raw) string {
	if len(filter) == 0 {
		return "{}"
	}
	return describeDoc(filter)
}

func describeDoc(d bson.Raw) string {
	elems, _ := d.Elements()
	parts := make([]string, 0, len(elems))
	for _, e := range elems {
		parts = append(parts, e.Key()+": "+describeValue(e.Value()))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func describeValue(v bson.RawValue) string {
	if d, ok := v.DocumentOK(); ok {
		return describeDoc(d)
	}
	if a, ok := v.ArrayOK(); ok {
		vals, _ := a.Values()
		parts := make([]string, 0, len(vals))
		for _, x := range vals {
			parts = append(parts, describeValue(x))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return v.Type.String()
}

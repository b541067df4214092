package domain

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Rollups are stored packed (EncodeRollup): a province's rollup holds tens of thousands of
// entries and households, and a national report reads every province's, so they travel as
// one compact binary value rather than as documents of documents. The format:
//
//	version byte (1)
//	strings: uvarint count, then each as uvarint length + UTF-8 bytes (referred to by index)
//	entries: uvarint count, then each: kind byte, varint month, 5 uvarint string refs (dims),
//	         uvarint count of non-zero figures, then (uvarint figure, varint value) pairs
//	participations: uvarint count, then each: uvarint refs of household and contract,
//	         varint start and end months, 5 uvarint refs (dims), uvarint refs of poverty and
//	         home province, flags byte (1 ethnic minority, 2 women-headed), varint gen
//
// Figures are stored by index, so a later version may add figures at the end; an index beyond
// NumFigures is an error.

const rollupFormat = 1

// EncodeRollup packs r.
func EncodeRollup(r Rollup) []byte {
	e := encoder{refs: map[string]uint64{}}
	for i := range r.Entries {
		e.collectDims(&r.Entries[i].Dims)
	}
	for i := range r.Participations {
		p := &r.Participations[i]
		e.collect(p.Household, p.Contract, p.Poverty, p.HomeProvince)
		e.collectDims(&p.Dims)
	}
	e.buf = append(e.buf, rollupFormat)
	e.uvarint(uint64(len(e.strs)))
	for _, s := range e.strs {
		e.uvarint(uint64(len(s)))
		e.buf = append(e.buf, s...)
	}
	e.uvarint(uint64(len(r.Entries)))
	for i := range r.Entries {
		e.entry(&r.Entries[i])
	}
	e.uvarint(uint64(len(r.Participations)))
	for i := range r.Participations {
		e.participation(&r.Participations[i])
	}
	return e.buf
}

type encoder struct {
	buf  []byte
	strs []string
	refs map[string]uint64
}

func (e *encoder) collect(ss ...string) {
	for _, s := range ss {
		if _, ok := e.refs[s]; !ok {
			e.refs[s] = uint64(len(e.strs))
			e.strs = append(e.strs, s)
		}
	}
}

func (e *encoder) collectDims(d *Dims) {
	e.collect(d.Product, d.Rulebook, d.Form, d.Province, d.Commune)
}

func (e *encoder) uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) varint(v int64)   { e.buf = binary.AppendVarint(e.buf, v) }

func (e *encoder) ref(ss ...string) {
	for _, s := range ss {
		e.uvarint(e.refs[s])
	}
}

func (e *encoder) entry(en *Entry) {
	e.buf = append(e.buf, en.Kind)
	e.varint(int64(en.Month))
	e.ref(en.Product, en.Rulebook, en.Form, en.Province, en.Commune)
	n := 0
	for _, v := range en.Fig {
		if v != 0 {
			n++
		}
	}
	e.uvarint(uint64(n))
	for i, v := range en.Fig {
		if v != 0 {
			e.uvarint(uint64(i))
			e.varint(v)
		}
	}
}

func (e *encoder) participation(p *Participation) {
	e.ref(p.Household, p.Contract)
	e.varint(int64(p.Start))
	e.varint(int64(p.End))
	e.ref(p.Product, p.Rulebook, p.Form, p.Province, p.Commune, p.Poverty, p.HomeProvince)
	var flags byte
	if p.EthnicMinority {
		flags |= 1
	}
	if p.WomenHeaded {
		flags |= 2
	}
	e.buf = append(e.buf, flags)
	e.varint(p.Gen)
}

// ErrBadRollup reports stored rollup bytes that cannot be read.
var ErrBadRollup = errors.New("malformed rollup")

// DecodeRollup unpacks what EncodeRollup packed; nil or empty bytes are an empty rollup.
func DecodeRollup(b []byte) (Rollup, error) {
	if len(b) == 0 {
		return Rollup{}, nil
	}
	d := decoder{buf: b}
	if d.byte() != rollupFormat {
		return Rollup{}, fmt.Errorf("%w: unknown format", ErrBadRollup)
	}
	d.strings()
	var r Rollup
	n := d.count(10)
	if d.err == nil {
		r.Entries = make([]Entry, n)
	}
	for i := 0; i < n && d.err == nil; i++ {
		d.entry(&r.Entries[i])
	}
	n = d.count(12)
	if d.err == nil {
		r.Participations = make([]Participation, n)
	}
	for i := 0; i < n && d.err == nil; i++ {
		d.participation(&r.Participations[i])
	}
	if d.err == nil && len(d.buf) != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return Rollup{}, d.err
	}
	return r, nil
}

type decoder struct {
	buf  []byte
	strs []string
	err  error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrBadRollup, what)
	}
	d.buf = nil
}

func (d *decoder) byte() byte {
	if len(d.buf) == 0 {
		d.fail("truncated")
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

func (d *decoder) uvarint() uint64 { return next(d, binary.Uvarint, "bad uvarint") }
func (d *decoder) varint() int64   { return next(d, binary.Varint, "bad varint") }

// next reads a value with read (binary.Uvarint, binary.Varint).
func next[T any](d *decoder, read func([]byte) (T, int), bad string) T {
	v, n := read(d.buf)
	if n <= 0 {
		d.fail(bad)
		var zero T
		return zero
	}
	d.buf = d.buf[n:]
	return v
}

// count reads a count of items that take at least min bytes each (so a corrupt count cannot
// make the decoder allocate more than the input could hold).
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if n > uint64(len(d.buf)/min+1) {
		d.fail("count beyond the data")
		return 0
	}
	return int(n)
}

func (d *decoder) strings() {
	n := d.count(1)
	d.strs = make([]string, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		l := d.uvarint()
		if l > uint64(len(d.buf)) {
			d.fail("string beyond the data")
			return
		}
		d.strs = append(d.strs, string(d.buf[:l]))
		d.buf = d.buf[l:]
	}
}

func (d *decoder) str() string {
	i := d.uvarint()
	if i >= uint64(len(d.strs)) {
		d.fail("string reference out of range")
		return ""
	}
	return d.strs[i]
}

func (d *decoder) month() Month {
	v := d.varint()
	if v < 0 || v > 12*10_000 {
		d.fail("month out of range")
	}
	return Month(v)
}

func (d *decoder) dims(x *Dims) {
	x.Product, x.Rulebook, x.Form, x.Province, x.Commune = d.str(), d.str(), d.str(), d.str(), d.str()
}

func (d *decoder) entry(e *Entry) {
	e.Kind = d.byte()
	if e.Kind != EntryStart && e.Kind != EntryEnd && e.Kind != EntryFlow && d.err == nil {
		d.fail("unknown entry kind")
	}
	e.Month = d.month()
	d.dims(&e.Dims)
	n := d.count(2)
	for i := 0; i < n && d.err == nil; i++ {
		f := d.uvarint()
		v := d.varint()
		if f >= uint64(NumFigures) {
			d.fail("figure out of range")
			return
		}
		e.Fig[f] = v
	}
}

func (d *decoder) participation(p *Participation) {
	p.Household, p.Contract = d.str(), d.str()
	p.Start, p.End = d.month(), d.month()
	d.dims(&p.Dims)
	p.Poverty, p.HomeProvince = d.str(), d.str()
	flags := d.byte()
	p.EthnicMinority, p.WomenHeaded = flags&1 != 0, flags&2 != 0
	p.Gen = d.varint()
}

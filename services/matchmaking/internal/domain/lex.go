package domain

// The lexicographic cost every allocation is ranked by: lot violations first, then inclusion
// shortfall, then unallocated units, then VND — exact priorities with no big-M weights.

// lex is a lexicographic cost: lot violation, inclusion shortfall, unallocated units, VND.
type lex struct{ viol, short, unalloc, money int64 }

func (a lex) add(b lex) lex {
	return lex{a.viol + b.viol, a.short + b.short, a.unalloc + b.unalloc, a.money + b.money}
}
func (a lex) sub(b lex) lex {
	return lex{a.viol - b.viol, a.short - b.short, a.unalloc - b.unalloc, a.money - b.money}
}
func (a lex) neg() lex { return lex{-a.viol, -a.short, -a.unalloc, -a.money} }
func (a lex) times(q int64) lex {
	return lex{a.viol * q, a.short * q, a.unalloc * q, a.money * q}
}
func (a lex) less(b lex) bool {
	if a.viol != b.viol {
		return a.viol < b.viol
	}
	if a.short != b.short {
		return a.short < b.short
	}
	if a.unalloc != b.unalloc {
		return a.unalloc < b.unalloc
	}
	return a.money < b.money
}
func (a lex) sign() int {
	switch z := (lex{}); {
	case a.less(z):
		return -1
	case z.less(a):
		return 1
	}
	return 0
}

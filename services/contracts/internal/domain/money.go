package domain

import (
	"errors"
	"math/big"
)

// Money is integer VND. Every computation that scales an amount (price × quantity, percentages
// in basis points, interest by days) is done exactly with big integers and rounded once, half
// away from zero to the nearest đồng; a result that does not fit int64 is an error, never a
// wrapped number.

// ErrOverflow reports an amount outside int64.
var ErrOverflow = errors.New("amount out of range")

// MulDivRound returns round(a × b / c) half away from zero; c must be positive.
func MulDivRound(a, b, c int64) (int64, error) {
	if c <= 0 {
		return 0, errors.New("non-positive divisor")
	}
	n := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	q, r := new(big.Int).QuoRem(n, big.NewInt(c), new(big.Int))
	r2 := new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2))
	if r2.Cmp(big.NewInt(c)) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, ErrOverflow
	}
	return q.Int64(), nil
}

// Mul returns a × b or ErrOverflow.
func Mul(a, b int64) (int64, error) { return MulDivRound(a, b, 1) }

// Add returns a + b or ErrOverflow.
func Add(a, b int64) (int64, error) {
	s := new(big.Int).Add(big.NewInt(a), big.NewInt(b))
	if !s.IsInt64() {
		return 0, ErrOverflow
	}
	return s.Int64(), nil
}

// WholeBps is a whole in basis points (100%).
const WholeBps = 10_000

// ApplyBps returns round(amount × (10000 + bps) / 10000).
func ApplyBps(amount int64, bps int32) (int64, error) {
	return MulDivRound(amount, WholeBps+int64(bps), WholeBps)
}

// ShareBps returns round(amount × bps / 10000).
func ShareBps(amount int64, bps int32) (int64, error) {
	return MulDivRound(amount, int64(bps), WholeBps)
}

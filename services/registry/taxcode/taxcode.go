// Package taxcode computes the check digit of Vietnamese tax codes (mã số thuế), for the
// registry's validation and for anyone who needs valid codes (fixtures, the demo story).
package taxcode

var weights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// CheckDigit computes the check digit of the first nine digits of a tax code:
// 10 − (Σ dᵢ·wᵢ mod 11) with weights 31,29,23,19,17,13,7,5,3. A result of 10 means no valid code
// exists with these nine digits (ok = false). nine must be nine ASCII digits.
func CheckDigit(nine string) (digit byte, ok bool) {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(nine[i]-'0') * weights[i]
	}
	c := 10 - sum%11
	if c == 10 {
		return 0, false
	}
	return byte('0' + c), true
}

// From returns the first valid tax code at or after the nine-digit prefix n (mod 10⁹).
func From(n int64) string {
	for ; ; n++ {
		nine := itoa9(n % 1_000_000_000)
		if d, ok := CheckDigit(nine); ok {
			return nine + string(d)
		}
	}
}

func itoa9(n int64) string {
	b := []byte("000000000")
	for i := 8; i >= 0 && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b)
}

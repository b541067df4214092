// Package domain holds the registry's pure rules: identifiers (tax codes, phones, national IDs),
// ethnic groups, and the validation of organisations, households, memberships and authorities.
// It knows nothing of protobuf or MongoDB.
package domain

import (
	"errors"
	"strings"
)

// Tax-code errors name the rule broken.
var (
	ErrTaxCodeFormat   = errors.New("must be 10 digits, or 10 digits + \"-\" + 3 digits for a branch")
	ErrTaxCodeChecksum = errors.New("check digit (10th digit) does not match the first nine")
	ErrTaxCodeBranch   = errors.New("branch suffix must be 001-999")
)

var taxWeights = [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}

// TaxCodeCheckDigit computes the check digit of the first nine digits of a Vietnamese tax code
// (mã số thuế): 10 − (Σ dᵢ·wᵢ mod 11) with weights 31,29,23,19,17,13,7,5,3. A result of 10 means
// no valid code exists with these nine digits (ok = false).
func TaxCodeCheckDigit(nine string) (digit byte, ok bool) {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(nine[i]-'0') * taxWeights[i]
	}
	c := 10 - sum%11
	if c == 10 {
		return 0, false
	}
	if c == 11 { // sum%11 == -1 cannot happen; kept for clarity
		c = 0
	}
	return byte('0' + c), true
}

// ValidateTaxCode checks a tax code: 10 digits with a valid check digit, optionally followed by
// "-" and a 3-digit branch number. It returns the rule id and error of the first failure.
func ValidateTaxCode(s string) (rule string, err error) {
	main, branch, hasBranch := strings.Cut(s, "-")
	if len(main) != 10 || !allDigits(main) || (hasBranch && (len(branch) != 3 || !allDigits(branch))) {
		return "TAX_CODE_FORMAT", ErrTaxCodeFormat
	}
	if hasBranch && branch == "000" {
		return "TAX_CODE_BRANCH", ErrTaxCodeBranch
	}
	d, ok := TaxCodeCheckDigit(main[:9])
	if !ok || d != main[9] {
		return "TAX_CODE_CHECKSUM", ErrTaxCodeChecksum
	}
	return "", nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

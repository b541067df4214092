// Package domain holds the registry's pure rules: identifiers (tax codes, phones, national IDs),
// ethnic groups, and the validation of organisations, households, memberships and authorities.
// It knows nothing of protobuf or MongoDB.
package domain

import (
	"errors"
	"strings"

	"github.com/lienket/lienket/services/registry/taxcode"
)

// Tax-code errors name the rule broken.
var (
	ErrTaxCodeFormat   = errors.New("must be 10 digits, or 10 digits + \"-\" + 3 digits for a branch")
	ErrTaxCodeChecksum = errors.New("check digit (10th digit) does not match the first nine")
	ErrTaxCodeBranch   = errors.New("branch suffix must be 001-999")
)

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
	d, ok := taxcode.CheckDigit(main[:9])
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

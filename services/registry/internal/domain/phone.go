package domain

import (
	"errors"

	"github.com/nyaruka/phonenumbers"
)

// ErrPhone explains an invalid phone number.
var ErrPhone = errors.New("must be a valid Vietnamese phone number (e.g. 0912 345 678 or +84 912 345 678)")

// NormalizePhone parses a Vietnamese phone number in any common format (0xxx, 84xxx, +84xxx,
// spaces, dots, dashes) and returns it in E.164 (+84...). It uses libphonenumber's metadata
// (github.com/nyaruka/phonenumbers) rather than a hand-kept list of carrier prefixes, which
// change whenever the ministry renumbers.
func NormalizePhone(s string) (string, error) {
	if len(s) > 32 {
		return "", ErrPhone
	}
	n, err := phonenumbers.Parse(s, "VN")
	if err != nil || !phonenumbers.IsValidNumberForRegion(n, "VN") {
		return "", ErrPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

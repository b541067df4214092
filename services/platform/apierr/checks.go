package apierr

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Text lengths every service uses for free text (characters, not bytes).
const (
	MaxShortText = 100  // codes, labels, references
	MaxNameText  = 200  // names of people, organisations, places
	MaxLineText  = 300  // an address line, a reason
	MaxLongText  = 2000 // descriptions, comments, justifications
)

// Text checks a free-text field: present when required (not only spaces), valid UTF-8, at
// most max characters. Rules: REQUIRED, UTF8, MAX_LENGTH.
func (v *Violations) Text(field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "REQUIRED", "is required")
	case !utf8.ValidString(s):
		v.Add(field, "UTF8", "must be valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "MAX_LENGTH", "must be at most %d characters", max)
	}
}

// Required checks that a field is set. Rule: REQUIRED.
func (v *Violations) Required(field string, set bool) bool {
	return v.Check(set, field, "REQUIRED", "is required")
}

// ValidDate reports whether s is a calendar date "YYYY-MM-DD".
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Date checks a calendar date "YYYY-MM-DD" (empty is allowed unless required). Rules:
// REQUIRED, DATE_FORMAT.
func (v *Violations) Date(field, s string, required bool) {
	switch {
	case s == "":
		if required {
			v.Add(field, "REQUIRED", "is required")
		}
	case !ValidDate(s):
		v.Add(field, "DATE_FORMAT", "must be a date YYYY-MM-DD")
	}
}

// Package vn holds Vietnam's conventions that every service and the console share: civil time
// (times are stored in UTC; dates, months and what people read are in Asia/Ho_Chi_Minh) and the
// grouping of digits in numbers. It is pure: domain packages may use it.
package vn

import (
	"strconv"
	"strings"
	"time"
)

// Zone is Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving since 1975), fixed so that no
// time-zone database is needed.
var Zone = time.FixedZone("ICT", 7*3600)

// Group writes n with sep between groups of three digits: Group(1250000, ".") is "1.250.000".
func Group(n int64, sep string) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

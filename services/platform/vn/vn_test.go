package vn

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestGroup(t *testing.T) {
	for _, c := range []struct {
		n    int64
		sep  string
		want string
	}{
		{0, ".", "0"}, {999, ".", "999"}, {1000, ".", "1.000"}, {1250000, ".", "1.250.000"}, {-42000, ".", "-42.000"},
		{1000, ",", "1,000"}, {math.MaxInt64, ".", "9.223.372.036.854.775.807"}, {math.MinInt64, ".", "-9.223.372.036.854.775.808"},
	} {
		require.Equal(t, c.want, Group(c.n, c.sep), c.n)
	}
}

func TestZone(t *testing.T) {
	// 17:30 UTC on 31 December is already New Year's Day in Vietnam.
	at := time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC)
	require.Equal(t, "2027-01-01 00:30", at.In(Zone).Format("2006-01-02 15:04"))
}

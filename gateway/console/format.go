package console

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"google.golang.org/protobuf/types/known/timestamppb"
)

// Vietnamese conventions: thousands separated by dots, VND as "1.250.000 ₫", dates
// dd/mm/yyyy in Asia/Ho_Chi_Minh, quantities with the product's unit.

// group writes n with dots between thousands.
func group(n int64) string { return vn.Group(n, ".") }

// vnd renders an amount of dong: 1.250.000 ₫ (with a no-break space).
func vnd(n int64) string { return group(n) + "\u00a0₫" }

// qty renders a quantity with its unit: 3.000 kg.
func qty(n int64, unit string) string {
	if unit == "" {
		return group(n)
	}
	return group(n) + "\u00a0" + unit
}

// bps renders basis points as a percentage with a decimal comma: 8%, 12,5%.
func bps(n int32) string {
	s := strconv.FormatFloat(float64(n)/100, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1) + "%"
}

// day renders an API date (YYYY-MM-DD) as dd/mm/yyyy; anything else is shown as it is.
func day(s string) string {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return s
	}
	return t.Format("02/01/2006")
}

// moment renders a timestamp as dd/mm/yyyy hh:mm in Asia/Ho_Chi_Minh.
func moment(ts *timestamppb.Timestamp) string {
	if ts == nil || !ts.IsValid() || (ts.GetSeconds() == 0 && ts.GetNanos() == 0) {
		return ""
	}
	return ts.AsTime().In(vn.Zone).Format("02/01/2006 15:04")
}

// parseAmount reads an integer typed by a person: digits with optional dots, spaces or commas
// as thousands separators ("1.250.000", "1 250 000"), an optional "₫" or "đ".
func parseAmount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "₫"), "đ"), "VND")
	s = strings.NewReplacer(".", "", " ", "", "\u00a0", "", ",", "", "_", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	return strconv.ParseInt(s, 10, 64)
}

// parsePercent reads a percentage ("8", "12,5", "0.5") into basis points.
func parsePercent(s string) (int32, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil || f < -100 || f > 100 {
		return 0, fmt.Errorf("not a percentage")
	}
	return int32(f*100 + 0.5*sign(f)), nil
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}

// isoDate reads a date typed as dd/mm/yyyy or given by a date input (yyyy-mm-dd) and returns
// the API form YYYY-MM-DD.
func isoDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("not a date")
}

// share writes part of whole as a percentage with a decimal comma: 42%, 12,5% ("—" when
// whole is 0).
func share(part, whole int64) string {
	if whole == 0 {
		return "—"
	}
	return bps(int32((part*20000/whole + 1) / 2))
}

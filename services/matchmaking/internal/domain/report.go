package domain

import (
	"fmt"
	"sort"
	"time"

	"github.com/lienket/lienket/services/platform/vn"
)

// DemandFigures count demands posted, and how they stand.
type DemandFigures struct {
	Posted, Quantity, Allocated              int64
	Open, Partial, Filled, Closed, Cancelled int64
}

func (f *DemandFigures) add(d *Demand) {
	f.Posted++
	f.Quantity += d.Quantity
	f.Allocated += d.AllocatedQuantity
	switch d.State {
	case DemandOpen:
		f.Open++
	case DemandPartiallyAllocated:
		f.Partial++
	case DemandFilled:
		f.Filled++
	case DemandClosed:
		f.Closed++
	case DemandCancelled:
		f.Cancelled++
	}
}

// DemandLine is the figures of one key (an area, a product, a month).
type DemandLine struct {
	Key string
	DemandFigures
}

// DemandReport is a report on demands: the total and its breakdowns.
type DemandReport struct {
	Total                      DemandFigures
	ByArea, ByProduct, ByMonth []DemandLine
}

// PostedMonth is the month ("YYYY-MM") a demand was posted, in Asia/Ho_Chi_Minh.
func (d *Demand) PostedMonth() string { return d.CreateTime.In(vn.Zone).Format("2006-01") }

// ReportDemands counts demands posted in the months from..to ("YYYY-MM", inclusive), by area
// of delivery (the province when byProvince, else the commune), product and month (every
// month of the period).
func ReportDemands(ds []Demand, from, to string, byProvince bool) DemandReport {
	var r DemandReport
	areas, products, months := map[string]*DemandFigures{}, map[string]*DemandFigures{}, map[string]*DemandFigures{}
	for m := from; m <= to; m = nextMonth(m) {
		months[m] = &DemandFigures{}
	}
	at := func(m map[string]*DemandFigures, k string) *DemandFigures {
		if m[k] == nil {
			m[k] = &DemandFigures{}
		}
		return m[k]
	}
	for i := range ds {
		d := &ds[i]
		m := d.PostedMonth()
		if m < from || m > to {
			continue
		}
		area := d.DeliveryCommuneCode
		if byProvince {
			area = d.ProvinceCode
		}
		for _, f := range []*DemandFigures{&r.Total, at(areas, area), at(products, d.Product), at(months, m)} {
			f.add(d)
		}
	}
	r.ByArea, r.ByProduct, r.ByMonth = lines(areas), lines(products), lines(months)
	return r
}

func lines(m map[string]*DemandFigures) []DemandLine {
	out := make([]DemandLine, 0, len(m))
	for k, f := range m {
		out = append(out, DemandLine{Key: k, DemandFigures: *f})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// nextMonth is the month after m ("YYYY-MM").
func nextMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return "9999-12"
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// MonthStart is the first instant of month m ("YYYY-MM") in Asia/Ho_Chi_Minh.
func MonthStart(m string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", m, vn.Zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("month %q: %w", m, err)
	}
	return t, nil
}

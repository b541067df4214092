package console

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
)

// Exports: one table — the total, then each breakdown (area, product, linkage form, month) —
// with every figure of the report as a column under a Vietnamese header, the demands of the
// same area, product or month alongside. CSV (UTF-8 with a byte-order mark, so that
// spreadsheet programs read the Vietnamese right) and XLSX (github.com/xuri/excelize/v2: the
// maintained pure-Go library for Office Open XML; the table with number formats, a frozen
// header, and a second sheet saying what the report covers and how figures are counted).

// exportColumn is one column: its header and its value on a line (a number, or "" when the
// line has none).
type exportColumn struct {
	Header string
	Value  func(f *contractsv1.ReportFigures, d *matchmakingv1.DemandFigures) any
}

func fig(get func(*contractsv1.ReportFigures) int64) func(*contractsv1.ReportFigures, *matchmakingv1.DemandFigures) any {
	return func(f *contractsv1.ReportFigures, _ *matchmakingv1.DemandFigures) any {
		if f == nil {
			return ""
		}
		return get(f)
	}
}

func dem(get func(*matchmakingv1.DemandFigures) int64) func(*contractsv1.ReportFigures, *matchmakingv1.DemandFigures) any {
	return func(_ *contractsv1.ReportFigures, d *matchmakingv1.DemandFigures) any {
		if d == nil {
			return ""
		}
		return get(d)
	}
}

// exportColumns are the figures of the exports, in order.
func exportColumns() []exportColumn {
	h := func(get func(*contractsv1.ReportHouseholds) int64) func(*contractsv1.ReportFigures) int64 {
		return func(f *contractsv1.ReportFigures) int64 { return get(f.GetHouseholds()) }
	}
	cols := []exportColumn{
		{"Số hợp đồng", fig((*contractsv1.ReportFigures).GetContracts)},
		{"Hợp đồng có hiệu lực", fig((*contractsv1.ReportFigures).GetContractsInForce)},
	}
	for _, st := range stateFilters0 {
		cols = append(cols, exportColumn{"Hợp đồng " + strings.ToLower(enumLabels[st.String()][0]), fig(func(f *contractsv1.ReportFigures) int64 { return contractsInState(f, st) })})
	}
	for _, lf := range []contractsv1.LinkageForm{1, 2, 3, 4} {
		cols = append(cols, exportColumn{"Hình thức: " + enumLabels[lf.String()][0], fig(func(f *contractsv1.ReportFigures) int64 { return formCount(f, lf) })})
	}
	cols = append(cols,
		exportColumn{"Số hộ tham gia", fig(h((*contractsv1.ReportHouseholds).GetTotal))},
		exportColumn{"Hộ nghèo", fig(h((*contractsv1.ReportHouseholds).GetPoor))},
		exportColumn{"Hộ cận nghèo", fig(h((*contractsv1.ReportHouseholds).GetNearPoor))},
		exportColumn{"Hộ mới thoát nghèo", fig(h((*contractsv1.ReportHouseholds).GetRecentlyEscaped))},
		exportColumn{"Hộ không nghèo", fig(h((*contractsv1.ReportHouseholds).GetNonPoor))},
		exportColumn{"Hộ chưa rõ tình trạng", fig(h((*contractsv1.ReportHouseholds).GetUnknownStatus))},
		exportColumn{"Hộ dân tộc thiểu số", fig(h((*contractsv1.ReportHouseholds).GetEthnicMinority))},
		exportColumn{"Hộ do phụ nữ làm chủ", fig(h((*contractsv1.ReportHouseholds).GetWomenHeaded))},
		exportColumn{"Lượt hộ trong hợp đồng", fig((*contractsv1.ReportFigures).GetHouseholdPlaces)},
		exportColumn{"Sản lượng hợp đồng", fig((*contractsv1.ReportFigures).GetContractedQuantity)},
		exportColumn{"Giá trị hợp đồng (đồng)", fig((*contractsv1.ReportFigures).GetContractedValueVnd)},
		exportColumn{"Số lần giao hàng", fig((*contractsv1.ReportFigures).GetDeliveries)},
		exportColumn{"Sản lượng giao", fig((*contractsv1.ReportFigures).GetDeliveredQuantity)},
		exportColumn{"Sản lượng nghiệm thu", fig((*contractsv1.ReportFigures).GetAcceptedQuantity)},
		exportColumn{"Giá trị nghiệm thu (đồng)", fig((*contractsv1.ReportFigures).GetAcceptedValueVnd)},
		exportColumn{"Số lần thanh toán", fig((*contractsv1.ReportFigures).GetPayments)},
		exportColumn{"Đã thanh toán (đồng)", fig((*contractsv1.ReportFigures).GetPaidVnd)},
		exportColumn{"Thanh toán trong thời hạn (đồng)", fig((*contractsv1.ReportFigures).GetPaidWithinTermsVnd)},
		exportColumn{"Tỉ lệ thanh toán trong thời hạn (%)", func(f *contractsv1.ReportFigures, _ *matchmakingv1.DemandFigures) any {
			if f == nil || f.GetPaidVnd() == 0 {
				return ""
			}
			return float64(f.GetPaidWithinTermsBps()) / 100
		}},
		exportColumn{"Số ngày thanh toán bình quân", func(f *contractsv1.ReportFigures, _ *matchmakingv1.DemandFigures) any {
			if f == nil || f.GetPaidVnd() == 0 {
				return ""
			}
			return math.Round(f.GetAverageDaysToPay()*10) / 10
		}},
		exportColumn{"Số lần ứng vật tư", fig((*contractsv1.ReportFigures).GetAdvances)},
		exportColumn{"Giá trị ứng trước (đồng)", fig((*contractsv1.ReportFigures).GetAdvancedVnd)},
		exportColumn{"Ứng trước đã thu hồi (đồng)", fig((*contractsv1.ReportFigures).GetRecoveredVnd)},
		exportColumn{"Ứng trước còn phải thu (đồng)", fig((*contractsv1.ReportFigures).GetAdvancesOutstandingVnd)},
		exportColumn{"Số sự vụ", fig((*contractsv1.ReportFigures).GetIncidents)},
		exportColumn{"Tiền phạt vi phạm (đồng)", fig((*contractsv1.ReportFigures).GetPenaltiesVnd)},
	)
	for _, k := range incidentKinds {
		for _, o := range incidentOutcomes {
			cols = append(cols, exportColumn{"Sự vụ " + strings.ToLower(enumLabels[k.String()][0]) + ": " + strings.ToLower(enumLabels[o.String()][0]),
				fig(func(f *contractsv1.ReportFigures) int64 { return incidentCount(f, k, o) })})
		}
	}
	return append(cols,
		exportColumn{"Sản lượng có giá thị trường tham chiếu", fig((*contractsv1.ReportFigures).GetPricedQuantity)},
		exportColumn{"Giá mua bình quân (đồng/đơn vị)", fig((*contractsv1.ReportFigures).GetAveragePriceVnd)},
		exportColumn{"Giá thị trường bình quân (đồng/đơn vị)", fig((*contractsv1.ReportFigures).GetAverageMarketPriceVnd)},
		exportColumn{"Nhu cầu mua đã đăng", dem((*matchmakingv1.DemandFigures).GetPosted)},
		exportColumn{"Sản lượng cần mua", dem((*matchmakingv1.DemandFigures).GetQuantity)},
		exportColumn{"Sản lượng đã phân bổ", dem((*matchmakingv1.DemandFigures).GetAllocatedQuantity)},
		exportColumn{"Nhu cầu đã đủ", dem((*matchmakingv1.DemandFigures).GetFilled)},
		exportColumn{"Nhu cầu đang mở", dem(func(d *matchmakingv1.DemandFigures) int64 { return d.GetOpen() + d.GetPartiallyAllocated() })},
		exportColumn{"Nhu cầu đã đóng hoặc hủy", dem(func(d *matchmakingv1.DemandFigures) int64 { return d.GetClosed() + d.GetCancelled() })},
	)
}

// stateFilters0 are every contract state, in order.
var stateFilters0 = []contractsv1.ContractState{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}

func contractsInState(f *contractsv1.ReportFigures, st contractsv1.ContractState) int64 {
	for _, s := range f.GetContractsByState() {
		if s.GetState() == st {
			return s.GetCount()
		}
	}
	return 0
}

func formCount(f *contractsv1.ReportFigures, lf contractsv1.LinkageForm) int64 {
	for _, s := range f.GetContractsByLinkageForm() {
		if s.GetLinkageForm() == lf {
			return s.GetCount()
		}
	}
	return 0
}

func incidentCount(f *contractsv1.ReportFigures, k contractsv1.Incident_Kind, o contractsv1.IncidentOutcome) int64 {
	for _, c := range f.GetIncidentsByOutcome() {
		if c.GetKind() == k && c.GetOutcome() == o {
			return c.GetCount()
		}
	}
	return 0
}

// table is an export: headers and rows of cells (strings and numbers).
type table struct {
	headers []string
	rows    [][]any
}

// exportTable lays the report out: a row for the total and for each line of each breakdown,
// with the demand figures of the same key.
func exportTable(d *reportData, lang string) table {
	cols := exportColumns()
	t := table{headers: []string{"Nhóm", "Mã", "Tên"}}
	for _, c := range cols {
		t.headers = append(t.headers, c.Header)
	}
	demands := map[string]map[string]*matchmakingv1.DemandFigures{"area": {}, "product": {}, "month": {}}
	if d.D != nil {
		for by, ls := range map[string][]*matchmakingv1.DemandReportLine{"area": d.D.GetByArea(), "product": d.D.GetByProduct(), "month": d.D.GetByMonth()} {
			for _, l := range ls {
				demands[by][l.GetKey()] = l.GetFigures()
			}
		}
	}
	row := func(group, key, name string, f *contractsv1.ReportFigures, dm *matchmakingv1.DemandFigures) {
		r := []any{group, key, name}
		for _, c := range cols {
			r = append(r, c.Value(f, dm))
		}
		t.rows = append(t.rows, r)
	}
	row("Tổng cộng", "", "", d.C.GetTotal(), d.D.GetTotal())
	area := "Theo xã"
	if d.C.GetAreaLevel() == contractsv1.ContractReport_AREA_LEVEL_PROVINCE {
		area = "Theo tỉnh"
	}
	q := &rq{lang: "vi"}
	for _, b := range []struct {
		group, by string
		lines     []*contractsv1.ReportLine
	}{{area, "area", d.C.GetByArea()}, {"Theo sản phẩm", "product", d.C.GetByProduct()}, {"Theo hình thức liên kết", "form", d.C.GetByLinkageForm()}, {"Theo tháng", "month", d.C.GetByMonth()}} {
		for _, l := range b.lines {
			row(b.group, l.GetKey(), lineLabel(q, d, b.by, l.GetKey()), l.GetFigures(), demands[b.by][l.GetKey()])
		}
	}
	_ = lang
	return t
}

// csv writes the table as CSV, UTF-8 with a byte-order mark.
func (t table) csv() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	rec := make([]string, len(t.headers))
	if err := w.Write(t.headers); err != nil {
		return nil, err
	}
	for _, r := range t.rows {
		for i, c := range r {
			rec[i] = cellText(c)
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// cellText writes a cell for CSV: numbers plainly (a decimal point), text as it is, with a
// leading apostrophe when a spreadsheet would read it as a formula.
func cellText(c any) string {
	switch v := c.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			return "'" + v
		}
		return v
	}
	return fmt.Sprint(c)
}

// reportInfo says what an export covers and how its figures are counted.
func reportInfo(d *reportData, _ string) [][2]string {
	r := d.C
	return [][2]string{
		{"Báo cáo", "Báo cáo liên kết sản xuất và tiêu thụ nông sản"},
		{"Phạm vi", d.ScopeOf + " (" + r.GetScope() + ")"},
		{"Kỳ báo cáo", monthLabel(r.GetStartMonth()) + " – " + monthLabel(r.GetEndMonth())},
		{"Bộ lọc", r.GetFilter()},
		{"Thời điểm lập", moment(r.GetComputeTime())},
		{"Cách tính", "Hợp đồng, hộ tham gia, sản lượng và giá trị hợp đồng: các hợp đồng có thời hạn giao với kỳ báo cáo. Giao hàng, thanh toán, ứng trước, sự vụ: phát sinh trong kỳ. " +
			"Mỗi hộ tính một lần dù tham gia nhiều hợp đồng, theo tình trạng ghi nhận ở hợp đồng gần nhất. Thanh toán được đối chiếu với các lần giao hàng theo thứ tự thời gian (giao trước trả trước). " +
			"Sản lượng tính theo đơn vị của sản phẩm: chỉ cộng được khi báo cáo một sản phẩm. Nhu cầu mua: đăng trong kỳ, theo địa bàn giao hàng."},
	}
}

// xlsx writes the table as a workbook: the table on a first sheet, what it covers on a second.
func (t table) xlsx(info [][2]string) ([]byte, error) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const sheet = "Báo cáo"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	if err := t.writeSheet(f, sheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet("Thông tin"); err != nil {
		return nil, err
	}
	for i, kv := range info {
		if err := f.SetSheetRow("Thông tin", fmt.Sprintf("A%d", i+1), &[]any{kv[0], kv[1]}); err != nil {
			return nil, err
		}
	}
	if err := f.SetColWidth("Thông tin", "A", "A", 16); err != nil {
		return nil, err
	}
	if err := f.SetColWidth("Thông tin", "B", "B", 120); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (t table) writeSheet(f *excelize.File, sheet string) error {
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E3EBE5"}}})
	if err != nil {
		return err
	}
	num, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		return err
	}
	headers := make([]any, len(t.headers))
	for i, h := range t.headers {
		headers[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &headers); err != nil {
		return err
	}
	for i, r := range t.rows {
		row := append([]any(nil), r...)
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &row); err != nil {
			return err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(t.headers))
	for _, step := range []error{
		f.SetCellStyle(sheet, "A1", last+"1", head),
		f.SetCellStyle(sheet, "D2", fmt.Sprintf("%s%d", last, len(t.rows)+1), num),
		f.SetColWidth(sheet, "A", "A", 22), f.SetColWidth(sheet, "B", "B", 16), f.SetColWidth(sheet, "C", "C", 28),
		f.SetColWidth(sheet, "D", last, 16), f.SetRowHeight(sheet, 1, 60),
		f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 3, YSplit: 1, TopLeftCell: "D2", ActivePane: "bottomRight"}),
	} {
		if step != nil {
			return step
		}
	}
	return nil
}

package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// MaxImportRows is the most data rows one household import file may hold.
const MaxImportRows = 10_000

// ImportColumn is one column of the household import file.
type ImportColumn struct {
	// Header is the column's Vietnamese header in the template; Key the API field name. Either
	// is accepted as the header of a file (case, spaces, punctuation and diacritics aside).
	Header, Key string
	// Required columns must be in the file.
	Required bool
	// Example is the template's example value; Help explains the values, in Vietnamese.
	Example, Help string
}

// ImportColumns are the template's columns, in order.
var ImportColumns = []ImportColumn{
	{"Họ và tên chủ hộ", "head_name", true, "Triệu Thị Mai", "Bắt buộc"},
	{"Giới tính chủ hộ", "head_gender", false, "Nữ", "Nam, Nữ hoặc Khác"},
	{"Số nhân khẩu", "member_count", true, "5", "Bắt buộc, từ 1 đến 50"},
	{"Dân tộc", "ethnic_group", true, "Dao", "Bắt buộc: tên một trong 54 dân tộc (Kinh, Tày, Mông, Dao, …)"},
	{"Tình trạng nghèo", "poverty_status", true, "Nghèo", "Bắt buộc: Nghèo, Cận nghèo, Mới thoát nghèo hoặc Không nghèo"},
	{"Năm xác nhận", "poverty_status_year", false, "2025", "Năm xã xác nhận tình trạng nghèo"},
	{"Mã xã", "commune_code", true, "04387", "Bắt buộc: mã xã, phường, đặc khu theo danh mục từ 01/7/2025 (04387 là Xã Châu Quế, Lào Cai)"},
	{"Thôn, bản", "village", false, "Thôn Khe Lóng", ""},
	{"Số điện thoại", "phone", false, "0389123456", ""},
	{"Số CCCD", "national_id", false, "001203004567", "12 chữ số (hoặc CMND 9 chữ số); chỉ lưu dạng băm và 4 số cuối"},
	{"Mã sản phẩm", "product", false, "cinnamon-bark", "Mã sản phẩm của danh mục (GET /v1/products)"},
	{"Diện tích canh tác (m²)", "area_m2", false, "12000", "Diện tích trồng sản phẩm trên, m²"},
	{"Ngày đồng ý xử lý dữ liệu", "consent_date", false, "01/03/2026", "Ngày hộ đồng ý (dd/mm/yyyy); cần có trước khi vào hợp đồng"},
	{"Mục đích đồng ý", "consent_purpose", false, "Liên kết tiêu thụ quế", ""},
	{"Vai trò trong tổ chức", "role", false, "Thành viên", "Thành viên hoặc Trưởng nhóm"},
	{"Ngày gia nhập", "join_date", false, "15/01/2024", "dd/mm/yyyy"},
}

// importAliases are other headers people give the columns.
var importAliases = map[string][]string{
	"head_name":      {"Họ tên chủ hộ", "Chủ hộ", "Họ và tên", "Họ tên"},
	"head_gender":    {"Giới tính"},
	"member_count":   {"Số khẩu", "Nhân khẩu", "Số người"},
	"poverty_status": {"Diện hộ", "Hộ nghèo/cận nghèo", "Phân loại hộ"},
	"commune_code":   {"Mã xã/phường", "Mã đơn vị hành chính", "Mã ĐVHC"},
	"village":        {"Thôn", "Bản", "Thôn/bản", "Thôn/xóm", "Xóm", "Ấp"},
	"phone":          {"Điện thoại", "SĐT", "Số ĐT"},
	"national_id":    {"CCCD", "Số CMND/CCCD", "CMND/CCCD", "Số căn cước", "Căn cước công dân"},
	"product":        {"Sản phẩm"},
	"area_m2":        {"Diện tích (m²)", "Diện tích (m2)", "Diện tích"},
	"role":           {"Vai trò"},
}

// ImportRow is one valid data row: the household (validated), its national ID number as
// written, and its membership of the importing organisation.
type ImportRow struct {
	Row        int
	Household  Household
	NationalID string
	Membership Membership
}

// RowError is one problem of an import file: the row as a spreadsheet numbers it (the header
// is row 1), the column's header as in the file, a rule id and messages in two languages.
type RowError struct {
	Row                  int
	Column, Rule         string
	MessageVI, MessageEN string
}

// sheet is an import file being read: its header and the column of each key.
type sheet struct {
	header []string
	col    map[string]int // key → column index
}

// ParseHouseholdSheet reads the rows of a household import file (the header first) into
// validated households and memberships, and lists every problem with its row and column.
func ParseHouseholdSheet(rows [][]string, ref RefData, now time.Time) ([]ImportRow, []RowError) {
	if len(rows) == 0 {
		return nil, []RowError{rowError(1, "", "EMPTY_FILE", "the file has no header row")}
	}
	sh, errs := readHeader(rows[0])
	if len(errs) > 0 {
		return nil, errs
	}
	data := rows[1:]
	if len(data) > MaxImportRows {
		return nil, []RowError{rowError(1, "", "TOO_MANY_ROWS", "at most %d rows per file, not %d", MaxImportRows, len(data))}
	}
	var out []ImportRow
	for i, cells := range data {
		if blank(cells) {
			continue
		}
		row, rowErrs := sh.parseRow(i+2, cells, ref, now)
		errs = append(errs, rowErrs...)
		if len(rowErrs) == 0 {
			out = append(out, row)
		}
	}
	return out, errs
}

func readHeader(cells []string) (*sheet, []RowError) {
	sh := &sheet{header: cells, col: map[string]int{}}
	known := map[string]string{}
	for _, c := range ImportColumns {
		known[foldName(c.Header)], known[foldName(c.Key)] = c.Key, c.Key
		for _, a := range importAliases[c.Key] {
			known[foldName(a)] = c.Key
		}
	}
	var errs []RowError
	for i, h := range cells {
		if strings.TrimSpace(h) == "" {
			continue
		}
		key, ok := known[foldName(h)]
		switch _, dup := sh.col[key]; {
		case !ok:
			errs = append(errs, rowError(1, h, "UNKNOWN_COLUMN", "unknown column %q", h))
		case dup:
			errs = append(errs, rowError(1, h, "DUPLICATE_COLUMN", "column %q appears twice", h))
		default:
			sh.col[key] = i
		}
	}
	for _, c := range ImportColumns {
		if _, ok := sh.col[c.Key]; c.Required && !ok {
			errs = append(errs, rowError(1, c.Header, "MISSING_COLUMN", "the column %q (%s) is required", c.Header, c.Key))
		}
	}
	return sh, errs
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cell is the trimmed value of key's column in cells ("" when absent).
func (sh *sheet) cell(cells []string, key string) string {
	i, ok := sh.col[key]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// headerOf is key's header as the file writes it (the template's when the file lacks it).
func (sh *sheet) headerOf(key string) string {
	if i, ok := sh.col[key]; ok {
		return sh.header[i]
	}
	for _, c := range ImportColumns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// parseRow converts and validates one data row.
func (sh *sheet) parseRow(n int, cells []string, ref RefData, now time.Time) (ImportRow, []RowError) {
	get := func(key string) string { return sh.cell(cells, key) }
	var errs []RowError
	bad := func(key, rule, format string, args ...any) {
		errs = append(errs, rowError(n, sh.headerOf(key), rule, format, args...))
	}
	h := Household{HeadName: get("head_name"), EthnicGroup: get("ethnic_group"), CommuneCode: get("commune_code"),
		Village: get("village"), Phone: excelPhone(get("phone"))}
	h.HeadGender = choice(get("head_gender"), "GENDER_", genders, func() { bad("head_gender", "ENUM_VALUE", "must be Nam, Nữ or Khác") })
	h.PovertyStatus = choice(get("poverty_status"), "POVERTY_STATUS_", povertyStatuses, func() {
		bad("poverty_status", "ENUM_VALUE", "must be Nghèo, Cận nghèo, Mới thoát nghèo or Không nghèo")
	})
	h.MemberCount = int32(number(get("member_count"), func() { bad("member_count", "NUMBER_FORMAT", "must be a whole number") }))
	h.PovertyStatusYear = int32(number(get("poverty_status_year"), func() { bad("poverty_status_year", "NUMBER_FORMAT", "must be a year") }))
	if p, a := get("product"), get("area_m2"); p != "" || a != "" {
		h.CultivatedAreas = []CultivatedArea{{Product: p, AreaM2: number(a, func() { bad("area_m2", "NUMBER_FORMAT", "must be a whole number of m²") })}}
	}
	if d, p := get("consent_date"), get("consent_purpose"); d != "" || p != "" {
		h.Consent = &Consent{Date: isoDate(d, func() { bad("consent_date", "DATE_FORMAT", "must be a date dd/mm/yyyy or yyyy-mm-dd") }), Purpose: p}
	}
	m := Membership{State: StateActive, Role: RoleMember,
		JoinDate: isoDate(get("join_date"), func() { bad("join_date", "DATE_FORMAT", "must be a date dd/mm/yyyy or yyyy-mm-dd") })}
	if r := get("role"); r != "" {
		m.Role = choice(r, "ROLE_", roles, func() { bad("role", "ENUM_VALUE", "must be Thành viên or Trưởng nhóm") })
	}
	var v apierr.Violations
	ValidateHousehold(&v, ref, "household", &h, now)
	ValidateMembership(&v, "membership", &m)
	for _, x := range v.List() {
		if key := columnOf(x.Field); !sh.reported(errs, key) {
			errs = append(errs, RowError{Row: n, Column: sh.headerOf(key), Rule: x.Rule, MessageVI: MessageVI(x.Rule), MessageEN: x.Message})
		}
	}
	return ImportRow{Row: n, Household: h, NationalID: excelNationalID(get("national_id")), Membership: m}, errs
}

// reported: the row's errors already name key's column (a value that could not be read is not
// reported again by the validation of what it became).
func (sh *sheet) reported(errs []RowError, key string) bool {
	for _, e := range errs {
		if e.Column == sh.headerOf(key) {
			return true
		}
	}
	return false
}

// columnOf is the import column of a validation field path.
func columnOf(field string) string {
	switch f := strings.TrimPrefix(strings.TrimPrefix(field, "household."), "membership."); {
	case strings.HasPrefix(f, "cultivated_areas") && strings.HasSuffix(f, ".product"):
		return "product"
	case strings.HasPrefix(f, "cultivated_areas"):
		return "area_m2"
	case f == "consent.purpose":
		return "consent_purpose"
	case strings.HasPrefix(f, "consent"):
		return "consent_date"
	default:
		return f
	}
}

var (
	genders         = map[string]string{"nam": "MALE", "male": "MALE", "nu": "FEMALE", "female": "FEMALE", "khac": "OTHER", "other": "OTHER"}
	povertyStatuses = map[string]string{"ngheo": PovertyPoor, "hongheo": PovertyPoor, "poor": PovertyPoor, "canngheo": PovertyNearPoor, "hocanngheo": PovertyNearPoor,
		"nearpoor": PovertyNearPoor, "moithoatngheo": PovertyRecentlyEscaped, "thoatngheo": PovertyRecentlyEscaped, "recentlyescaped": PovertyRecentlyEscaped,
		"khongngheo": PovertyNonPoor, "nonpoor": PovertyNonPoor}
	roles = map[string]string{"thanhvien": RoleMember, "member": RoleMember, "truongnhom": RoleLeader, "totruong": RoleLeader, "truong": RoleLeader, "leader": RoleLeader}
)

// choice maps a typed value (Vietnamese or English, or the API's enum name) to its domain
// value; "" stays "", anything else calls bad.
func choice(s, enumPrefix string, values map[string]string, bad func()) string {
	if s == "" {
		return ""
	}
	v, ok := values[foldName(strings.TrimPrefix(strings.ToUpper(s), enumPrefix))]
	if !ok {
		bad()
	}
	return v
}

var grouped = regexp.MustCompile(`^\d{1,3}([., ]\d{3})+$`)

// number reads a whole number ("12000", "12.000", "12 000"); "" is 0, anything else calls bad.
func number(s string, bad func()) int64 {
	if s == "" {
		return 0
	}
	if grouped.MatchString(s) {
		s = strings.NewReplacer(".", "", ",", "", " ", "").Replace(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > 1<<40 {
		bad()
		return 0
	}
	return n
}

var dmy = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)

// isoDate reads dd/mm/yyyy (also with - or .) or yyyy-mm-dd into yyyy-mm-dd; "" stays "",
// anything else calls bad.
func isoDate(s string, bad func()) string {
	if s == "" || apierr.ValidDate(s) {
		return s
	}
	if m := dmy.FindStringSubmatch(s); m != nil {
		d, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if iso := fmt.Sprintf("%s-%02d-%02d", m[3], mo, d); apierr.ValidDate(iso) {
			return iso
		}
	}
	bad()
	return ""
}

// excelPhone restores the leading 0 a spreadsheet drops from a mobile number typed as a number
// (389123456 → 0389123456).
func excelPhone(s string) string {
	if len(s) == 9 && allDigits(s) && strings.ContainsRune("35789", rune(s[0])) {
		return "0" + s
	}
	return s
}

// excelNationalID restores the leading zeros a spreadsheet drops from a 12-digit citizen
// identity number typed as a number (its first three digits are a province code, 001–096).
func excelNationalID(s string) string {
	if (len(s) == 10 || len(s) == 11) && allDigits(s) {
		return strings.Repeat("0", 12-len(s)) + s
	}
	return s
}

func rowError(row int, column, rule, format string, args ...any) RowError {
	return RowError{Row: row, Column: column, Rule: rule, MessageVI: MessageVI(rule), MessageEN: fmt.Sprintf(format, args...)}
}

// messagesVI says each rule an import can break in Vietnamese.
var messagesVI = map[string]string{
	"EMPTY_FILE":             "Tệp không có dòng tiêu đề",
	"TOO_MANY_ROWS":          "Tệp có quá nhiều dòng (tối đa 10.000 dòng)",
	"UNKNOWN_COLUMN":         "Cột không có trong mẫu",
	"DUPLICATE_COLUMN":       "Cột bị lặp lại",
	"MISSING_COLUMN":         "Thiếu cột bắt buộc",
	"REQUIRED":               "Bắt buộc, không được để trống",
	"RANGE":                  "Giá trị nằm ngoài khoảng cho phép",
	"ENUM_VALUE":             "Giá trị không thuộc danh sách cho phép",
	"NUMBER_FORMAT":          "Phải là số nguyên",
	"DATE_FORMAT":            "Ngày phải có dạng dd/mm/yyyy",
	"DATE_NOT_FUTURE":        "Ngày không được ở tương lai",
	"ETHNIC_GROUP":           "Không phải tên một trong 54 dân tộc",
	"ADMIN_AREA_EXISTS":      "Mã xã không có trong danh mục đơn vị hành chính",
	"ADMIN_AREA_LEVEL":       "Không phải mã cấp xã",
	"ADMIN_AREA_RETIRED":     "Xã đã sáp nhập hoặc đổi tên: dùng mã xã mới",
	"PHONE_FORMAT":           "Số điện thoại không hợp lệ",
	"NATIONAL_ID_FORMAT":     "Số CCCD phải có 12 chữ số (hoặc CMND 9 chữ số)",
	"NATIONAL_ID_REGISTERED": "Số CCCD đã được đăng ký cho một hộ khác",
	"PRODUCT_EXISTS":         "Mã sản phẩm không có trong danh mục",
	"MAX_LENGTH":             "Quá dài",
	"UTF8":                   "Có ký tự không hợp lệ",
	"DUPLICATE_ROW":          "Trùng hộ với một dòng khác của tệp",
	"MAX_ITEMS":              "Quá nhiều mục",
}

// MessageVI is the Vietnamese message of an import rule.
func MessageVI(rule string) string {
	if m, ok := messagesVI[rule]; ok {
		return m
	}
	return "Giá trị không hợp lệ (" + rule + ")"
}

package console

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// API errors become Vietnamese messages next to the form field they name: a BadRequest field
// violation's field path (e.g. "demand.quantity") is mapped to the form's field, its rule id
// (e.g. RANGE, D98-PRICE) to a Vietnamese sentence; anything else (a state conflict, a refused
// permission) is shown at the top of the form.

// ruleVI explains rule ids and reasons in Vietnamese.
var ruleVI = map[string]string{
	"REQUIRED":                 "Bắt buộc nhập.",
	"RANGE":                    "Giá trị nằm ngoài khoảng cho phép.",
	"AMOUNT_RANGE":             "Số lượng hoặc số tiền nằm ngoài khoảng cho phép.",
	"ENUM_VALUE":               "Hãy chọn một giá trị trong danh sách.",
	"MAX_LENGTH":               "Nội dung quá dài.",
	"MAX_ITEMS":                "Quá nhiều mục.",
	"UTF8":                     "Nội dung có ký tự không hợp lệ.",
	"DATE_FORMAT":              "Ngày không hợp lệ; nhập theo dạng dd/mm/yyyy.",
	"DATE_WINDOW":              "Khoảng thời gian không hợp lệ: ngày bắt đầu phải trước hoặc trùng ngày kết thúc.",
	"DATE_NOT_FUTURE":          "Ngày này không được ở tương lai.",
	"PRODUCT_EXISTS":           "Sản phẩm không có trong danh mục.",
	"STANDARD_EXISTS":          "Tiêu chuẩn không có trong danh mục.",
	"ADMIN_AREA_EXISTS":        "Mã xã/phường không tồn tại.",
	"ADMIN_AREA_LEVEL":         "Mã đơn vị hành chính không đúng cấp.",
	"ORGANIZATION_ACTIVE":      "Tổ chức không tồn tại hoặc đang bị đình chỉ.",
	"PRODUCER_ORGANIZATION":    "Phải là hợp tác xã, tổ hợp tác hoặc tổ sản xuất đang hoạt động.",
	"HOUSEHOLD_MEMBER":         "Hộ phải là thành viên đang hoạt động của tổ chức.",
	"HOUSEHOLD_EXISTS":         "Hộ không tồn tại.",
	"PHONE_FORMAT":             "Số điện thoại không hợp lệ.",
	"TAX_CODE_FORMAT":          "Mã số thuế phải gồm 10 chữ số (hoặc 10 số, dấu gạch và 3 số với chi nhánh).",
	"TAX_CODE_CHECKSUM":        "Mã số thuế sai chữ số kiểm tra.",
	"TAX_CODE_REQUIRED":        "Doanh nghiệp và hợp tác xã phải có mã số thuế.",
	"TAX_CODE_REGISTERED":      "Mã số thuế này đã được đăng ký.",
	"NATIONAL_ID_REGISTERED":   "Số CCCD này đã được đăng ký cho một hộ khác.",
	"ETHNIC_GROUP":             "Dân tộc phải là một trong 54 dân tộc Việt Nam.",
	"NUMBER":                   "Hãy nhập một số nguyên, ví dụ 1.250.000.",
	"PERCENT":                  "Hãy nhập một tỉ lệ phần trăm, ví dụ 8 hoặc 12,5.",
	"MIN_LOT":                  "Số lượng nhỏ hơn lô tối thiểu của nhu cầu.",
	"PRODUCT_MATCH":            "Chào bán không cùng sản phẩm với nhu cầu.",
	"OFFER_EXISTS":             "Chào bán không tồn tại.",
	"OFFER_CAPACITY":           "Chào bán không còn đủ số lượng.",
	"OFFER_NOT_OPEN":           "Chào bán không còn mở.",
	"DEMAND_NOT_OPEN":          "Nhu cầu không còn mở.",
	"DEMAND_QUANTITY":          "Vượt quá số lượng còn lại của nhu cầu.",
	"MARKET_PRICE":             "Chưa có giá thị trường tham chiếu cho ngày này; hãy nhập giá.",
	"PRICE_RESOLUTION":         "Không xác định được đơn giá cho hạng này.",
	"TOLERANCE_EXCEEDED":       "Vượt quá dung sai số lượng của hợp đồng.",
	"LOT_EXCUSED":              "Lô này đã được miễn do bất khả kháng.",
	"ALLOCATION_TOO_LARGE":     "Vượt quá số lượng phân bổ cho hộ.",
	"OVERPAYMENT":              "Số tiền vượt quá số còn phải trả.",
	"INVALID_STATE":            "Không thực hiện được ở trạng thái hiện tại; trang đã được cập nhật.",
	"ETAG_MISMATCH":            "Dữ liệu vừa được người khác thay đổi; hãy xem lại và thử lại.",
	"CONCURRENT_MODIFICATION":  "Dữ liệu vừa được người khác thay đổi; hãy xem lại và thử lại.",
	"TERMS_CHANGED":            "Điều khoản đã thay đổi kể từ khi bạn mở trang; hãy đọc lại trước khi ký.",
	"RULES_NOT_SATISFIED":      "Hợp đồng chưa đáp ứng đủ các quy định (xem kết quả kiểm tra).",
	"AMENDMENT_PENDING":        "Đang có một bản sửa đổi chờ ký.",
	"PARTIES_IMMUTABLE":        "Không được thay đổi các bên của hợp đồng.",
	"ALREADY_DONE":             "Việc này đã được thực hiện.",
	"VERIFY_FORCE_MAJEURE":     "Sự kiện bất khả kháng phải được UBND xã xác minh trước.",
	"NOT_FORCE_MAJEURE":        "Sự vụ này không phải là bất khả kháng.",
	"RULEBOOK_UNKNOWN":         "Bộ quy tắc không tồn tại.",
	"TOO_MANY":                 "Quá nhiều dữ liệu để xử lý một lần.",
	"PERMISSION_DENIED":        "Bạn không có quyền thực hiện thao tác này với vai trò hiện tại.",
	"NOT_FOUND":                "Không tìm thấy (hoặc bạn không có quyền xem).",
	"RESOURCE_NOT_FOUND":       "Không tìm thấy (hoặc bạn không có quyền xem).",
	"ALREADY_EXISTS":           "Đã tồn tại.",
	"RESOURCE_EXISTS":          "Đã tồn tại.",
	"BACKEND_UNAVAILABLE":      "Hệ thống tạm thời không sẵn sàng; hãy thử lại sau ít phút.",
	"UNAUTHENTICATED":          "Phiên đăng nhập không còn hiệu lực; hãy đăng nhập lại.",
	"ORGANIZATION_HAS_MEMBERS": "Tổ chức còn thành viên.",
	"RESOURCE_NAME":            "Tên tài nguyên không hợp lệ.",
	"REQUEST_ID":               "Mã yêu cầu không hợp lệ.",
	"FILTER_SYNTAX":            "Bộ lọc không hợp lệ.",
	"D98-PARTIES":              "Thiếu hoặc sai các bên của hợp đồng.",
	"D98-WITNESS":              "Bên chứng thực phải là UBND xã nơi tổ chức sản xuất đặt trụ sở.",
	"D98-LINKAGE-FORM":         "Chưa chọn hình thức liên kết.",
	"D98-PRODUCT":              "Chưa có sản phẩm.",
	"D98-STANDARD":             "Chưa có tiêu chuẩn chất lượng.",
	"D98-GRADING":              "Chưa có quy định phân hạng chất lượng.",
	"D98-QUANTITY":             "Sản lượng và dung sai chưa hợp lệ.",
	"D98-HOUSEHOLDS":           "Danh sách hộ tham gia chưa hợp lệ.",
	"D98-ALLOCATION-SUM":       "Tổng phân bổ cho các hộ phải bằng tổng sản lượng.",
	"D98-LOTS":                 "Lịch giao hàng chưa hợp lệ (tổng các lô phải bằng tổng sản lượng).",
	"D98-LOTS-IN-PERIOD":       "Các lô giao hàng phải nằm trong thời hạn hợp đồng.",
	"D98-PRICE":                "Điều khoản giá chưa đầy đủ.",
	"D98-PAYMENT":              "Điều khoản thanh toán chưa đầy đủ.",
	"D98-INPUTS":               "Hình thức liên kết này cần điều khoản cung ứng vật tư đầu vào.",
	"D98-OBLIGATIONS":          "Chưa ghi nghĩa vụ của các bên.",
	"D98-PENALTY-CAP":          "Mức phạt vi phạm tối đa 8% giá trị phần nghĩa vụ bị vi phạm.",
	"D98-FORCE-MAJEURE":        "Chưa liệt kê các sự kiện bất khả kháng.",
	"D98-DISPUTE":              "Cách giải quyết tranh chấp chưa đúng trình tự.",
	"D98-PERIOD":               "Thời hạn hợp đồng chưa hợp lệ.",
	"SEDEMA-NONPOOR-SHARE":     "Hộ không nghèo vượt quá 50% số hộ tham gia dự án.",
	"SEDEMA-OWNER-SHARE":       "Phần đóng góp của chủ dự án phải từ 51% trở lên.",
}

// reasonOf returns the ErrorInfo reason of err.
func reasonOf(err error) string {
	st, ok := status.FromError(err)
	if !ok {
		return ""
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return ei.GetReason()
		}
	}
	return ""
}

// violations returns the BadRequest field violations of err.
func violations(err error) []*errdetails.BadRequest_FieldViolation {
	st, ok := status.FromError(err)
	if !ok {
		return nil
	}
	var out []*errdetails.BadRequest_FieldViolation
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			out = append(out, br.GetFieldViolations()...)
		}
	}
	return out
}

// explain is the Vietnamese message of a rule id or reason, with the id itself as a fallback.
func explain(rule string) string {
	if m, ok := ruleVI[rule]; ok {
		return m
	}
	return "Không hợp lệ (" + rule + ")."
}

// formErrors are errors to show on a form: by form field, and for the form as a whole.
type formErrors struct {
	Fields  map[string]string
	General []string
}

// Has reports whether field has an error (templates).
func (f formErrors) Has(field string) bool { _, ok := f.Fields[field]; return ok }

// Of returns the message of field (templates).
func (f formErrors) Of(field string) string { return f.Fields[field] }

// Any reports whether there is any error.
func (f formErrors) Any() bool { return len(f.Fields) > 0 || len(f.General) > 0 }

// add records a message for a form field ("" for the form as a whole).
func (f *formErrors) add(field, msg string) {
	if field == "" {
		f.General = append(f.General, msg)
		return
	}
	if f.Fields == nil {
		f.Fields = map[string]string{}
	}
	if prev, ok := f.Fields[field]; ok {
		msg = prev + " " + msg
	}
	f.Fields[field] = msg
}

// fromAPI places the errors of an API call on a form. fields maps API field paths (or their
// prefixes, e.g. "demand.price_terms") to form field names; the longest matching prefix wins.
// A violation of a field the form does not show is reported for the form as a whole, with
// the field's path, so that nothing the API said is lost.
func fromAPI(err error, fields map[string]string) formErrors {
	var fe formErrors
	vs := violations(err)
	if len(vs) == 0 {
		fe.add("", explainStatus(err))
		return fe
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
	for _, v := range vs {
		msg := explain(v.GetReason())
		target := ""
		for _, k := range keys {
			if v.GetField() == k || strings.HasPrefix(v.GetField(), k+".") || strings.HasPrefix(v.GetField(), k+"[") {
				target = fields[k]
				break
			}
		}
		if target == "" {
			msg = v.GetField() + ": " + msg
		}
		fe.add(target, msg)
	}
	return fe
}

// explainStatus is the Vietnamese message of an error without field violations.
func explainStatus(err error) string {
	if r := reasonOf(err); r != "" {
		if m, ok := ruleVI[r]; ok {
			return m
		}
	}
	switch status.Code(err) {
	case codes.PermissionDenied:
		return ruleVI["PERMISSION_DENIED"]
	case codes.NotFound:
		return ruleVI["NOT_FOUND"]
	case codes.Unavailable, codes.DeadlineExceeded:
		return ruleVI["BACKEND_UNAVAILABLE"]
	case codes.Aborted:
		return ruleVI["ETAG_MISMATCH"]
	case codes.FailedPrecondition:
		return ruleVI["INVALID_STATE"]
	case codes.Unauthenticated:
		return ruleVI["UNAUTHENTICATED"]
	case codes.AlreadyExists:
		return ruleVI["ALREADY_EXISTS"]
	}
	return "Đã có lỗi; hãy thử lại. Nếu lỗi lặp lại, hãy báo cho quản trị viên."
}

// describe turns an error a page could not handle into an HTTP status and a message.
func describe(err error) (int, string, string) {
	if errors.Is(err, errNotFound) {
		return http.StatusNotFound, "Không tìm thấy", ruleVI["NOT_FOUND"]
	}
	switch status.Code(err) {
	case codes.NotFound:
		return http.StatusNotFound, "Không tìm thấy", explainStatus(err)
	case codes.PermissionDenied:
		return http.StatusForbidden, "Không có quyền", explainStatus(err)
	case codes.Unauthenticated:
		return http.StatusUnauthorized, "Cần đăng nhập lại", explainStatus(err)
	case codes.Unavailable, codes.DeadlineExceeded:
		return http.StatusServiceUnavailable, "Tạm thời gián đoạn", explainStatus(err)
	case codes.InvalidArgument, codes.FailedPrecondition, codes.Aborted, codes.AlreadyExists:
		return http.StatusBadRequest, "Không thực hiện được", explainStatus(err)
	}
	return http.StatusInternalServerError, "Đã có lỗi", explainStatus(err)
}

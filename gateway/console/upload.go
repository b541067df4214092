package console

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// Household import from a spreadsheet, on the members page: the template to download, a
// file to upload (checked only, or imported), and the registry's row-level report.

// maxUpload bounds an uploaded import file (the registry takes up to 8 MiB).
const maxUpload = 8 << 20

// maxForm bounds every other form.
const maxForm = 256 << 10

// parsePost reads a POST's form: a multipart one (a file upload) up to maxUpload, any other
// up to maxForm.
func parsePost(w http.ResponseWriter, r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxUpload+maxForm)
		return r.ParseMultipartForm(maxUpload)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	return r.ParseForm()
}

// importReport is what the members page shows after an upload.
type importReport struct {
	File         string
	ValidateOnly bool
	Rows         int32
	Created      int32
	Memberships  int32
	Unchanged    int32
	Errors       []importError
}

// importError is one problem of the file, in the page's language.
type importError struct {
	Row     int32
	Column  string
	Rule    string
	Message string
}

// importTemplate sends the import template (?format=xlsx or csv) as a download.
func (c *Console) importTemplate(q *rq) error {
	f := registryv1.ImportFormat_IMPORT_FORMAT_XLSX
	if q.r.URL.Query().Get("format") == "csv" {
		f = registryv1.ImportFormat_IMPORT_FORMAT_CSV
	}
	t, err := c.b.reg.GetHouseholdImportTemplate(q.ctx, &registryv1.GetHouseholdImportTemplateRequest{Format: f})
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", t.GetContentType())
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", t.GetFilename()))
	h.Set("Cache-Control", "no-store")
	_, err = q.w.Write(t.GetContent())
	return err
}

// importMembers imports (or, asked, only checks) the uploaded file of member households and
// shows the report on the members page.
func (c *Console) importMembers(q *rq) error {
	var fe formErrors
	rep := &importReport{ValidateOnly: q.r.PostForm.Get("validate_only") != ""}
	content, name, format, msg := uploaded(q.r)
	if msg != "" {
		fe.add("file", msg)
		return c.renderMembersWith(q, http.StatusUnprocessableEntity, nil, fe)
	}
	rep.File = name
	res, err := c.b.reg.ImportHouseholds(q.ctx, &registryv1.ImportHouseholdsRequest{Parent: q.s.Org, Format: format, Content: content, ValidateOnly: rep.ValidateOnly})
	if err != nil {
		return c.renderMembersWith(q, http.StatusUnprocessableEntity, nil, fromAPI(err, map[string]string{"content": "file", "format": "file"}))
	}
	rep.Rows, rep.Created, rep.Memberships, rep.Unchanged = res.GetRows(), res.GetHouseholdsCreated(), res.GetMembershipsCreated(), res.GetUnchanged()
	for _, e := range res.GetErrors() {
		m := e.GetMessageVi()
		if q.lang == "en" {
			m = e.GetMessageEn()
		}
		rep.Errors = append(rep.Errors, importError{Row: e.GetRow(), Column: e.GetColumn(), Rule: e.GetRule(), Message: m})
	}
	code := http.StatusOK
	if len(rep.Errors) > 0 {
		code = http.StatusUnprocessableEntity
	}
	return c.renderMembersWith(q, code, rep, formErrors{})
}

// renderMembersWith renders the members page with an import's report or errors.
func (c *Console) renderMembersWith(q *rq, code int, rep *importReport, fe formErrors) error {
	return c.renderMembersPage(q, code, membersView{Form: c.newHouseholdForm(q), Errors: fe, Import: rep})
}

// uploaded reads the form's file: its content, name and format (by extension), or a message
// (in Vietnamese, translated by the page) saying what is wrong.
func uploaded(r *http.Request) ([]byte, string, registryv1.ImportFormat, string) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return nil, "", 0, "Chọn tệp CSV hoặc Excel (.xlsx) để nhập."
	}
	fh := r.MultipartForm.File["file"][0]
	var format registryv1.ImportFormat
	switch strings.ToLower(filepath.Ext(fh.Filename)) {
	case ".csv":
		format = registryv1.ImportFormat_IMPORT_FORMAT_CSV
	case ".xlsx":
		format = registryv1.ImportFormat_IMPORT_FORMAT_XLSX
	default:
		return nil, "", 0, "Chỉ nhận tệp CSV hoặc Excel (.xlsx)."
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", 0, "Không đọc được tệp."
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
	if err != nil || len(b) == 0 || len(b) > maxUpload {
		return nil, "", 0, "Tệp rỗng hoặc lớn hơn 8 MB."
	}
	return b, fh.Filename, format, ""
}

func init() {
	for vi, en := range englishImport {
		english[vi] = en
	}
}

// englishImport translates the import section of the members page.
var englishImport = map[string]string{
	"Nhập hộ từ tệp": "Import households from a file",
	"Nhập nhiều hộ một lần từ tệp Excel hoặc CSV theo mẫu. Có lỗi ở bất kỳ dòng nào thì không dòng nào được ghi; nhập lại cùng tệp không tạo thêm hộ.": "Add many households at once from an Excel or CSV file in the template's format. If any row is wrong no row is written; importing the same file again adds no household.",
	"Tải mẫu Excel": "Download the Excel template",
	"Tải mẫu CSV":   "Download the CSV template",
	"Tệp %s có %d lỗi: chưa ghi dòng nào.":                                     "File %s has %d problems: no row was written.",
	"Tệp %s: %d dòng, không có lỗi (chưa ghi).":                                "File %s: %d rows, no problem (nothing written).",
	"Tệp %s: %d dòng; đã thêm %d hộ và %d thành viên; %d dòng đã có từ trước.": "File %s: %d rows; %d households and %d members added; %d rows were there already.",
	"Lỗi trong tệp": "Problems in the file",
	"Dòng":          "Row",
	"Cột":           "Column",
	"Lỗi":           "Problem",
	"Mã quy tắc":    "Rule id",
	"Tệp danh sách hộ (.xlsx hoặc .csv)": "Household list (.xlsx or .csv)",
	"Chỉ kiểm tra, chưa ghi":             "Only check, write nothing",
	"Nhập tệp":                           "Import the file",
}

package domain

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Import file formats.
const (
	FormatCSV  = "CSV"
	FormatXLSX = "XLSX"
)

// MaxImportBytes bounds an import file.
const MaxImportBytes = 8 << 20

// ErrUnreadable explains a file that is not what its format says.
var ErrUnreadable = errors.New("the file cannot be read in the format given")

// ReadSheet reads an import file's rows: CSV (UTF-8, a byte-order mark and ; as separator
// accepted) or the first sheet of an XLSX workbook.
func ReadSheet(format string, content []byte) ([][]string, error) {
	switch format {
	case FormatCSV:
		return readCSV(content)
	case FormatXLSX:
		return readXLSX(content)
	}
	return nil, fmt.Errorf("unknown format %q", format)
}

func readCSV(content []byte) ([][]string, error) {
	content = bytes.TrimPrefix(content, []byte("\xef\xbb\xbf"))
	first, _, _ := bytes.Cut(content, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(content))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';' // spreadsheets in locales with a decimal comma
	}
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, err.Error())
	}
	return rows, nil
}

func readXLSX(content []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, err.Error())
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("%w: no sheet", ErrUnreadable)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrUnreadable, err.Error())
	}
	return rows, nil
}

// HouseholdTemplate is the import template in format: the Vietnamese headers and an example
// row (an XLSX template also has its cells as text, so that codes keep their leading zeros,
// and a sheet explaining each column). It returns the file, its name and media type.
func HouseholdTemplate(format string) ([]byte, string, string, error) {
	header, example := make([]string, len(ImportColumns)), make([]string, len(ImportColumns))
	for i, c := range ImportColumns {
		header[i], example[i] = c.Header, c.Example
	}
	if format == FormatCSV {
		var b bytes.Buffer
		b.WriteString("\xef\xbb\xbf") // spreadsheets open it as UTF-8
		w := csv.NewWriter(&b)
		_ = w.WriteAll([][]string{header, example})
		return b.Bytes(), "mau-nhap-ho.csv", "text/csv; charset=utf-8", w.Error()
	}
	b, err := xlsxTemplate(header, example)
	return b, "mau-nhap-ho.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", err
}

func xlsxTemplate(header, example []string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const data, help = "Danh sách hộ", "Hướng dẫn"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return nil, err
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	steps := []func() error{
		func() error { return f.SetColStyle(data, "A:"+last, text) },
		func() error { return f.SetColWidth(data, "A", last, 22) },
		func() error { return f.SetSheetRow(data, "A1", &header) },
		func() error { return f.SetSheetRow(data, "A2", &example) },
		func() error { return f.SetRowStyle(data, 1, 1, bold) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	if err := helpSheet(f, help); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func helpSheet(f *excelize.File, name string) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	rows := [][]string{{"Cột", "Tên trường (API)", "Bắt buộc", "Giá trị"}}
	for _, c := range ImportColumns {
		req := ""
		if c.Required {
			req = "Có"
		}
		rows = append(rows, []string{c.Header, c.Key, req, c.Help})
	}
	rows = append(rows, []string{"", "", "", strings.Join([]string{
		"Dòng 1 là tiêu đề; mỗi dòng sau là một hộ.",
		"Nhập lại cùng một tệp không tạo thêm hộ nào.",
		"Có lỗi ở bất kỳ dòng nào thì không dòng nào được ghi: sửa theo báo cáo rồi nhập lại."}, " ")})
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(name, cell, &r); err != nil {
			return err
		}
	}
	return f.SetColWidth(name, "A", "D", 30)
}

package usecase

import (
	"context"
	"fmt"
	"slices"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// ImportInput is a household import file for the organisation Parent.
type ImportInput struct {
	Parent, Format string
	Content        []byte
	ValidateOnly   bool
}

// ImportReport is what an import did (or, with errors or validate only, would do).
type ImportReport struct {
	Rows, HouseholdsCreated, MembershipsCreated, Unchanged int
	// Errors lists every problem found; when there is any, nothing was written.
	Errors []domain.RowError
	// Households names each valid data row's household, in order, once written.
	Households []string
}

// importRow is a data row ready to write.
type importRow struct {
	row int
	h   *domain.Household
	m   *domain.Membership
}

// ImportHouseholds imports an organisation's member households from a CSV or XLSX file:
// operators or the organisation itself. Every row is checked first and the report lists every
// problem by row and column (in Vietnamese and English); if there is any, nothing is written.
// A row's household is keyed by the organisation and its national ID number (or, without one,
// its head's name, commune, village and phone), so importing the same file again creates
// nothing new and a file with more rows adds only those.
func (r *Registry) ImportHouseholds(ctx context.Context, p auth.Principal, in ImportInput) (*ImportReport, error) {
	org, err := r.getOrg(ctx, "parent", in.Parent)
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, in.Parent) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may import its households")
	}
	var v apierr.Violations
	v.Check(org.IsProducer(), "parent", "PRODUCER_ORGANIZATION", "households can only be members of cooperatives and groups")
	v.Check(in.Format == domain.FormatCSV || in.Format == domain.FormatXLSX, "format", "ENUM_VALUE", "must be IMPORT_FORMAT_CSV or IMPORT_FORMAT_XLSX")
	v.Check(len(in.Content) > 0 && len(in.Content) <= domain.MaxImportBytes, "content", "IMPORT_FILE_SIZE", "must hold 1 byte to %d MiB", domain.MaxImportBytes>>20)
	if err := v.Err(); err != nil {
		return nil, err
	}
	sheet, err := domain.ReadSheet(in.Format, in.Content)
	if err != nil {
		return nil, apierr.Field("content", "IMPORT_FILE", "%s", err.Error())
	}
	parsed, errs := domain.ParseHouseholdSheet(sheet, r.ref, r.now())
	rows, more := r.prepareImport(org, parsed)
	errs = append(errs, more...)
	if len(errs) == 0 {
		if errs, err = r.importConflicts(ctx, rows); err != nil {
			return nil, err
		}
	}
	report := &ImportReport{Rows: max(len(sheet)-1, 0), Errors: errs}
	if len(errs) > 0 || in.ValidateOnly {
		slices.SortStableFunc(report.Errors, func(a, b domain.RowError) int { return a.Row - b.Row })
		return report, nil
	}
	return report, r.writeImport(ctx, org, rows, report)
}

// prepareImport protects the rows' national ID numbers, keys each row's household and refuses
// rows that repeat another row's household.
func (r *Registry) prepareImport(org *domain.Organization, parsed []domain.ImportRow) ([]importRow, []domain.RowError) {
	var rows []importRow
	var errs []domain.RowError
	seen := map[string]int{}
	for i := range parsed {
		x := &parsed[i]
		h, m := x.Household, x.Membership
		if x.NationalID != "" {
			nid, err := domain.ProtectNationalID(x.NationalID, r.idKey)
			if err != nil {
				errs = append(errs, rowErr(x.Row, "national_id", "NATIONAL_ID_FORMAT", err.Error()))
				continue
			}
			h.NationalIDHash, h.NationalIDLast4 = nid.Hash, nid.Last4
		}
		key := h.NationalIDHash
		if key == "" {
			key = domain.FoldName(h.HeadName) + "|" + h.CommuneCode + "|" + domain.FoldName(h.Village) + "|" + h.Phone
		}
		if first, dup := seen[key]; dup {
			errs = append(errs, rowErr(x.Row, "", "DUPLICATE_ROW", fmt.Sprintf("the same household as row %d", first)))
			continue
		}
		seen[key] = x.Row
		h.ID = aip.IDForRequest("ImportHousehold\x00"+org.ID, key)
		m.Household = householdName(h.ID)
		rows = append(rows, importRow{row: x.Row, h: &h, m: &m})
	}
	return rows, errs
}

func rowErr(row int, key, rule, msg string) domain.RowError {
	col := key
	for _, c := range domain.ImportColumns {
		if c.Key == key {
			col = c.Header
		}
	}
	return domain.RowError{Row: row, Column: col, Rule: rule, MessageVI: domain.MessageVI(rule), MessageEN: msg}
}

// importConflicts finds the rows whose national ID number another household holds (or is
// being registered with), before anything is written.
func (r *Registry) importConflicts(ctx context.Context, rows []importRow) ([]domain.RowError, error) {
	u := r.nationalIDs()
	byHash := map[string]importRow{}
	var keys []string
	for _, x := range rows {
		if x.h.NationalIDHash != "" {
			byHash[x.h.NationalIDHash] = x
			keys = append(keys, u.key(x.h.NationalIDHash))
		}
	}
	taken := map[int]bool{}
	// A number's holder is found by its claim (by _id): every registered number has one.
	claims, err := r.st.Claims.GetMany(ctx, keys)
	if err != nil {
		return nil, fmt.Errorf("read national ID claims: %w", err)
	}
	for _, c := range claims {
		x := byHash[c.ID[len(u.kind)+1:]]
		if c.Owner == x.h.ID {
			continue
		}
		exists, holds, err := u.holds(ctx, c.Owner, x.h.NationalIDHash)
		if err != nil {
			return nil, fmt.Errorf("check a national ID claim: %w", err)
		}
		if holds || (!exists && r.now().Sub(c.Time) < claimGrace) {
			taken[x.row] = true
		}
	}
	var errs []domain.RowError
	for _, x := range rows {
		if taken[x.row] {
			errs = append(errs, rowErr(x.row, "national_id", "NATIONAL_ID_REGISTERED", "a household with this national ID number is already registered"))
		}
	}
	return errs, nil
}

// writeImport writes checked rows, 1,000 at a time: households (with their national-ID
// claims), then memberships; existing ones are left as they are and counted unchanged.
func (r *Registry) writeImport(ctx context.Context, org *domain.Organization, rows []importRow, report *ImportReport) error {
	for start := 0; start < len(rows); start += MaxBatch {
		chunk := rows[start:min(start+MaxBatch, len(rows))]
		hs, ms := make([]*domain.Household, len(chunk)), make([]*domain.Membership, len(chunk))
		for i, x := range chunk {
			hs[i], ms[i] = x.h, x.m
		}
		_, hNew, err := r.createHouseholds(ctx, hs, func(i int) string { return fmt.Sprintf("row %d national_id", chunk[i].row) })
		if err != nil {
			return err
		}
		_, mNew, err := r.createMemberships(ctx, org, ms)
		if err != nil {
			return err
		}
		for i := range chunk {
			report.Households = append(report.Households, householdName(hs[i].ID))
			switch {
			case hNew[i]:
				report.HouseholdsCreated++
			case !mNew[i]:
				report.Unchanged++
			}
			if mNew[i] {
				report.MembershipsCreated++
			}
		}
	}
	return nil
}

// Template is a file to download.
type Template struct {
	Filename, ContentType string
	Content               []byte
}

// HouseholdImportTemplate returns the import template (any authenticated caller).
func (r *Registry) HouseholdImportTemplate(_ context.Context, _ auth.Principal, format string) (*Template, error) {
	if format != domain.FormatCSV && format != domain.FormatXLSX {
		return nil, apierr.Field("format", "ENUM_VALUE", "must be IMPORT_FORMAT_CSV or IMPORT_FORMAT_XLSX")
	}
	b, name, typ, err := domain.HouseholdTemplate(format)
	if err != nil {
		return nil, fmt.Errorf("import template: %w", err)
	}
	return &Template{Filename: name, ContentType: typ, Content: b}, nil
}

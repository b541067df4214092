package domain

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lienket/lienket/services/platform/apierr"
)

// RefData answers lookups of reference data during validation.
type RefData interface {
	AdminArea(code string) (AdminArea, bool)
	Product(code string) (Product, bool)
	Standard(code string) (Standard, bool)
}

// Limits on free-text fields.
const (
	MaxNameLen  = 200
	MaxShortLen = 100
	MaxLineLen  = 300
)

func text(v *apierr.Violations, field, s string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "REQUIRED", "is required")
	case !utf8.ValidString(s):
		v.Add(field, "UTF8", "must be valid UTF-8")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "MAX_LENGTH", "must be at most %d characters", max)
	}
}

// ValidDate reports whether s is a calendar date "YYYY-MM-DD".
func ValidDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// Commune checks that code names an existing commune and returns its province code.
func Commune(v *apierr.Violations, ref RefData, field, code string) string {
	if code == "" {
		v.Add(field, "REQUIRED", "is required")
		return ""
	}
	a, ok := ref.AdminArea(code)
	if !ok {
		v.Add(field, "ADMIN_AREA_EXISTS", "commune %q does not exist", code)
		return ""
	}
	if a.Level != LevelCommune {
		v.Add(field, "ADMIN_AREA_LEVEL", "%q is a %s, not a commune", code, strings.ToLower(a.Level))
		return ""
	}
	return ProvinceOf(ref, a)
}

// ProvinceOf walks up the parents of an area to its province.
func ProvinceOf(ref RefData, a AdminArea) string {
	for i := 0; i < 4 && a.Level != LevelProvince; i++ {
		p, ok := ref.AdminArea(a.ParentCode)
		if !ok {
			return ""
		}
		a = p
	}
	if a.Level != LevelProvince {
		return ""
	}
	return a.Code
}

// ValidateOrganization checks o, normalises its phone and derives its province. prefix is the
// request field path of the organisation (e.g. "organization").
func ValidateOrganization(v *apierr.Violations, ref RefData, prefix string, o *Organization) {
	switch o.Kind {
	case KindBusiness, KindCooperative, KindUnionOfCooperatives, KindCooperativeGroup, KindProductionGroup:
	default:
		v.Add(prefix+".kind", "ENUM_VALUE", "must be one of KIND_BUSINESS, KIND_COOPERATIVE, KIND_UNION_OF_COOPERATIVES, KIND_COOPERATIVE_GROUP, KIND_PRODUCTION_GROUP")
	}
	text(v, prefix+".display_name", o.DisplayName, true, MaxNameLen)
	if o.TaxCode == "" {
		if o.Kind == KindBusiness || o.Kind == KindCooperative {
			v.Add(prefix+".tax_code", "TAX_CODE_REQUIRED", "is required for businesses and cooperatives")
		}
	} else if rule, err := ValidateTaxCode(o.TaxCode); err != nil {
		v.Add(prefix+".tax_code", rule, "%s", err.Error())
	}
	text(v, prefix+".address.line", o.Address.Line, false, MaxLineLen)
	o.Address.ProvinceCode = Commune(v, ref, prefix+".address.commune_code", o.Address.CommuneCode)
	text(v, prefix+".legal_representative.name", o.LegalRepresentative.Name, false, MaxShortLen)
	text(v, prefix+".legal_representative.position", o.LegalRepresentative.Position, false, MaxShortLen)
	if o.LegalRepresentative.Phone != "" {
		if p, err := NormalizePhone(o.LegalRepresentative.Phone); err != nil {
			v.Add(prefix+".legal_representative.phone", "PHONE_FORMAT", "%s", err.Error())
		} else {
			o.LegalRepresentative.Phone = p
		}
	}
	if len(o.Certifications) > 50 {
		v.Add(prefix+".certifications", "MAX_ITEMS", "at most 50 certifications")
	}
	for i, c := range o.Certifications {
		f := prefix + ".certifications[" + itoa(i) + "]"
		if _, ok := ref.Standard(c.Standard); !ok {
			v.Add(f+".standard", "STANDARD_EXISTS", "standard %q does not exist", c.Standard)
		}
		text(v, f+".number", c.Number, false, MaxShortLen)
		text(v, f+".issuer", c.Issuer, false, MaxNameLen)
		if c.ValidUntil != "" && !ValidDate(c.ValidUntil) {
			v.Add(f+".valid_until", "DATE_FORMAT", "must be a date YYYY-MM-DD")
		}
		for j, p := range c.Products {
			if _, ok := ref.Product(p); !ok {
				v.Add(f+".products["+itoa(j)+"]", "PRODUCT_EXISTS", "product %q does not exist", p)
			}
		}
	}
	switch o.State {
	case StateActive, StateSuspended:
	default:
		v.Add(prefix+".state", "ENUM_VALUE", "must be STATE_ACTIVE or STATE_SUSPENDED")
	}
}

// ValidateHousehold checks h, normalises phone and ethnic group, and derives the province and
// minority flag.
func ValidateHousehold(v *apierr.Violations, ref RefData, prefix string, h *Household, now time.Time) {
	text(v, prefix+".head_name", h.HeadName, true, MaxShortLen)
	switch h.HeadGender {
	case "", "FEMALE", "MALE", "OTHER":
	default:
		v.Add(prefix+".head_gender", "ENUM_VALUE", "must be GENDER_FEMALE, GENDER_MALE or GENDER_OTHER")
	}
	v.Check(h.MemberCount >= 1 && h.MemberCount <= 50, prefix+".member_count", "RANGE", "must be between 1 and 50")
	if g, ok := CanonicalEthnicGroup(h.EthnicGroup); ok {
		h.EthnicGroup, h.EthnicMinority = g, IsEthnicMinority(g)
	} else if h.EthnicGroup == "" {
		v.Add(prefix+".ethnic_group", "REQUIRED", "is required")
	} else {
		v.Add(prefix+".ethnic_group", "ETHNIC_GROUP", "must be one of Vietnam's 54 ethnic groups (e.g. Kinh, Tày, H'Mông, Dao)")
	}
	switch h.PovertyStatus {
	case PovertyPoor, PovertyNearPoor, PovertyRecentlyEscaped, PovertyNonPoor:
	default:
		v.Add(prefix+".poverty_status", "ENUM_VALUE", "must be one of POVERTY_STATUS_POOR, _NEAR_POOR, _RECENTLY_ESCAPED, _NON_POOR")
	}
	if h.PovertyStatusYear != 0 {
		v.Check(h.PovertyStatusYear >= 2000 && int(h.PovertyStatusYear) <= now.Year(), prefix+".poverty_status_year", "RANGE", "must be between 2000 and the current year")
	}
	h.ProvinceCode = Commune(v, ref, prefix+".commune_code", h.CommuneCode)
	text(v, prefix+".village", h.Village, false, MaxShortLen)
	if h.Phone != "" {
		if p, err := NormalizePhone(h.Phone); err != nil {
			v.Add(prefix+".phone", "PHONE_FORMAT", "%s", err.Error())
		} else {
			h.Phone = p
		}
	}
	if len(h.CultivatedAreas) > 50 {
		v.Add(prefix+".cultivated_areas", "MAX_ITEMS", "at most 50 entries")
	}
	for i, a := range h.CultivatedAreas {
		f := prefix + ".cultivated_areas[" + itoa(i) + "]"
		if _, ok := ref.Product(a.Product); !ok {
			v.Add(f+".product", "PRODUCT_EXISTS", "product %q does not exist", a.Product)
		}
		v.Check(a.AreaM2 > 0 && a.AreaM2 <= 100_000_000, f+".area_m2", "RANGE", "must be between 1 and 100,000,000 m²")
	}
	if c := h.Consent; c != nil {
		if !ValidDate(c.Date) {
			v.Add(prefix+".consent.consent_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
		} else if d, _ := time.Parse(time.DateOnly, c.Date); d.After(now.Add(24 * time.Hour)) {
			v.Add(prefix+".consent.consent_date", "DATE_NOT_FUTURE", "must not be in the future")
		}
		text(v, prefix+".consent.purpose", c.Purpose, true, MaxLineLen)
	}
}

// ValidateAuthority checks a and derives its province.
func ValidateAuthority(v *apierr.Violations, ref RefData, prefix string, a *Authority) {
	text(v, prefix+".display_name", a.DisplayName, true, MaxNameLen)
	want := ""
	switch a.Kind {
	case AuthorityCommune:
		want = LevelCommune
	case AuthorityProvince:
		want = LevelProvince
	default:
		v.Add(prefix+".kind", "ENUM_VALUE", "must be KIND_COMMUNE_PEOPLES_COMMITTEE or KIND_PROVINCE_PEOPLES_COMMITTEE")
	}
	if a.AdminAreaCode == "" {
		v.Add(prefix+".admin_area_code", "REQUIRED", "is required")
		return
	}
	area, ok := ref.AdminArea(a.AdminAreaCode)
	if !ok {
		v.Add(prefix+".admin_area_code", "ADMIN_AREA_EXISTS", "admin area %q does not exist", a.AdminAreaCode)
		return
	}
	if want != "" && area.Level != want {
		v.Add(prefix+".admin_area_code", "ADMIN_AREA_LEVEL", "a %s must govern a %s, %q is a %s", strings.ToLower(a.Kind), strings.ToLower(want), a.AdminAreaCode, strings.ToLower(area.Level))
	}
	a.ProvinceCode = ProvinceOf(ref, area)
}

// ValidateMembership checks role, state and join date.
func ValidateMembership(v *apierr.Violations, prefix string, m *Membership) {
	switch m.Role {
	case RoleMember, RoleLeader:
	default:
		v.Add(prefix+".role", "ENUM_VALUE", "must be ROLE_MEMBER or ROLE_LEADER")
	}
	switch m.State {
	case StateActive, StateLeft:
	default:
		v.Add(prefix+".state", "ENUM_VALUE", "must be STATE_ACTIVE or STATE_LEFT")
	}
	if m.JoinDate != "" && !ValidDate(m.JoinDate) {
		v.Add(prefix+".join_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

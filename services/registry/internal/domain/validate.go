package domain

import (
	"strconv"

	"github.com/paulmach/orb"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// RefData answers lookups of reference data during validation.
type RefData interface {
	AdminArea(code string) (AdminArea, bool)
	// Boundary is an area's boundary, a Polygon or MultiPolygon (false when the file had none).
	Boundary(code string) (orb.Geometry, bool)
	Product(code string) (Product, bool)
	Standard(code string) (Standard, bool)
}

// Bounds of the registry's records.
const (
	// MaxCertifications is the most certifications one organisation lists.
	MaxCertifications = 50
	// MaxCultivatedAreas is the most per-product areas one household lists.
	MaxCultivatedAreas = 50
	// MinMembers and MaxMembers bound a household's member count.
	MinMembers, MaxMembers = 1, 50
	// MaxAreaM2 bounds one cultivated area (10,000 ha).
	MaxAreaM2 = 100_000_000
	// FirstPovertyYear is the earliest year a poverty status may have been certified.
	FirstPovertyYear = 2000
	// consentClockSkew is how far past today (UTC) a consent date may lie: a date is a day in
	// Asia/Ho_Chi_Minh, up to 7 hours ahead of UTC.
	consentClockSkew = 24 * time.Hour
	// maxAreaDepth bounds the walk from an area up to its province.
	maxAreaDepth = 4
)

// index renders a repeated field's element path: field[i].
func index(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

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
	if a.Retired {
		v.Add(field, "ADMIN_AREA_RETIRED", "commune %q (%s) is no longer in the official list; use the commune that replaced it", code, a.Name)
	}
	return ProvinceOf(ref, a)
}

// ProvinceOf walks up the parents of an area to its province.
func ProvinceOf(ref RefData, a AdminArea) string {
	for i := 0; i < maxAreaDepth && a.Level != LevelProvince; i++ {
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

// phone normalises an optional phone number in place (rule PHONE_FORMAT).
func phone(v *apierr.Violations, field string, p *string) {
	if *p == "" {
		return
	}
	n, err := NormalizePhone(*p)
	if err != nil {
		v.Add(field, "PHONE_FORMAT", "%s", err.Error())
		return
	}
	*p = n
}

// ValidateOrganization checks o, normalises its phone and derives its province. prefix is the
// request field path of the organisation (e.g. "organization").
func ValidateOrganization(v *apierr.Violations, ref RefData, prefix string, o *Organization) {
	switch o.Kind {
	case KindBusiness, KindCooperative, KindUnionOfCooperatives, KindCooperativeGroup, KindProductionGroup:
	default:
		v.Add(prefix+".kind", "ENUM_VALUE", "must be one of KIND_BUSINESS, KIND_COOPERATIVE, KIND_UNION_OF_COOPERATIVES, KIND_COOPERATIVE_GROUP, KIND_PRODUCTION_GROUP")
	}
	v.Text(prefix+".display_name", o.DisplayName, true, apierr.MaxNameText)
	o.NameKeys = NameKeys(o.DisplayName)
	if o.TaxCode == "" {
		if o.Kind == KindBusiness || o.Kind == KindCooperative {
			v.Add(prefix+".tax_code", "TAX_CODE_REQUIRED", "is required for businesses and cooperatives")
		}
	} else if rule, err := ValidateTaxCode(o.TaxCode); err != nil {
		v.Add(prefix+".tax_code", rule, "%s", err.Error())
	}
	v.Text(prefix+".address.line", o.Address.Line, false, apierr.MaxLineText)
	o.Address.ProvinceCode = Commune(v, ref, prefix+".address.commune_code", o.Address.CommuneCode)
	v.Text(prefix+".legal_representative.name", o.LegalRepresentative.Name, false, apierr.MaxShortText)
	v.Text(prefix+".legal_representative.position", o.LegalRepresentative.Position, false, apierr.MaxShortText)
	phone(v, prefix+".legal_representative.phone", &o.LegalRepresentative.Phone)
	validateCertifications(v, ref, prefix+".certifications", o.Certifications)
	switch o.State {
	case StateActive, StateSuspended:
	default:
		v.Add(prefix+".state", "ENUM_VALUE", "must be STATE_ACTIVE or STATE_SUSPENDED")
	}
}

func validateCertifications(v *apierr.Violations, ref RefData, field string, cs []Certification) {
	v.Check(len(cs) <= MaxCertifications, field, "MAX_ITEMS", "at most %d certifications", MaxCertifications)
	for i, c := range cs {
		f := index(field, i)
		if _, ok := ref.Standard(c.Standard); !ok {
			v.Add(f+".standard", "STANDARD_EXISTS", "standard %q does not exist", c.Standard)
		}
		v.Text(f+".number", c.Number, false, apierr.MaxShortText)
		v.Text(f+".issuer", c.Issuer, false, apierr.MaxNameText)
		v.Date(f+".valid_until", c.ValidUntil, false)
		for j, p := range c.Products {
			if _, ok := ref.Product(p); !ok {
				v.Add(index(f+".products", j), "PRODUCT_EXISTS", "product %q does not exist", p)
			}
		}
	}
}

// ValidateHousehold checks h, normalises phone and ethnic group, and derives the province and
// minority flag.
func ValidateHousehold(v *apierr.Violations, ref RefData, prefix string, h *Household, now time.Time) {
	v.Text(prefix+".head_name", h.HeadName, true, apierr.MaxShortText)
	h.NameKeys = NameKeys(h.HeadName)
	switch h.HeadGender {
	case "", "FEMALE", "MALE", "OTHER":
	default:
		v.Add(prefix+".head_gender", "ENUM_VALUE", "must be GENDER_FEMALE, GENDER_MALE or GENDER_OTHER")
	}
	v.Check(h.MemberCount >= MinMembers && h.MemberCount <= MaxMembers, prefix+".member_count", "RANGE", "must be between %d and %d", MinMembers, MaxMembers)
	validateEthnicGroup(v, prefix+".ethnic_group", h)
	switch h.PovertyStatus {
	case PovertyPoor, PovertyNearPoor, PovertyRecentlyEscaped, PovertyNonPoor:
	default:
		v.Add(prefix+".poverty_status", "ENUM_VALUE", "must be one of POVERTY_STATUS_POOR, _NEAR_POOR, _RECENTLY_ESCAPED, _NON_POOR")
	}
	if h.PovertyStatusYear != 0 {
		v.Check(h.PovertyStatusYear >= FirstPovertyYear && int(h.PovertyStatusYear) <= now.Year(), prefix+".poverty_status_year", "RANGE", "must be between %d and the current year", FirstPovertyYear)
	}
	h.ProvinceCode = Commune(v, ref, prefix+".commune_code", h.CommuneCode)
	v.Text(prefix+".village", h.Village, false, apierr.MaxShortText)
	phone(v, prefix+".phone", &h.Phone)
	validateAreas(v, ref, prefix+".cultivated_areas", h.CultivatedAreas)
	if c := h.Consent; c != nil {
		validateConsent(v, prefix+".consent", c, now)
	}
}

func validateEthnicGroup(v *apierr.Violations, field string, h *Household) {
	if g, ok := CanonicalEthnicGroup(h.EthnicGroup); ok {
		h.EthnicGroup, h.EthnicMinority = g, IsEthnicMinority(g)
	} else if h.EthnicGroup == "" {
		v.Add(field, "REQUIRED", "is required")
	} else {
		v.Add(field, "ETHNIC_GROUP", "must be one of Vietnam's 54 ethnic groups (e.g. Kinh, Tày, H'Mông, Dao)")
	}
}

func validateAreas(v *apierr.Violations, ref RefData, field string, as []CultivatedArea) {
	v.Check(len(as) <= MaxCultivatedAreas, field, "MAX_ITEMS", "at most %d entries", MaxCultivatedAreas)
	for i, a := range as {
		f := index(field, i)
		if _, ok := ref.Product(a.Product); !ok {
			v.Add(f+".product", "PRODUCT_EXISTS", "product %q does not exist", a.Product)
		}
		v.Check(a.AreaM2 > 0 && a.AreaM2 <= MaxAreaM2, f+".area_m2", "RANGE", "must be between 1 and %d m²", MaxAreaM2)
	}
}

func validateConsent(v *apierr.Violations, field string, c *Consent, now time.Time) {
	if !apierr.ValidDate(c.Date) {
		v.Add(field+".consent_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
	} else if d, _ := time.Parse(time.DateOnly, c.Date); d.After(now.Add(consentClockSkew)) {
		v.Add(field+".consent_date", "DATE_NOT_FUTURE", "must not be in the future")
	}
	v.Text(field+".purpose", c.Purpose, true, apierr.MaxLineText)
}

// ValidateAuthority checks a and derives its province.
func ValidateAuthority(v *apierr.Violations, ref RefData, prefix string, a *Authority) {
	v.Text(prefix+".display_name", a.DisplayName, true, apierr.MaxNameText)
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
	if area.Retired {
		v.Add(prefix+".admin_area_code", "ADMIN_AREA_RETIRED", "admin area %q (%s) is no longer in the official list", a.AdminAreaCode, area.Name)
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
	v.Date(prefix+".join_date", m.JoinDate, false)
}

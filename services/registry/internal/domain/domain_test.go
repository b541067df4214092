package domain

import (
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/taxcode"
)

func TestTaxCode(t *testing.T) {
	for _, tc := range []struct{ in, rule string }{
		{"0100109106", ""},     // Viettel
		{"0300588569", ""},     // Vinamilk
		{"0300588569-001", ""}, // a branch
		{"0100109107", "TAX_CODE_CHECKSUM"},
		{"0300588569-000", "TAX_CODE_BRANCH"},
		{"030058856", "TAX_CODE_FORMAT"},
		{"03005885690", "TAX_CODE_FORMAT"},
		{"0300588569-01", "TAX_CODE_FORMAT"},
		{"030058856a", "TAX_CODE_FORMAT"},
		{"0300588569-", "TAX_CODE_FORMAT"},
		{"", "TAX_CODE_FORMAT"},
	} {
		rule, _ := ValidateTaxCode(tc.in)
		require.Equal(t, tc.rule, rule, tc.in)
	}
}

func FuzzTaxCode(f *testing.F) {
	f.Add("0100109106")
	f.Add("0300588569-001")
	f.Add("12345")
	f.Fuzz(func(t *testing.T, s string) {
		rule, err := ValidateTaxCode(s)
		if err != nil {
			require.NotEmpty(t, rule)
			return
		}
		// Every accepted code has the shape and a check digit that recomputes.
		main, branch, has := strings.Cut(s, "-")
		require.Len(t, main, 10)
		require.True(t, allDigits(main))
		if has {
			require.Len(t, branch, 3)
			require.NotEqual(t, "000", branch)
		}
		d, ok := taxcode.CheckDigit(main[:9])
		require.True(t, ok)
		require.Equal(t, d, main[9])
	})
}

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0912345678", "+84912345678"},
		{"0912 345 678", "+84912345678"},
		{"+84 912.345.678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"0389-123-456", "+84389123456"},
		{"02439421234", "+842439421234"}, // Hà Nội landline
		{"091234567", ""},
		{"12345", ""},
		{"+1 202 555 0100", ""},
		{"abc", ""},
		{strings.Repeat("9", 40), ""},
	} {
		got, err := NormalizePhone(tc.in)
		if tc.want == "" {
			require.ErrorIs(t, err, ErrPhone, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got)
	}
}

func FuzzNormalizePhone(f *testing.F) {
	f.Add("0912345678")
	f.Add("+84 24 3942 1234")
	f.Add("xyz")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizePhone(s)
		if err != nil {
			return
		}
		require.True(t, strings.HasPrefix(got, "+84"), got)
		again, err := NormalizePhone(got)
		require.NoError(t, err, "E.164 output must re-validate")
		require.Equal(t, got, again, "normalisation is idempotent")
	})
}

func TestEthnicGroups(t *testing.T) {
	require.Len(t, EthnicGroups, 54)
	for _, tc := range []struct{ in, want string }{
		{"Kinh", "Kinh"}, {"tay", "Tày"}, {"H'MONG", "H'Mông"}, {"hmong", "H'Mông"}, {"e de", "Ê Đê"},
		{"Bru-Vân Kiều", "Bru - Vân Kiều"}, {"o du", "Ơ Đu"},
	} {
		got, ok := CanonicalEthnicGroup(tc.in)
		require.True(t, ok, tc.in)
		require.Equal(t, tc.want, got)
	}
	_, ok := CanonicalEthnicGroup("Klingon")
	require.False(t, ok)
	require.False(t, IsEthnicMinority("Kinh"))
	require.True(t, IsEthnicMinority("Dao"))
}

func TestProtectNationalID(t *testing.T) {
	id, err := ProtectNationalID("001203004567", []byte("k"))
	require.NoError(t, err)
	require.Equal(t, "4567", id.Last4)
	require.NotContains(t, id.Hash, "001203004567")
	other, _ := ProtectNationalID("001203004567", []byte("k2"))
	require.NotEqual(t, id.Hash, other.Hash, "hash is keyed")
	for _, bad := range []string{"", "123", "00120300456a", "0012030045678"} {
		_, err := ProtectNationalID(bad, []byte("k"))
		require.ErrorIs(t, err, ErrNationalID, bad)
	}
}

type fakeRef map[string]AdminArea

func (f fakeRef) AdminArea(c string) (AdminArea, bool) { a, ok := f[c]; return a, ok }
func (fakeRef) Product(c string) (Product, bool)       { return Product{Code: c}, c == "cinnamon-bark" }
func (fakeRef) Standard(c string) (Standard, bool)     { return Standard{Code: c}, c == "VIETGAP" }
func (fakeRef) Boundary(string) (orb.Geometry, bool)   { return nil, false }

var ref = fakeRef{
	places.LaoCai:  {Code: places.LaoCai, Level: LevelProvince},
	places.ChauQue: {Code: places.ChauQue, Level: LevelCommune, ParentCode: places.LaoCai},
}

func rules(v *apierr.Violations) map[string]string {
	m := map[string]string{}
	for _, x := range v.List() {
		m[x.Field] = x.Rule
	}
	return m
}

func TestValidateOrganization(t *testing.T) {
	good := func() *Organization {
		return &Organization{Kind: KindCooperative, DisplayName: "HTX Quế Văn Yên", TaxCode: "0100109106",
			Address: Address{CommuneCode: places.ChauQue}, State: StateActive,
			LegalRepresentative: LegalRepresentative{Phone: "0912 345 678"},
			Certifications:      []Certification{{Standard: "VIETGAP", Products: []string{"cinnamon-bark"}, ValidUntil: "2027-12-31"}}}
	}
	var v apierr.Violations
	o := good()
	ValidateOrganization(&v, ref, "organization", o)
	require.True(t, v.Empty(), v.List())
	require.Equal(t, places.LaoCai, o.Address.ProvinceCode)
	require.Equal(t, "+84912345678", o.LegalRepresentative.Phone)

	for name, tc := range map[string]struct {
		mut         func(*Organization)
		field, rule string
	}{
		"kind":          {func(o *Organization) { o.Kind = "" }, "organization.kind", "ENUM_VALUE"},
		"name":          {func(o *Organization) { o.DisplayName = " " }, "organization.display_name", "REQUIRED"},
		"long name":     {func(o *Organization) { o.DisplayName = strings.Repeat("x", 201) }, "organization.display_name", "MAX_LENGTH"},
		"tax required":  {func(o *Organization) { o.TaxCode = "" }, "organization.tax_code", "TAX_CODE_REQUIRED"},
		"tax checksum":  {func(o *Organization) { o.TaxCode = "0100109107" }, "organization.tax_code", "TAX_CODE_CHECKSUM"},
		"commune":       {func(o *Organization) { o.Address.CommuneCode = "99999" }, "organization.address.commune_code", "ADMIN_AREA_EXISTS"},
		"commune level": {func(o *Organization) { o.Address.CommuneCode = places.LaoCai }, "organization.address.commune_code", "ADMIN_AREA_LEVEL"},
		"phone":         {func(o *Organization) { o.LegalRepresentative.Phone = "123" }, "organization.legal_representative.phone", "PHONE_FORMAT"},
		"standard":      {func(o *Organization) { o.Certifications[0].Standard = "X" }, "organization.certifications[0].standard", "STANDARD_EXISTS"},
		"cert product":  {func(o *Organization) { o.Certifications[0].Products = []string{"x"} }, "organization.certifications[0].products[0]", "PRODUCT_EXISTS"},
		"cert date":     {func(o *Organization) { o.Certifications[0].ValidUntil = "31/12/2027" }, "organization.certifications[0].valid_until", "DATE_FORMAT"},
		"state":         {func(o *Organization) { o.State = "GONE" }, "organization.state", "ENUM_VALUE"},
		"invalid utf8":  {func(o *Organization) { o.DisplayName = "\xff" }, "organization.display_name", "UTF8"},
	} {
		o := good()
		tc.mut(o)
		var v apierr.Violations
		ValidateOrganization(&v, ref, "organization", o)
		require.Equal(t, tc.rule, rules(&v)[tc.field], name)
	}
	// Groups need no tax code.
	o = good()
	o.Kind, o.TaxCode = KindProductionGroup, ""
	v = apierr.Violations{}
	ValidateOrganization(&v, ref, "organization", o)
	require.True(t, v.Empty())
}

func TestValidateHousehold(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	good := func() *Household {
		return &Household{HeadName: "Triệu Thị Mai", HeadGender: "FEMALE", MemberCount: 5, EthnicGroup: "dao",
			PovertyStatus: PovertyPoor, PovertyStatusYear: 2025, CommuneCode: places.ChauQue, Phone: "0389123456",
			CultivatedAreas: []CultivatedArea{{Product: "cinnamon-bark", AreaM2: 10000}},
			Consent:         &Consent{Date: "2026-03-01", Purpose: "Liên kết tiêu thụ quế"}}
	}
	h := good()
	var v apierr.Violations
	ValidateHousehold(&v, ref, "household", h, now)
	require.True(t, v.Empty(), v.List())
	require.Equal(t, "Dao", h.EthnicGroup)
	require.True(t, h.EthnicMinority)
	require.Equal(t, places.LaoCai, h.ProvinceCode)
	require.True(t, h.ContractEligible())

	for name, tc := range map[string]struct {
		mut         func(*Household)
		field, rule string
	}{
		"head":        {func(h *Household) { h.HeadName = "" }, "household.head_name", "REQUIRED"},
		"gender":      {func(h *Household) { h.HeadGender = "X" }, "household.head_gender", "ENUM_VALUE"},
		"members":     {func(h *Household) { h.MemberCount = 0 }, "household.member_count", "RANGE"},
		"ethnic":      {func(h *Household) { h.EthnicGroup = "Elf" }, "household.ethnic_group", "ETHNIC_GROUP"},
		"ethnic req":  {func(h *Household) { h.EthnicGroup = "" }, "household.ethnic_group", "REQUIRED"},
		"poverty":     {func(h *Household) { h.PovertyStatus = "" }, "household.poverty_status", "ENUM_VALUE"},
		"year":        {func(h *Household) { h.PovertyStatusYear = 2099 }, "household.poverty_status_year", "RANGE"},
		"commune":     {func(h *Household) { h.CommuneCode = "" }, "household.commune_code", "REQUIRED"},
		"phone":       {func(h *Household) { h.Phone = "12" }, "household.phone", "PHONE_FORMAT"},
		"area":        {func(h *Household) { h.CultivatedAreas[0].AreaM2 = -1 }, "household.cultivated_areas[0].area_m2", "RANGE"},
		"area prod":   {func(h *Household) { h.CultivatedAreas[0].Product = "x" }, "household.cultivated_areas[0].product", "PRODUCT_EXISTS"},
		"consent day": {func(h *Household) { h.Consent.Date = "2026-13-01" }, "household.consent.consent_date", "DATE_FORMAT"},
		"consent fut": {func(h *Household) { h.Consent.Date = "2027-01-01" }, "household.consent.consent_date", "DATE_NOT_FUTURE"},
		"purpose":     {func(h *Household) { h.Consent.Purpose = "" }, "household.consent.purpose", "REQUIRED"},
	} {
		h := good()
		tc.mut(h)
		var v apierr.Violations
		ValidateHousehold(&v, ref, "household", h, now)
		require.Equal(t, tc.rule, rules(&v)[tc.field], name)
	}
	h = good()
	h.Consent = nil
	require.False(t, h.ContractEligible())
}

func TestValidateAuthorityAndMembership(t *testing.T) {
	var v apierr.Violations
	a := &Authority{Kind: AuthorityCommune, DisplayName: "UBND xã", AdminAreaCode: places.ChauQue}
	ValidateAuthority(&v, ref, "authority", a)
	require.True(t, v.Empty())
	require.Equal(t, places.LaoCai, a.ProvinceCode)
	v = apierr.Violations{}
	ValidateAuthority(&v, ref, "authority", &Authority{Kind: AuthorityCommune, DisplayName: "x", AdminAreaCode: places.LaoCai})
	require.Equal(t, "ADMIN_AREA_LEVEL", rules(&v)["authority.admin_area_code"])
	v = apierr.Violations{}
	ValidateMembership(&v, "membership", &Membership{Role: "BOSS", State: StateActive, JoinDate: "x"})
	require.Equal(t, map[string]string{"membership.role": "ENUM_VALUE", "membership.join_date": "DATE_FORMAT"}, rules(&v))
}

// TestEthnicVariants: the names people type resolve to the official group; no variant names
// two groups.
func TestEthnicVariants(t *testing.T) {
	for in, want := range map[string]string{
		"Mông": "H'Mông", "H'Mông": "H'Mông", "Hmong": "H'Mông", "hmông": "H'Mông", "dân tộc Mông": "H'Mông",
		"Dao": "Dao", "Yao": "Dao", "Dao đỏ": "Dao", "Tay": "Tày", "Ede": "Ê Đê", "Êđê": "Ê Đê",
		"Jarai": "Gia Rai", "Bahnar": "Ba Na", "Vân Kiều": "Bru - Vân Kiều", "Bru-Vân Kiều": "Bru - Vân Kiều",
		"Khmu": "Khơ Mú", "Katu": "Cơ Tu", "Việt": "Kinh", "Kinh": "Kinh", "M'Nông": "Mnông", "Khơ-me": "Khmer",
	} {
		got, ok := CanonicalEthnicGroup(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "Martian", "dân tộc", "Mèo"} {
		_, ok := CanonicalEthnicGroup(bad)
		require.False(t, ok, bad)
	}
	seen := map[string]string{}
	for _, g := range EthnicGroups {
		for _, n := range append([]string{g}, ethnicVariants[g]...) {
			if other, dup := seen[foldName(n)]; dup {
				require.Equal(t, other, g, "%q names both %s and %s", n, other, g)
			}
			seen[foldName(n)] = g
		}
	}
	for g := range ethnicVariants {
		require.Contains(t, EthnicGroups, g, "variants of an unknown group")
	}
}

func TestNameKeys(t *testing.T) {
	require.Equal(t, "nguyen van a", FoldName("  Nguyễn Văn   A "))
	require.Equal(t, "ho kinh doanh dang thi 2", FoldName("Hộ kinh doanh Đặng-Thị (2)"))
	require.Equal(t, []string{"nguyen van a", "van a", "a"}, NameKeys("Nguyễn Văn A"))
	require.Nil(t, NameKeys(" -- "))
	require.Len(t, NameKeys("a b c d e f g h i j k l m n o p"), MaxNameKeys)
}

// TestImportHeaderAliases: no header names two columns.
func TestImportHeaderAliases(t *testing.T) {
	seen := map[string]string{}
	for _, c := range ImportColumns {
		for _, h := range append([]string{c.Header, c.Key}, importAliases[c.Key]...) {
			if other, dup := seen[foldName(h)]; dup {
				require.Equal(t, other, c.Key, "%q names %s and %s", h, other, c.Key)
			}
			seen[foldName(h)] = c.Key
		}
	}
	for key := range importAliases {
		require.Contains(t, seen, foldName(key), "aliases of an unknown column %s", key)
	}
}

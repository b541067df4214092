package domain

import (
	"strings"
	"time"
)

// Stamp is what every mutable resource carries: when it was created and last changed, and
// its version (the etag) for optimistic concurrency.
type Stamp struct {
	CreateTime time.Time `bson:"create_time"`
	UpdateTime time.Time `bson:"update_time"`
	Version    int64     `bson:"version"`
}

// Created stamps a new resource.
func (s *Stamp) Created(now time.Time) { s.CreateTime, s.UpdateTime, s.Version = now, now, 1 }

// Updated stamps a change and returns the version it replaces.
func (s *Stamp) Updated(now time.Time) (prev int64) {
	prev = s.Version
	s.Version++
	s.UpdateTime = now
	return prev
}

// Organisation kinds.
const (
	KindBusiness            = "BUSINESS"
	KindCooperative         = "COOPERATIVE"
	KindUnionOfCooperatives = "UNION_OF_COOPERATIVES"
	KindCooperativeGroup    = "COOPERATIVE_GROUP"
	KindProductionGroup     = "PRODUCTION_GROUP"
)

// States.
const (
	StateActive    = "ACTIVE"
	StateSuspended = "SUSPENDED"
	StateLeft      = "LEFT"
)

// Address of an organisation.
type Address struct {
	Line         string `bson:"line,omitempty"`
	CommuneCode  string `bson:"commune_code"`
	ProvinceCode string `bson:"province_code"`
}

// LegalRepresentative of an organisation.
type LegalRepresentative struct {
	Name     string `bson:"name,omitempty"`
	Position string `bson:"position,omitempty"`
	Phone    string `bson:"phone,omitempty"`
}

// Certification held by an organisation.
type Certification struct {
	Standard   string   `bson:"standard"`
	Number     string   `bson:"number,omitempty"`
	Issuer     string   `bson:"issuer,omitempty"`
	ValidUntil string   `bson:"valid_until,omitempty"`
	Products   []string `bson:"products,omitempty"`
}

// Organization is a business or producer organisation.
type Organization struct {
	ID                          string              `bson:"_id"`
	Kind                        string              `bson:"kind"`
	DisplayName                 string              `bson:"display_name"`
	TaxCode                     string              `bson:"tax_code,omitempty"`
	Address                     Address             `bson:"address"`
	LegalRepresentative         LegalRepresentative `bson:"legal_representative"`
	WomenLed                    bool                `bson:"women_led"`
	NonProfitOrSocialEnterprise bool                `bson:"non_profit_or_social_enterprise"`
	Certifications              []Certification     `bson:"certifications,omitempty"`
	State                       string              `bson:"state"`
	// CommuneCode and ProvinceCode repeat the address's at the top of the stored document
	// (storage sets them): listings by area are an equality the store indexes and pushes down.
	CommuneCode  string `bson:"commune_code"`
	ProvinceCode string `bson:"province_code"`
	// NameKeys index the display name for searches without diacritics (derived).
	NameKeys []string `bson:"name_keys,omitempty"`
	Stamp    `bson:",inline"`
	// ContactWithheld: the contact details were cleared for this caller (set when reading,
	// never stored).
	ContactWithheld bool `bson:"-"`
}

// MaxContractParties bounds the parties recorded for one contract (its two organisations and
// its households).
const MaxContractParties = 5002

// IsProducer reports whether the organisation can be the producer party of a contract.
func (o *Organization) IsProducer() bool {
	switch o.Kind {
	case KindCooperative, KindUnionOfCooperatives, KindCooperativeGroup, KindProductionGroup:
		return true
	}
	return false
}

// CultivatedArea is a household's area under one product.
type CultivatedArea struct {
	Product string `bson:"product"`
	AreaM2  int64  `bson:"area_m2"`
	// FromPlots: the area is the sum of the household's plots of the product (derived).
	FromPlots bool `bson:"-"`
}

// Consent to data processing.
type Consent struct {
	Date    string `bson:"date"`
	Purpose string `bson:"purpose"`
}

// Poverty statuses.
const (
	PovertyPoor            = "POOR"
	PovertyNearPoor        = "NEAR_POOR"
	PovertyRecentlyEscaped = "RECENTLY_ESCAPED"
	PovertyNonPoor         = "NON_POOR"
)

// Claim reserves a unique value (a national ID number's keyed hash, a tax code, an OpenID
// identity) for the resource that holds it: inserting a claim is atomic on its _id, so two
// registrations of the same value cannot both succeed.
type Claim struct {
	ID      string    `bson:"_id"`
	Owner   string    `bson:"owner"`
	Time    time.Time `bson:"time"`
	Version int64     `bson:"version"`
}

// Household is a smallholder household.
type Household struct {
	ID                string           `bson:"_id"`
	HeadName          string           `bson:"head_name"`
	HeadGender        string           `bson:"head_gender,omitempty"`
	MemberCount       int32            `bson:"member_count"`
	EthnicGroup       string           `bson:"ethnic_group"`
	EthnicMinority    bool             `bson:"ethnic_minority"`
	PovertyStatus     string           `bson:"poverty_status"`
	PovertyStatusYear int32            `bson:"poverty_status_year,omitempty"`
	CommuneCode       string           `bson:"commune_code"`
	ProvinceCode      string           `bson:"province_code"`
	Village           string           `bson:"village,omitempty"`
	Phone             string           `bson:"phone,omitempty"`
	CultivatedAreas   []CultivatedArea `bson:"cultivated_areas,omitempty"`
	Consent           *Consent         `bson:"consent,omitempty"`
	NationalIDHash    string           `bson:"national_id_hash,omitempty"`
	NationalIDLast4   string           `bson:"national_id_last4,omitempty"`
	// PlotAreas is the area of the household's plots per product (derived when plots change).
	PlotAreas []CultivatedArea `bson:"plot_areas,omitempty"`
	// NameKeys index the head's name for searches without diacritics (derived).
	NameKeys []string `bson:"name_keys,omitempty"`
	Stamp    `bson:",inline"`
	// DetailsWithheld: only the name and place are shown to this caller (set when reading,
	// never stored).
	DetailsWithheld bool `bson:"-"`
}

// NameAndPlace is what a contract's buyer sees of one of its households: the head's name and
// where the household is; everything else (gender, members, ethnicity, poverty, phone, areas,
// consent, national ID) is personal data the buyer has no need of.
func (h *Household) NameAndPlace() *Household {
	return &Household{ID: h.ID, HeadName: h.HeadName, CommuneCode: h.CommuneCode, ProvinceCode: h.ProvinceCode, Village: h.Village, Stamp: h.Stamp, DetailsWithheld: true}
}

// Areas is the household's cultivated area per product: its plots' where it has plots of the
// product, the declared figure for the others.
func (h *Household) Areas() []CultivatedArea {
	out := make([]CultivatedArea, 0, len(h.CultivatedAreas)+len(h.PlotAreas))
	fromPlots := map[string]bool{}
	for _, a := range h.PlotAreas {
		a.FromPlots = true
		out = append(out, a)
		fromPlots[a.Product] = true
	}
	for _, a := range h.CultivatedAreas {
		if !fromPlots[a.Product] {
			out = append(out, a)
		}
	}
	return out
}

// ContractEligible reports whether the household may be put in a contract: consent to data
// processing is recorded.
func (h *Household) ContractEligible() bool {
	return h.Consent != nil && h.Consent.Date != "" && h.Consent.Purpose != ""
}

// Membership roles.
const (
	RoleMember = "MEMBER"
	RoleLeader = "LEADER"
)

// Membership of a household in an organisation; ID is "{org}/{household}".
type Membership struct {
	ID           string `bson:"_id"`
	Organization string `bson:"organization"`
	Household    string `bson:"household"`
	Role         string `bson:"role"`
	JoinDate     string `bson:"join_date,omitempty"`
	State        string `bson:"state"`
	Stamp        `bson:",inline"`
}

// Name is the membership's resource name: organizations/{org}/members/{household}.
func (m *Membership) Name() string {
	return m.Organization + "/members/" + strings.TrimPrefix(m.Household, "households/")
}

// Authority kinds.
const (
	AuthorityCommune  = "COMMUNE_PEOPLES_COMMITTEE"
	AuthorityProvince = "PROVINCE_PEOPLES_COMMITTEE"
)

// Authority is a People's Committee.
type Authority struct {
	ID            string    `bson:"_id"`
	Kind          string    `bson:"kind"`
	DisplayName   string    `bson:"display_name"`
	AdminAreaCode string    `bson:"admin_area_code"`
	ProvinceCode  string    `bson:"province_code"`
	CreateTime    time.Time `bson:"create_time"`
	Version       int64     `bson:"version"`
}

// Admin-area levels.
const (
	LevelProvince = "PROVINCE"
	LevelDistrict = "DISTRICT"
	LevelCommune  = "COMMUNE"
)

// Kinds of administrative unit (the official list names each unit's kind).
const (
	AreaKindProvince    = "PROVINCE"     // tỉnh
	AreaKindCity        = "CITY"         // thành phố trực thuộc trung ương
	AreaKindCommune     = "COMMUNE"      // xã
	AreaKindWard        = "WARD"         // phường
	AreaKindSpecialZone = "SPECIAL_ZONE" // đặc khu
)

// AdminArea is an administrative unit (reference data). A unit that a newer file no longer
// lists is kept, Retired, so that the records naming it still resolve; new records may not
// name it.
type AdminArea struct {
	Code       string  `bson:"_id"`
	Level      string  `bson:"level"`
	ParentCode string  `bson:"parent_code,omitempty"`
	Name       string  `bson:"name"`
	NameEN     string  `bson:"name_en,omitempty"`
	Kind       string  `bson:"kind,omitempty"`
	Latitude   float64 `bson:"latitude"`
	Longitude  float64 `bson:"longitude"`
	AreaKm2    float64 `bson:"area_km2,omitempty"`
	// Boundary is the unit's GeoJSON Polygon or MultiPolygon (simplified), as text. It comes
	// from the file and is not stored: a retired unit (no longer in the file) has none.
	Boundary string `bson:"-"`
	// Digest identifies the unit's content as loaded, to skip unchanged units on reload.
	Digest     string     `bson:"digest,omitempty"`
	Retired    bool       `bson:"retired,omitempty"`
	RetireTime *time.Time `bson:"retire_time,omitempty"`
}

// Product is an agricultural product (reference data).
type Product struct {
	Code     string   `bson:"_id" json:"code"`
	NameVI   string   `bson:"name_vi" json:"name_vi"`
	NameEN   string   `bson:"name_en" json:"name_en"`
	Category string   `bson:"category" json:"category"`
	Unit     string   `bson:"unit" json:"unit"`
	Grades   []string `bson:"grades" json:"grades"`
}

// Standard is a quality or production standard (reference data).
type Standard struct {
	Code        string   `bson:"_id" json:"code"`
	DisplayName string   `bson:"display_name" json:"display_name"`
	Satisfies   []string `bson:"satisfies,omitempty" json:"satisfies,omitempty"`
}

// APIKey is a partner key; the secret is stored only as a hash.
type APIKey struct {
	ID           string     `bson:"_id"`
	Organization string     `bson:"organization"`
	DisplayName  string     `bson:"display_name"`
	Prefix       string     `bson:"prefix"`
	SecretHash   string     `bson:"secret_hash"`
	CreateTime   time.Time  `bson:"create_time"`
	RevokeTime   *time.Time `bson:"revoke_time,omitempty"`
}

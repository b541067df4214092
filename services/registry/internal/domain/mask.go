package domain

import (
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Mask is what an update_mask may name on one kind of resource: each updatable field with the
// copy it makes from the request into the stored resource.
type Mask[T any] struct {
	// Fields maps a path to its copy.
	Fields map[string]func(dst, src *T)
	// Nested fields are messages: a path below one ("address.line") replaces the whole message.
	Nested map[string]bool
	// Immutable fields exist but cannot be changed.
	Immutable map[string]bool
}

// Apply copies the fields that paths name from src into dst. An empty mask, an immutable field
// and an unknown or output-only path are violations of "update_mask" (REQUIRED, IMMUTABLE,
// UPDATE_MASK_PATH).
func (m Mask[T]) Apply(v *apierr.Violations, dst, src *T, paths []string) {
	v.Check(len(paths) > 0, "update_mask", "REQUIRED", "name the fields to update")
	for _, path := range paths {
		field := path
		if head, _, nested := strings.Cut(path, "."); nested && m.Nested[head] {
			field = head
		}
		switch set, ok := m.Fields[field]; {
		case ok:
			set(dst, src)
		case m.Immutable[path]:
			v.Add("update_mask", "IMMUTABLE", "%s cannot be changed", path)
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "unknown or output-only field %q", path)
		}
	}
}

// OrganizationMask is what UpdateOrganization may change (the state only by an operator: the
// caller checks that).
var OrganizationMask = Mask[Organization]{
	Fields: map[string]func(dst, src *Organization){
		"display_name":                    func(d, s *Organization) { d.DisplayName = s.DisplayName },
		"tax_code":                        func(d, s *Organization) { d.TaxCode = s.TaxCode },
		"address":                         func(d, s *Organization) { d.Address = s.Address },
		"legal_representative":            func(d, s *Organization) { d.LegalRepresentative = s.LegalRepresentative },
		"women_led":                       func(d, s *Organization) { d.WomenLed = s.WomenLed },
		"non_profit_or_social_enterprise": func(d, s *Organization) { d.NonProfitOrSocialEnterprise = s.NonProfitOrSocialEnterprise },
		"certifications":                  func(d, s *Organization) { d.Certifications = s.Certifications },
		"state":                           func(d, s *Organization) { d.State = s.State },
	},
	Nested:    map[string]bool{"address": true, "legal_representative": true},
	Immutable: map[string]bool{"kind": true},
}

// HouseholdMask is what UpdateHousehold may change; national_id carries the protected number
// (hash and last four digits) the caller derived from the request.
var HouseholdMask = Mask[Household]{
	Fields: map[string]func(dst, src *Household){
		"head_name":           func(d, s *Household) { d.HeadName = s.HeadName },
		"head_gender":         func(d, s *Household) { d.HeadGender = s.HeadGender },
		"member_count":        func(d, s *Household) { d.MemberCount = s.MemberCount },
		"ethnic_group":        func(d, s *Household) { d.EthnicGroup = s.EthnicGroup },
		"poverty_status":      func(d, s *Household) { d.PovertyStatus = s.PovertyStatus },
		"poverty_status_year": func(d, s *Household) { d.PovertyStatusYear = s.PovertyStatusYear },
		"commune_code":        func(d, s *Household) { d.CommuneCode = s.CommuneCode },
		"village":             func(d, s *Household) { d.Village = s.Village },
		"phone":               func(d, s *Household) { d.Phone = s.Phone },
		"cultivated_areas":    func(d, s *Household) { d.CultivatedAreas = s.CultivatedAreas },
		"consent":             func(d, s *Household) { d.Consent = s.Consent },
		"national_id":         func(d, s *Household) { d.NationalIDHash, d.NationalIDLast4 = s.NationalIDHash, s.NationalIDLast4 },
	},
	Nested: map[string]bool{"consent": true},
}

// MembershipMask is what UpdateMembership may change.
var MembershipMask = Mask[Membership]{
	Fields: map[string]func(dst, src *Membership){
		"role":      func(d, s *Membership) { d.Role = s.Role },
		"state":     func(d, s *Membership) { d.State = s.State },
		"join_date": func(d, s *Membership) { d.JoinDate = s.JoinDate },
	},
}

package transport

import (
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// enumName strips an enum value's prefix: KIND_BUSINESS → BUSINESS. Unknown numeric values
// (String() is the number) stay unknown and fail validation.
func enumName(s, prefix string) string {
	if strings.HasSuffix(s, "_UNSPECIFIED") {
		return ""
	}
	return strings.TrimPrefix(s, prefix)
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func orgName(id string) string       { return "organizations/" + id }
func householdName(id string) string { return "households/" + id }

func orgToDomain(p *registryv1.Organization) *domain.Organization {
	o := &domain.Organization{
		Kind:                        enumName(p.GetKind().String(), "KIND_"),
		DisplayName:                 p.GetDisplayName(),
		TaxCode:                     p.GetTaxCode(),
		WomenLed:                    p.GetWomenLed(),
		NonProfitOrSocialEnterprise: p.GetNonProfitOrSocialEnterprise(),
		State:                       enumName(p.GetState().String(), "STATE_"),
	}
	if a := p.GetAddress(); a != nil {
		o.Address = domain.Address{Line: a.GetLine(), CommuneCode: a.GetCommuneCode()}
	}
	if r := p.GetLegalRepresentative(); r != nil {
		o.LegalRepresentative = domain.LegalRepresentative{Name: r.GetName(), Position: r.GetPosition(), Phone: r.GetPhone()}
	}
	for _, c := range p.GetCertifications() {
		o.Certifications = append(o.Certifications, domain.Certification{Standard: c.GetStandard(), Number: c.GetNumber(), Issuer: c.GetIssuer(), ValidUntil: c.GetValidUntil(), Products: c.GetProducts()})
	}
	return o
}

func orgToProto(o *domain.Organization) *registryv1.Organization {
	p := &registryv1.Organization{
		Name:                        orgName(o.ID),
		Kind:                        registryv1.Organization_Kind(registryv1.Organization_Kind_value["KIND_"+o.Kind]),
		DisplayName:                 o.DisplayName,
		TaxCode:                     o.TaxCode,
		Address:                     &registryv1.Address{Line: o.Address.Line, CommuneCode: o.Address.CommuneCode, ProvinceCode: o.Address.ProvinceCode},
		LegalRepresentative:         &registryv1.LegalRepresentative{Name: o.LegalRepresentative.Name, Position: o.LegalRepresentative.Position, Phone: o.LegalRepresentative.Phone},
		WomenLed:                    o.WomenLed,
		NonProfitOrSocialEnterprise: o.NonProfitOrSocialEnterprise,
		State:                       registryv1.Organization_State(registryv1.Organization_State_value["STATE_"+o.State]),
		CreateTime:                  ts(o.CreateTime),
		UpdateTime:                  ts(o.UpdateTime),
		Etag:                        aip.Etag(o.Version),
	}
	for _, c := range o.Certifications {
		p.Certifications = append(p.Certifications, &registryv1.Certification{Standard: c.Standard, Number: c.Number, Issuer: c.Issuer, ValidUntil: c.ValidUntil, Products: c.Products})
	}
	return p
}

func householdToDomain(p *registryv1.Household) *domain.Household {
	h := &domain.Household{
		HeadName:          p.GetHeadName(),
		HeadGender:        enumName(p.GetHeadGender().String(), "GENDER_"),
		MemberCount:       p.GetMemberCount(),
		EthnicGroup:       p.GetEthnicGroup(),
		PovertyStatus:     enumName(p.GetPovertyStatus().String(), "POVERTY_STATUS_"),
		PovertyStatusYear: p.GetPovertyStatusYear(),
		CommuneCode:       p.GetCommuneCode(),
		Village:           p.GetVillage(),
		Phone:             p.GetPhone(),
	}
	for _, a := range p.GetCultivatedAreas() {
		h.CultivatedAreas = append(h.CultivatedAreas, domain.CultivatedArea{Product: a.GetProduct(), AreaM2: a.GetAreaM2()})
	}
	if c := p.GetConsent(); c != nil {
		h.Consent = &domain.Consent{Date: c.GetConsentDate(), Purpose: c.GetPurpose()}
	}
	return h
}

func householdToProto(h *domain.Household) *registryv1.Household {
	p := &registryv1.Household{
		Name:              householdName(h.ID),
		HeadName:          h.HeadName,
		HeadGender:        registryv1.Gender(registryv1.Gender_value["GENDER_"+h.HeadGender]),
		MemberCount:       h.MemberCount,
		EthnicGroup:       h.EthnicGroup,
		EthnicMinority:    h.EthnicMinority,
		PovertyStatus:     registryv1.PovertyStatus(registryv1.PovertyStatus_value["POVERTY_STATUS_"+h.PovertyStatus]),
		PovertyStatusYear: h.PovertyStatusYear,
		CommuneCode:       h.CommuneCode,
		ProvinceCode:      h.ProvinceCode,
		Village:           h.Village,
		Phone:             h.Phone,
		NationalIdLast4:   h.NationalIDLast4,
		ContractEligible:  h.ContractEligible(),
		CreateTime:        ts(h.CreateTime),
		UpdateTime:        ts(h.UpdateTime),
		Etag:              aip.Etag(h.Version),
	}
	for _, a := range h.CultivatedAreas {
		p.CultivatedAreas = append(p.CultivatedAreas, &registryv1.CultivatedArea{Product: a.Product, AreaM2: a.AreaM2})
	}
	if h.Consent != nil {
		p.Consent = &registryv1.DataConsent{ConsentDate: h.Consent.Date, Purpose: h.Consent.Purpose}
	}
	return p
}

func membershipToProto(m *domain.Membership) *registryv1.Membership {
	return &registryv1.Membership{
		Name:       m.Organization + "/members/" + strings.TrimPrefix(m.Household, "households/"),
		Household:  m.Household,
		Role:       registryv1.Membership_Role(registryv1.Membership_Role_value["ROLE_"+m.Role]),
		JoinDate:   m.JoinDate,
		State:      registryv1.Membership_State(registryv1.Membership_State_value["STATE_"+m.State]),
		CreateTime: ts(m.CreateTime),
		UpdateTime: ts(m.UpdateTime),
		Etag:       aip.Etag(m.Version),
	}
}

func authorityToProto(a *domain.Authority) *registryv1.Authority {
	return &registryv1.Authority{
		Name:          "authorities/" + a.ID,
		Kind:          registryv1.Authority_Kind(registryv1.Authority_Kind_value["KIND_"+a.Kind]),
		DisplayName:   a.DisplayName,
		AdminAreaCode: a.AdminAreaCode,
		CreateTime:    ts(a.CreateTime),
		Etag:          aip.Etag(a.Version),
	}
}

func areaToProto(a *domain.AdminArea) *registryv1.AdminArea {
	return &registryv1.AdminArea{
		Name: "adminAreas/" + a.Code, Code: a.Code,
		Level:      registryv1.AdminArea_Level(registryv1.AdminArea_Level_value["LEVEL_"+a.Level]),
		ParentCode: a.ParentCode, DisplayName: a.Name, Latitude: a.Latitude, Longitude: a.Longitude,
	}
}

func productToProto(p *domain.Product) *registryv1.Product {
	return &registryv1.Product{
		Name: "products/" + p.Code, Code: p.Code, NameVi: p.NameVI, NameEn: p.NameEN,
		Category: registryv1.ProductCategory(registryv1.ProductCategory_value["PRODUCT_CATEGORY_"+p.Category]),
		Unit:     p.Unit, Grades: p.Grades,
	}
}

func standardToProto(s *domain.Standard) *registryv1.Standard {
	return &registryv1.Standard{Name: "standards/" + s.Code, Code: s.Code, DisplayName: s.DisplayName, Satisfies: s.Satisfies}
}

func apiKeyToProto(k *domain.APIKey) *registryv1.ApiKey {
	p := &registryv1.ApiKey{
		Name:         k.Organization + "/apiKeys/" + k.ID,
		DisplayName:  k.DisplayName,
		Prefix:       k.Prefix,
		Organization: k.Organization,
		CreateTime:   ts(k.CreateTime),
	}
	if k.RevokeTime != nil {
		p.RevokeTime = ts(*k.RevokeTime)
	}
	return p
}

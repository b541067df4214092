package transport

import (
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// enumOf is the number of domain name under prefix in the enum of zero.
func enumOf[E interface {
	~int32
	protoreflect.Enum
}](zero E, prefix, name string) E {
	return E(protoenum.Number(zero.Descriptor(), prefix, name))
}

func orgToDomain(p *registryv1.Organization) *domain.Organization {
	if p == nil {
		return nil
	}
	o := &domain.Organization{
		Kind:                        protoenum.Input(p.GetKind(), "KIND_"),
		DisplayName:                 p.GetDisplayName(),
		TaxCode:                     p.GetTaxCode(),
		WomenLed:                    p.GetWomenLed(),
		NonProfitOrSocialEnterprise: p.GetNonProfitOrSocialEnterprise(),
		State:                       protoenum.Input(p.GetState(), "STATE_"),
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
		Name:                        "organizations/" + o.ID,
		Kind:                        enumOf(registryv1.Organization_KIND_UNSPECIFIED, "KIND_", o.Kind),
		DisplayName:                 o.DisplayName,
		TaxCode:                     o.TaxCode,
		Address:                     &registryv1.Address{Line: o.Address.Line, CommuneCode: o.Address.CommuneCode, ProvinceCode: o.Address.ProvinceCode},
		LegalRepresentative:         &registryv1.LegalRepresentative{Name: o.LegalRepresentative.Name, Position: o.LegalRepresentative.Position, Phone: o.LegalRepresentative.Phone},
		WomenLed:                    o.WomenLed,
		NonProfitOrSocialEnterprise: o.NonProfitOrSocialEnterprise,
		State:                       enumOf(registryv1.Organization_STATE_UNSPECIFIED, "STATE_", o.State),
		CreateTime:                  ts(o.CreateTime),
		UpdateTime:                  ts(o.UpdateTime),
		Etag:                        aip.Etag(o.Version),
		ContactWithheld:             o.ContactWithheld,
	}
	if o.ContactWithheld {
		p.LegalRepresentative = nil
	}
	for _, c := range o.Certifications {
		p.Certifications = append(p.Certifications, &registryv1.Certification{Standard: c.Standard, Number: c.Number, Issuer: c.Issuer, ValidUntil: c.ValidUntil, Products: c.Products})
	}
	return p
}

func householdToDomain(p *registryv1.Household) *domain.Household {
	if p == nil {
		return nil
	}
	h := &domain.Household{
		HeadName:          p.GetHeadName(),
		HeadGender:        protoenum.Input(p.GetHeadGender(), "GENDER_"),
		MemberCount:       p.GetMemberCount(),
		EthnicGroup:       p.GetEthnicGroup(),
		PovertyStatus:     protoenum.Input(p.GetPovertyStatus(), "POVERTY_STATUS_"),
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
		Name:              "households/" + h.ID,
		HeadName:          h.HeadName,
		HeadGender:        enumOf(registryv1.Gender_GENDER_UNSPECIFIED, "GENDER_", h.HeadGender),
		MemberCount:       h.MemberCount,
		EthnicGroup:       h.EthnicGroup,
		EthnicMinority:    h.EthnicMinority,
		PovertyStatus:     enumOf(registryv1.PovertyStatus_POVERTY_STATUS_UNSPECIFIED, "POVERTY_STATUS_", h.PovertyStatus),
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
		DetailsWithheld:   h.DetailsWithheld,
	}
	if h.DetailsWithheld {
		p.ContractEligible, p.Etag = false, "" // nothing beyond the name and place
	}
	for _, a := range h.Areas() {
		p.CultivatedAreas = append(p.CultivatedAreas, &registryv1.CultivatedArea{Product: a.Product, AreaM2: a.AreaM2, FromPlots: a.FromPlots})
	}
	if h.Consent != nil {
		p.Consent = &registryv1.DataConsent{ConsentDate: h.Consent.Date, Purpose: h.Consent.Purpose}
	}
	return p
}

func membershipToDomain(p *registryv1.Membership) *domain.Membership {
	if p == nil {
		return nil
	}
	return &domain.Membership{Household: p.GetHousehold(), Role: protoenum.Input(p.GetRole(), "ROLE_"), JoinDate: p.GetJoinDate(), State: protoenum.Input(p.GetState(), "STATE_")}
}

func membershipToProto(m *domain.Membership) *registryv1.Membership {
	return &registryv1.Membership{
		Name:       m.Name(),
		Household:  m.Household,
		Role:       enumOf(registryv1.Membership_ROLE_UNSPECIFIED, "ROLE_", m.Role),
		JoinDate:   m.JoinDate,
		State:      enumOf(registryv1.Membership_STATE_UNSPECIFIED, "STATE_", m.State),
		CreateTime: ts(m.CreateTime),
		UpdateTime: ts(m.UpdateTime),
		Etag:       aip.Etag(m.Version),
	}
}

func authorityToDomain(p *registryv1.Authority) *domain.Authority {
	if p == nil {
		return nil
	}
	return &domain.Authority{Kind: protoenum.Input(p.GetKind(), "KIND_"), DisplayName: p.GetDisplayName(), AdminAreaCode: p.GetAdminAreaCode()}
}

func authorityToProto(a *domain.Authority) *registryv1.Authority {
	return &registryv1.Authority{
		Name:          "authorities/" + a.ID,
		Kind:          enumOf(registryv1.Authority_KIND_UNSPECIFIED, "KIND_", a.Kind),
		DisplayName:   a.DisplayName,
		AdminAreaCode: a.AdminAreaCode,
		CreateTime:    ts(a.CreateTime),
		Etag:          aip.Etag(a.Version),
	}
}

func areaToProto(a *domain.AdminArea) *registryv1.AdminArea {
	return &registryv1.AdminArea{
		Name: "adminAreas/" + a.Code, Code: a.Code,
		Level:      enumOf(registryv1.AdminArea_LEVEL_UNSPECIFIED, "LEVEL_", a.Level),
		ParentCode: a.ParentCode, DisplayName: a.Name, Latitude: a.Latitude, Longitude: a.Longitude,
		EnglishName: a.NameEN, Kind: enumOf(registryv1.AdminArea_KIND_UNSPECIFIED, "KIND_", a.Kind),
		AreaKm2: a.AreaKm2, Retired: a.Retired,
	}
}

func productToProto(p *domain.Product) *registryv1.Product {
	return &registryv1.Product{
		Name: "products/" + p.Code, Code: p.Code, NameVi: p.NameVI, NameEn: p.NameEN,
		Category: enumOf(registryv1.ProductCategory_PRODUCT_CATEGORY_UNSPECIFIED, "PRODUCT_CATEGORY_", p.Category),
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

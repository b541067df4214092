package console

import (
	"net/http"
	"strconv"
	"strings"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// A producer organisation's members: its households, and a form to register a household and
// make it a member (with the household's consent to data processing, required before it can
// be put in a contract).

type householdForm struct {
	Head, Gender, Members, Ethnic, Poverty, PovertyYear, Village, Phone, NationalID, ConsentDate, Purpose, Commune string
}

type membersView struct {
	Households []*registryv1.Household
	Form       householdForm
	Errors     formErrors
	Genders    []string
	Poverty    []string
	// Import is the report of the file just uploaded (nil: none).
	Import *importReport
}

func (c *Console) members(q *rq) error {
	return c.renderMembers(q, http.StatusOK, c.newHouseholdForm(q), formErrors{})
}

// newHouseholdForm is the empty form, in the organisation's commune.
func (c *Console) newHouseholdForm(q *rq) householdForm {
	f := householdForm{Gender: "GENDER_FEMALE", Poverty: "POVERTY_STATUS_POOR", Members: "4", Purpose: "Hợp đồng liên kết sản xuất, tiêu thụ nông sản"}
	if o, err := c.b.reg.GetOrganization(q.ctx, &registryv1.GetOrganizationRequest{Name: q.s.Org}); err == nil {
		f.Commune = o.GetAddress().GetCommuneCode()
	}
	return f
}

func (c *Console) renderMembers(q *rq, code int, f householdForm, fe formErrors) error {
	return c.renderMembersPage(q, code, membersView{Form: f, Errors: fe})
}

// renderMembersPage completes v (the members, the choices) and renders the members page.
func (c *Console) renderMembersPage(q *rq, code int, v membersView) error {
	hs, err := c.memberHouseholds(q)
	if err != nil {
		return err
	}
	v.Households = hs
	v.Genders = []string{"GENDER_FEMALE", "GENDER_MALE", "GENDER_OTHER"}
	v.Poverty = []string{"POVERTY_STATUS_POOR", "POVERTY_STATUS_NEAR_POOR", "POVERTY_STATUS_RECENTLY_ESCAPED", "POVERTY_STATUS_NON_POOR"}
	q.render(code, "members", v)
	return nil
}

var householdFields = map[string]string{
	"household.head_name": "head", "household.head_gender": "gender", "household.member_count": "members", "household.ethnic_group": "ethnic",
	"household.poverty_status": "poverty", "household.poverty_status_year": "poverty_year", "household.commune_code": "commune", "household.village": "village",
	"household.phone": "phone", "household.national_id": "national_id", "household.consent": "consent_date", "household.consent.consent_date": "consent_date",
	"household.consent.purpose": "purpose",
}

func (c *Console) addMember(q *rq) error {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	f := householdForm{Head: g("head"), Gender: g("gender"), Members: g("members"), Ethnic: g("ethnic"), Poverty: g("poverty"), PovertyYear: g("poverty_year"),
		Village: g("village"), Phone: g("phone"), NationalID: g("national_id"), ConsentDate: g("consent_date"), Purpose: g("purpose"), Commune: g("commune")}
	var fe formErrors
	n := numbers{&fe}
	members, _ := strconv.Atoi(f.Members)
	year := n.amount("poverty_year", f.PovertyYear, false)
	h := &registryv1.Household{HeadName: f.Head, HeadGender: registryv1.Gender(registryv1.Gender_value[f.Gender]), MemberCount: int32(members), EthnicGroup: f.Ethnic,
		PovertyStatus: registryv1.PovertyStatus(registryv1.PovertyStatus_value[f.Poverty]), PovertyStatusYear: int32(year), CommuneCode: f.Commune, Village: f.Village,
		Phone: f.Phone, NationalId: f.NationalID}
	if d := n.date("consent_date", f.ConsentDate); d != "" || f.Purpose != "" {
		h.Consent = &registryv1.DataConsent{ConsentDate: d, Purpose: f.Purpose}
	}
	if fe.Any() {
		f.NationalID = "" // a national ID number is never sent back to the browser
		return c.renderMembers(q, http.StatusUnprocessableEntity, f, fe)
	}
	rid := pf.Get("request_id")
	created, err := c.b.reg.CreateHousehold(q.ctx, &registryv1.CreateHouseholdRequest{Household: h, RequestId: rid})
	if err == nil {
		_, err = c.b.reg.CreateMembership(q.ctx, &registryv1.CreateMembershipRequest{Parent: q.s.Org, RequestId: rid, Membership: &registryv1.Membership{Household: created.GetName()}})
	}
	if err != nil {
		f.NationalID = ""
		return c.renderMembers(q, http.StatusUnprocessableEntity, f, fromAPI(err, householdFields))
	}
	return q.redirect(BasePath+"/members", "member")
}

package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Grant roles.
const (
	GrantAdmin            = "ADMIN"
	GrantBusiness         = "BUSINESS"
	GrantProducer         = "PRODUCER"
	GrantHousehold        = "HOUSEHOLD"
	GrantCommuneOfficial  = "COMMUNE_OFFICIAL"
	GrantProvinceOfficial = "PROVINCE_OFFICIAL"
)

// MaxGrantsPerUser is the most grants one person holds.
const MaxGrantsPerUser = 50

// Grant is a role a person may act in and what it applies to. Its ID is "{user id}/{grant
// id}", the grant id being derived from the role and target (GrantID), so that one person
// holds one grant per role and target: a second is refused on the unique _id.
type Grant struct {
	ID   string `bson:"_id"`
	User string `bson:"user"` // users/{id}
	Role string `bson:"role"`
	// Organization, Household, Authority: the target (a resource name), as the role needs.
	Organization  string `bson:"organization,omitempty"`
	Household     string `bson:"household,omitempty"`
	Authority     string `bson:"authority,omitempty"`
	AdminAreaCode string `bson:"admin_area_code,omitempty"` // the authority's area
	Administrator bool   `bson:"administrator"`
	DisplayName   string `bson:"display_name"`
	// RequestKey identifies the create request (its scoped request id), so that its retry
	// returns the grant while another request for the same role and target is refused.
	RequestKey string    `bson:"request_key,omitempty"`
	CreateTime time.Time `bson:"create_time"`
	Version    int64     `bson:"version"`
}

// Name is the grant's resource name: users/{user}/grants/{grant}.
func (g *Grant) Name() string {
	user, grant, _ := strings.Cut(g.ID, "/")
	return "users/" + user + "/grants/" + grant
}

// GrantID derives a grant's id within its person from its role and target.
func GrantID(g *Grant) string {
	h := sha256.Sum256([]byte(g.Role + "\x00" + g.Target()))
	return hex.EncodeToString(h[:16])
}

// Target is the resource name the grant applies to ("" for an operator).
func (g *Grant) Target() string {
	switch {
	case g.Organization != "":
		return g.Organization
	case g.Household != "":
		return g.Household
	}
	return g.Authority
}

// grantScope says which target a role needs: "organization", "household", "authority" or ""
// (none), and whether it may administer it.
var grantScope = map[string]struct {
	field        string
	administered bool
}{
	GrantAdmin:            {"", false},
	GrantBusiness:         {"organization", true},
	GrantProducer:         {"organization", true},
	GrantHousehold:        {"household", false},
	GrantCommuneOfficial:  {"authority", true},
	GrantProvinceOfficial: {"authority", true},
}

// ValidateGrant checks the shape of a requested grant: a known role, the one target the role
// needs (GRANT_SCOPE for any other) and the administrator flag only where there is something
// to administer (GRANT_ADMINISTRATOR). Whether the target exists and fits is CheckGrantTarget.
func ValidateGrant(v *apierr.Violations, prefix string, g *Grant) {
	scope, ok := grantScope[g.Role]
	if !ok {
		v.Add(prefix+".role", "ENUM_VALUE", "must be one of ROLE_ADMIN, ROLE_BUSINESS, ROLE_PRODUCER, ROLE_HOUSEHOLD, ROLE_COMMUNE_OFFICIAL, ROLE_PROVINCE_OFFICIAL")
		return
	}
	for field, value := range map[string]string{"organization": g.Organization, "household": g.Household, "authority": g.Authority} {
		if field == scope.field {
			v.Required(prefix+"."+field, value != "")
		} else {
			v.Check(value == "", prefix+"."+field, "GRANT_SCOPE", "must be empty for role %s", g.Role)
		}
	}
	v.Check(!g.Administrator || scope.administered, prefix+".administrator", "GRANT_ADMINISTRATOR", "only organisation and authority grants administer something")
}

// GrantTarget is what a grant's target turned out to be (nil: it does not exist).
type GrantTarget struct {
	Organization *Organization
	Household    *Household
	Authority    *Authority
}

// CheckGrantTarget checks that the target of g exists and fits its role — a business for
// BUSINESS, a producer organisation for PRODUCER, a People's Committee of the matching level
// for officials — and derives the admin area code and the display name.
func CheckGrantTarget(v *apierr.Violations, prefix string, g *Grant, t GrantTarget) {
	switch g.Role {
	case GrantBusiness, GrantProducer:
		o := t.Organization
		if !v.Check(o != nil, prefix+".organization", "ORGANIZATION_EXISTS", "organisation %s does not exist", g.Organization) {
			return
		}
		fits, want := o.Kind == KindBusiness, "business"
		if g.Role == GrantProducer {
			fits, want = o.IsProducer(), "producer organisation"
		}
		v.Check(fits, prefix+".organization", "ORGANIZATION_KIND", "role %s needs a %s, %s is a %s", g.Role, want, g.Organization, o.Kind)
	case GrantHousehold:
		v.Check(t.Household != nil, prefix+".household", "HOUSEHOLD_EXISTS", "household %s does not exist", g.Household)
	case GrantCommuneOfficial, GrantProvinceOfficial:
		a := t.Authority
		if !v.Check(a != nil, prefix+".authority", "AUTHORITY_EXISTS", "authority %s does not exist", g.Authority) {
			return
		}
		v.Check(officialOf[g.Role] == a.Kind, prefix+".authority", "AUTHORITY_KIND", "role %s needs a %s, %s is a %s", g.Role, officialOf[g.Role], g.Authority, a.Kind)
		g.AdminAreaCode = a.AdminAreaCode
	}
	g.DisplayName = GrantLabel(g, t)
}

// officialOf is the authority kind each official role belongs to.
var officialOf = map[string]string{GrantCommuneOfficial: AuthorityCommune, GrantProvinceOfficial: AuthorityProvince}

var roleLabels = map[string]string{
	GrantAdmin: "admin", GrantBusiness: "business", GrantProducer: "producer", GrantHousehold: "household",
	GrantCommuneOfficial: "commune official", GrantProvinceOfficial: "province official",
}

// GrantLabel is a grant's display name: its target's name and the role, e.g. "HTX Nông nghiệp
// Bát Xát — producer (administrator)".
func GrantLabel(g *Grant, t GrantTarget) string {
	target := "Lienket"
	switch {
	case t.Organization != nil:
		target = t.Organization.DisplayName
	case t.Household != nil:
		target = t.Household.HeadName
	case t.Authority != nil:
		target = t.Authority.DisplayName
	case g.Role != GrantAdmin:
		target = g.Target()
	}
	label := target + " — " + roleLabels[g.Role]
	if g.Administrator {
		label += " (administrator)"
	}
	return label
}

// Active reports whether a grant can be acted in: its target still exists, and an
// organisation is not suspended.
func (t GrantTarget) Active(g *Grant) bool {
	switch g.Role {
	case GrantAdmin:
		return true
	case GrantBusiness, GrantProducer:
		return t.Organization != nil && t.Organization.State == StateActive
	case GrantHousehold:
		return t.Household != nil
	}
	return t.Authority != nil
}

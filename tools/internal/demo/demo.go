// Package demo holds the demonstration people and organisations of `make run`: the people
// the development OpenID provider signs in (one for every role, plus a person with two grants),
// and the registry records they are bound to (a business, a cooperative with its households,
// the commune and province People's Committees), seeded idempotently through the registry API.
package demo

import (
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/tools/internal/devoidc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// Places of the demo: real units of the official list the registry ships, named once in
// services/platform/testkit/places (a test checks that they exist in the registry's file with
// the right level and parent).
const (
	// Commune is the cooperative's and its households' commune, whose People's Committee
	// witnesses their contracts: Xã Châu Quế, Lào Cai.
	Commune = places.ChauQue
	// CommuneName is its name in the admin-area file.
	CommuneName = "Xã Châu Quế"
	// Province is the commune's province: Tỉnh Lào Cai.
	Province = places.LaoCai
	// ProvinceName is its name in the admin-area file.
	ProvinceName = "Tỉnh Lào Cai"
	// CommuneCommitteeName and ProvinceCommitteeName are the People's Committees' names.
	CommuneCommitteeName  = "UBND xã Châu Quế"
	ProvinceCommitteeName = "UBND tỉnh Lào Cai"
	// BuyerCommune is where the business and its warehouse are: Xã Bảo Hà, Lào Cai.
	BuyerCommune = places.BaoHa
)

// Keys of the demo's organisations, authorities and households, as people's grants name them.
const (
	Business          = "business"
	Cooperative       = "cooperative"
	CommuneCommittee  = "commune-committee"
	ProvinceCommittee = "province-committee"
	Household1        = "household-1"
)

// Org is a demo organisation.
type Org struct {
	Key         string
	Kind        registryv1.Organization_Kind
	DisplayName string
	// TaxPrefix gives the tax code: taxcode.From(TaxPrefix).
	TaxPrefix int64
	Commune   string
	Line      string
	WomenLed  bool
	Rep       *registryv1.LegalRepresentative
}

// Orgs are the demo organisations.
var Orgs = []Org{
	{Key: Business, Kind: registryv1.Organization_KIND_BUSINESS, DisplayName: "Công ty CP Quế Hồi Việt Nam", TaxPrefix: 530_100_200, Commune: BuyerCommune, Line: "Kho Bảo Hà, thôn Bảo Hà",
		Rep: &registryv1.LegalRepresentative{Name: "Phạm Thị Thu", Position: "Giám đốc", Phone: "0912000101"}},
	{Key: Cooperative, Kind: registryv1.Organization_KIND_COOPERATIVE, DisplayName: "HTX Quế Châu Quế", TaxPrefix: 530_100_300, Commune: Commune, Line: "Thôn Khe Lóng", WomenLed: true,
		Rep: &registryv1.LegalRepresentative{Name: "Triệu Văn Minh", Position: "Chủ nhiệm HTX", Phone: "0912000102"}},
}

// Authority is a demo People's Committee.
type Authority struct {
	Key         string
	Kind        registryv1.Authority_Kind
	DisplayName string
	Area        string
}

// Authorities are the demo People's Committees.
var Authorities = []Authority{
	{Key: CommuneCommittee, Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: CommuneCommitteeName, Area: Commune},
	{Key: ProvinceCommittee, Kind: registryv1.Authority_KIND_PROVINCE_PEOPLES_COMMITTEE, DisplayName: ProvinceCommitteeName, Area: Province},
}

// Household is a demo household, a member of the cooperative.
type Household struct {
	Key, Head, Ethnic, Village, Phone string
	Gender                            registryv1.Gender
	Poverty                           registryv1.PovertyStatus
	Members                           int32
}

// Households are the cooperative's demo households, all in Commune with consent recorded.
var Households = []Household{
	{Key: Household1, Head: "Triệu Thị Mai", Ethnic: "Dao", Village: "Thôn Khe Lóng", Phone: "0912000201", Gender: registryv1.Gender_GENDER_FEMALE, Poverty: registryv1.PovertyStatus_POVERTY_STATUS_POOR, Members: 5},
	{Key: "household-2", Head: "Bàn Văn Lực", Ethnic: "Dao", Village: "Thôn Khe Lóng", Phone: "0912000202", Gender: registryv1.Gender_GENDER_MALE, Poverty: registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR, Members: 6},
	{Key: "household-3", Head: "Lý Thị Hoa", Ethnic: "Dao", Village: "Thôn Làng Chạp", Phone: "0912000203", Gender: registryv1.Gender_GENDER_FEMALE, Poverty: registryv1.PovertyStatus_POVERTY_STATUS_POOR, Members: 4},
	{Key: "household-4", Head: "Hoàng Văn Tâm", Ethnic: "Tày", Village: "Thôn Làng Chạp", Phone: "0912000204", Gender: registryv1.Gender_GENDER_MALE, Poverty: registryv1.PovertyStatus_POVERTY_STATUS_NON_POOR, Members: 5},
	{Key: "household-5", Head: "Nguyễn Thị Hạnh", Ethnic: "Kinh", Village: "Thôn Trung Tâm", Phone: "0912000205", Gender: registryv1.Gender_GENDER_FEMALE, Poverty: registryv1.PovertyStatus_POVERTY_STATUS_RECENTLY_ESCAPED, Members: 3},
	{Key: "household-6", Head: "Đặng Văn Sơn", Ethnic: "Dao", Village: "Thôn Trung Tâm", Phone: "0912000206", Gender: registryv1.Gender_GENDER_MALE, Poverty: registryv1.PovertyStatus_POVERTY_STATUS_POOR, Members: 7},
}

// Grant is a demo person's grant: a role and the key of what it applies to.
type Grant struct {
	Role registryv1.Grant_Role
	// On is the key of the organisation, authority or household (empty for admin).
	On            string
	Administrator bool
}

// Person is a demo person: how they sign in at the development provider and what they may do.
type Person struct {
	// Username and Subject at the development provider.
	Username, Subject  string
	Name, Phone, Email string
	// Does says, in Vietnamese, who the person is (printed at start-up).
	Does   string
	Grants []Grant
}

// Password is every demo person's password at the development provider, unless
// OIDC_DEMO_PASSWORD says otherwise.
const Password = "lienket-demo"

// People are the demo people: every role, and one person holding two grants.
var People = []Person{
	{Username: "admin", Subject: "demo-admin", Name: "Nguyễn Quản Trị", Phone: "0912000001", Email: "admin@lienket.test", Does: "Quản trị hệ thống (admin)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_ADMIN}}},
	{Username: "doanhnghiep", Subject: "demo-business", Name: "Phạm Thị Thu", Phone: "0912000101", Email: "thu@quehoi.test", Does: "Giám đốc Công ty CP Quế Hồi Việt Nam (doanh nghiệp, quản trị tổ chức)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_BUSINESS, On: Business, Administrator: true}}},
	{Username: "htx", Subject: "demo-cooperative", Name: "Triệu Văn Minh", Phone: "0912000102", Email: "minh@htxquechauque.test", Does: "Chủ nhiệm HTX Quế Châu Quế (hợp tác xã, quản trị tổ chức)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_PRODUCER, On: Cooperative, Administrator: true}}},
	{Username: "canboxa", Subject: "demo-commune-official", Name: "Lý Thị Lan", Phone: "0912000301", Email: "lan@chauque.test", Does: "Cán bộ " + CommuneCommitteeName + " (chứng thực hợp đồng, quản trị cơ quan)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_COMMUNE_OFFICIAL, On: CommuneCommittee, Administrator: true}}},
	{Username: "canbotinh", Subject: "demo-province-official", Name: "Hoàng Văn Nam", Phone: "0912000401", Email: "nam@laocai.test", Does: "Cán bộ " + ProvinceCommitteeName + " (báo cáo; chủ đầu tư và hội đồng thẩm định đợt kêu gọi hỗ trợ)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_PROVINCE_OFFICIAL, On: ProvinceCommittee}}},
	{Username: "hodan", Subject: "demo-household", Name: "Triệu Thị Mai", Phone: "0912000201", Does: "Chủ hộ, thành viên HTX Quế Châu Quế (hộ gia đình)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_HOUSEHOLD, On: Household1}}},
	{Username: "xavien", Subject: "demo-two-grants", Name: "Bàn Văn Lực", Phone: "0912000202", Does: "Thành viên HTX và cán bộ UBND xã (hai vai trò, chọn khi đăng nhập)",
		Grants: []Grant{{Role: registryv1.Grant_ROLE_PRODUCER, On: Cooperative}, {Role: registryv1.Grant_ROLE_COMMUNE_OFFICIAL, On: CommuneCommittee}}},
}

// Find returns the demo person with username, or nil.
func Find(username string) *Person {
	for i := range People {
		if People[i].Username == username {
			return &People[i]
		}
	}
	return nil
}

// ProviderAddr is where the development OpenID provider listens by default (OIDC_DEV_ADDR).
const ProviderAddr = "127.0.0.1:9400"

// ClientID is the console's client id at the development provider.
const ClientID = "lienket-console"

// ProviderPeople are the demo people as the development provider knows them, each with
// password.
func ProviderPeople(password string) []devoidc.Person {
	out := make([]devoidc.Person, 0, len(People))
	for _, p := range People {
		out = append(out, devoidc.Person{Username: p.Username, Password: password, Subject: p.Subject, Name: p.Name, Email: p.Email, Phone: p.Phone, Does: p.Does})
	}
	return out
}

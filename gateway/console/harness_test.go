package console

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	"github.com/lienket/lienket/gateway/signin"
	"github.com/lienket/lienket/gateway/testsuite"
	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
	"github.com/lienket/lienket/services/registry/taxcode"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// suite runs the four services in-process on loopback against a fresh store, and the console
// in front of them; every gRPC call the services receive from the console is counted at the
// servers.
type suite struct {
	t       testing.TB
	a       *testkit.Auth
	c       *Console
	srv     *httptest.Server
	admin   grpc.CallOption // an operator's credentials
	reg     registryv1.RegistryServiceClient
	con     contractsv1.ContractsServiceClient
	mm      matchmakingv1.MatchmakingServiceClient
	sup     supportv1.SupportServiceClient
	conns   [4]*grpc.ClientConn
	calls   atomic.Int64 // calls the services received from the console
	counted sync.Map     // method → count
}

// consoleMarker tags the console's calls so that the servers count only those (the services'
// own calls to one another are not the page's).
const consoleMarker = "x-console-test"

func newSuite(t *testing.T) *suite { return newSuiteB(t) }

// newSuiteB is newSuite for tests and benchmarks.
func newSuiteB(t testing.TB) *suite {
	t.Helper()
	s := &suite{t: t, a: testkit.NewAuth(t)}
	db := testkit.Database(t)
	count := grpc.ChainUnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if fromConsole(ctx) {
			s.calls.Add(1)
			v, _ := s.counted.LoadOrStore(info.FullMethod, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
		}
		return h(ctx, req)
	})
	addrs := testsuite.Start(t, s.a, db, count)
	reg, con, mm := addrs.Registry, addrs.Contracts, addrs.Matchmaking
	mark := grpc.WithChainUnaryInterceptor(markConsole)
	for i, addr := range []string{reg, con, mm, addrs.Support} {
		s.conns[i] = testkit.Dial(t, addr, "", mark)
	}
	s.admin = s.as(auth.Principal{Subject: "users/test-admin", Role: auth.RoleAdmin})
	s.reg = registryv1.NewRegistryServiceClient(testkit.Dial(t, reg, ""))
	s.con = contractsv1.NewContractsServiceClient(testkit.Dial(t, con, ""))
	s.mm = matchmakingv1.NewMatchmakingServiceClient(testkit.Dial(t, mm, ""))
	s.sup = supportv1.NewSupportServiceClient(testkit.Dial(t, addrs.Support, ""))
	key := make([]byte, 32)
	copy(key, "console-test-key-0123456789abcdef")
	si := signin.New(signin.Config{Issuer: "http://127.0.0.1:1", ClientID: "console"}, nil, s.a.Issuer, nil)
	s.srv = httptest.NewUnstartedServer(nil)
	var err error
	s.c, err = New(Config{PublicURL: "http://" + s.srv.Listener.Addr().String(), SessionKey: key}, Deps{Registry: s.conns[0], Contracts: s.conns[1], Matchmaking: s.conns[2], Support: s.conns[3], SignIn: si})
	require.NoError(t, err)
	s.srv.Config.Handler = s.c
	s.srv.Start()
	t.Cleanup(s.srv.Close)
	return s
}

func markConsole(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, inv grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	return inv(appendMD(ctx, consoleMarker, "1"), method, req, reply, cc, opts...)
}

func (s *suite) token(p auth.Principal) string { return s.a.Token(s.t, p) }

// as returns a client acting as p (for the test's own set-up calls).
func (s *suite) as(p auth.Principal) grpc.CallOption {
	return grpc.PerRPCCredentials(auth.TokenCredentials(s.token(p)))
}

// browser is a person signed in to the console (a session made directly, as the callback
// would after sign-in).
type browser struct {
	s       *suite
	cookie  *http.Cookie
	session *session
	client  *http.Client
}

func (s *suite) signedIn(p auth.Principal, name string, admin bool) *browser {
	s.t.Helper()
	tok := s.token(p)
	ss := &session{ID: randomToken(), User: p.Subject, Name: name, Issuer: "http://idp.test", Subject: "sub-" + name, Grant: p.Subject + "/grants/g1",
		GrantLabel: string(p.Role), Role: string(p.Role), Org: p.Organization, Household: p.Household, Area: p.AdminArea, Admin: admin, Grants: 1,
		Token: tok, Expires: time.Now().Add(time.Hour).Unix(), Seen: time.Now().Unix(), CSRF: randomToken()}
	v, err := s.c.seal.seal("session", ss)
	require.NoError(s.t, err)
	return &browser{s: s, session: ss, cookie: &http.Cookie{Name: s.c.cookies.name("lienket_session"), Value: v},
		client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	code int
	body string
	hdr  http.Header
}

func (b *browser) do(req *http.Request) page {
	b.s.t.Helper()
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	res, err := b.client.Do(req)
	require.NoError(b.s.t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{code: res.StatusCode, body: string(body), hdr: res.Header}
}

func (b *browser) get(path string) page {
	req, err := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	require.NoError(b.s.t, err)
	return b.do(req)
}

// post submits a form with the session's CSRF token.
func (b *browser) post(path string, form url.Values) page {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" && b.session != nil {
		form.Set("csrf", b.session.CSRF)
	}
	req, err := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	require.NoError(b.s.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// world is a business, a cooperative with households in commune 04477, and the commune's
// People's Committee.
type world struct {
	business, coop, authority string
	households                []string
}

var runSeq atomic.Int64

func (s *suite) world(households int, names ...string) world {
	s.t.Helper()
	ctx := context.Background()
	run := time.Now().UnixNano()%100_000_000 + runSeq.Add(1)*1_000_000
	biz, err := s.reg.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{Kind: registryv1.Organization_KIND_BUSINESS, DisplayName: "Công ty CP Quế Hồi", TaxCode: taxcode.From(run), Address: &registryv1.Address{CommuneCode: places.BaoHa}}}, s.admin)
	require.NoError(s.t, err)
	coop, err := s.reg.CreateOrganization(ctx, &registryv1.CreateOrganizationRequest{Organization: &registryv1.Organization{Kind: registryv1.Organization_KIND_COOPERATIVE, DisplayName: "HTX Quế Châu Quế", TaxCode: taxcode.From(run + 500_000_000), Address: &registryv1.Address{CommuneCode: places.ChauQue}}}, s.admin)
	require.NoError(s.t, err)
	w := world{business: biz.GetName(), coop: coop.GetName()}
	// The cooperative holds VietGAP for cinnamon bark (recorded by an operator): its offers may
	// claim it.
	_, err = s.reg.CreateCertification(ctx, &registryv1.CreateCertificationRequest{Parent: w.coop, Certification: &registryv1.CertificationRecord{Standard: "standards/VIETGAP",
		Number: "VietGAP-TT-01", Issuer: "QUACERT", Products: []string{"cinnamon-bark"}, ValidFrom: "2026-01-01", ValidUntil: "2028-12-31"}}, s.admin)
	require.NoError(s.t, err)
	found, err := s.reg.ListAuthorities(ctx, &registryv1.ListAuthoritiesRequest{Filter: `admin_area_code = "` + places.ChauQue + `"`}, s.admin)
	require.NoError(s.t, err)
	if len(found.GetAuthorities()) > 0 {
		w.authority = found.GetAuthorities()[0].GetName()
	} else {
		a, err := s.reg.CreateAuthority(ctx, &registryv1.CreateAuthorityRequest{Authority: &registryv1.Authority{Kind: registryv1.Authority_KIND_COMMUNE_PEOPLES_COMMITTEE, DisplayName: "UBND xã Châu Quế", AdminAreaCode: places.ChauQue}}, s.admin)
		require.NoError(s.t, err)
		w.authority = a.GetName()
	}
	for i := range households {
		name := fmt.Sprintf("Hộ thử %d", i+1)
		if i < len(names) {
			name = names[i]
		}
		h, err := s.reg.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: &registryv1.Household{HeadName: name, MemberCount: 4, EthnicGroup: "Dao",
			PovertyStatus: registryv1.PovertyStatus_POVERTY_STATUS_POOR, CommuneCode: places.ChauQue, Village: "Thôn Khe Lóng",
			Consent: &registryv1.DataConsent{ConsentDate: "2026-01-10", Purpose: "Hợp đồng liên kết"}}}, s.admin)
		require.NoError(s.t, err)
		_, err = s.reg.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: w.coop, Membership: &registryv1.Membership{Household: h.GetName()}}, s.admin)
		require.NoError(s.t, err)
		w.households = append(w.households, h.GetName())
	}
	return w
}

func (w world) buyer() auth.Principal {
	return auth.Principal{Subject: "users/buyer", Role: auth.RoleBusiness, Organization: w.business}
}
func (w world) producer() auth.Principal {
	return auth.Principal{Subject: "users/chair", Role: auth.RoleProducer, Organization: w.coop}
}
func official() auth.Principal {
	return auth.Principal{Subject: "users/official", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue}
}

// draft makes a draft contract between the world's parties over its households (through a
// demand, an offer, a proposal and its acceptance), with every term completed.
func (s *suite) draft(w world) string {
	s.t.Helper()
	ctx := context.Background()
	per := int64(100)
	total := per * int64(len(w.households))
	d, err := s.mm.CreateDemand(ctx, &matchmakingv1.CreateDemandRequest{Demand: &matchmakingv1.Demand{Buyer: w.business, Product: "products/cinnamon-bark", Quantity: total,
		DeliveryWindow: &typesv1.DateWindow{StartDate: "2027-06-01", EndDate: "2027-07-31"}, DeliveryCommuneCode: places.BaoHa,
		PriceTerms: &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FIXED, FixedPriceVnd: 42_000}}}, s.as(w.buyer()))
	require.NoError(s.t, err)
	o, err := s.mm.CreateOffer(ctx, &matchmakingv1.CreateOfferRequest{Offer: &matchmakingv1.Offer{Producer: w.coop, Product: "products/cinnamon-bark", Quantity: total,
		HarvestWindow: &typesv1.DateWindow{StartDate: "2027-05-15", EndDate: "2027-08-15"}, MinPriceVnd: 40_000, Households: w.households}}, s.as(w.producer()))
	require.NoError(s.t, err)
	p, err := s.mm.CreateProposal(ctx, &matchmakingv1.CreateProposalRequest{Parent: d.GetName(), Proposal: &matchmakingv1.Proposal{Offer: o.GetName(), Quantity: total}}, s.as(w.buyer()))
	require.NoError(s.t, err)
	acc, err := s.mm.AcceptProposal(ctx, &matchmakingv1.AcceptProposalRequest{Name: p.GetName()}, s.as(w.producer()))
	require.NoError(s.t, err)
	ct, err := s.con.GetContract(ctx, &contractsv1.GetContractRequest{Name: acc.GetContract()}, s.admin)
	require.NoError(s.t, err)
	t := ct.GetTerms()
	t.GradingRules = []*contractsv1.GradingRule{{Grade: "A", Criteria: "Độ ẩm ≤ 13%"}, {Grade: "B", PriceAdjustmentBps: -1000}}
	t.Obligations = &contractsv1.Obligations{Buyer: []string{"Thu mua toàn bộ sản lượng đạt chuẩn"}, Producer: []string{"Sản xuất theo VietGAP"}}
	t.Breach = &contractsv1.BreachClause{PenaltyBps: 800, Damages: "Bồi thường thiệt hại thực tế"}
	t.LinkageForm = contractsv1.LinkageForm_LINKAGE_FORM_PURCHASE_ONLY
	t.QualityStandard = "standards/VIETGAP"
	for _, l := range t.GetLots() {
		l.Place = "Kho Bảo Hà"
	}
	for i, a := range t.GetAllocations() {
		a.Mandate = &contractsv1.Mandate{Reference: fmt.Sprintf("GUQ-%02d/2027", i+1), Date: "2027-05-20"}
	}
	_, err = s.con.UpdateContract(ctx, &contractsv1.UpdateContractRequest{Contract: &contractsv1.Contract{Name: ct.GetName(), Etag: ct.GetEtag(), Terms: t, DisplayName: "Hợp đồng liên kết tiêu thụ quế 2027"},
		UpdateMask: fieldMask("terms", "display_name")}, s.admin)
	require.NoError(s.t, err)
	v, err := s.con.ValidateContract(ctx, &contractsv1.ValidateContractRequest{Name: ct.GetName()}, s.admin)
	require.NoError(s.t, err)
	require.Empty(s.t, v.GetViolations())
	return ct.GetName()
}

// pendingWitness takes a completed draft through submission and every signature (the
// producer signs for each household under its mandate).
func (s *suite) pendingWitness(w world, name string) {
	s.t.Helper()
	ctx := context.Background()
	ct, err := s.con.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: name}, s.as(w.producer()))
	require.NoError(s.t, err)
	h := ct.GetTermsHash()
	_, err = s.con.SignContract(ctx, &contractsv1.SignContractRequest{Name: name, Party: contractsv1.Signature_PARTY_BUYER, TermsHash: h}, s.as(w.buyer()))
	require.NoError(s.t, err)
	_, err = s.con.SignContract(ctx, &contractsv1.SignContractRequest{Name: name, Party: contractsv1.Signature_PARTY_PRODUCER, TermsHash: h}, s.as(w.producer()))
	require.NoError(s.t, err)
	for _, hh := range w.households {
		_, err = s.con.SignContract(ctx, &contractsv1.SignContractRequest{Name: name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: hh, TermsHash: h}, s.as(w.producer()))
		require.NoError(s.t, err)
	}
}

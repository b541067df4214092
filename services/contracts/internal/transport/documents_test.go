package transport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lienket/lienket/services/platform/testkit/places"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/contracts/doctest"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/testkit"
)

var gateway = auth.Principal{Subject: "services/gateway", Role: auth.RoleService}

// nationalID is a household's national ID number: it must never reach a document.
const nationalID = "001203004567"

// namedHousehold registers a household with a Vietnamese name, a village and a national ID,
// a member of the producer, and adds it to the world's households.
func (w *world) namedHousehold(t *testing.T, head, village string) string {
	ctx := context.Background()
	reg := registryv1.NewRegistryServiceClient(testkit.Dial(t, w.regAddr, w.a.Token(t, admin)))
	h, err := reg.CreateHousehold(ctx, &registryv1.CreateHouseholdRequest{Household: &registryv1.Household{
		HeadName: head, Village: village, MemberCount: 5, EthnicGroup: "Dao", PovertyStatus: registryv1.PovertyStatus_POVERTY_STATUS_NEAR_POOR,
		CommuneCode: places.ChauQue, NationalId: nationalID, Consent: &registryv1.DataConsent{ConsentDate: "2026-01-02", Purpose: "Hợp đồng liên kết quế"}}})
	require.NoError(t, err)
	_, err = reg.CreateMembership(ctx, &registryv1.CreateMembershipRequest{Parent: w.producer, Membership: &registryv1.Membership{Household: h.Name}})
	require.NoError(t, err)
	w.households = append([]string{h.Name}, w.households...)
	return h.Name
}

// fetched is a document as the API returned it.
type fetched struct {
	body        []byte
	contentType string
	sha256      string
	disposition string
}

func getDocument(t *testing.T, cl contractsv1.ContractsServiceClient, req *contractsv1.GetContractDocumentRequest) (fetched, error) {
	t.Helper()
	var md metadata.MD
	b, err := cl.GetContractDocument(context.Background(), req, grpc.Header(&md))
	if err != nil {
		return fetched{}, err
	}
	return fetchedOf(b.GetData(), b.GetContentType(), md), nil
}

func fetchedOf(data []byte, ct string, md metadata.MD) fetched {
	f := fetched{body: data, contentType: ct}
	if v := md.Get("x-document-sha256"); len(v) == 1 {
		f.sha256 = v[0]
	}
	if v := md.Get("content-disposition"); len(v) == 1 {
		f.disposition = v[0]
	}
	return f
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (w *world) issuedCount(t *testing.T, name string) int {
	t.Helper()
	page, err := w.client(t, admin).ListContractEvents(context.Background(), &contractsv1.ListContractEventsRequest{Parent: name, PageSize: 1000})
	require.NoError(t, err)
	n := 0
	for _, e := range page.Events {
		if e.Type == "document.issued" {
			n++
		}
	}
	return n
}

// TestContractDocumentOverGRPC follows a contract's document from draft to witnessed: what it
// says, that it is recorded once the terms are fixed (once per distinct document), that the
// QR code leads to the verification answer, and that no national ID reaches it.
func TestContractDocumentOverGRPC(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	hằng := w.namedHousehold(t, "Nguyễn Thị Hằng", "Khe Lóng")
	buyer, producer := w.client(t, w.buyerUser()), w.client(t, w.producerUser())
	c, err := buyer.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{DisplayName: "Quế hữu cơ 2026", Terms: w.terms(), Rulebook: "decree98"}})
	require.NoError(t, err)

	draft, err := getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name})
	require.NoError(t, err)
	require.Equal(t, "application/pdf", draft.contentType)
	require.Contains(t, doctest.Flat(doctest.Text(t, draft.body)), "BẢN DỰ THẢO — CHƯA CÓ GIÁ TRỊ KÝ KẾT")
	require.Zero(t, w.issuedCount(t, c.Name), "a draft's document is not recorded: its terms may change")

	c, err = buyer.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: c.Name})
	require.NoError(t, err)
	forSigning, err := getDocument(t, producer, &contractsv1.GetContractDocumentRequest{Name: c.Name})
	require.NoError(t, err)
	require.Equal(t, sum(forSigning.body), forSigning.sha256, "X-Document-Sha256 is the body's hash")
	require.Equal(t, fmt.Sprintf(`inline; filename=HDLK-%s.pdf`, strings.TrimPrefix(c.Name, "contracts/")), forSigning.disposition)
	require.Equal(t, 1, w.issuedCount(t, c.Name), "the document issued for signing is recorded")
	again, err := getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name})
	require.NoError(t, err)
	require.Equal(t, forSigning.body, again.body, "same terms and signatures, same bytes")
	require.Equal(t, 1, w.issuedCount(t, c.Name), "the same document is recorded once")
	text := doctest.Flat(doctest.Text(t, forSigning.body))
	require.Contains(t, text, "Hôm nay, ngày …… tháng …… năm ……")
	require.Contains(t, text, "Chưa ký")

	for _, cl := range []contractsv1.ContractsServiceClient{buyer, producer} {
		party := contractsv1.Signature_PARTY_BUYER
		if cl == producer {
			party = contractsv1.Signature_PARTY_PRODUCER
		}
		_, err = cl.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: party, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	for _, h := range w.households {
		cl := w.client(t, householdUser(h))
		if h == w.mandated {
			cl = producer
		}
		_, err = cl.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: h, TermsHash: c.TermsHash})
		require.NoError(t, err)
	}
	c, err = w.client(t, official).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: c.TermsHash})
	require.NoError(t, err)

	signed, err := getDocument(t, w.client(t, householdUser(hằng)), &contractsv1.GetContractDocumentRequest{Name: c.Name})
	require.NoError(t, err)
	require.NotEqual(t, forSigning.sha256, signed.sha256, "signatures change the document")
	require.Equal(t, 2, w.issuedCount(t, c.Name))
	text = doctest.Flat(doctest.Text(t, signed.body))
	for _, want := range []string{"Công ty CP Quế Hồi Việt", "HTX Quế Châu Quế", "UBND xã Châu Quế", "Nguyễn Thị Hằng", "Khe Lóng", "Hộ 0", "Hộ 1",
		"Điều 11. Thời hạn, sửa đổi và thanh lý hợp đồng", "Mã băm điều khoản (SHA-256): " + c.TermsHash, "Đã chứng kiến trên Lienket", "users/can-bo-xa",
		"Bên B ký thay (ủy quyền GUQ-2026-01)", "decree98@2026.1"} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, nationalID, "a national ID never reaches a document")
	require.NotContains(t, string(signed.body), nationalID)

	// The QR code leads to the verification page of these terms, which answers for them and
	// for this very file.
	page := doctest.PageImage(t, signed.body, 1, 150)
	doctest.WritePNG(t, filepath.Join(doctest.OutputDir(t), "service-contract-page1.png"), page)
	url := doctest.QR(t, page)
	require.Equal(t, "http://127.0.0.1:8080/verify/"+strings.TrimPrefix(c.Name, "contracts/")+"?h="+c.TermsHash, url)
	_, h, _ := strings.Cut(url, "?h=")
	v, err := w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, TermsHash: h, DocumentSha256: signed.sha256})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractVerification_TERMS_MATCH_CURRENT, v.TermsMatch)
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_ACTIVE, v.State)
	require.Equal(t, "Công ty CP Quế Hồi Việt", v.BuyerName)
	require.Equal(t, "HTX Quế Châu Quế", v.ProducerName)
	require.Equal(t, "UBND xã Châu Quế", v.WitnessAuthorityName)
	require.NotNil(t, v.SignTime)
	require.NotNil(t, v.WitnessTime)
	require.True(t, v.DocumentChecked)
	require.Equal(t, "contract", v.GetDocument().GetKind())
	require.Equal(t, c.TermsHash, v.GetDocument().GetTermsHash())
	cur, err := buyer.GetContract(ctx, &contractsv1.GetContractRequest{Name: c.Name})
	require.NoError(t, err)
	events, err := buyer.ListContractEvents(ctx, &contractsv1.ListContractEventsRequest{Parent: c.Name, PageSize: 1000})
	require.NoError(t, err)
	last := events.Events[len(events.Events)-1]
	require.Equal(t, last.Sequence, v.AuditHeadSequence)
	require.Equal(t, last.Hash, v.AuditHeadHash)
	require.Equal(t, cur.TermsHash, v.TermsHash)

	v, err = w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, TermsHash: strings.Repeat("0", 64), DocumentSha256: sum(draft.body)})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractVerification_TERMS_MATCH_NONE, v.TermsMatch)
	require.True(t, v.DocumentChecked)
	require.Nil(t, v.Document, "the draft's document was never issued")

	// HTML and English: the same content; not recorded (only the PDFs are issued documents).
	html, err := getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name, Format: "html"})
	require.NoError(t, err)
	require.Equal(t, "text/html; charset=utf-8", html.contentType)
	require.Contains(t, string(html.body), "Nguyễn Thị Hằng")
	require.Equal(t, 2, w.issuedCount(t, c.Name))
	english, err := getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name, Lang: "en"})
	require.NoError(t, err)
	require.Contains(t, doctest.Flat(doctest.Text(t, english.body)), "CONVENIENCE TRANSLATION")
	require.Contains(t, english.disposition, "-en.pdf")
}

func TestContractDocumentRefusals(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	c := w.activeContract(t, w.terms())
	buyer := w.client(t, w.buyerUser())

	_, err := getDocument(t, w.client(t, auth.Principal{Subject: "users/x", Role: auth.RoleBusiness, Organization: "organizations/other"}), &contractsv1.GetContractDocumentRequest{Name: c.Name})
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND", "a stranger learns nothing")
	_, err = getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name, Format: "docx", Lang: "fr"})
	requireViolation(t, err, "format", "ENUM")
	requireViolation(t, err, "lang", "ENUM")
	_, err = getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name, Version: -1})
	requireViolation(t, err, "version", "RANGE")
	_, err = getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name, Version: 3})
	requireAPIError(t, err, codes.FailedPrecondition, "NO_SUCH_VERSION")
	_, err = getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: "contracts"})
	require.Equal(t, codes.InvalidArgument, code(err))

	_, err = buyer.VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name})
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED", "only the gateway's verification page asks")
	_, err = w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, TermsHash: "ABC", DocumentSha256: strings.Repeat("G", 64)})
	requireViolation(t, err, "terms_hash", "SHA256")
	requireViolation(t, err, "document_sha256", "SHA256")
	_, err = w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: "contracts/nope"})
	requireAPIError(t, err, codes.NotFound, "RESOURCE_NOT_FOUND")
}

// An amendment is rendered while it awaits signature (version N), and once it is in force the
// previous terms hash is reported as a past version.
func TestAmendmentDocuments(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 1)
	c := w.activeContract(t, w.terms())
	buyer, producer := w.client(t, w.buyerUser()), w.client(t, w.producerUser())
	amended := w.terms()
	amended.Breach.PenaltyBps = 500
	c, err := buyer.AmendContract(ctx, &contractsv1.AmendContractRequest{Name: c.Name, Terms: amended, Reason: "Giảm mức phạt theo thỏa thuận"})
	require.NoError(t, err)
	original := c.TermsHash
	pending := c.PendingAmendment.TermsHash

	doc, err := getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name, Version: 1})
	require.NoError(t, err)
	text := doctest.Flat(doctest.Text(t, doc.body))
	require.Contains(t, text, "(Sửa đổi lần thứ 1)")
	require.Contains(t, text, "BẢN SỬA ĐỔI ĐANG CHỜ KÝ — CHƯA CÓ HIỆU LỰC")
	require.Contains(t, text, "Giảm mức phạt theo thỏa thuận")
	require.Contains(t, text, pending)
	v, err := w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, TermsHash: pending})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractVerification_TERMS_MATCH_PENDING, v.TermsMatch)
	require.EqualValues(t, 1, v.MatchedAmendment)

	for _, s := range []struct {
		cl    contractsv1.ContractsServiceClient
		party contractsv1.Signature_Party
		h     string
	}{{buyer, contractsv1.Signature_PARTY_BUYER, ""}, {producer, contractsv1.Signature_PARTY_PRODUCER, ""}, {producer, contractsv1.Signature_PARTY_HOUSEHOLD, w.households[0]}} {
		_, err = s.cl.SignContract(ctx, &contractsv1.SignContractRequest{Name: c.Name, Party: s.party, Household: s.h, TermsHash: pending})
		require.NoError(t, err)
	}
	_, err = w.client(t, official).WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: c.Name, TermsHash: pending})
	require.NoError(t, err)
	v, err = w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, TermsHash: original})
	require.NoError(t, err)
	require.Equal(t, contractsv1.ContractVerification_TERMS_MATCH_PAST, v.TermsMatch)
	require.EqualValues(t, 0, v.MatchedAmendment)
	require.EqualValues(t, 1, v.Amendment)
	doc, err = getDocument(t, buyer, &contractsv1.GetContractDocumentRequest{Name: c.Name})
	require.NoError(t, err)
	require.Contains(t, doctest.Flat(doctest.Text(t, doc.body)), "(Sửa đổi lần thứ 1)", "the terms in force are amendment 1")
}

// TestStatementAndLiquidationDocuments: a household's statement (its own only) and the
// liquidation record once both sides acknowledge the final settlement.
func TestStatementAndLiquidationDocuments(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, 2)
	w.namedHousehold(t, "Triệu Thị Ỷ", "Bản Hốc")
	c := w.activeContract(t, w.terms())
	buyer, producer := w.client(t, w.buyerUser()), w.client(t, w.producerUser())
	statement := func(p auth.Principal, h string) (fetched, error) {
		var md metadata.MD
		b, err := w.client(t, p).GetSettlementStatement(ctx, &contractsv1.GetSettlementStatementRequest{Name: c.Name + "/settlement", Household: h}, grpc.Header(&md))
		if err != nil {
			return fetched{}, err
		}
		return fetchedOf(b.GetData(), b.GetContentType(), md), nil
	}
	liquidation := func() (fetched, error) {
		var md metadata.MD
		b, err := buyer.GetLiquidationRecord(ctx, &contractsv1.GetLiquidationRecordRequest{Name: c.Name}, grpc.Header(&md))
		if err != nil {
			return fetched{}, err
		}
		return fetchedOf(b.GetData(), b.GetContentType(), md), nil
	}
	_, err := liquidation()
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", "no liquidation record before the contract is completed")

	for i, h := range w.households {
		d, err := buyer.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: c.Name, Delivery: &contractsv1.Delivery{Household: h, Lot: "lot-1", DeliveryDate: "2026-06-10", Quantity: 100, AcceptedQuantity: 100, Grade: "A", MarketPriceVnd: 40000}})
		require.NoError(t, err)
		_, err = buyer.CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: c.Name, Payment: &contractsv1.Payment{Payee: h, AmountVnd: d.GrossAmountVnd, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, Reference: fmt.Sprint("UNC-", i), PaymentDate: "2026-06-20"}})
		require.NoError(t, err)
	}
	first := w.households[0]
	own, err := statement(householdUser(first), "")
	require.NoError(t, err)
	text := doctest.Flat(doctest.Text(t, own.body))
	for _, want := range []string{"PHIẾU QUYẾT TOÁN CỦA HỘ THAM GIA LIÊN KẾT", "Triệu Thị Ỷ", "Bản Hốc", "4.200.000", "UNC-0", "Số tiền còn phải trả cho hộ"} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Hộ 1", "a statement shows no other household")
	require.NotContains(t, text, nationalID)
	byBuyer, err := statement(w.buyerUser(), first)
	require.NoError(t, err)
	require.Equal(t, own.body, byBuyer.body, "one household's statement is the same document whoever asks")
	_, err = statement(householdUser(first), w.households[1])
	requireAPIError(t, err, codes.PermissionDenied, "PERMISSION_DENIED")
	_, err = statement(w.buyerUser(), "")
	requireViolation(t, err, "household", "REQUIRED")
	_, err = statement(w.buyerUser(), "households/stranger")
	requireViolation(t, err, "household", "NOT_IN_CONTRACT")

	_, err = buyer.AcknowledgeSettlement(ctx, &contractsv1.AcknowledgeSettlementRequest{Name: c.Name})
	require.NoError(t, err)
	half, err := liquidation()
	require.NoError(t, err)
	require.Contains(t, doctest.Flat(doctest.Text(t, half.body)), "Chưa xác nhận")
	_, err = producer.AcknowledgeSettlement(ctx, &contractsv1.AcknowledgeSettlementRequest{Name: c.Name})
	require.NoError(t, err)
	rec, err := liquidation()
	require.NoError(t, err)
	text = doctest.Flat(doctest.Text(t, rec.body))
	for _, want := range []string{"BIÊN BẢN THANH LÝ HỢP ĐỒNG LIÊN KẾT", "Hợp đồng được thanh lý kể từ", "Triệu Thị Ỷ", "Hộ 0", "Đã xác nhận quyết toán trên Lienket", "users/coop"} {
		require.Contains(t, text, want)
	}
	v, err := w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, DocumentSha256: rec.sha256})
	require.NoError(t, err)
	require.Equal(t, "liquidation_record", v.GetDocument().GetKind())
	require.Equal(t, contractsv1.ContractState_CONTRACT_STATE_LIQUIDATED, v.State)
	v, err = w.client(t, gateway).VerifyContract(ctx, &contractsv1.VerifyContractRequest{Name: c.Name, DocumentSha256: own.sha256})
	require.NoError(t, err)
	require.Equal(t, "settlement_statement", v.GetDocument().GetKind())
}

package document_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/require"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"github.com/lienket/lienket/services/contracts/doctest"
	"github.com/lienket/lienket/services/contracts/internal/document"
	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// vietnameseLetters are the 134 precomposed Vietnamese letters: the twelve vowels with each
// tone mark, in both cases, and đ/Đ (the plain ASCII vowels are left out).
func vietnameseLetters() []rune {
	var out []rune
	for _, v := range "aăâeêioôơuưy" {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			r := []rune(norm.NFC.String(string(v) + tone))
			if len(r) != 1 {
				panic("no precomposed form of " + string(v) + tone)
			}
			if r[0] > unicode.MaxASCII {
				out = append(out, r[0], unicode.ToUpper(r[0]))
			}
		}
	}
	return append(out, 'đ', 'Đ')
}

func TestFontsHaveEveryVietnameseLetter(t *testing.T) {
	letters := vietnameseLetters()
	require.Len(t, letters, 134)
	for style, b := range document.FontFiles() {
		f, err := sfnt.Parse(b)
		require.NoError(t, err, "font style %q", style)
		var buf sfnt.Buffer
		for _, r := range letters {
			i, err := f.GlyphIndex(&buf, r)
			require.NoError(t, err)
			require.NotZero(t, i, "font style %q has no glyph for %q (U+%04X)", style, r, r)
		}
	}
}

// The extracted text of the contract names the parties, every household with its diacritics,
// every article, the terms hash; and the national heading, title and legal bases.
func TestContractPDFText(t *testing.T) {
	in := signedInput(30, document.Vietnamese)
	pdf, err := document.RenderPDF(document.Contract(in))
	require.NoError(t, err)
	text := doctest.Flat(doctest.Text(t, pdf))
	for _, want := range []string{
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"HỢP ĐỒNG LIÊN KẾT SẢN XUẤT VÀ TIÊU THỤ SẢN PHẨM NÔNG NGHIỆP", "Số: " + in.ID + "/HĐLK",
		"Bộ luật Dân sự số 91/2015/QH13", "Luật Thương mại số 36/2005/QH11", "Nghị định số 98/2018/NĐ-CP", "decree98@2026.1",
		"Công ty Cổ phần Quế Hồi Việt", "Hợp tác xã Quế Châu Quế", "Ủy ban nhân dân xã Châu Quế", "Nguyễn Văn Thắng", "Bàn Thị Liễu",
		"Điều 1. Sản phẩm, tiêu chuẩn chất lượng và phân loại", "Điều 2. Số lượng và dung sai", "Điều 3. Kế hoạch giao nhận sản phẩm",
		"Điều 4. Giá và phương thức xác định giá", "Điều 5. Thanh toán", "Điều 6. Cung ứng vật tư đầu vào và thu hồi",
		"Điều 7. Quyền và nghĩa vụ của các bên", "Điều 8. Vi phạm hợp đồng và phạt vi phạm", "Điều 9. Sự kiện bất khả kháng",
		"Điều 10. Giải quyết tranh chấp", "Điều 11. Thời hạn, sửa đổi và thanh lý hợp đồng",
		"Thương lượng giữa các bên", "Hòa giải tại Ủy ban nhân dân xã", "Tòa án nhân dân",
		"PHỤ LỤC", "DANH SÁCH HỘ THAM GIA LIÊN KẾT", "Mã băm điều khoản (SHA-256): " + termsHash,
		"38.000 đồng", "Hôm nay, ngày 11 tháng 01 năm 2026", "Đã chứng kiến trên Lienket", "users/can-bo-xa-chau-que",
		"Bên B ký thay (ủy quyền GUQ-2026-01)",
	} {
		require.Contains(t, text, want)
	}
	for _, h := range heads {
		require.Contains(t, text, h, "household head %q (with its diacritics) is in the annex", h)
	}
	pages := doctest.Pages(t, pdf)
	require.Contains(t, text, fmt.Sprintf("Trang %d/%d", pages, pages), "every page says page x/y")
	require.Equal(t, pages, strings.Count(text, "Mã băm điều khoản (SHA-256): "+termsHash), "the terms hash is in every page's footer")
}

// Before signing, the document has blank lines for the date and wet signatures; a draft says
// it is not for signature.
func TestUnsignedContract(t *testing.T) {
	in := signedInput(3, document.Vietnamese)
	in.Signatures, in.Witness, in.State = nil, nil, domain.StatePendingSignatures
	text := doctest.Flat(doctest.Text(t, mustPDF(t, document.Contract(in))))
	require.Contains(t, text, "Hôm nay, ngày …… tháng …… năm ……")
	require.Contains(t, text, "Chưa ký")
	require.Contains(t, text, "Chưa chứng kiến")
	require.Contains(t, text, "(Ký, ghi rõ họ tên, đóng dấu)")
	require.NotContains(t, text, "BẢN DỰ THẢO")

	in.State = domain.StateDraft
	require.Contains(t, doctest.Flat(doctest.Text(t, mustPDF(t, document.Contract(in)))), "BẢN DỰ THẢO — CHƯA CÓ GIÁ TRỊ KÝ KẾT")
}

func TestEnglishIsAConvenienceTranslation(t *testing.T) {
	text := doctest.Flat(doctest.Text(t, mustPDF(t, document.Contract(signedInput(3, document.English)))))
	for _, want := range []string{
		"CONVENIENCE TRANSLATION — the Vietnamese text is the legal text", "SOCIALIST REPUBLIC OF VIETNAM",
		"LINKAGE CONTRACT FOR THE PRODUCTION AND SALE OF AGRICULTURAL PRODUCTS", "Article 1. Product, quality standard and grading",
		"Article 10. Dispute settlement", "Dried cinnamon bark", "VND 38,000", "Nguyễn Thị Hằng", "Terms hash (SHA-256): " + termsHash,
	} {
		require.Contains(t, text, want)
	}
}

// The QR code in each page's footer decodes to the verification URL; the first page and the
// annex are left as images in test-output/documents/ for people to look at.
func TestQRCodeLinksToVerification(t *testing.T) {
	in := signedInput(30, document.Vietnamese)
	pdf := mustPDF(t, document.Contract(in))
	pages := strings.Split(doctest.Text(t, pdf), "\f")
	annex := 0
	for i, p := range pages {
		if strings.Contains(p, "PHỤ LỤC") {
			annex = i + 1
			break
		}
	}
	require.NotZero(t, annex, "the annex starts a page")
	for _, p := range []struct {
		n    int
		name string
	}{{1, "contract-page1.png"}, {annex, "contract-annex.png"}} {
		img := doctest.PageImage(t, pdf, p.n, 150)
		require.Equal(t, in.VerifyURL, doctest.QR(t, img), "page %d", p.n)
		doctest.WritePNG(t, filepath.Join(doctest.OutputDir(t), p.name), img)
	}
}

// The same input gives the same bytes (PDF and HTML), rendered one after the other or at
// once; a different signature time gives different bytes.
func TestDeterministic(t *testing.T) {
	for _, f := range []document.Format{document.PDF, document.HTML} {
		first, err := document.Render(document.Contract(signedInput(30, document.Vietnamese)), f)
		require.NoError(t, err)
		var wg sync.WaitGroup
		outs := make([][]byte, 4)
		for i := range outs {
			wg.Go(func() {
				b, err := document.Render(document.Contract(signedInput(30, document.Vietnamese)), f)
				if err == nil {
					outs[i] = b
				}
			})
		}
		wg.Wait()
		for _, o := range outs {
			require.True(t, bytes.Equal(first, o), "%s output differs between two renderings of the same input", f)
		}
		in := signedInput(30, document.Vietnamese)
		in.Signatures[0].Time = in.Signatures[0].Time.Add(time.Minute)
		other, err := document.Render(document.Contract(in), f)
		require.NoError(t, err)
		require.False(t, bytes.Equal(first, other), "%s: a different signature time must change the document", f)
	}
}

// Names typed with combining marks are drawn (and extracted) as the precomposed letters.
func TestDecomposedNamesAreNormalised(t *testing.T) {
	in := signedInput(1, document.Vietnamese)
	in.Names.Households["households/h01"] = domain.HouseholdNames{HeadName: norm.NFD.String("Trịnh Thị Ngữ"), Village: "Khe Lóng"}
	text := doctest.Text(t, mustPDF(t, document.Contract(in)))
	require.Contains(t, text, "Trịnh Thị Ngữ")
}

func TestHTMLHasTheSameContentEscaped(t *testing.T) {
	in := signedInput(3, document.Vietnamese)
	in.Names.Households["households/h02"] = domain.HouseholdNames{HeadName: `Lê <script>alert(1)</script> Văn`}
	html, err := document.RenderHTML(document.Contract(in))
	require.NoError(t, err)
	s := string(html)
	require.Contains(t, s, `<html lang="vi">`)
	require.Contains(t, s, "Điều 11. Thời hạn, sửa đổi và thanh lý hợp đồng")
	require.Contains(t, s, "Nguyễn Thị Hằng")
	require.Contains(t, s, termsHash)
	require.Contains(t, s, "<svg")
	require.NotContains(t, s, "<script>")
	require.Contains(t, s, "Lê &lt;script&gt;")
}

func TestStatement(t *testing.T) {
	terms, names := sampleTerms(3)
	h := terms.Allocations[0].Household
	adv := []domain.Advance{{ID: "a1", Household: h, Date: "2026-02-01", Description: "Phân bón hữu cơ vi sinh", ValueVND: 800_000, CreateTime: created.Add(24 * time.Hour)}}
	dl := []domain.Delivery{{ID: "d1", Household: h, Lot: "lot-1", Date: "2026-06-10", Quantity: 60, AcceptedQuantity: 58, Grade: "A", UnitPriceVND: 40_000, GrossVND: 2_320_000, CreateTime: created.Add(200 * 24 * time.Hour)}}
	pay := []domain.Payment{{ID: "p1", Household: h, Payee: h, AmountVND: 1_000_000, Method: "BANK_TRANSFER", Reference: "VCB-0001", Date: "2026-06-20", CreateTime: created.Add(210 * 24 * time.Hour)}}
	st, err := domain.Settle(terms, adv, dl, pay)
	require.NoError(t, err)
	in := document.StatementInput{ContractID: "c-1", Terms: terms, TermsHash: termsHash, Names: names, Household: h, Line: st.Households[0],
		Deliveries: dl, Recovered: st.Recovered, Advances: adv, Payments: pay, VerifyURL: "https://lienket.example.vn/verify/c-1?h=" + termsHash, Created: created, Lang: document.Vietnamese}
	pdf := mustPDF(t, document.Statement(in))
	text := doctest.Flat(doctest.Text(t, pdf))
	for _, want := range []string{"PHIẾU QUYẾT TOÁN CỦA HỘ THAM GIA LIÊN KẾT", "Nguyễn Thị Hằng", "2.320.000", "800.000 đồng", "VCB-0001", "1.000.000 đồng",
		"Số tiền còn phải trả cho hộ", fmt.Sprintf("%s đồng", groupVN(st.Households[0].BalanceVND)), termsHash} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Trần Văn Lộc", "a household's statement shows no other household")
	require.Equal(t, in.VerifyURL, doctest.QR(t, doctest.PageImage(t, pdf, 1, 150)))
	again := mustPDF(t, document.Statement(in))
	require.True(t, bytes.Equal(pdf, again))
}

func TestLiquidation(t *testing.T) {
	terms, names := sampleTerms(2)
	st, err := domain.Settle(terms, nil, []domain.Delivery{
		{ID: "d1", Household: terms.Allocations[0].Household, Lot: "lot-1", Date: "2026-06-10", Quantity: 100, AcceptedQuantity: 100, Grade: "A", UnitPriceVND: 40_000, GrossVND: 4_000_000},
	}, []domain.Payment{{ID: "p1", Household: terms.Allocations[0].Household, Payee: terms.Allocations[0].Household, AmountVND: 4_000_000, Date: "2026-06-20"}})
	require.NoError(t, err)
	at := time.Date(2027, 1, 15, 3, 0, 0, 0, time.UTC)
	in := document.LiquidationInput{ContractID: "c-1", State: domain.StateLiquidated, Terms: terms, TermsHash: termsHash, Names: names, Statement: st,
		Incidents:        []domain.Incident{{Kind: domain.IncidentLatePayment, State: domain.IncidentResolved, Outcome: "Bên A trả lãi chậm trả", PenaltyVND: 32_000}},
		Acknowledgements: []document.Acknowledgement{{Party: domain.PartyBuyer, Actor: "users/giam-doc", Time: at}, {Party: domain.PartyProducer, Actor: "users/htx", Time: at.Add(time.Hour)}},
		VerifyURL:        "https://lienket.example.vn/verify/c-1?h=" + termsHash, Created: created, Lang: document.Vietnamese}
	text := doctest.Flat(doctest.Text(t, mustPDF(t, document.Liquidation(in))))
	for _, want := range []string{"BIÊN BẢN THANH LÝ HỢP ĐỒNG LIÊN KẾT", "Số: c-1/BBTL", "Điều 1. Kết quả thực hiện hợp đồng", "Điều 2. Sự cố và phạt vi phạm",
		"Điều 3. Xác nhận thanh lý", "Chậm thanh toán", "32.000 đồng", "Hợp đồng được thanh lý kể từ 11:00 ngày 15/01/2027", "Nguyễn Thị Hằng", "Trần Văn Lộc",
		"Đã xác nhận quyết toán trên Lienket", "4.000.000 đồng"} {
		require.Contains(t, text, want)
	}
	in.Acknowledgements = in.Acknowledgements[:1]
	text = doctest.Flat(doctest.Text(t, mustPDF(t, document.Liquidation(in))))
	require.Contains(t, text, "Biên bản có hiệu lực khi cả Bên A và Bên B xác nhận")
	require.Contains(t, text, "Chưa xác nhận")
}

func TestParse(t *testing.T) {
	for _, ok := range []string{"", "vi", "en"} {
		_, err := document.ParseLang(ok)
		require.NoError(t, err)
	}
	_, err := document.ParseLang("fr")
	require.Error(t, err)
	f, err := document.ParseFormat("")
	require.NoError(t, err)
	require.Equal(t, document.PDF, f)
	_, err = document.ParseFormat("docx")
	require.Error(t, err)
}

func mustPDF(t *testing.T, d document.Doc) []byte {
	t.Helper()
	b, err := document.RenderPDF(d)
	require.NoError(t, err)
	return b
}

func groupVN(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// BenchmarkContract30 renders the 30-household contract (PDF and HTML); the terms hash of
// the same contract is the baseline of what the service does anyway for every request.
func BenchmarkContract30(b *testing.B) {
	in := signedInput(30, document.Vietnamese)
	b.Run("terms-hash", func(b *testing.B) {
		for b.Loop() {
			_ = in.Terms.Hash()
		}
	})
	for _, f := range []document.Format{document.PDF, document.HTML} {
		b.Run(string(f), func(b *testing.B) {
			var size int
			for b.Loop() {
				out, err := document.Render(document.Contract(in), f)
				if err != nil {
					b.Fatal(err)
				}
				size = len(out)
			}
			b.ReportMetric(float64(size), "bytes/doc")
		})
	}
}

package document_test

import (
	"fmt"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/document"
	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// Household heads of the sample contracts: names with the letters that fonts most often miss
// (ằ, ễ, ộ, ữ, ỹ, ơ, ư, đ …).
var heads = []string{
	"Nguyễn Thị Hằng", "Trần Văn Lộc", "Lê Thị Mỹ", "Phạm Văn Dũng", "Hoàng Thị Thủy", "Đặng Văn Hữu", "Bàn Văn Quỳnh",
	"Triệu Thị Ỷ", "Vũ Đức Ngữ", "Lò Văn Ước", "Hà Thị Ễnh", "Đỗ Văn Ổn", "Bùi Thị Ởn", "Ngô Quang Tuấn", "Dương Thị Ngọc",
	"Lý Văn Sỹ", "Hồ Thị Xuân", "Phan Văn Cường", "Võ Thị Diễm", "Huỳnh Văn Đạt", "Mạc Thị Lụa", "Tạ Văn Khởi",
	"Lục Thị Mừng", "Chu Văn Ẩn", "Giàng A Dế", "Sùng Thị Mỷ", "Lầu Văn Dợ", "Hứa Thị Yến", "Nông Văn Thắng", "Quách Thị Oanh",
}

const termsHash = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9012345a6b7c8d9e0f1a2b3c4d5e6f7"

func sampleTerms(n int) (domain.Terms, domain.Names) {
	t := domain.Terms{
		Buyer: "organizations/buyer", Producer: "organizations/coop", WitnessAuthority: "authorities/ubnd-chau-que",
		LinkageForm: "INPUT_SUPPLY_AND_PURCHASE", Product: "products/cinnamon-bark", QualityStandard: "standards/VIETGAP",
		GradingRules:  []domain.GradingRule{{Grade: "A", Criteria: "Độ ẩm ≤ 13%, vỏ dày ≥ 3 mm"}, {Grade: "B", Criteria: "Độ ẩm ≤ 15%", PriceAdjustmentBps: -1000}},
		TotalQuantity: int64(n) * 100, ToleranceBps: 500,
		Lots: []domain.Lot{
			{ID: "lot-1", Window: domain.DateWindow{Start: "2026-06-01", End: "2026-06-30"}, Place: "Kho HTX Quế Châu Quế, thôn Khe Lóng", Quantity: int64(n) * 60},
			{ID: "lot-2", Window: domain.DateWindow{Start: "2026-09-01", End: "2026-09-30"}, Place: "Kho HTX Quế Châu Quế, thôn Khe Lóng", Quantity: int64(n) * 40},
		},
		Price:              domain.PriceTerms{Type: domain.PriceFloorWithMarket, FloorPriceVND: 38000, MarketReference: "Giá quế khô Yên Bái", PremiumBps: 500},
		Payment:            domain.PaymentTerms{DaysAfterDelivery: 15, Method: "BANK_TRANSFER"},
		InputSupply:        &domain.InputSupply{Items: []domain.InputItem{{Description: "Phân bón hữu cơ vi sinh", Quantity: 2000, Unit: "kg", ValueVND: 24_000_000}}, RecoveredAtSettlement: true, InterestRateBps: 600},
		Obligations:        domain.Obligations{Buyer: []string{"Thu mua toàn bộ sản phẩm đạt tiêu chuẩn", "Hỗ trợ kỹ thuật canh tác theo VietGAP"}, Producer: []string{"Tổ chức sản xuất theo VietGAP", "Tập kết sản phẩm tại kho"}, Households: []string{"Không bán sản phẩm ra ngoài hợp đồng"}},
		Breach:             domain.Breach{PenaltyBps: 800, Damages: "Bồi thường thiệt hại thực tế phát sinh"},
		ForceMajeureEvents: []string{"NATURAL_DISASTER", "EPIDEMIC", "EXTREME_WEATHER"},
		DisputeSteps:       []string{"NEGOTIATION", "COMMUNE_MEDIATION", "COURT"},
		Period:             domain.DateWindow{Start: "2026-01-01", End: "2026-12-31"},
		Seasons:            []string{"Vụ quế 2026"},
	}
	names := domain.Names{
		Buyer:    domain.OrgNames{DisplayName: "Công ty Cổ phần Quế Hồi Việt", TaxCode: "0300588569", Address: "Số 12 đường Hùng Vương, phường Yên Bái, tỉnh Lào Cai", Representative: "Nguyễn Văn Thắng", Position: "Giám đốc"},
		Producer: domain.OrgNames{DisplayName: "Hợp tác xã Quế Châu Quế", TaxCode: "0100109106", Address: "Thôn Khe Lóng, xã Châu Quế, tỉnh Lào Cai", Representative: "Bàn Thị Liễu", Position: "Giám đốc HTX"},
		Witness:  domain.AuthorityNames{DisplayName: "Ủy ban nhân dân xã Châu Quế"},
		Product:  domain.ProductNames{VI: "Vỏ quế khô", EN: "Dried cinnamon bark", Unit: "kg"},
		Standard: "VietGAP", Households: map[string]domain.HouseholdNames{},
	}
	for i := 0; i < n; i++ {
		h := fmt.Sprintf("households/h%02d", i+1)
		a := domain.Allocation{Household: h, Quantity: 100, AreaM2: 5000 + int64(i)*250}
		if i == n-1 {
			a.Mandate = &domain.Mandate{Reference: "GUQ-2026-01", Date: "2026-01-05"}
		}
		t.Allocations = append(t.Allocations, a)
		names.Households[h] = domain.HouseholdNames{HeadName: heads[i%len(heads)], Village: []string{"Khe Lóng", "Khe Dứa", "Bản Hốc"}[i%3]}
	}
	return t, names
}

var created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// signedInput is a contract whose parties have all signed and the commune has witnessed.
func signedInput(n int, lang document.Lang) document.ContractInput {
	t, names := sampleTerms(n)
	in := document.ContractInput{
		ID: "7d1f0c2e-3b4a-5c6d-8e9f-0a1b2c3d4e5f", DisplayName: "Liên kết quế hữu cơ Châu Quế 2026", State: domain.StateActive,
		Rulebook: "decree98@2026.1", RulebookTitles: []string{"Nghị định 98/2018/NĐ-CP — hợp đồng liên kết (base rulebook)"},
		Terms: t, TermsHash: termsHash, Names: names, Created: created, Lang: lang,
		VerifyURL: "https://lienket.example.vn/verify/7d1f0c2e-3b4a-5c6d-8e9f-0a1b2c3d4e5f?h=" + termsHash,
	}
	at := time.Date(2026, 1, 10, 2, 0, 0, 0, time.UTC)
	in.Signatures = append(in.Signatures,
		domain.Signature{Party: domain.PartyBuyer, OnBehalfOf: t.Buyer, Signer: "users/giam-doc-que-hoi", TermsHash: termsHash, Time: at},
		domain.Signature{Party: domain.PartyProducer, OnBehalfOf: t.Producer, Signer: "users/giam-doc-htx", TermsHash: termsHash, Time: at.Add(time.Hour)})
	for i, a := range t.Allocations {
		s := domain.Signature{Party: domain.PartyHousehold, OnBehalfOf: a.Household, Signer: "users/" + a.Household, TermsHash: termsHash, Time: at.Add(time.Duration(i+2) * time.Hour)}
		if a.Mandate != nil {
			s.Signer, s.MandateReference = "users/giam-doc-htx", a.Mandate.Reference
		}
		in.Signatures = append(in.Signatures, s)
	}
	in.Witness = &domain.Witness{Official: "users/can-bo-xa-chau-que", Authority: t.WitnessAuthority, TermsHash: termsHash, Time: at.Add(48 * time.Hour)}
	return in
}

package document

// words are a language's texts. Vietnamese is the legal text; the English texts translate it
// for convenience (and every English document says so).
type words struct {
	thousands, decimal                            string
	moneyFmt                                      string
	dateLayout, timeLayout, longDateLayout        string
	nation1, nation2                              string
	translationNote                               string
	draftMark, cancelledMark, terminatedMark      string
	pendingAmendmentMark, rejectedMark            string
	contractTitle, number, amendmentOf            string
	amendmentReason                               string
	bases                                         []string
	rulebookBasis, needsBasis                     string
	today, todayBlank                             string
	buyerTitle, producerTitle, witnessTitle       string
	producerFor                                   string
	address, taxCode, representative, position    string
	linkageForm, agree                            string
	forms                                         map[string]string
	articles                                      [11]string
	product, standard, noGrading                  string
	gradeCols                                     [3]string
	totalQty, allocationsIn                       string
	lotCols                                       [4]string
	priceFixed, priceFloor, priceCost, priceNote  string
	payWithin, payToHouse                         string
	methods                                       map[string]string
	noInputs, inputCols                           string
	inputCol                                      [4]string
	recovered, notRecovered, interest, noInterest string
	dutiesBuyer, dutiesProducer, dutiesHouses     string
	dutiesWitness, dutiesLaw                      string
	penalty, damages                              string
	fmIntro, fmAfter                              string
	fmEvents                                      map[string]string
	disputeIntro                                  string
	disputeSteps                                  map[string]string
	termPeriod, seasons, amendRule, liquidateRule string
	coInvestment, annexIntegral, hashClause       string
	signHeading                                   string
	buyerBox, producerBox, witnessBox             string
	hintOrg, hintWitness, hintHousehold           string
	signedOnline, signedBy, signedAt              string
	witnessedOnline, unsigned, unwitnessed        string
	annex, annexTitle, annexOf, annexNote         string
	annexCols                                     [6]string
	annexSigned, annexMandate, annexBlank, total  string
	footerHash, footerPage, footerVerify          string
	amendmentN                                    string
	// settlement statement
	stmtTitle, stmtOf, stmtAsOf, household, village        string
	buyer, producer, allocated                             string
	deliveriesH, advancesH, paymentsH, summaryH            string
	deliveryCols                                           [8]string
	advanceCols                                            [3]string
	paymentCols                                            [5]string
	none                                                   string
	sumGross, sumAdvances, sumInterest, sumRecovered       string
	sumOutstanding, sumPaid, sumBalance, rounding          string
	houseBox, payeeHousehold, payeeProducer                string
	stmtName                                               string
	liqTitle, liqNumber, liqOf, liqBasis1, liqBasis2       string
	liqArticles                                            [3]string
	liqTotals                                              [9]string
	liqHouseCols                                           [8]string
	noIncidents                                            string
	incidentCol                                            [4]string
	incidentKinds                                          map[string]string
	liqConfirmed, liqPending, acknowledged, notAcknowledge string
	liqName                                                string
	productLbl                                             string
}

func wordsFor(l Lang) *words {
	if l == English {
		return &en
	}
	return &vi
}

var vi = words{
	thousands: ".", decimal: ",", moneyFmt: "%s đồng",
	dateLayout: "02/01/2006", timeLayout: "15:04 ngày 02/01/2006", longDateLayout: "ngày 02 tháng 01 năm 2006",
	nation1: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", nation2: "Độc lập - Tự do - Hạnh phúc",
	draftMark: "BẢN DỰ THẢO — CHƯA CÓ GIÁ TRỊ KÝ KẾT", cancelledMark: "HỢP ĐỒNG ĐÃ BỊ HỦY", terminatedMark: "HỢP ĐỒNG ĐÃ CHẤM DỨT TRƯỚC THỜI HẠN",
	pendingAmendmentMark: "BẢN SỬA ĐỔI ĐANG CHỜ KÝ — CHƯA CÓ HIỆU LỰC", rejectedMark: "UBND XÃ ĐÃ TỪ CHỐI CHỨNG KIẾN — CHƯA CÓ GIÁ TRỊ",
	contractTitle: "HỢP ĐỒNG LIÊN KẾT | SẢN XUẤT VÀ TIÊU THỤ SẢN PHẨM NÔNG NGHIỆP",
	number:        "Số: %s/HĐLK", amendmentOf: "(Sửa đổi lần thứ %d)", amendmentReason: "Lý do sửa đổi: %s",
	bases: []string{
		"Căn cứ Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;",
		"Căn cứ Luật Thương mại số 36/2005/QH11 ngày 14 tháng 6 năm 2005;",
		"Căn cứ Nghị định số 98/2018/NĐ-CP ngày 05 tháng 7 năm 2018 của Chính phủ về chính sách khuyến khích phát triển hợp tác, liên kết trong sản xuất và tiêu thụ sản phẩm nông nghiệp;",
	},
	rulebookBasis: "Căn cứ bộ quy tắc %s (%s) mà hợp đồng này đã được kiểm tra theo;",
	needsBasis:    "Căn cứ nhu cầu và khả năng của các bên,",
	today:         "Hôm nay, %s, chúng tôi gồm:", todayBlank: "Hôm nay, ngày …… tháng …… năm ……, tại ……………………, chúng tôi gồm:",
	buyerTitle: "BÊN MUA (Bên A): %s", producerTitle: "BÊN BÁN (Bên B): %s", witnessTitle: "BÊN CHỨNG KIẾN (Bên C): %s",
	producerFor: "Bên B là tổ chức đại diện, ký kết cho các hộ thành viên có tên tại Phụ lục kèm theo hợp đồng này.",
	address:     "Địa chỉ", taxCode: "Mã số thuế", representative: "Người đại diện", position: "Chức vụ",
	linkageForm: "Hình thức liên kết: %s.", agree: "Các bên thống nhất ký kết hợp đồng liên kết với các điều khoản sau:",
	forms: map[string]string{
		"INPUT_SUPPLY_AND_PURCHASE": "cung ứng vật tư đầu vào gắn với thu mua sản phẩm",
		"PURCHASE_ONLY":             "tiêu thụ (thu mua) sản phẩm",
		"FULL_CHAIN":                "liên kết toàn chuỗi: cung ứng đầu vào, dịch vụ kỹ thuật, sản xuất và thu mua sản phẩm",
		"SERVICES_AND_PURCHASE":     "cung ứng dịch vụ (làm đất, thu hoạch, …) gắn với thu mua sản phẩm",
	},
	articles: [11]string{
		"Điều 1. Sản phẩm, tiêu chuẩn chất lượng và phân loại",
		"Điều 2. Số lượng và dung sai",
		"Điều 3. Kế hoạch giao nhận sản phẩm",
		"Điều 4. Giá và phương thức xác định giá",
		"Điều 5. Thanh toán",
		"Điều 6. Cung ứng vật tư đầu vào và thu hồi",
		"Điều 7. Quyền và nghĩa vụ của các bên",
		"Điều 8. Vi phạm hợp đồng và phạt vi phạm",
		"Điều 9. Sự kiện bất khả kháng",
		"Điều 10. Giải quyết tranh chấp",
		"Điều 11. Thời hạn, sửa đổi và thanh lý hợp đồng",
	},
	product: "Sản phẩm: %s; đơn vị tính: %s.", standard: "Tiêu chuẩn chất lượng: %s.", noGrading: "Sản phẩm không phân loại; giá áp dụng như nhau cho mọi sản phẩm đạt tiêu chuẩn.",
	gradeCols:     [3]string{"Loại", "Tiêu chí", "Điều chỉnh giá"},
	totalQty:      "Tổng số lượng: %s; dung sai cho phép: ±%s.",
	allocationsIn: "Số lượng và diện tích của từng hộ được phân bổ tại Phụ lục (%d hộ; tổng diện tích %s).",
	lotCols:       [4]string{"Đợt", "Thời gian giao", "Địa điểm giao", "Số lượng"},
	priceFixed:    "Giá cố định: %s cho mỗi %s.",
	priceFloor:    "Giá sàn kết hợp giá thị trường: giá mua là giá cao hơn giữa giá sàn %s cho mỗi %s và giá thị trường tham chiếu “%s” của ngày giao hàng cộng thêm %s.",
	priceCost:     "Giá theo chi phí cộng lợi nhuận: giá vốn %s cho mỗi %s cộng %s.",
	priceNote:     "Giá của từng loại được điều chỉnh theo Điều 1. Tiền tính bằng đồng Việt Nam, làm tròn đến đồng.",
	payWithin:     "Bên A thanh toán trong vòng %d ngày kể từ ngày giao hàng, bằng hình thức %s.",
	payToHouse:    "Tiền hàng của mỗi hộ được trả cho hộ hoặc cho Bên B thay mặt hộ; mọi khoản giao nhận, ứng trước và thanh toán được ghi nhận trên Lienket.",
	methods:       map[string]string{"BANK_TRANSFER": "chuyển khoản ngân hàng", "CASH": "tiền mặt", "MOBILE_MONEY": "tiền di động (Mobile Money)"},
	noInputs:      "Hợp đồng không có cung ứng vật tư đầu vào.", inputCols: "Bên A cung ứng cho các hộ các vật tư sau:",
	inputCol:  [4]string{"Vật tư", "Số lượng", "Đơn vị", "Giá trị"},
	recovered: "Giá trị vật tư ứng trước được thu hồi khi quyết toán, trừ vào tiền hàng của từng hộ.", notRecovered: "Giá trị vật tư ứng trước không thu hồi từ tiền hàng.",
	interest: "Lãi suất ứng trước: %s một năm, lãi đơn tính trên dư nợ gốc theo ngày (thực tế/365).", noInterest: "Vật tư ứng trước không tính lãi.",
	dutiesBuyer: "1. Bên A (Bên mua):", dutiesProducer: "2. Bên B (Bên bán, tổ chức đại diện):", dutiesHouses: "3. Các hộ thành viên:",
	dutiesWitness: "4. Bên C (Ủy ban nhân dân xã) chứng kiến việc ký kết, xác nhận sự kiện bất khả kháng và hòa giải tranh chấp theo Điều 9 và Điều 10.",
	dutiesLaw:     "Theo quy định của pháp luật.",
	penalty:       "Bên vi phạm nghĩa vụ hợp đồng chịu phạt vi phạm bằng %s giá trị phần nghĩa vụ bị vi phạm (không vượt quá 8%% theo Điều 301 Luật Thương mại 2005).",
	damages:       "Bồi thường thiệt hại: %s.",
	fmIntro:       "Các sự kiện sau được coi là bất khả kháng khi được Ủy ban nhân dân xã xác nhận:",
	fmAfter:       "Bên gặp sự kiện bất khả kháng phải thông báo ngay cho các bên. Các đợt giao hàng bị ảnh hưởng được miễn trách nhiệm, hoặc hợp đồng được tạm dừng, theo xác nhận của Ủy ban nhân dân xã.",
	fmEvents: map[string]string{
		"NATURAL_DISASTER": "Thiên tai (bão, lũ, sạt lở đất)", "EPIDEMIC": "Dịch bệnh (trên cây trồng, vật nuôi hoặc người)",
		"EXTREME_WEATHER": "Thời tiết cực đoan (hạn hán, xâm nhập mặn, rét đậm, rét hại)", "FIRE": "Hỏa hoạn",
		"POLICY_CHANGE": "Thay đổi chính sách, pháp luật của Nhà nước",
	},
	disputeIntro: "Tranh chấp phát sinh được giải quyết lần lượt theo trình tự:",
	disputeSteps: map[string]string{
		"NEGOTIATION": "Thương lượng giữa các bên", "COMMUNE_MEDIATION": "Hòa giải tại Ủy ban nhân dân xã",
		"COURT": "Giải quyết tại Tòa án nhân dân có thẩm quyền", "ARBITRATION": "Giải quyết bằng Trọng tài thương mại",
	},
	termPeriod:    "Hợp đồng có hiệu lực từ ngày %s đến ngày %s, sau khi được Ủy ban nhân dân xã chứng kiến.",
	seasons:       "Mùa vụ: %s.",
	amendRule:     "Mọi thay đổi điều khoản sau khi ký được lập thành bản sửa đổi, phải có đủ chữ ký của các bên và được Ủy ban nhân dân xã chứng kiến như hợp đồng gốc.",
	liquidateRule: "Khi các đợt giao hàng đã hoàn thành và quyết toán xong, các bên lập biên bản thanh lý hợp đồng.",
	coInvestment:  "Vốn đối ứng của dự án liên kết: tổng giá trị %s, phần đối ứng của chủ trì liên kết %s.",
	annexIntegral: "Phụ lục danh sách hộ tham gia là bộ phận không tách rời của hợp đồng này.",
	hashClause:    "Hợp đồng được lập trên Lienket. Mã băm SHA-256 của các điều khoản là %s; mã QR ở chân mỗi trang dẫn đến trang kiểm tra tính xác thực.",
	signHeading:   "ĐẠI DIỆN CÁC BÊN KÝ TÊN",
	buyerBox:      "ĐẠI DIỆN BÊN A", producerBox: "ĐẠI DIỆN BÊN B", witnessBox: "XÁC NHẬN CỦA BÊN C",
	hintOrg: "(Ký, ghi rõ họ tên, đóng dấu)", hintWitness: "(Ký, ghi rõ họ tên, đóng dấu)", hintHousehold: "(Ký, ghi rõ họ tên)",
	signedOnline: "Đã ký trên Lienket", signedBy: "Tài khoản: %s", signedAt: "Lúc %s",
	witnessedOnline: "Đã chứng kiến trên Lienket", unsigned: "Chưa ký", unwitnessed: "Chưa chứng kiến",
	annex: "PHỤ LỤC", annexTitle: "DANH SÁCH HỘ THAM GIA LIÊN KẾT VÀ PHÂN BỔ SẢN LƯỢNG", annexOf: "(Kèm theo Hợp đồng liên kết số %s/HĐLK)",
	annexNote:   "Danh sách chỉ ghi họ tên chủ hộ và thôn; số định danh cá nhân và số giấy chứng nhận quyền sử dụng đất không được ghi trên tài liệu này.",
	annexCols:   [6]string{"STT", "Họ và tên chủ hộ", "Thôn, bản", "Số lượng", "Diện tích (m²)", "Ký kết"},
	annexSigned: "Đã ký %s", annexMandate: "Bên B ký thay (ủy quyền %s)", annexBlank: "……………………", total: "Tổng cộng",
	footerHash: "Mã băm điều khoản (SHA-256): %s", footerPage: "Trang %d/%s", footerVerify: "Kiểm tra tính xác thực: %s",
	amendmentN: "sửa đổi lần %d",
	stmtTitle:  "PHIẾU QUYẾT TOÁN CỦA HỘ THAM GIA LIÊN KẾT", stmtOf: "(Theo Hợp đồng liên kết số %s/HĐLK)", stmtAsOf: "Số liệu ghi nhận đến %s.",
	household: "Hộ", village: "Thôn, bản", buyer: "Bên mua", producer: "Tổ chức đại diện (Bên bán)", allocated: "Số lượng phân bổ",
	deliveriesH: "I. Giao nhận sản phẩm", advancesH: "II. Vật tư ứng trước", paymentsH: "III. Thanh toán", summaryH: "IV. Tổng hợp quyết toán",
	deliveryCols: [8]string{"Ngày", "Đợt", "Giao", "Chấp nhận", "Loại", "Đơn giá", "Thành tiền", "Thu hồi ứng trước"},
	advanceCols:  [3]string{"Ngày", "Nội dung", "Giá trị"},
	paymentCols:  [5]string{"Ngày", "Người nhận", "Hình thức", "Tham chiếu", "Số tiền"},
	none:         "Chưa có.",
	sumGross:     "Tổng giá trị sản phẩm được chấp nhận", sumAdvances: "Vật tư ứng trước (gồm lãi)", sumInterest: "Trong đó lãi ứng trước",
	sumRecovered: "Đã thu hồi từ tiền hàng", sumOutstanding: "Ứng trước còn phải thu hồi", sumPaid: "Đã thanh toán", sumBalance: "Số tiền còn phải trả cho hộ",
	rounding:       "Quy tắc tính: tiền tính bằng đồng, đơn giá, tỷ lệ và tiền lãi làm tròn đến đồng (làm tròn nửa lên) một lần cho mỗi phép tính; lãi đơn trên dư nợ gốc theo ngày (thực tế/365).",
	houseBox:       "CHỦ HỘ XÁC NHẬN",
	payeeHousehold: "Hộ", payeeProducer: "Bên B (thay mặt hộ)",
	stmtName: "Phiếu quyết toán — HĐLK %s",
	liqTitle: "BIÊN BẢN THANH LÝ HỢP ĐỒNG LIÊN KẾT", liqNumber: "Số: %s/BBTL", liqOf: "(Thanh lý Hợp đồng liên kết số %s/HĐLK)",
	liqBasis1: "Căn cứ Hợp đồng liên kết số %s/HĐLK%s;", liqBasis2: "Căn cứ kết quả giao nhận, ứng trước và thanh toán được ghi nhận trên Lienket,",
	liqArticles: [3]string{"Điều 1. Kết quả thực hiện hợp đồng", "Điều 2. Sự cố và phạt vi phạm", "Điều 3. Xác nhận thanh lý"},
	liqTotals: [9]string{"Số lượng theo hợp đồng", "Số lượng đã giao", "Số lượng được chấp nhận", "Tỷ lệ thực hiện", "Giá trị sản phẩm",
		"Vật tư ứng trước (gồm lãi)", "Đã thu hồi ứng trước", "Đã thanh toán", "Số dư còn phải trả"},
	liqHouseCols:  [8]string{"STT", "Họ và tên chủ hộ", "Theo hợp đồng", "Đã giao", "Chấp nhận", "Thành tiền", "Đã thanh toán", "Còn lại"},
	noIncidents:   "Trong quá trình thực hiện hợp đồng không phát sinh sự cố.",
	incidentCol:   [4]string{"Loại sự cố", "Trạng thái", "Kết quả", "Tiền phạt"},
	incidentKinds: map[string]string{"FORCE_MAJEURE": "Bất khả kháng", "SIDE_SELLING": "Bán sản phẩm ra ngoài", "REFUSAL_TO_BUY": "Từ chối thu mua", "LATE_PAYMENT": "Chậm thanh toán", "QUALITY_DISPUTE": "Tranh chấp chất lượng"},
	liqConfirmed:  "Các bên xác nhận đã hoàn thành nghĩa vụ giao nhận và thanh toán theo hợp đồng, số dư còn lại là %s, và đồng ý thanh lý hợp đồng. Hợp đồng được thanh lý kể từ %s.",
	liqPending:    "Biên bản có hiệu lực khi cả Bên A và Bên B xác nhận quyết toán cuối cùng trên Lienket hoặc ký vào biên bản này.",
	acknowledged:  "Đã xác nhận quyết toán trên Lienket", notAcknowledge: "Chưa xác nhận",
	liqName: "Biên bản thanh lý — HĐLK %s", productLbl: "Sản phẩm",
}

var en = words{
	thousands: ",", decimal: ".", moneyFmt: "VND %s",
	dateLayout: "2 Jan 2006", timeLayout: "15:04, 2 Jan 2006", longDateLayout: "2 January 2006",
	nation1: "SOCIALIST REPUBLIC OF VIETNAM", nation2: "Independence - Freedom - Happiness",
	translationNote: "CONVENIENCE TRANSLATION — the Vietnamese text is the legal text",
	draftMark:       "DRAFT — NOT FOR SIGNATURE", cancelledMark: "CONTRACT CANCELLED", terminatedMark: "CONTRACT TERMINATED EARLY",
	pendingAmendmentMark: "AMENDMENT AWAITING SIGNATURE — NOT IN FORCE", rejectedMark: "WITNESS REFUSED BY THE COMMUNE — NOT VALID",
	contractTitle: "LINKAGE CONTRACT | FOR THE PRODUCTION AND SALE OF AGRICULTURAL PRODUCTS",
	number:        "No. %s/HĐLK", amendmentOf: "(Amendment no. %d)", amendmentReason: "Reason for the amendment: %s",
	bases: []string{
		"Pursuant to the Civil Code no. 91/2015/QH13 of 24 November 2015;",
		"Pursuant to the Commercial Law no. 36/2005/QH11 of 14 June 2005;",
		"Pursuant to Government Decree no. 98/2018/ND-CP of 5 July 2018 on policies encouraging cooperation and linkage in the production and sale of agricultural products;",
	},
	rulebookBasis: "Pursuant to the rulebook %s (%s) against which this contract was checked;",
	needsBasis:    "In view of the needs and capacities of the parties,",
	today:         "Today, %s, we the undersigned:", todayBlank: "Today, the ……… day of ……… ……, at ……………………, we the undersigned:",
	buyerTitle: "BUYER (Party A): %s", producerTitle: "SELLER (Party B): %s", witnessTitle: "WITNESS (Party C): %s",
	producerFor: "Party B is the representative organisation and signs for its member households listed in the Annex to this contract.",
	address:     "Address", taxCode: "Tax code", representative: "Represented by", position: "Position",
	linkageForm: "Form of linkage: %s.", agree: "The parties agree to conclude this linkage contract on the following terms:",
	forms: map[string]string{
		"INPUT_SUPPLY_AND_PURCHASE": "supply of inputs together with purchase of the products",
		"PURCHASE_ONLY":             "purchase of the products",
		"FULL_CHAIN":                "full chain: inputs, technical services, production and purchase of the products",
		"SERVICES_AND_PURCHASE":     "services (land preparation, harvesting, …) together with purchase of the products",
	},
	articles: [11]string{
		"Article 1. Product, quality standard and grading",
		"Article 2. Quantity and tolerance",
		"Article 3. Delivery schedule",
		"Article 4. Price and how it is determined",
		"Article 5. Payment",
		"Article 6. Supply of inputs and their recovery",
		"Article 7. Rights and obligations of the parties",
		"Article 8. Breach and penalty",
		"Article 9. Force majeure",
		"Article 10. Dispute settlement",
		"Article 11. Term, amendment and liquidation",
	},
	product: "Product: %s; unit of measure: %s.", standard: "Quality standard: %s.", noGrading: "The product is not graded; one price applies to every product that meets the standard.",
	gradeCols:     [3]string{"Grade", "Criteria", "Price adjustment"},
	totalQty:      "Total quantity: %s; tolerance: ±%s.",
	allocationsIn: "The quantity and area of each household are allocated in the Annex (%d households; total area %s).",
	lotCols:       [4]string{"Lot", "Delivery window", "Place", "Quantity"},
	priceFixed:    "Fixed price: %s per %s.",
	priceFloor:    "Floor price with market reference: the price is the higher of the floor price of %s per %s and the market reference price “%s” on the delivery date plus %s.",
	priceCost:     "Cost plus: a cost price of %s per %s plus %s.",
	priceNote:     "The price of each grade is adjusted as in Article 1. Amounts are in Vietnamese đồng, rounded to the đồng.",
	payWithin:     "Party A pays within %d days of each delivery, by %s.",
	payToHouse:    "Each household's proceeds are paid to the household or to Party B on its behalf; every delivery, advance and payment is recorded on Lienket.",
	methods:       map[string]string{"BANK_TRANSFER": "bank transfer", "CASH": "cash", "MOBILE_MONEY": "mobile money"},
	noInputs:      "The contract includes no supply of inputs.", inputCols: "Party A supplies the households with the following inputs:",
	inputCol:  [4]string{"Input", "Quantity", "Unit", "Value"},
	recovered: "The value of inputs advanced is recovered at settlement from each household's proceeds.", notRecovered: "The value of inputs advanced is not recovered from the proceeds.",
	interest: "Interest on advances: %s a year, simple interest on the outstanding principal per day (actual/365).", noInterest: "Advances bear no interest.",
	dutiesBuyer: "1. Party A (buyer):", dutiesProducer: "2. Party B (seller, representative organisation):", dutiesHouses: "3. Member households:",
	dutiesWitness: "4. Party C (the commune People's Committee) witnesses the signing, verifies force-majeure events and mediates disputes under Articles 9 and 10.",
	dutiesLaw:     "As provided by law.",
	penalty:       "A party in breach pays a penalty of %s of the value of the obligation breached (at most 8%%, Article 301 of the Commercial Law 2005).",
	damages:       "Damages: %s.",
	fmIntro:       "The following events are force majeure once verified by the commune People's Committee:",
	fmAfter:       "A party affected by force majeure notifies the other parties at once. Affected delivery lots are excused, or the contract is suspended, as the commune People's Committee verifies.",
	fmEvents: map[string]string{
		"NATURAL_DISASTER": "Natural disaster (storm, flood, landslide)", "EPIDEMIC": "Epidemic (of crops, livestock or people)",
		"EXTREME_WEATHER": "Extreme weather (drought, saline intrusion, cold spells)", "FIRE": "Fire", "POLICY_CHANGE": "Change of state policy or law",
	},
	disputeIntro: "Disputes are settled in this order:",
	disputeSteps: map[string]string{
		"NEGOTIATION": "Negotiation between the parties", "COMMUNE_MEDIATION": "Mediation by the commune People's Committee",
		"COURT": "The competent People's Court", "ARBITRATION": "Commercial arbitration",
	},
	termPeriod:    "The contract is in force from %s to %s, once witnessed by the commune People's Committee.",
	seasons:       "Seasons: %s.",
	amendRule:     "Any change of the terms after signing is made as an amendment, signed by all parties and witnessed by the commune People's Committee like the original contract.",
	liquidateRule: "When every lot has been delivered and settled, the parties draw up a liquidation record.",
	coInvestment:  "Co-investment of the linkage project: total value %s, of which the project owner contributes %s.",
	annexIntegral: "The Annex listing the participating households is an integral part of this contract.",
	hashClause:    "This contract is kept on Lienket. The SHA-256 hash of its terms is %s; the QR code at the foot of each page leads to the page that checks its authenticity.",
	signHeading:   "SIGNATURES OF THE PARTIES",
	buyerBox:      "FOR PARTY A", producerBox: "FOR PARTY B", witnessBox: "CONFIRMED BY PARTY C",
	hintOrg: "(Signature, full name, seal)", hintWitness: "(Signature, full name, seal)", hintHousehold: "(Signature, full name)",
	signedOnline: "Signed on Lienket", signedBy: "Account: %s", signedAt: "At %s",
	witnessedOnline: "Witnessed on Lienket", unsigned: "Not signed yet", unwitnessed: "Not witnessed yet",
	annex: "ANNEX", annexTitle: "PARTICIPATING HOUSEHOLDS AND THEIR ALLOCATIONS", annexOf: "(Attached to linkage contract no. %s/HĐLK)",
	annexNote:   "Only the head of household's name and the village are listed; personal identification numbers and land-use certificate numbers never appear in this document.",
	annexCols:   [6]string{"No.", "Head of household", "Village", "Quantity", "Area (m²)", "Signature"},
	annexSigned: "Signed %s", annexMandate: "Party B signed (mandate %s)", annexBlank: "……………………", total: "Total",
	footerHash: "Terms hash (SHA-256): %s", footerPage: "Page %d/%s", footerVerify: "Check authenticity: %s",
	amendmentN: "amendment %d",
	stmtTitle:  "SETTLEMENT STATEMENT OF A PARTICIPATING HOUSEHOLD", stmtOf: "(Under linkage contract no. %s/HĐLK)", stmtAsOf: "Records up to %s.",
	household: "Household", village: "Village", buyer: "Buyer", producer: "Representative organisation (seller)", allocated: "Allocated quantity",
	deliveriesH: "I. Deliveries", advancesH: "II. Inputs advanced", paymentsH: "III. Payments", summaryH: "IV. Settlement",
	deliveryCols: [8]string{"Date", "Lot", "Delivered", "Accepted", "Grade", "Unit price", "Amount", "Advance recovered"},
	advanceCols:  [3]string{"Date", "Description", "Value"},
	paymentCols:  [5]string{"Date", "Payee", "Method", "Reference", "Amount"},
	none:         "None yet.",
	sumGross:     "Value of the accepted product", sumAdvances: "Inputs advanced (with interest)", sumInterest: "of which interest",
	sumRecovered: "Recovered from the proceeds", sumOutstanding: "Advances still to recover", sumPaid: "Paid", sumBalance: "Still owed to the household",
	rounding:       "Rules: amounts in đồng; unit prices, percentages and interest rounded half away from zero to the đồng once per computation; simple interest on the outstanding principal per day (actual/365).",
	houseBox:       "HEAD OF HOUSEHOLD",
	payeeHousehold: "Household", payeeProducer: "Party B (for the household)",
	stmtName: "Settlement statement — contract %s",
	liqTitle: "LIQUIDATION RECORD OF THE LINKAGE CONTRACT", liqNumber: "No. %s/BBTL", liqOf: "(Liquidation of linkage contract no. %s/HĐLK)",
	liqBasis1: "Pursuant to linkage contract no. %s/HĐLK%s;", liqBasis2: "Pursuant to the deliveries, advances and payments recorded on Lienket,",
	liqArticles: [3]string{"Article 1. Performance of the contract", "Article 2. Incidents and penalties", "Article 3. Liquidation"},
	liqTotals: [9]string{"Contracted quantity", "Delivered", "Accepted", "Performance", "Value of the product",
		"Inputs advanced (with interest)", "Advances recovered", "Paid", "Balance still owed"},
	liqHouseCols:  [8]string{"No.", "Head of household", "Contracted", "Delivered", "Accepted", "Amount", "Paid", "Balance"},
	noIncidents:   "No incident arose during the performance of the contract.",
	incidentCol:   [4]string{"Incident", "State", "Outcome", "Penalty"},
	incidentKinds: map[string]string{"FORCE_MAJEURE": "Force majeure", "SIDE_SELLING": "Side-selling", "REFUSAL_TO_BUY": "Refusal to buy", "LATE_PAYMENT": "Late payment", "QUALITY_DISPUTE": "Quality dispute"},
	liqConfirmed:  "The parties confirm that the deliveries and payments under the contract are complete, that the balance is %s, and agree to liquidate the contract. The contract is liquidated as of %s.",
	liqPending:    "This record takes effect once both Party A and Party B acknowledge the final settlement on Lienket or sign this record.",
	acknowledged:  "Settlement acknowledged on Lienket", notAcknowledge: "Not acknowledged yet",
	liqName: "Liquidation record — contract %s", productLbl: "Product",
}

package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
)

// Businesses post purchase demands, see ranked matches with their score explained in words,
// and propose to a producer's offer.

type demandsView struct {
	Demands []*matchmakingv1.Demand
	Refs    refs
	Next    string
}

func (c *Console) demands(q *rq) error {
	// A business's own demands (open demands of others are for producers and officials): a
	// listing scoped by buyer.
	res, err := c.b.mm.ListDemands(q.ctx, &matchmakingv1.ListDemandsRequest{PageSize: 50, PageToken: q.r.URL.Query().Get("page"), Filter: fmt.Sprintf("buyer = %q", q.s.Org)})
	if err != nil {
		return err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "demands", demandsView{Demands: res.GetDemands(), Refs: refs, Next: res.GetNextPageToken()})
	return nil
}

// demandForm is the form of a new demand, as typed.
type demandForm struct {
	Product, Standard, Quantity, MinLot, Start, End, Commune, Place string
	PriceType, Price, Floor, Reference, Premium, Cost, Margin       string
	PoorShare, Inputs, Assistance                                   string
	WomenLed, Minority                                              bool
	Errors                                                          formErrors
	Refs                                                            refs
	CommuneName                                                     string
}

func (c *Console) newDemand(q *rq) error {
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	f := demandForm{PriceType: "PRICE_TYPE_FIXED", Product: "products/cinnamon-bark", Refs: refs}
	if o, err := c.b.reg.GetOrganization(q.ctx, &registryv1.GetOrganizationRequest{Name: q.s.Org}); err == nil {
		f.Commune = o.GetAddress().GetCommuneCode()
	}
	q.render(http.StatusOK, "demand_new", f)
	return nil
}

func readDemandForm(v url.Values) demandForm {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	return demandForm{Product: g("product"), Standard: g("standard"), Quantity: g("quantity"), MinLot: g("min_lot"), Start: g("start"), End: g("end"),
		Commune: g("commune"), Place: g("place"), PriceType: g("price_type"), Price: g("price"), Floor: g("floor"), Reference: g("reference"),
		Premium: g("premium"), Cost: g("cost"), Margin: g("margin"), PoorShare: g("poor_share"), Inputs: v.Get("inputs"), Assistance: g("assistance"),
		WomenLed: v.Get("women_led") == "on", Minority: v.Get("minority") == "on"}
}

// numbers reads the form's numbers; what cannot be read is a field error, before any call.
type numbers struct {
	fe *formErrors
}

func (n numbers) amount(field, s string, required bool) int64 {
	if s == "" {
		if required {
			n.fe.add(field, ruleVI["REQUIRED"])
		}
		return 0
	}
	x, err := parseAmount(s)
	if err != nil {
		n.fe.add(field, ruleVI["NUMBER"])
	}
	return x
}

func (n numbers) percent(field, s string) int32 {
	x, err := parsePercent(s)
	if err != nil {
		n.fe.add(field, ruleVI["PERCENT"])
	}
	return x
}

func (n numbers) date(field, s string) string {
	d, err := isoDate(s)
	if err != nil {
		n.fe.add(field, ruleVI["DATE_FORMAT"])
	}
	return d
}

func (f demandForm) toProto(buyer string, fe *formErrors) *matchmakingv1.Demand {
	n := numbers{fe}
	d := &matchmakingv1.Demand{
		Buyer: buyer, Product: f.Product, RequiredStandard: f.Standard,
		Quantity: n.amount("quantity", f.Quantity, true), MinLotQuantity: n.amount("min_lot", f.MinLot, false),
		DeliveryWindow:      &typesv1.DateWindow{StartDate: n.date("start", f.Start), EndDate: n.date("end", f.End)},
		DeliveryCommuneCode: f.Commune, DeliveryPlace: f.Place, TechnicalAssistance: f.Assistance,
		Inclusion:  &matchmakingv1.InclusionPreference{MinPoorShareBps: n.percent("poor_share", f.PoorShare), PreferWomenLed: f.WomenLed, PreferEthnicMinority: f.Minority},
		PriceTerms: priceTerms(n, f.PriceType, f.Price, f.Floor, f.Reference, f.Premium, f.Cost, f.Margin),
	}
	for _, line := range strings.Split(f.Inputs, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.InputsOffered = append(d.InputsOffered, line)
		}
	}
	return d
}

// priceTerms reads a price form: the type chooses which fields count.
func priceTerms(n numbers, typ, price, floor, ref, premium, cost, margin string) *typesv1.PriceTerms {
	p := &typesv1.PriceTerms{Type: typesv1.PriceType(typesv1.PriceType_value[typ])}
	switch p.Type {
	case typesv1.PriceType_PRICE_TYPE_FIXED:
		p.FixedPriceVnd = n.amount("price", price, true)
	case typesv1.PriceType_PRICE_TYPE_FLOOR_WITH_MARKET:
		p.FloorPriceVnd, p.MarketReference, p.PremiumBps = n.amount("floor", floor, true), ref, n.percent("premium", premium)
	case typesv1.PriceType_PRICE_TYPE_COST_PLUS:
		p.CostPriceVnd, p.MarginBps = n.amount("cost", cost, true), n.percent("margin", margin)
	}
	return p
}

// demandFields places the API's demand violations on the form.
var demandFields = map[string]string{
	"demand.product": "product", "demand.required_standard": "standard", "demand.quantity": "quantity",
	"demand.min_lot_quantity": "min_lot", "demand.delivery_window": "start", "demand.delivery_window.start_date": "start",
	"demand.delivery_window.end_date": "end", "demand.delivery_commune_code": "commune", "demand.delivery_place": "place",
	"demand.price_terms": "price_type", "demand.price_terms.fixed_price_vnd": "price", "demand.price_terms.floor_price_vnd": "floor",
	"demand.price_terms.market_reference": "reference", "demand.price_terms.premium_bps": "premium", "demand.price_terms.cost_price_vnd": "cost",
	"demand.price_terms.margin_bps": "margin", "demand.inclusion": "poor_share", "demand.inputs_offered": "inputs",
	"demand.technical_assistance": "assistance",
}

func (c *Console) createDemand(q *rq) error {
	f := readDemandForm(q.r.PostForm)
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	f.Refs = refs
	var fe formErrors
	d := f.toProto(q.s.Org, &fe)
	if fe.Any() {
		f.Errors = fe
		q.render(http.StatusUnprocessableEntity, "demand_new", f)
		return nil
	}
	created, err := c.b.mm.CreateDemand(q.ctx, &matchmakingv1.CreateDemandRequest{Demand: d, RequestId: q.r.PostForm.Get("request_id")})
	if err != nil {
		f.Errors = fromAPI(err, demandFields)
		q.render(http.StatusUnprocessableEntity, "demand_new", f)
		return nil
	}
	return q.redirect(BasePath+"/"+created.GetName(), "demand")
}

// candidateRow is a ranked offer with its score explained.
type candidateRow struct {
	C         *matchmakingv1.Candidate
	Producer  string
	Reasons   []string
	Suggested int64  // the optimal allocation's quantity for this offer
	Value     string // the proposal form's quantity: as typed, else the suggestion
}

type demandView struct {
	D           *matchmakingv1.Demand
	Product     *registryv1.Product
	Unit        string
	Candidates  []candidateRow
	Proposals   []*matchmakingv1.Proposal
	Unallocated int64
	Shortfall   int64
	Optimal     bool
	MatchError  string
	Errors      formErrors
}

func (c *Console) demandPage(q *rq) error {
	v, err := c.loadDemand(q, "demands/"+q.r.PathValue("id"))
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "demand", v)
	return nil
}

func (c *Console) loadDemand(q *rq, name string) (*demandView, error) {
	d, err := c.b.mm.GetDemand(q.ctx, &matchmakingv1.GetDemandRequest{Name: name})
	if err != nil {
		return nil, err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return nil, err
	}
	v := &demandView{D: d, Product: refs.Products[d.GetProduct()]}
	if v.Product != nil {
		v.Unit = v.Product.GetUnit()
	}
	if ps, err := c.b.mm.ListProposals(q.ctx, &matchmakingv1.ListProposalsRequest{Parent: name, PageSize: 100}); err == nil {
		v.Proposals = ps.GetProposals()
	}
	open := d.GetState() == matchmakingv1.Demand_STATE_OPEN || d.GetState() == matchmakingv1.Demand_STATE_PARTIALLY_ALLOCATED
	if !open {
		return v, nil
	}
	m, err := c.b.mm.MatchDemand(q.ctx, &matchmakingv1.MatchDemandRequest{Name: name, MaxCandidates: 10})
	if err != nil {
		v.MatchError = explainStatus(err)
		return v, nil
	}
	suggested := map[string]int64{}
	for _, l := range m.GetAllocation() {
		suggested[l.GetOffer()] += l.GetQuantity()
	}
	names := c.producerNames(q, m.GetCandidates())
	for _, cand := range m.GetCandidates() {
		row := candidateRow{C: cand, Producer: names[cand.GetProducer()], Reasons: explainScore(q.lang, cand.GetBreakdown()), Suggested: suggested[cand.GetOffer()]}
		if row.Suggested > 0 {
			row.Value = group(row.Suggested)
		}
		v.Candidates = append(v.Candidates, row)
	}
	v.Unallocated, v.Shortfall, v.Optimal = m.GetUnallocatedQuantity(), m.GetInclusionShortfall(), m.GetOptimal()
	return v, nil
}

// producerNames names the candidates' producers (at most ten, read at once).
func (c *Console) producerNames(q *rq, cands []*matchmakingv1.Candidate) map[string]string {
	names := map[string]string{}
	for _, cd := range cands {
		names[cd.GetProducer()] = ""
	}
	c.fillOrgNames(q, names)
	return names
}

// explainScore says in words why a candidate ranks where it does.
func explainScore(lang string, b *matchmakingv1.ScoreBreakdown) []string {
	en := lang == "en"
	pick := func(vi, e string) string {
		if en {
			return e
		}
		return vi
	}
	pc := func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }
	var out []string
	out = append(out, fmt.Sprintf(pick("Khoảng cách: %s km giữa trung tâm hai xã.", "Distance: %s km between the communes."), group(int64(b.GetDistanceKm()+0.5))))
	switch {
	case b.GetStandardFit() >= 1:
		out = append(out, pick("Tiêu chuẩn: có chứng nhận đúng tiêu chuẩn yêu cầu.", "Standard: certified to the required standard."))
	case b.GetStandardFit() <= 0:
		out = append(out, pick("Tiêu chuẩn: chưa có chứng nhận theo tiêu chuẩn yêu cầu.", "Standard: not certified to the required standard."))
	default:
		out = append(out, fmt.Sprintf(pick("Tiêu chuẩn: đáp ứng một phần (%s).", "Standard: partly met (%s)."), pc(b.GetStandardFit())))
	}
	out = append(out, fmt.Sprintf(pick("Thời vụ: mùa thu hoạch trùng %s thời gian giao hàng.", "Season: the harvest covers %s of the delivery window."), pc(b.GetWindowOverlap())))
	switch {
	case b.GetPriceFit() >= 1:
		out = append(out, pick("Giá: giá chào bán không cao hơn giá bạn trả.", "Price: the asking price is within your offer."))
	case b.GetPriceFit() == 0.5:
		out = append(out, pick("Giá: chưa so sánh được giá.", "Price: the prices cannot be compared."))
	default:
		out = append(out, fmt.Sprintf(pick("Giá: giá chào bán cao hơn giá bạn trả (điểm %s).", "Price: the asking price is above your offer (score %s)."), pc(b.GetPriceFit())))
	}
	out = append(out, fmt.Sprintf(pick("Sản lượng: đáp ứng %s phần còn cần mua.", "Capacity: covers %s of the open quantity."), pc(b.GetCapacity())))
	if r := b.GetDeliveryRecord(); r == 0.5 {
		out = append(out, pick("Lịch sử giao hàng: chưa có (tính mức trung bình).", "Delivery record: none yet (counted as average)."))
	} else {
		out = append(out, fmt.Sprintf(pick("Lịch sử giao hàng: %s.", "Delivery record: %s."), pc(r)))
	}
	out = append(out, fmt.Sprintf(pick("Hòa nhập (hộ nghèo, cận nghèo, nhóm do phụ nữ lãnh đạo): %s.", "Inclusion (poor and near-poor households, women-led): %s."), pc(b.GetInclusion())))
	return out
}

func (c *Console) propose(q *rq) error {
	name := "demands/" + q.r.PathValue("id")
	f := q.r.PostForm
	offer := f.Get("offer")
	var fe formErrors
	n := numbers{&fe}
	quantity := n.amount("quantity-"+shortID(offer), f.Get("quantity"), true)
	if !fe.Any() {
		_, err := c.b.mm.CreateProposal(q.ctx, &matchmakingv1.CreateProposalRequest{Parent: name, RequestId: f.Get("request_id"),
			Proposal: &matchmakingv1.Proposal{Offer: offer, Quantity: quantity, Message: strings.TrimSpace(f.Get("message"))}})
		if err == nil {
			return q.redirect(BasePath+"/"+name, "proposed")
		}
		fe = fromAPI(err, map[string]string{"proposal.quantity": "quantity-" + shortID(offer), "proposal.offer": "quantity-" + shortID(offer), "proposal.message": "quantity-" + shortID(offer)})
	}
	v, err := c.loadDemand(q, name)
	if err != nil {
		return err
	}
	v.Errors = fe
	for i := range v.Candidates {
		if v.Candidates[i].C.GetOffer() == offer {
			v.Candidates[i].Value = f.Get("quantity")
		}
	}
	q.render(http.StatusUnprocessableEntity, "demand", v)
	return nil
}

package console

import (
	"net/http"
	"strings"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// Under an active contract: deliveries (recorded by the buyer, confirmed or disputed by the
// producer), the settlement statement and payments, incidents, and the audit log.

// execBase is what every execution page shows about the contract.
type execBase struct {
	C          *contractsv1.Contract
	Unit       string
	Households map[string]*registryv1.Household
	IsBuyer    bool
	IsProducer bool
	Errors     formErrors
}

// Label names a household: the head's name where visible, else its number.
func (b execBase) Label(h string) string {
	if x := b.Households[h]; x != nil {
		return x.GetHeadName()
	}
	switch {
	case h == "":
		return ""
	case strings.HasPrefix(h, "organizations/"):
		return "Tổ chức sản xuất"
	}
	return "Hộ " + shortID(h)
}

func (c *Console) execBase(q *rq) (execBase, error) {
	ct, err := c.b.con.GetContract(q.ctx, &contractsv1.GetContractRequest{Name: contractName(q.r)})
	if err != nil {
		return execBase{}, err
	}
	b := execBase{C: ct, Households: map[string]*registryv1.Household{}, IsBuyer: q.s.Org == ct.GetTerms().GetBuyer(), IsProducer: q.s.Org == ct.GetTerms().GetProducer()}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return execBase{}, err
	}
	if p := refs.Products[ct.GetTerms().GetProduct()]; p != nil {
		b.Unit = p.GetUnit()
	}
	c.contractHouseholds(q.ctx, q.s, ct.GetName(), ct.GetTerms(), b.Households)
	return b, nil
}

type deliveryForm struct{ Household, Lot, Date, Quantity, Accepted, Grade, Reason, Market string }

type deliveriesView struct {
	execBase
	Deliveries []*contractsv1.Delivery
	Form       deliveryForm
}

func (c *Console) deliveries(q *rq) error {
	return c.renderDeliveries(q, http.StatusOK, deliveryForm{}, formErrors{})
}

func (c *Console) renderDeliveries(q *rq, code int, f deliveryForm, fe formErrors) error {
	b, err := c.execBase(q)
	if err != nil {
		return err
	}
	b.Errors = fe
	all, err := pages(func(tok string) ([]*contractsv1.Delivery, string, error) {
		res, err := c.b.con.ListDeliveries(q.ctx, &contractsv1.ListDeliveriesRequest{Parent: b.C.GetName(), PageSize: 500, PageToken: tok})
		return res.GetDeliveries(), res.GetNextPageToken(), err
	}, 0)
	if err != nil {
		return err
	}
	q.render(code, "deliveries", deliveriesView{execBase: b, Deliveries: all, Form: f})
	return nil
}

var deliveryFields = map[string]string{
	"delivery.household": "household", "delivery.lot": "lot", "delivery.delivery_date": "date", "delivery.quantity": "quantity",
	"delivery.accepted_quantity": "accepted", "delivery.grade": "grade", "delivery.rejection_reason": "reason", "delivery.market_price_vnd": "market",
}

func (c *Console) recordDelivery(q *rq) error {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	f := deliveryForm{Household: g("household"), Lot: g("lot"), Date: g("date"), Quantity: g("quantity"), Accepted: g("accepted"), Grade: g("grade"), Reason: g("reason"), Market: g("market")}
	var fe formErrors
	n := numbers{&fe}
	d := &contractsv1.Delivery{Household: f.Household, Lot: f.Lot, DeliveryDate: n.date("date", f.Date), Quantity: n.amount("quantity", f.Quantity, true),
		Grade: f.Grade, RejectionReason: f.Reason, MarketPriceVnd: n.amount("market", f.Market, false)}
	d.AcceptedQuantity = d.Quantity
	if f.Accepted != "" {
		d.AcceptedQuantity = n.amount("accepted", f.Accepted, false)
	}
	if !fe.Any() {
		_, err := c.b.con.CreateDelivery(q.ctx, &contractsv1.CreateDeliveryRequest{Parent: contractName(q.r), Delivery: d, RequestId: pf.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+contractName(q.r)+"/deliveries", "delivery")
		}
		fe = fromAPI(err, deliveryFields)
	}
	return c.renderDeliveries(q, http.StatusUnprocessableEntity, f, fe)
}

func (c *Console) deliveryAction(q *rq) error {
	name := contractName(q.r) + "/deliveries/" + q.r.PathValue("d")
	pf := q.r.PostForm
	var err error
	ok := ""
	switch q.r.PathValue("action") {
	case "confirm":
		_, err = c.b.con.ConfirmDelivery(q.ctx, &contractsv1.ConfirmDeliveryRequest{Name: name, Etag: pf.Get("etag"), RequestId: pf.Get("request_id")})
		ok = "confirmed"
	case "dispute":
		_, err = c.b.con.DisputeDelivery(q.ctx, &contractsv1.DisputeDeliveryRequest{Name: name, Reason: strings.TrimSpace(pf.Get("reason")), Etag: pf.Get("etag"), RequestId: pf.Get("request_id")})
		ok = "disputed"
	default:
		return errNotFound
	}
	if err != nil {
		return c.renderDeliveries(q, http.StatusUnprocessableEntity, deliveryForm{}, fromAPI(err, map[string]string{"reason": "dispute-" + q.r.PathValue("d")}))
	}
	return q.redirect(BasePath+"/"+contractName(q.r)+"/deliveries", ok)
}

package console

import (
	"fmt"
	"net/http"
	"strings"

	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
)

// Producer organisations: proposals from buyers to accept or decline, their supply offers,
// and their member households.

type proposalRow struct {
	P      *matchmakingv1.Proposal
	Demand *matchmakingv1.Demand
	Buyer  string
	Unit   string
	Name   string // product name
}

type proposalsView struct {
	Pending, Others []proposalRow
	Errors          formErrors
}

func (c *Console) proposals(q *rq) error { return c.renderProposals(q, http.StatusOK, formErrors{}) }

func (c *Console) renderProposals(q *rq, code int, fe formErrors) error {
	res, err := c.b.mm.ListProposals(q.ctx, &matchmakingv1.ListProposalsRequest{Parent: "demands/-", PageSize: 100})
	if err != nil {
		return err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	demands := c.demandsOf(q, res.GetProposals())
	buyers := map[string]string{}
	for _, d := range demands {
		buyers[d.GetBuyer()] = ""
	}
	c.fillOrgNames(q, buyers)
	v := proposalsView{Errors: fe}
	for _, p := range res.GetProposals() {
		d := demands[demandOf(p.GetName())]
		row := proposalRow{P: p, Demand: d}
		if d != nil {
			row.Buyer = buyers[d.GetBuyer()]
			if pr := refs.Products[d.GetProduct()]; pr != nil {
				row.Unit, row.Name = pr.GetUnit(), pr.GetNameVi()
				if q.lang == "en" {
					row.Name = pr.GetNameEn()
				}
			}
		}
		if p.GetState() == matchmakingv1.Proposal_STATE_PENDING {
			v.Pending = append(v.Pending, row)
		} else {
			v.Others = append(v.Others, row)
		}
	}
	q.render(code, "proposals", v)
	return nil
}

func demandOf(proposal string) string {
	parts := strings.Split(proposal, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[0] + "/" + parts[1]
}

// demandsOf reads the demands of a list of proposals, each once, at once.
func (c *Console) demandsOf(q *rq, ps []*matchmakingv1.Proposal) map[string]*matchmakingv1.Demand {
	want := map[string]bool{}
	for _, p := range ps {
		want[demandOf(p.GetName())] = true
	}
	type res struct {
		n string
		d *matchmakingv1.Demand
	}
	out := make(chan res, len(want))
	for n := range want {
		go func() {
			d, err := c.b.mm.GetDemand(q.ctx, &matchmakingv1.GetDemandRequest{Name: n})
			if err != nil {
				d = nil
			}
			out <- res{n, d}
		}()
	}
	got := map[string]*matchmakingv1.Demand{}
	for range want {
		r := <-out
		if r.d != nil {
			got[r.n] = r.d
		}
	}
	return got
}

// fillOrgNames names organisations (keys of names), at once.
func (c *Console) fillOrgNames(q *rq, names map[string]string) {
	type res struct{ n, d string }
	out := make(chan res, len(names))
	for n := range names {
		go func() {
			o, err := c.b.reg.GetOrganization(q.ctx, &registryv1.GetOrganizationRequest{Name: n})
			if err != nil {
				out <- res{n, "…" + shortID(n)}
				return
			}
			out <- res{n, o.GetDisplayName()}
		}()
	}
	for range names {
		r := <-out
		names[r.n] = r.d
	}
}

func (c *Console) proposalAction(q *rq) error {
	name := "demands/" + q.r.PathValue("demand") + "/proposals/" + q.r.PathValue("id")
	switch q.r.PathValue("action") {
	case "accept":
		p, err := c.b.mm.AcceptProposal(q.ctx, &matchmakingv1.AcceptProposalRequest{Name: name, RequestId: q.r.PostForm.Get("request_id")})
		if err != nil {
			return c.renderProposals(q, http.StatusUnprocessableEntity, fromAPI(err, nil))
		}
		return q.redirect(BasePath+"/"+p.GetContract(), "accepted")
	case "decline":
		if _, err := c.b.mm.DeclineProposal(q.ctx, &matchmakingv1.DeclineProposalRequest{Name: name, Reason: strings.TrimSpace(q.r.PostForm.Get("reason"))}); err != nil {
			return c.renderProposals(q, http.StatusUnprocessableEntity, fromAPI(err, nil))
		}
		return q.redirect(BasePath+"/proposals", "declined")
	}
	return errNotFound
}

// offerForm is a new supply offer as typed.
type offerForm struct {
	Product, Quantity, Start, End, MinPrice string
	Certifications, Households              []string
	Errors                                  formErrors
}

type offersView struct {
	Offers  []*matchmakingv1.Offer
	Refs    refs
	Members []*registryv1.Household
	Form    offerForm
	Errors  formErrors
}

func (c *Console) offers(q *rq) error {
	return c.renderOffers(q, http.StatusOK, offerForm{Product: "products/cinnamon-bark"})
}

func (c *Console) renderOffers(q *rq, code int, f offerForm) error {
	// The group's own offers: a listing scoped by producer (the first 100 of all offers would
	// miss them once there are many).
	res, err := c.b.mm.ListOffers(q.ctx, &matchmakingv1.ListOffersRequest{PageSize: 100, Filter: fmt.Sprintf("producer = %q", q.s.Org)})
	if err != nil {
		return err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	v := offersView{Refs: refs, Form: f, Errors: f.Errors, Offers: res.GetOffers()}
	v.Members, err = c.memberHouseholds(q)
	if err != nil {
		return err
	}
	q.render(code, "offers", v)
	return nil
}

// memberHouseholds lists the organisation's member households (page by page, at most 5,000).
func (c *Console) memberHouseholds(q *rq) ([]*registryv1.Household, error) {
	filter := fmt.Sprintf("organization = %q", q.s.Org)
	return pages(func(tok string) ([]*registryv1.Household, string, error) {
		res, err := c.b.reg.ListHouseholds(q.ctx, &registryv1.ListHouseholdsRequest{Filter: filter, PageSize: 500, PageToken: tok})
		return res.GetHouseholds(), res.GetNextPageToken(), err
	}, 5000)
}

var offerFields = map[string]string{
	"offer.product": "product", "offer.quantity": "quantity", "offer.harvest_window": "start", "offer.harvest_window.start_date": "start",
	"offer.harvest_window.end_date": "end", "offer.min_price_vnd": "min_price", "offer.certifications": "certifications", "offer.households": "households",
}

func (c *Console) createOffer(q *rq) error {
	pf := q.r.PostForm
	f := offerForm{Product: pf.Get("product"), Quantity: pf.Get("quantity"), Start: pf.Get("start"), End: pf.Get("end"), MinPrice: pf.Get("min_price"),
		Certifications: pf["certifications"], Households: pf["households"]}
	n := numbers{&f.Errors}
	o := &matchmakingv1.Offer{Producer: q.s.Org, Product: f.Product, Quantity: n.amount("quantity", f.Quantity, true), MinPriceVnd: n.amount("min_price", f.MinPrice, false),
		HarvestWindow: &typesv1.DateWindow{StartDate: n.date("start", f.Start), EndDate: n.date("end", f.End)}, Certifications: f.Certifications, Households: f.Households}
	if f.Errors.Any() {
		return c.renderOffers(q, http.StatusUnprocessableEntity, f)
	}
	if _, err := c.b.mm.CreateOffer(q.ctx, &matchmakingv1.CreateOfferRequest{Offer: o, RequestId: pf.Get("request_id")}); err != nil {
		f.Errors = fromAPI(err, offerFields)
		return c.renderOffers(q, http.StatusUnprocessableEntity, f)
	}
	return q.redirect(BasePath+"/offers", "offer")
}

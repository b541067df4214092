package console

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
)

// The contract page: the whole contract in Vietnamese for every party and official, with
// what the person may do next. It makes at most six backend calls whatever the number of
// households: the contract; then, at once, the rule check, the two organisations, the
// witness authority, and the producer's households in one listing (page by page only beyond
// 500 members). Products, standards and communes come from the reference cache.

// allocRow is one household's line of the contract.
type allocRow struct {
	A *contractsv1.Allocation
	// H is the household when the person may see it (the producer, officials, the household
	// itself, operators); buyers see the household's number only.
	H *registryv1.Household
	// Signed is the household's signature on the current terms, if any.
	Signed *contractsv1.Signature
}

// contractView is everything the contract page shows.
type contractView struct {
	C                  *contractsv1.Contract
	T                  *contractsv1.ContractTerms
	Buyer, Producer    *registryv1.Organization
	Witness            *registryv1.Authority
	Product            *registryv1.Product
	Standard           *registryv1.Standard
	Unit               string
	Commune            string
	Rows               []allocRow
	BuyerSig, ProdSig  *contractsv1.Signature
	Violations         []*contractsv1.RuleViolation
	RulebookVersion    string
	RulesChecked       bool
	ValueVND           int64
	CanEdit, CanSubmit bool
	CanSignBuyer       bool
	CanSignProducer    bool
	CanSignHousehold   bool
	MandateRows        []allocRow // households the producer may sign for under a mandate
	CanWitness         bool
	Errors             formErrors
	Reason             string
}

// orgName renders an organisation (or its resource name when it cannot be read).
func (v contractView) OrgName(o *registryv1.Organization, name string) string {
	if o != nil {
		return o.GetDisplayName()
	}
	return name
}

// loadContract reads a contract and what its page needs.
func (c *Console) loadContract(q *rq, name string) (*contractView, error) {
	ct, err := c.b.con.GetContract(q.ctx, &contractsv1.GetContractRequest{Name: name})
	if err != nil {
		return nil, err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return nil, err
	}
	t := ct.GetTerms()
	v := &contractView{C: ct, T: t, Product: refs.Products[t.GetProduct()], Standard: refs.Standards[t.GetQualityStandard()]}
	if v.Product != nil {
		v.Unit = v.Product.GetUnit()
	}
	if a := c.b.area(q.ctx, ct.GetProducerCommuneCode()); a != nil {
		v.Commune = a.GetDisplayName()
	}
	households := map[string]*registryv1.Household{}
	g, gctx := errgroup.WithContext(q.ctx)
	g.Go(func() error {
		res, err := c.b.con.ValidateContract(gctx, &contractsv1.ValidateContractRequest{Name: name})
		if err == nil {
			v.Violations, v.RulebookVersion, v.RulesChecked = res.GetViolations(), res.GetRulebookVersion(), true
		}
		return nil // the page shows the contract without the check rather than nothing
	})
	g.Go(func() error { v.Buyer = c.optionalOrg(gctx, t.GetBuyer()); return nil })
	g.Go(func() error { v.Producer = c.optionalOrg(gctx, t.GetProducer()); return nil })
	g.Go(func() error {
		if a, err := c.b.reg.GetAuthority(gctx, &registryv1.GetAuthorityRequest{Name: t.GetWitnessAuthority()}); err == nil {
			v.Witness = a
		}
		return nil
	})
	g.Go(func() error { c.contractHouseholds(gctx, q.s, ct.GetName(), t, households); return nil })
	_ = g.Wait()
	v.arrange(q.s, households)
	return v, nil
}

func (c *Console) optionalOrg(ctx context.Context, name string) *registryv1.Organization {
	if name == "" {
		return nil
	}
	o, err := c.b.reg.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name})
	if err != nil {
		return nil
	}
	return o
}

// contractHouseholds reads the contract's households the person may see, in one listing: of
// the producer's members (officials and the producer), of the contract's households (its buyer,
// who sees their names and places), or the person's own household.
func (c *Console) contractHouseholds(ctx context.Context, s *session, contract string, t *contractsv1.ContractTerms, into map[string]*registryv1.Household) {
	filter := fmt.Sprintf("organization = %q", t.GetProducer())
	switch s.Role {
	case "household":
		if h, err := c.b.reg.GetHousehold(ctx, &registryv1.GetHouseholdRequest{Name: s.Household}); err == nil {
			into[h.GetName()] = h
		}
		return
	case "business":
		if s.Org != t.GetProducer() {
			filter = fmt.Sprintf("contract = %q", contract) // the buyer: names and places only
		}
	}
	want := map[string]bool{}
	for _, a := range t.GetAllocations() {
		want[a.GetHousehold()] = true
	}
	for tok := ""; ; {
		res, err := c.b.reg.ListHouseholds(ctx, &registryv1.ListHouseholdsRequest{Filter: filter, PageSize: 500, PageToken: tok})
		if err != nil {
			return
		}
		for _, h := range res.GetHouseholds() {
			if want[h.GetName()] {
				into[h.GetName()] = h
			}
		}
		if tok = res.GetNextPageToken(); tok == "" || len(into) == len(want) {
			return
		}
	}
}

// arrange derives the rows, signatures and what the person may do. These are hints for the
// page only: the services decide.
func (v *contractView) arrange(s *session, households map[string]*registryv1.Household) {
	ct, t := v.C, v.T
	sigs := map[string]*contractsv1.Signature{}
	for _, sg := range ct.GetSignatures() {
		switch sg.GetParty() {
		case contractsv1.Signature_PARTY_BUYER:
			v.BuyerSig = sg
		case contractsv1.Signature_PARTY_PRODUCER:
			v.ProdSig = sg
		case contractsv1.Signature_PARTY_HOUSEHOLD:
			sigs[sg.GetOnBehalfOf()] = sg
		}
	}
	state := ct.GetState()
	editable := state == contractsv1.ContractState_CONTRACT_STATE_DRAFT || state == contractsv1.ContractState_CONTRACT_STATE_WITNESS_REJECTED
	party := s.Org != "" && (s.Org == t.GetBuyer() || s.Org == t.GetProducer())
	signing := state == contractsv1.ContractState_CONTRACT_STATE_PENDING_SIGNATURES
	for _, a := range t.GetAllocations() {
		row := allocRow{A: a, H: households[a.GetHousehold()], Signed: sigs[a.GetHousehold()]}
		v.Rows = append(v.Rows, row)
		if signing && row.Signed == nil && a.GetMandate().GetReference() != "" && s.Org == t.GetProducer() {
			v.MandateRows = append(v.MandateRows, row)
		}
		if signing && row.Signed == nil && s.Role == "household" && s.Household == a.GetHousehold() {
			v.CanSignHousehold = true
		}
	}
	v.CanEdit = editable && (party || s.Role == "admin")
	v.CanSubmit = v.CanEdit && v.RulesChecked && len(v.Violations) == 0
	v.CanSignBuyer = signing && v.BuyerSig == nil && s.Org == t.GetBuyer()
	v.CanSignProducer = signing && v.ProdSig == nil && s.Org == t.GetProducer()
	v.CanWitness = state == contractsv1.ContractState_CONTRACT_STATE_PENDING_WITNESS && s.Role == "commune_official"
	if p := t.GetPriceTerms(); p.GetType().String() == "PRICE_TYPE_FIXED" {
		v.ValueVND = p.GetFixedPriceVnd() * t.GetTotalQuantity()
	}
}

// HouseholdLabel names a household line: the head's name where visible, else its number.
func (r allocRow) HouseholdLabel() string {
	if r.H != nil {
		return r.H.GetHeadName()
	}
	return "Hộ " + shortID(r.A.GetHousehold())
}

func contractName(r *http.Request) string { return "contracts/" + r.PathValue("id") }

func (c *Console) contractPage(q *rq) error {
	v, err := c.loadContract(q, contractName(q.r))
	if err != nil {
		return err
	}
	q.render(http.StatusOK, "contract", v)
	return nil
}

// contractAction handles the buttons of the contract page: sign, submit, witness, reject,
// cancel, acknowledge. Each names the terms hash the person read; a changed contract is
// refused by the service (TERMS_CHANGED) and the page shows why.
func (c *Console) contractAction(q *rq) error {
	name := contractName(q.r)
	f := q.r.PostForm
	hash, rid := f.Get("terms_hash"), f.Get("request_id")
	var err error
	ok := ""
	switch q.r.PathValue("action") {
	case "sign":
		err, ok = c.sign(q, name, hash, rid), "signed"
	case "submit":
		_, err = c.b.con.SubmitContract(q.ctx, &contractsv1.SubmitContractRequest{Name: name, Etag: f.Get("etag"), RequestId: rid})
		ok = "submitted"
	case "witness":
		_, err = c.b.con.WitnessContract(q.ctx, &contractsv1.WitnessContractRequest{Name: name, TermsHash: hash, RequestId: rid})
		ok = "witnessed"
	case "reject":
		reason := strings.TrimSpace(f.Get("reason"))
		if reason == "" {
			return c.contractError(q, name, formErrors{Fields: map[string]string{"reason": ruleVI["REQUIRED"]}}, reason)
		}
		_, err = c.b.con.RejectWitnessContract(q.ctx, &contractsv1.RejectWitnessContractRequest{Name: name, Reason: reason, RequestId: rid})
		ok = "rejected"
	case "cancel":
		_, err = c.b.con.CancelContract(q.ctx, &contractsv1.CancelContractRequest{Name: name, Reason: strings.TrimSpace(f.Get("reason")), RequestId: rid})
		ok = "cancelled"
	case "acknowledge":
		_, err = c.b.con.AcknowledgeSettlement(q.ctx, &contractsv1.AcknowledgeSettlementRequest{Name: name, RequestId: rid})
		ok = "acknowledged"
	default:
		return errNotFound
	}
	if err != nil {
		return c.contractError(q, name, fromAPI(err, map[string]string{"reason": "reason"}), f.Get("reason"))
	}
	return q.redirect(BasePath+"/"+name, ok)
}

// sign signs as the party the form names: buyer, producer, the person's own household, or
// households under a recorded mandate (one signature each).
func (c *Console) sign(q *rq, name, hash, rid string) error {
	f := q.r.PostForm
	req := &contractsv1.SignContractRequest{Name: name, TermsHash: hash}
	switch f.Get("party") {
	case "buyer":
		req.Party = contractsv1.Signature_PARTY_BUYER
	case "producer":
		req.Party = contractsv1.Signature_PARTY_PRODUCER
	case "household":
		req.Party, req.Household = contractsv1.Signature_PARTY_HOUSEHOLD, q.s.Household
	case "mandate":
		for _, h := range f["household"] {
			if _, err := c.b.con.SignContract(q.ctx, &contractsv1.SignContractRequest{Name: name, TermsHash: hash, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: h, RequestId: idFor(rid, h)}); err != nil {
				return err
			}
		}
		return nil
	default:
		return fmt.Errorf("%w: party", errNotFound)
	}
	req.RequestId = rid
	_, err := c.b.con.SignContract(q.ctx, req)
	return err
}

// idFor derives one request id per item of a form's batch.
func idFor(rid, item string) string {
	if rid == "" {
		return ""
	}
	return rid + "-" + shortID(item)
}

// contractError shows the contract page again with the errors of an action.
func (c *Console) contractError(q *rq, name string, fe formErrors, reason string) error {
	v, err := c.loadContract(q, name)
	if err != nil {
		return err
	}
	v.Errors, v.Reason = fe, reason
	q.render(http.StatusUnprocessableEntity, "contract", v)
	return nil
}

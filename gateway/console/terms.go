package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
)

// Completing a draft: the parties fill in the terms a proposal could not (grading, obligations,
// breach, inputs, mandates…). The form shows the rule check's findings next to the section
// they concern; saving replaces the terms (update_mask terms) under the contract's etag.

// termsSections maps API field paths to the form's sections.
var termsSections = map[string]string{
	"display_name": "display_name", "contract.display_name": "display_name",
	"terms.linkage_form": "linkage_form", "terms.quality_standard": "standard", "terms.grading_rules": "grading",
	"terms.total_quantity": "quantity", "terms.tolerance_bps": "quantity", "terms.allocations": "allocations", "terms.households": "allocations",
	"terms.lots": "lots", "terms.price_terms": "price", "terms.payment_terms": "payment", "terms.input_supply": "inputs",
	"terms.obligations": "obligations", "terms.breach": "breach", "terms.force_majeure_events": "force_majeure",
	"terms.dispute_resolution": "dispute", "terms.period": "period", "terms.seasons": "period", "terms.co_investment": "co_investment",
	"terms.buyer": "", "terms.producer": "", "terms.witness_authority": "", "terms.product": "",
}

func init() {
	for k, v := range termsSections { // UpdateContract names fields under "contract."
		if strings.HasPrefix(k, "terms.") {
			termsSections["contract."+k] = v
		}
	}
}

type termsView struct {
	C           *contractsv1.Contract
	T           *contractsv1.ContractTerms
	Unit        string
	Labels      map[string]string // household → label
	Errors      formErrors
	Forms       []string
	Methods     []string
	Events      []string
	Steps       []string
	Standards   refs
	Grading     []*contractsv1.GradingRule
	Lots        []*contractsv1.DeliveryLot
	Items       []*contractsv1.InputItem
	DisplayName string
}

func (c *Console) editTerms(q *rq) error {
	ct, err := c.b.con.GetContract(q.ctx, &contractsv1.GetContractRequest{Name: contractName(q.r)})
	if err != nil {
		return err
	}
	var fe formErrors
	if res, err := c.b.con.ValidateContract(q.ctx, &contractsv1.ValidateContractRequest{Name: ct.GetName()}); err == nil {
		for _, v := range res.GetViolations() {
			fe.add(sectionOf(v.GetField()), v.GetRuleId()+": "+v.GetMessageVi())
		}
	}
	return c.renderTerms(q, http.StatusOK, ct, ct.GetTerms(), ct.GetDisplayName(), fe)
}

func sectionOf(field string) string { return sectionIn(termsSections, field) }

// sectionIn is the form section sections gives the longest path that field lies under ("" when
// none does).
func sectionIn(sections map[string]string, field string) string {
	best, target := "", ""
	for k, v := range sections {
		if (field == k || strings.HasPrefix(field, k+".") || strings.HasPrefix(field, k+"[")) && len(k) > len(best) {
			best, target = k, v
		}
	}
	return target
}

func (c *Console) renderTerms(q *rq, code int, ct *contractsv1.Contract, t *contractsv1.ContractTerms, displayName string, fe formErrors) error {
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	v := termsView{C: ct, T: t, Errors: fe, Standards: refs, DisplayName: displayName, Labels: map[string]string{},
		Forms:   []string{"LINKAGE_FORM_PURCHASE_ONLY", "LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE", "LINKAGE_FORM_FULL_CHAIN", "LINKAGE_FORM_SERVICES_AND_PURCHASE"},
		Methods: []string{"PAYMENT_METHOD_BANK_TRANSFER", "PAYMENT_METHOD_CASH", "PAYMENT_METHOD_MOBILE_MONEY"},
		Events:  []string{"FORCE_MAJEURE_EVENT_NATURAL_DISASTER", "FORCE_MAJEURE_EVENT_EPIDEMIC", "FORCE_MAJEURE_EVENT_EXTREME_WEATHER", "FORCE_MAJEURE_EVENT_FIRE", "FORCE_MAJEURE_EVENT_POLICY_CHANGE"},
		Steps:   []string{"DISPUTE_STEP_NEGOTIATION", "DISPUTE_STEP_COMMUNE_MEDIATION", "DISPUTE_STEP_COURT", "DISPUTE_STEP_ARBITRATION"},
	}
	if p := refs.Products[t.GetProduct()]; p != nil {
		v.Unit = p.GetUnit()
	}
	households := map[string]*registryv1.Household{}
	c.contractHouseholds(q.ctx, q.s, ct.GetName(), t, households)
	for _, a := range t.GetAllocations() {
		v.Labels[a.GetHousehold()] = allocRow{A: a, H: households[a.GetHousehold()]}.HouseholdLabel()
	}
	// Two empty rows for new grades, lots and input items.
	v.Grading = append(append([]*contractsv1.GradingRule{}, t.GetGradingRules()...), &contractsv1.GradingRule{}, &contractsv1.GradingRule{})
	v.Lots = append(append([]*contractsv1.DeliveryLot{}, t.GetLots()...), &contractsv1.DeliveryLot{Window: &typesv1.DateWindow{}})
	v.Items = append(append([]*contractsv1.InputItem{}, t.GetInputSupply().GetItems()...), &contractsv1.InputItem{}, &contractsv1.InputItem{})
	q.render(code, "terms", v)
	return nil
}

func (c *Console) saveTerms(q *rq) error {
	ct, err := c.b.con.GetContract(q.ctx, &contractsv1.GetContractRequest{Name: contractName(q.r)})
	if err != nil {
		return err
	}
	var fe formErrors
	t := readTerms(q.r.PostForm, ct.GetTerms(), &fe)
	name := strings.TrimSpace(q.r.PostForm.Get("display_name"))
	if !fe.Any() {
		_, err = c.b.con.UpdateContract(q.ctx, &contractsv1.UpdateContractRequest{
			Contract:   &contractsv1.Contract{Name: ct.GetName(), Etag: q.r.PostForm.Get("etag"), DisplayName: name, Terms: t},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name", "terms"}},
		})
		if err == nil {
			return q.redirect(BasePath+"/"+ct.GetName(), "saved")
		}
		fe = fromAPI(err, termsSections)
	}
	return c.renderTerms(q, http.StatusUnprocessableEntity, ct, t, name, fe)
}

// readTerms reads the form over the current terms: the parties, the product and the
// households stay as they are.
func readTerms(f url.Values, cur *contractsv1.ContractTerms, fe *formErrors) *contractsv1.ContractTerms {
	n := numbers{fe}
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	t := proto.Clone(cur).(*contractsv1.ContractTerms)
	t.LinkageForm = contractsv1.LinkageForm(contractsv1.LinkageForm_value[g("linkage_form")])
	t.QualityStandard = g("standard")
	t.TotalQuantity = n.amount("quantity", g("total_quantity"), true)
	t.ToleranceBps = n.percent("quantity", g("tolerance"))
	t.GradingRules = nil
	for i := 0; f.Has(fmt.Sprintf("grade-%d", i)); i++ {
		if gr := g(fmt.Sprintf("grade-%d", i)); gr != "" {
			t.GradingRules = append(t.GradingRules, &contractsv1.GradingRule{Grade: gr, Criteria: g(fmt.Sprintf("criteria-%d", i)), PriceAdjustmentBps: n.percent("grading", g(fmt.Sprintf("adjust-%d", i)))})
		}
	}
	for i, a := range t.GetAllocations() {
		a.Quantity = n.amount("allocations", g(fmt.Sprintf("alloc-qty-%d", i)), true)
		a.AreaM2 = n.amount("allocations", g(fmt.Sprintf("alloc-area-%d", i)), false)
		a.Mandate = nil
		if ref := g(fmt.Sprintf("mandate-ref-%d", i)); ref != "" {
			a.Mandate = &contractsv1.Mandate{Reference: ref, Date: n.date("allocations", g(fmt.Sprintf("mandate-date-%d", i)))}
		}
	}
	t.Lots = nil
	for i := 0; f.Has(fmt.Sprintf("lot-id-%d", i)); i++ {
		if id := g(fmt.Sprintf("lot-id-%d", i)); id != "" {
			t.Lots = append(t.Lots, &contractsv1.DeliveryLot{Id: id, Place: g(fmt.Sprintf("lot-place-%d", i)), Quantity: n.amount("lots", g(fmt.Sprintf("lot-qty-%d", i)), true),
				Window: &typesv1.DateWindow{StartDate: n.date("lots", g(fmt.Sprintf("lot-start-%d", i))), EndDate: n.date("lots", g(fmt.Sprintf("lot-end-%d", i)))}})
		}
	}
	t.PriceTerms = priceTerms(numbers{fe}, g("price_type"), g("price"), g("floor"), g("reference"), g("premium"), g("cost"), g("margin"))
	t.PaymentTerms = &contractsv1.PaymentTerms{DaysAfterDelivery: int32(n.amount("payment", g("pay_days"), false)), Method: contractsv1.PaymentMethod(contractsv1.PaymentMethod_value[g("pay_method")])}
	t.InputSupply = readInputs(f, n)
	t.Obligations = &contractsv1.Obligations{Buyer: lines(f.Get("obl_buyer")), Producer: lines(f.Get("obl_producer")), Households: lines(f.Get("obl_households"))}
	t.Breach = &contractsv1.BreachClause{PenaltyBps: n.percent("breach", g("penalty")), Damages: g("damages")}
	t.ForceMajeureEvents = nil
	for _, e := range f["force_majeure"] {
		t.ForceMajeureEvents = append(t.ForceMajeureEvents, contractsv1.ForceMajeureEvent(contractsv1.ForceMajeureEvent_value[e]))
	}
	t.DisputeResolution = &contractsv1.DisputeResolution{}
	for _, s := range f["dispute"] {
		t.DisputeResolution.Steps = append(t.DisputeResolution.Steps, contractsv1.DisputeStep(contractsv1.DisputeStep_value[s]))
	}
	t.Period = &typesv1.DateWindow{StartDate: n.date("period", g("period_start")), EndDate: n.date("period", g("period_end"))}
	t.Seasons = nil
	for _, s := range strings.Split(g("seasons"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			t.Seasons = append(t.Seasons, s)
		}
	}
	return t
}

func readInputs(f url.Values, n numbers) *contractsv1.InputSupply {
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	in := &contractsv1.InputSupply{RecoveredAtSettlement: f.Get("inputs_recovered") == "on", InterestRateBps: n.percent("inputs", g("inputs_interest"))}
	for i := 0; f.Has(fmt.Sprintf("item-desc-%d", i)); i++ {
		if d := g(fmt.Sprintf("item-desc-%d", i)); d != "" {
			in.Items = append(in.Items, &contractsv1.InputItem{Description: d, Unit: g(fmt.Sprintf("item-unit-%d", i)),
				Quantity: n.amount("inputs", g(fmt.Sprintf("item-qty-%d", i)), false), ValueVnd: n.amount("inputs", g(fmt.Sprintf("item-value-%d", i)), false)})
		}
	}
	if len(in.Items) == 0 && !in.RecoveredAtSettlement && in.InterestRateBps == 0 {
		return nil
	}
	return in
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

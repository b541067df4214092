package console

import (
	"fmt"
	"net/http"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

// Lists of contracts: every role sees what the contracts service lets it see (its own, its
// commune's, its province's); the official's inbox is the same list filtered to contracts
// awaiting witness.

type contractRow struct {
	C                *contractsv1.Contract
	Product          string
	Unit             string
	Households       int
	Buyer, Producer  string
	HasMandates      bool
	AwaitingMyAction bool
}

type contractsView struct {
	Title  string
	Intro  string
	Rows   []contractRow
	Next   string
	Filter string
	States []string
	Empty  string
}

// stateFilters are the states a list can be narrowed to.
var stateFilters = []string{"CONTRACT_STATE_DRAFT", "CONTRACT_STATE_PENDING_SIGNATURES", "CONTRACT_STATE_PENDING_WITNESS", "CONTRACT_STATE_ACTIVE", "CONTRACT_STATE_COMPLETED", "CONTRACT_STATE_LIQUIDATED", "CONTRACT_STATE_WITNESS_REJECTED", "CONTRACT_STATE_SUSPENDED"}

func (c *Console) listContracts(q *rq, filter, title, intro, empty string) error {
	res, err := c.b.con.ListContracts(q.ctx, &contractsv1.ListContractsRequest{PageSize: 50, PageToken: q.r.URL.Query().Get("page"), Filter: filter})
	if err != nil {
		return err
	}
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	orgs := c.orgNames(q, res.GetContracts())
	v := contractsView{Title: title, Intro: intro, Next: res.GetNextPageToken(), Empty: empty, States: stateFilters, Filter: q.r.URL.Query().Get("state")}
	for _, ct := range res.GetContracts() {
		t := ct.GetTerms()
		row := contractRow{C: ct, Households: len(t.GetAllocations()), Buyer: orgs[t.GetBuyer()], Producer: orgs[t.GetProducer()]}
		if p := refs.Products[t.GetProduct()]; p != nil {
			row.Product, row.Unit = p.GetNameVi(), p.GetUnit()
			if q.lang == "en" {
				row.Product = p.GetNameEn()
			}
		}
		v.Rows = append(v.Rows, row)
	}
	q.render(http.StatusOK, "contracts", v)
	return nil
}

// orgNames names the organisations of a page of contracts: one call per distinct
// organisation (a page names few), made at once.
func (c *Console) orgNames(q *rq, cs []*contractsv1.Contract) map[string]string {
	names := map[string]string{}
	for _, ct := range cs {
		names[ct.GetTerms().GetBuyer()], names[ct.GetTerms().GetProducer()] = "", ""
	}
	c.fillOrgNames(q, names)
	return names
}

func (c *Console) contracts(q *rq) error {
	filter := ""
	if st := q.r.URL.Query().Get("state"); st != "" {
		filter = fmt.Sprintf("state = %q", st)
	}
	return c.listContracts(q, filter, "Hợp đồng", "", "Chưa có hợp đồng nào.")
}

func (c *Console) inbox(q *rq) error {
	return c.listContracts(q, `state = "CONTRACT_STATE_PENDING_WITNESS"`, "Chờ chứng thực",
		"Các hợp đồng của tổ chức sản xuất trong xã đã được các bên ký, đang chờ UBND xã chứng thực.", "Không có hợp đồng nào đang chờ chứng thực.")
}

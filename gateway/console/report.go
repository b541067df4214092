package console

import (
	"net/http"
	"sort"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

// The province official's overview: the province's contracts by state and by commune, with
// households and contracted quantities (read-only; everything comes from the contracts the
// service lets the official see).

type reportLine struct {
	Key        string
	Label      string
	Contracts  int
	Households int
	Quantity   map[string]int64 // by unit
}

type reportView struct {
	ByState   []reportLine
	ByCommune []reportLine
	Total     reportLine
	Truncated bool
}

const maxReportContracts = 5000

func (c *Console) report(q *rq) error {
	refs, err := c.b.refs(q.ctx)
	if err != nil {
		return err
	}
	states, communes := map[string]*reportLine{}, map[string]*reportLine{}
	total := reportLine{Label: "Tổng", Quantity: map[string]int64{}}
	n, truncated := 0, false
	add := func(m map[string]*reportLine, key, label string, ct *contractsv1.Contract, unit string) {
		l := m[key]
		if l == nil {
			l = &reportLine{Key: key, Label: label, Quantity: map[string]int64{}}
			m[key] = l
		}
		l.Contracts++
		l.Households += len(ct.GetTerms().GetAllocations())
		l.Quantity[unit] += ct.GetTerms().GetTotalQuantity()
	}
	for tok := ""; ; {
		res, err := c.b.con.ListContracts(q.ctx, &contractsv1.ListContractsRequest{PageSize: 500, PageToken: tok})
		if err != nil {
			return err
		}
		for _, ct := range res.GetContracts() {
			unit := ""
			if p := refs.Products[ct.GetTerms().GetProduct()]; p != nil {
				unit = p.GetUnit()
			}
			add(states, ct.GetState().String(), ct.GetState().String(), ct, unit)
			commune := ct.GetProducerCommuneCode()
			label := commune
			if a := c.b.area(q.ctx, commune); a != nil {
				label = a.GetDisplayName()
			}
			add(communes, commune, label, ct, unit)
			total.Contracts++
			total.Households += len(ct.GetTerms().GetAllocations())
			total.Quantity[unit] += ct.GetTerms().GetTotalQuantity()
			n++
		}
		if tok = res.GetNextPageToken(); tok == "" {
			break
		}
		if n >= maxReportContracts {
			truncated = true
			break
		}
	}
	v := reportView{Total: total, Truncated: truncated, ByState: sorted(states), ByCommune: sorted(communes)}
	q.render(http.StatusOK, "report", v)
	return nil
}

func sorted(m map[string]*reportLine) []reportLine {
	out := make([]reportLine, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

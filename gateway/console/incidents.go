package console

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

// Incidents under a contract: parties report them (force majeure, side selling, refusal to
// buy, late payment, quality disputes); the commune verifies force-majeure claims, mediates
// and resolves disputes.

type incidentForm struct{ Kind, Description, Event, BreachingParty, Value string }

type incidentsView struct {
	execBase
	Incidents []*contractsv1.Incident
	Form      incidentForm
	Kinds     []string
	Events    []string
	Official  bool
}

func (c *Console) incidents(q *rq) error {
	return c.renderIncidents(q, http.StatusOK, incidentForm{Kind: "KIND_FORCE_MAJEURE"}, formErrors{})
}

func (c *Console) renderIncidents(q *rq, code int, f incidentForm, fe formErrors) error {
	b, err := c.execBase(q)
	if err != nil {
		return err
	}
	b.Errors = fe
	res, err := c.b.con.ListIncidents(q.ctx, &contractsv1.ListIncidentsRequest{Parent: b.C.GetName(), PageSize: 500})
	if err != nil {
		return err
	}
	q.render(code, "incidents", incidentsView{execBase: b, Incidents: res.GetIncidents(), Form: f, Official: q.s.Role == "commune_official",
		Kinds:  []string{"KIND_FORCE_MAJEURE", "KIND_SIDE_SELLING", "KIND_REFUSAL_TO_BUY", "KIND_LATE_PAYMENT", "KIND_QUALITY_DISPUTE"},
		Events: []string{"FORCE_MAJEURE_EVENT_NATURAL_DISASTER", "FORCE_MAJEURE_EVENT_EPIDEMIC", "FORCE_MAJEURE_EVENT_EXTREME_WEATHER", "FORCE_MAJEURE_EVENT_FIRE", "FORCE_MAJEURE_EVENT_POLICY_CHANGE"}})
	return nil
}

var incidentFields = map[string]string{
	"incident.kind": "kind", "incident.description": "description", "incident.force_majeure_event": "event",
	"incident.breaching_party": "breaching_party", "incident.breached_value_vnd": "value",
}

func (c *Console) openIncident(q *rq) error {
	pf := q.r.PostForm
	g := func(k string) string { return strings.TrimSpace(pf.Get(k)) }
	f := incidentForm{Kind: g("kind"), Description: g("description"), Event: g("event"), BreachingParty: g("breaching_party"), Value: g("value")}
	var fe formErrors
	n := numbers{&fe}
	in := &contractsv1.Incident{Kind: contractsv1.Incident_Kind(contractsv1.Incident_Kind_value[f.Kind]), Description: f.Description,
		BreachingParty: f.BreachingParty, BreachedValueVnd: n.amount("value", f.Value, false), AffectedLots: pf["lots"], AffectedHouseholds: pf["households"],
		SuspendContract: pf.Get("suspend") == "on"}
	if in.Kind == contractsv1.Incident_KIND_FORCE_MAJEURE {
		in.ForceMajeureEvent = contractsv1.ForceMajeureEvent(contractsv1.ForceMajeureEvent_value[f.Event])
		in.BreachingParty = ""
	}
	if !fe.Any() {
		_, err := c.b.con.CreateIncident(q.ctx, &contractsv1.CreateIncidentRequest{Parent: contractName(q.r), Incident: in, RequestId: pf.Get("request_id")})
		if err == nil {
			return q.redirect(BasePath+"/"+contractName(q.r)+"/incidents", "incident")
		}
		fe = fromAPI(err, incidentFields)
	}
	return c.renderIncidents(q, http.StatusUnprocessableEntity, f, fe)
}

func (c *Console) incidentAction(q *rq) error {
	name := contractName(q.r) + "/incidents/" + q.r.PathValue("i")
	pf := q.r.PostForm
	etag, rid, note := pf.Get("etag"), pf.Get("request_id"), strings.TrimSpace(pf.Get("note"))
	var err error
	ok := ""
	switch q.r.PathValue("action") {
	case "verify":
		_, err = c.b.con.VerifyIncident(q.ctx, &contractsv1.VerifyIncidentRequest{Name: name, Accept: pf.Get("accept") == "yes", Note: note, Etag: etag, RequestId: rid})
		ok = "verified"
	case "mediate":
		_, err = c.b.con.MediateIncident(q.ctx, &contractsv1.MediateIncidentRequest{Name: name, Note: note, Etag: etag, RequestId: rid})
		ok = "mediation"
	case "resolve":
		_, err = c.b.con.ResolveIncident(q.ctx, &contractsv1.ResolveIncidentRequest{Name: name, Outcome: note, BreachUpheld: pf.Get("upheld") == "on", Etag: etag, RequestId: rid})
		ok = "resolved"
	default:
		return errNotFound
	}
	if err != nil {
		field := "note-" + q.r.PathValue("i")
		return c.renderIncidents(q, http.StatusUnprocessableEntity, incidentForm{Kind: "KIND_FORCE_MAJEURE"}, fromAPI(err, map[string]string{"note": field, "outcome": field}))
	}
	return q.redirect(BasePath+"/"+contractName(q.r)+"/incidents", ok)
}

// communeIncident is an open incident of one of the commune's contracts.
type communeIncident struct {
	C *contractsv1.Contract
	I *contractsv1.Incident
}

type communeIncidentsView struct {
	Items     []communeIncident
	Contracts int
	Truncated bool
}

// maxIncidentContracts bounds the contracts whose incidents the commune's list reads (the API
// lists incidents per contract).
const maxIncidentContracts = 100

// communeIncidents lists the open incidents of the commune's active and suspended contracts:
// one listing of contracts, then one listing of incidents per contract, at once.
func (c *Console) communeIncidents(q *rq) error {
	var cs []*contractsv1.Contract
	truncated := false
	for _, st := range []string{"CONTRACT_STATE_ACTIVE", "CONTRACT_STATE_SUSPENDED"} {
		res, err := c.b.con.ListContracts(q.ctx, &contractsv1.ListContractsRequest{PageSize: maxIncidentContracts, Filter: fmt.Sprintf("state = %q", st)})
		if err != nil {
			return err
		}
		cs = append(cs, res.GetContracts()...)
		truncated = truncated || res.GetNextPageToken() != ""
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var items []communeIncident
	for _, ct := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.b.con.ListIncidents(q.ctx, &contractsv1.ListIncidentsRequest{Parent: ct.GetName(), PageSize: 100, Filter: `state != "STATE_RESOLVED"`})
			if err != nil {
				return
			}
			mu.Lock()
			for _, in := range res.GetIncidents() {
				items = append(items, communeIncident{C: ct, I: in})
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(items, func(i, j int) bool {
		return items[i].I.GetCreateTime().AsTime().Before(items[j].I.GetCreateTime().AsTime())
	})
	q.render(http.StatusOK, "commune_incidents", communeIncidentsView{Items: items, Contracts: len(cs), Truncated: truncated})
	return nil
}

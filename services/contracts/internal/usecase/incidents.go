package usecase

import (
	"context"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// ReportIncident records an incident reported by the buyer or the producer.
func (s *Service) ReportIncident(ctx context.Context, p auth.Principal, parent, requestID string, in *domain.IncidentInput) (*domain.Incident, error) {
	c, err := s.loadFor(ctx, p, "parent", parent, mayEdit, "incidents are reported by the buyer or the producer")
	if err != nil {
		return nil, err
	}
	if err := checkBody(requestID, "incident", in, c.CheckIncident); err != nil {
		return nil, err
	}
	if err := c.CanReportIncident(); err != nil {
		return nil, err
	}
	inc := domain.NewIncident(aip.IDForRequest("CreateIncident\x00"+p.Subject+"\x00"+c.ID, requestID), c.ID, *in, p.Subject, s.now().UTC())
	stored, err := s.st.InsertIncident(ctx, inc)
	if err != nil {
		return nil, err
	}
	err = s.appendEvent(ctx, p, c.ID, requestKey("CreateIncident", p, inc.ID), nil, domain.EventIncidentOpened, map[string]any{"incident": inc.ID, "kind": inc.Kind})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// loadIncident returns an incident of a contract the caller may see, with the contract.
func (s *Service) loadIncident(ctx context.Context, p auth.Principal, name string) (*domain.Contract, *domain.Incident, error) {
	return loadRecord(ctx, s, p, name, "incidents", s.st.GetIncident, func(i *domain.Incident, c *domain.Contract) bool { return i.Contract == c.ID })
}

// GetIncident returns an incident.
func (s *Service) GetIncident(ctx context.Context, p auth.Principal, name string) (*domain.Incident, error) {
	_, i, err := s.loadIncident(ctx, p, name)
	return i, err
}

// ListIncidents lists a contract's incidents. Filters: kind, state.
func (s *Service) ListIncidents(ctx context.Context, p auth.Principal, parent string, q ListQuery) (Page[domain.Incident], error) {
	_, page, err := listRecords(ctx, s, p, parent, q, listing[domain.Incident]{
		fields: storage.IncidentFilterFields(), value: func(c aip.Condition) string { return enumValue(c.Value, "KIND_", "STATE_") },
		scope: func(_ auth.Principal, cs []aip.Condition) string { return "incidents\x00" + aip.String(cs) },
		list:  s.st.ListIncidents, key: func(i *domain.Incident) string { return i.ID },
	})
	return page, err
}

// incidentChange is a change of an incident and, in the same conditional write as its audit
// event, of its contract.
type incidentChange struct {
	event    string
	incident func(*domain.Incident) error
	contract func(*domain.Contract) error // nil: the contract does not change
}

// updateIncident stores an incident change (etag-checked, idempotent under the request id)
// and logs it on the contract. The contract change (suspension, excused lots) and the audit
// event come first: if the contract cannot change, the incident does not either.
func (s *Service) updateIncident(ctx context.Context, p auth.Principal, c *domain.Contract, i *domain.Incident, t Target, ch incidentChange) (*domain.Incident, error) {
	name := domain.ContractName(c.ID) + "/incidents/" + i.ID
	if err := aip.CheckEtag("etag", t.Etag, i.Version, name); err != nil {
		return nil, err
	}
	key := requestKey(ch.event, p, t.RequestID)
	if key != "" && c.SeenRequest(key) {
		return i, nil
	}
	prev := i.Version
	if err := ch.incident(i); err != nil {
		return nil, err
	}
	i.Version, i.UpdateTime = prev+1, s.now().UTC()
	payload := map[string]any{"incident": i.ID, "state": i.State, "verification": i.Verification, "penalty_vnd": i.PenaltyVND, "outcome": i.Outcome}
	_, err := s.commit(ctx, p, c.ID, change{key: key, apply: func(c *domain.Contract) (string, any, error) {
		if ch.contract == nil {
			return ch.event, payload, nil
		}
		return ch.event, payload, ch.contract(c)
	}})
	if err != nil {
		return nil, err
	}
	ok, err := s.st.ReplaceIncident(ctx, i, prev)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.EtagMismatch(name)
	}
	// The incident changed after its event was flushed: its contract's report rollup is stale.
	if err := s.st.MarkReport(ctx, c.ID); err != nil {
		return nil, err
	}
	return i, nil
}

// VerifyIncident: the producer's commune accepts or rejects a force-majeure claim. Accepted,
// the contract is suspended (when the claim asks for it) or the affected lots are excused.
func (s *Service) VerifyIncident(ctx context.Context, p auth.Principal, t Target, accept bool, note string) (*domain.Incident, error) {
	c, i, err := s.loadIncident(ctx, p, t.Name)
	if err != nil {
		return nil, err
	}
	if err := officialOf(p, c); err != nil {
		return nil, err
	}
	var v apierr.Violations
	v.Text("note", note, false, domain.MaxText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := i.CanVerify(); err != nil {
		return nil, err
	}
	ch := incidentChange{event: domain.EventIncidentVerified, incident: func(i *domain.Incident) error { i.Verify(accept, note); return nil }}
	if accept {
		claim := *i
		ch.contract = func(c *domain.Contract) error { return c.AcceptForceMajeure(&claim) }
	}
	out, err := s.updateIncident(ctx, p, c, i, t, ch)
	if err != nil {
		return nil, err
	}
	if accept && !i.SuspendContract { // excused lots may complete the contract
		if cur, err := s.st.GetContract(ctx, c.ID); err == nil && cur != nil {
			if err := s.maybeComplete(ctx, p, cur); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// MediateIncident: the producer's commune takes an OPEN incident to mediation.
func (s *Service) MediateIncident(ctx context.Context, p auth.Principal, t Target) (*domain.Incident, error) {
	c, i, err := s.loadIncident(ctx, p, t.Name)
	if err != nil {
		return nil, err
	}
	if err := officialOf(p, c); err != nil {
		return nil, err
	}
	if err := i.CanMediate(); err != nil {
		return nil, err
	}
	return s.updateIncident(ctx, p, c, i, t, incidentChange{event: domain.EventIncidentMediation, incident: func(i *domain.Incident) error { i.Mediate(); return nil }})
}

// ResolveIncident: the commune closes a mediation, or the parties (or the commune) settle an
// OPEN incident by negotiation; an upheld breach carries the clause's penalty (capped at 8%).
func (s *Service) ResolveIncident(ctx context.Context, p auth.Principal, t Target, outcome string, upheld bool) (*domain.Incident, error) {
	c, i, err := s.loadIncident(ctx, p, t.Name)
	if err != nil {
		return nil, err
	}
	if err := domain.ReasonError("outcome", outcome); err != nil {
		return nil, err
	}
	if err := i.CheckResolvableState(); err != nil {
		return nil, err
	}
	if err := mayResolve(p, c, i); err != nil {
		return nil, err
	}
	if err := i.CheckResolvableKind(); err != nil {
		return nil, err
	}
	return s.updateIncident(ctx, p, c, i, t, incidentChange{event: domain.EventIncidentResolved, incident: func(i *domain.Incident) error {
		return i.Resolve(outcome, upheld, c.Terms.Breach.PenaltyBps)
	}})
}

// mayResolve: the commune closes a mediation; an OPEN incident is settled by the parties or
// the commune.
func mayResolve(p auth.Principal, c *domain.Contract, i *domain.Incident) error {
	if i.State == domain.IncidentMediation {
		return officialOf(p, c)
	}
	if !mayEdit(p, c) && officialOf(p, c) != nil {
		return apierr.PermissionDenied("the parties, or the commune, resolve an incident")
	}
	return nil
}

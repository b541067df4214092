package usecase

import (
	"context"
	"strconv"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateContract opens a DRAFT between its buyer and producer; the caller must be one of them
// (or an operator, or the matchmaking service on a proposal's acceptance). The same request id
// returns the first result.
func (s *Service) CreateContract(ctx context.Context, p auth.Principal, requestID string, in *domain.NewContract) (*domain.Contract, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if in == nil {
		v.Add("contract", "REQUIRED", "is required")
		return nil, v.Err()
	}
	s.books.CheckNewContract(&v, in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !mayOpen(p, in.Terms) {
		return nil, apierr.PermissionDenied("only the buyer or the producer may open a contract between them")
	}
	f, err := s.registry.Facts(ctx, in.Terms)
	if err != nil {
		return nil, err
	}
	id := aip.IDForRequest("CreateContract\x00"+p.Subject, requestID)
	// Before the contract is written, so that no contract exists whose parties the registry
	// does not know (a retry records them again).
	if err := s.registry.RecordParties(ctx, domain.ContractName(id), in.Terms.Parties()); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c := &domain.Contract{
		ID: id, DisplayName: in.DisplayName,
		Rulebook: in.Rulebook, State: domain.StateDraft, CreateTime: now, UpdateTime: now, Version: 1,
	}
	c.SetTerms(in.Terms)
	c.SetProducerArea(f)
	c.SetProfiles(f)
	c.Append(domain.EventContractCreated, p.Subject, string(p.Role), map[string]any{"terms_hash": c.TermsHash, "rulebook": in.Rulebook}, now)
	stored, created, err := s.st.CreateContract(ctx, c)
	if err != nil {
		return nil, err
	}
	if created {
		s.appended(ctx, domain.EventContractCreated)
	}
	return stored, nil
}

// GetContract returns a contract the caller may see.
func (s *Service) GetContract(ctx context.Context, p auth.Principal, name string) (*domain.Contract, error) {
	return s.load(ctx, p, "name", name)
}

// ListContracts lists the contracts the caller may see. Filters: state, buyer, producer,
// product, witness_authority, commune_code.
func (s *Service) ListContracts(ctx context.Context, p auth.Principal, q ListQuery) (Page[domain.Contract], error) {
	cs, err := aip.ParseFilterFields(q.Filter, storage.ContractFilterFields()...)
	if err != nil {
		return Page[domain.Contract]{}, err
	}
	vis, ok := visibility(p)
	if !ok {
		return Page[domain.Contract]{}, apierr.PermissionDenied("role " + string(p.Role) + " may not list contracts")
	}
	if vis.By == storage.VisibleAll {
		if err := aip.RequireEquality(cs, "state", "buyer", "producer", "product", "witness_authority", "commune_code"); err != nil {
			return Page[domain.Contract]{}, err
		}
	}
	for i := range cs {
		if cs[i].Field == "state" {
			cs[i].Value = enumValue(cs[i].Value, "CONTRACT_STATE_")
		}
	}
	pg, err := newPager(q, "contracts", p.String(), p.Organization, p.AdminArea, aip.String(cs))
	if err != nil {
		return Page[domain.Contract]{}, err
	}
	items, more, err := s.st.ListContracts(ctx, vis, cs, pg.page)
	if err != nil {
		return Page[domain.Contract]{}, err
	}
	return pageOf(pg, items, more, func(c *domain.Contract) string { return c.ID }), nil
}

// UpdateRequest changes the terms, display name or rulebook of a DRAFT or WITNESS_REJECTED
// contract.
type UpdateRequest struct {
	Name   string
	Etag   string
	Update *domain.ContractUpdate
}

// UpdateContract applies an update (the buyer, the producer or an operator; a party changing
// the terms must remain a party).
func (s *Service) UpdateContract(ctx context.Context, p auth.Principal, r UpdateRequest) (*domain.Contract, error) {
	u := r.Update
	if u == nil {
		return nil, apierr.Field("contract", "REQUIRED", "is required")
	}
	var v apierr.Violations
	s.books.CheckUpdate(&v, *u)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var f domain.Facts
	if u.TouchesTerms() {
		var err error
		if f, err = s.registry.Facts(ctx, u.Terms); err != nil {
			return nil, err
		}
		if err := s.registry.RecordParties(ctx, r.Name, u.Terms.Parties()); err != nil {
			return nil, err
		}
	}
	return s.edit(ctx, p, "UpdateContract", Target{Name: r.Name, Etag: r.Etag}, editorOnly(p), func(c *domain.Contract) (string, any, error) {
		if u.TouchesTerms() && !mayOpen(p, u.Terms) {
			return "", nil, apierr.PermissionDenied("you must remain a party of the contract you edit")
		}
		if err := c.Update(*u, f); err != nil {
			return "", nil, err
		}
		if u.TouchesTerms() {
			c.SetProfiles(f)
		}
		return domain.EventContractUpdated, map[string]any{"paths": u.Paths, "terms_hash": c.TermsHash}, nil
	})
}

// Validation is every rule a contract's terms break, under its rulebook's version.
type Validation struct {
	Violations      []domain.Violation
	RulebookVersion string
	// Facts are what the registry said (households' profiles are recorded from them).
	Facts domain.Facts
}

// validate checks terms against rulebook with the registry's facts.
func (s *Service) validate(ctx context.Context, rulebook string, t domain.Terms) (Validation, error) {
	f, err := s.registry.Facts(ctx, t)
	if err != nil {
		return Validation{}, err
	}
	vs, label, err := s.books.Validate(rulebook, t, f)
	if err != nil {
		return Validation{}, apierr.FailedPrecondition("RULEBOOK_UNKNOWN", err.Error(), nil)
	}
	return Validation{Violations: vs, RulebookVersion: label, Facts: f}, nil
}

// ValidateContract reports every violation at once.
func (s *Service) ValidateContract(ctx context.Context, p auth.Principal, name string) (Validation, error) {
	c, err := s.load(ctx, p, "name", name)
	if err != nil {
		return Validation{}, err
	}
	return s.validate(ctx, c.Rulebook, c.Terms)
}

// SubmitContract moves a DRAFT to PENDING_SIGNATURES when every rule passes; else
// FAILED_PRECONDITION RULES_NOT_SATISFIED listing the violations.
func (s *Service) SubmitContract(ctx context.Context, p auth.Principal, t Target) (*domain.Contract, error) {
	cur, err := s.load(ctx, p, "name", t.Name)
	if err != nil {
		return nil, err
	}
	if err := editorOnly(p)(cur); err != nil {
		return nil, err
	}
	val, err := s.validate(ctx, cur.Rulebook, cur.Terms)
	if err != nil {
		return nil, err
	}
	checked := cur.TermsHash
	return s.edit(ctx, p, "SubmitContract", t, editorOnly(p), func(c *domain.Contract) (string, any, error) {
		if c.TermsHash != checked {
			return "", nil, &domain.StateError{Reason: "TERMS_CHANGED", State: c.State, Resource: domain.ContractName(c.ID), Message: "the terms changed while they were being checked; submit again"}
		}
		if err := c.Submit(val.Violations); err != nil {
			return "", nil, err
		}
		c.RulebookVersion = val.RulebookVersion
		c.SetProfiles(val.Facts)
		return domain.EventContractSubmitted, map[string]any{"terms_hash": c.TermsHash, "rulebook_version": val.RulebookVersion}, nil
	})
}

// Signature is a signing request: as which party, for which household, on which terms.
type Signature struct {
	Party     string
	Household string
	TermsHash string
}

// SignContract records the caller's signature (the domain checks its capacity).
func (s *Service) SignContract(ctx context.Context, p auth.Principal, t Target, sig Signature) (*domain.Contract, error) {
	var v apierr.Violations
	domain.CheckSignature(&v, sig.Party, sig.Household, sig.TermsHash)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s.edit(ctx, p, "SignContract", t, anyone, func(c *domain.Contract) (string, any, error) {
		if err := c.Sign(actor(p), sig.Party, sig.Household, sig.TermsHash, s.now()); err != nil {
			return "", nil, err
		}
		return domain.EventContractSigned, map[string]any{"party": sig.Party, "household": sig.Household, "terms_hash": sig.TermsHash, "state": c.State}, nil
	})
}

// WitnessContract records the witness of an official of the producer's commune.
func (s *Service) WitnessContract(ctx context.Context, p auth.Principal, t Target, termsHash string) (*domain.Contract, error) {
	if termsHash == "" {
		return nil, apierr.Field("terms_hash", "REQUIRED", "witness the terms you read: send their terms_hash")
	}
	return s.edit(ctx, p, "WitnessContract", t, officialOnly(p), func(c *domain.Contract) (string, any, error) {
		if err := c.WitnessBy(actor(p), c.Terms.WitnessAuthority, termsHash, s.now()); err != nil {
			return "", nil, err
		}
		return domain.EventContractWitnessed, map[string]any{"terms_hash": termsHash, "authority": c.Terms.WitnessAuthority, "amendment": c.AmendmentCount}, nil
	})
}

// RejectWitness records the commune's refusal to witness, with a reason.
func (s *Service) RejectWitness(ctx context.Context, p auth.Principal, t Target, reason string) (*domain.Contract, error) {
	if err := domain.ReasonError("reason", reason); err != nil {
		return nil, err
	}
	return s.edit(ctx, p, "RejectWitnessContract", t, officialOnly(p), func(c *domain.Contract) (string, any, error) {
		if err := c.RejectWitness(actor(p), c.Terms.WitnessAuthority, reason, s.now()); err != nil {
			return "", nil, err
		}
		return domain.EventWitnessRejected, map[string]any{"reason": reason}, nil
	})
}

// CancelContract ends a contract that has not become active (a party, with a reason).
func (s *Service) CancelContract(ctx context.Context, p auth.Principal, t Target, reason string) (*domain.Contract, error) {
	return s.end(ctx, p, "CancelContract", t, reason, editorOnly(p), domain.EventContractCancelled, func(c *domain.Contract) error { return c.Cancel(reason) })
}

// ResumeContract ends a force-majeure suspension (the producer's commune, with a reason).
func (s *Service) ResumeContract(ctx context.Context, p auth.Principal, t Target, reason string) (*domain.Contract, error) {
	return s.end(ctx, p, "ResumeContract", t, reason, officialOnly(p), domain.EventContractResumed, func(c *domain.Contract) error { return c.Resume() })
}

// TerminateContract ends an active or suspended contract early (a party, with a reason).
func (s *Service) TerminateContract(ctx context.Context, p auth.Principal, t Target, reason string) (*domain.Contract, error) {
	return s.end(ctx, p, "TerminateContract", t, reason, editorOnly(p), domain.EventContractTerminated, func(c *domain.Contract) error { return c.Terminate(reason) })
}

// end is a state change that needs a reason and records it in its event.
func (s *Service) end(ctx context.Context, p auth.Principal, method string, t Target, reason string, allow func(*domain.Contract) error, event string, transition func(*domain.Contract) error) (*domain.Contract, error) {
	if err := domain.ReasonError("reason", reason); err != nil {
		return nil, err
	}
	return s.edit(ctx, p, method, t, allow, func(c *domain.Contract) (string, any, error) {
		return event, map[string]any{"reason": reason}, transition(c)
	})
}

// AmendContract proposes new terms for an ACTIVE or SUSPENDED contract, checked against its
// rulebook; they take effect once signed and witnessed again.
func (s *Service) AmendContract(ctx context.Context, p auth.Principal, t Target, terms domain.Terms, reason string) (*domain.Contract, error) {
	var v apierr.Violations
	domain.CheckReason(&v, "reason", reason)
	if err := v.Err(); err != nil {
		return nil, err
	}
	domain.CheckInput(&v, "terms", terms)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cur, err := s.load(ctx, p, "name", t.Name)
	if err != nil {
		return nil, err
	}
	if err := editorOnly(p)(cur); err != nil {
		return nil, err // authorise before saying anything about the proposed terms
	}
	val, err := s.validate(ctx, cur.Rulebook, terms)
	if err != nil {
		return nil, err
	}
	if len(val.Violations) > 0 {
		return nil, domain.RulesError(val.Violations)
	}
	// The parties before and after: a household leaving by amendment was a party all the same.
	if err := s.registry.RecordParties(ctx, t.Name, domain.UnionParties(cur.Terms, terms)); err != nil {
		return nil, err
	}
	return s.edit(ctx, p, "AmendContract", t, editorOnly(p), func(c *domain.Contract) (string, any, error) {
		if err := c.Amend(terms, reason, s.now()); err != nil {
			return "", nil, err
		}
		c.SetProfiles(val.Facts)
		return domain.EventAmendmentProposed, map[string]any{"number": c.PendingAmendment.Number, "terms_hash": c.PendingAmendment.TermsHash, "reason": reason}, nil
	})
}

// AcknowledgeSettlement records the buyer's or producer's acknowledgement of the final
// settlement of a COMPLETED contract.
func (s *Service) AcknowledgeSettlement(ctx context.Context, p auth.Principal, t Target) (*domain.Contract, error) {
	return s.edit(ctx, p, "AcknowledgeSettlement", t, editorOnly(p), func(c *domain.Contract) (string, any, error) {
		if err := c.Acknowledge(actor(p)); err != nil {
			return "", nil, err
		}
		return domain.EventSettlementAcknowledge, map[string]any{"organization": p.Organization, "state": c.State}, nil
	})
}

// ListContractEvents pages a contract's audit log, oldest first.
func (s *Service) ListContractEvents(ctx context.Context, p auth.Principal, parent string, q ListQuery) (Page[domain.Event], error) {
	c, err := s.load(ctx, p, "parent", parent)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	pg, err := newPager(q, "events", c.ID)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	var after uint64
	if pg.page.After != "" {
		if after, err = strconv.ParseUint(pg.page.After, 10, 63); err != nil {
			return Page[domain.Event]{}, apierr.Field("page_token", "PAGE_TOKEN", "malformed page token")
		}
	}
	evs, more, err := s.st.ListEvents(ctx, c.ID, int64(after), pg.page.Limit)
	if err != nil {
		return Page[domain.Event]{}, err
	}
	return pageOf(pg, evs, more, func(e *domain.Event) string { return strconv.FormatInt(e.Seq, 10) }), nil
}

// ListRulebooks lists the rulebooks, by id.
func (s *Service) ListRulebooks(context.Context, auth.Principal) []*domain.Rulebook {
	out := make([]*domain.Rulebook, 0, len(s.books))
	for _, id := range s.books.IDs() {
		out = append(out, s.books[id])
	}
	return out
}

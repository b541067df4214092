package transport

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// load returns the contract name refers to if the caller may see it; otherwise NOT_FOUND
// (existence must not leak).
func (s *Server) load(ctx context.Context, p auth.Principal, field, name string) (*domain.Contract, error) {
	ids, err := aip.ParseName(field, name, "contracts")
	if err != nil {
		return nil, err
	}
	c, err := s.st.Get(ctx, ids[0])
	if err != nil {
		return nil, s.fail(ctx, name, err)
	}
	if c == nil || !maySee(p, c) {
		return nil, apierr.NotFound(name)
	}
	return c, nil
}

// caller authenticates the call and loads the contract it is about (NOT_FOUND when the caller
// may not see it); allow, when given, narrows who may act, else PERMISSION_DENIED with denied.
func (s *Server) caller(ctx context.Context, field, name string, allow func(auth.Principal, *domain.Contract) bool, denied string) (auth.Principal, *domain.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return p, nil, err
	}
	c, err := s.load(ctx, p, field, name)
	if err != nil {
		return p, nil, err
	}
	if allow != nil && !allow(p, c) {
		return p, nil, apierr.PermissionDenied(denied)
	}
	return p, c, nil
}

// producerArea records where the producer is, for officials' scope.
func (s *Server) producerArea(c *domain.Contract, f domain.Facts) {
	if f.Producer != nil {
		c.ProducerCommuneCode, c.ProducerProvinceCode = f.Producer.CommuneCode, f.Producer.ProvinceCode
	}
}

// CreateContract implements the RPC: the buyer or the producer (or an operator, or the
// matchmaking service on a proposal's acceptance) opens a DRAFT.
func (s *Server) CreateContract(ctx context.Context, req *contractsv1.CreateContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	in := req.GetContract()
	if in == nil {
		v.Add("contract", "REQUIRED", "is required")
		return nil, v.Err()
	}
	t := termsToDomain(in.GetTerms())
	domain.CheckInput(&v, "contract.terms", t)
	rb := in.GetRulebook()
	if rb == "" {
		rb = "decree98"
	}
	if _, _, ok := s.books.Resolve(rb); !ok {
		v.Add("contract.rulebook", "RULEBOOK_EXISTS", "unknown rulebook %q (known: %s)", rb, strings.Join(s.books.IDs(), ", "))
	}
	if len([]rune(in.GetDisplayName())) > 200 {
		v.Add("contract.display_name", "MAX_LENGTH", "must be at most 200 characters")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if !p.Privileged() && !p.ActsFor(t.Buyer) && !p.ActsFor(t.Producer) {
		return nil, apierr.PermissionDenied("only the buyer or the producer may open a contract between them")
	}
	f, err := s.gatherFacts(ctx, t)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c := &domain.Contract{
		ID: aip.IDForRequest("CreateContract\x00"+p.Subject, req.GetRequestId()), DisplayName: in.GetDisplayName(),
		Rulebook: rb, State: domain.StateDraft, CreateTime: now, UpdateTime: now, Version: 1,
	}
	c.SetTerms(t)
	s.producerArea(c, f)
	c.Append("contract.created", p.Subject, string(p.Role), map[string]any{"terms_hash": c.TermsHash, "rulebook": rb}, now)
	stored, created, err := s.st.Create(ctx, c)
	if err != nil {
		return nil, s.fail(ctx, contractName(c.ID), err)
	}
	if created {
		s.count(ctx, "contract.created")
	}
	return contractToProto(stored), nil
}

// GetContract implements the RPC.
func (s *Server) GetContract(ctx context.Context, req *contractsv1.GetContractRequest) (*contractsv1.Contract, error) {
	_, c, err := s.caller(ctx, "name", req.GetName(), nil, "")
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

var contractFilterFields = map[string]string{
	"state": "state", "buyer": "terms.buyer", "producer": "terms.producer", "product": "terms.product",
	"witness_authority": "terms.witness_authority", "commune_code": "producer_commune_code",
}

// ListContracts implements the RPC; the caller sees only what it may see.
func (s *Server) ListContracts(ctx context.Context, req *contractsv1.ListContractsRequest) (*contractsv1.ListContractsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "state", "buyer", "producer", "product", "witness_authority", "commune_code")
	if err != nil {
		return nil, err
	}
	f, ok := visibleFilter(p)
	if !ok {
		return nil, apierr.PermissionDenied("role " + string(p.Role) + " may not list contracts")
	}
	for _, c := range cs {
		val := c.Value
		if c.Field == "state" {
			val = enumName(val, "CONTRACT_STATE_")
		}
		if c.Op == "!=" {
			f = append(f, bson.E{Key: contractFilterFields[c.Field], Value: bson.D{{Key: "$ne", Value: val}}})
		} else {
			f = append(f, bson.E{Key: contractFilterFields[c.Field], Value: val})
		}
	}
	n, err := aip.PageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	digest := aip.QueryDigest("contracts", p.String(), p.Organization, p.AdminArea, aip.String(cs))
	after, err := aip.DecodePageToken(req.GetPageToken(), digest)
	if err != nil {
		return nil, err
	}
	items, more, err := s.st.Contracts.List(ctx, f, after, n)
	if err != nil {
		return nil, s.fail(ctx, "contracts", err)
	}
	resp := &contractsv1.ListContractsResponse{}
	for i := range items {
		resp.Contracts = append(resp.Contracts, contractToProto(&items[i]))
	}
	if more && len(items) > 0 {
		resp.NextPageToken = aip.EncodePageToken(items[len(items)-1].ID, digest)
	}
	return resp, nil
}

// mutate is the common path of every change: authorise on the current contract, check the
// etag and the idempotency key, apply change, append the audit event, store atomically.
func (s *Server) mutate(ctx context.Context, p auth.Principal, name, etag, method, requestID string,
	allow func(c *domain.Contract) error, change func(c *domain.Contract) (eventType string, payload any, err error)) (*domain.Contract, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	ver, err := aip.ParseEtag("etag", etag)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	if err := allow(c); err != nil {
		return nil, err
	}
	key := ""
	if requestID != "" {
		key = method + "\x00" + p.Subject + "\x00" + requestID
	}
	appended := ""
	out, err := s.st.Mutate(ctx, c.ID, func(c *domain.Contract) error {
		appended = ""
		if key != "" && c.SeenRequest(key) {
			return storage.ErrUnchanged // a retry: return the contract as it is
		}
		if ver != 0 && ver != c.Version {
			return apierr.EtagMismatch(name)
		}
		typ, payload, err := change(c)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		c.UpdateTime = now
		c.RememberRequest(key)
		c.Append(typ, p.Subject, string(p.Role), payload, now)
		appended = typ
		return nil
	})
	if err == domain.ErrAlreadyDone {
		return out, nil
	}
	if err != nil {
		return nil, s.fail(ctx, name, err)
	}
	s.count(ctx, appended)
	return out, nil
}

func (s *Server) requireEditor(p auth.Principal) func(c *domain.Contract) error {
	return func(c *domain.Contract) error {
		if !mayEdit(p, c) {
			return apierr.PermissionDenied("only the buyer, the producer or an operator may do this")
		}
		return nil
	}
}

// UpdateContract implements the RPC (terms of a DRAFT or WITNESS_REJECTED contract).
func (s *Server) UpdateContract(ctx context.Context, req *contractsv1.UpdateContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetContract()
	if in == nil {
		return nil, apierr.Field("contract", "REQUIRED", "is required")
	}
	paths := req.GetUpdateMask().GetPaths()
	var v apierr.Violations
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update (terms, display_name, rulebook)")
	}
	newTerms := termsToDomain(in.GetTerms())
	touchTerms := false
	for _, path := range paths {
		switch {
		case path == "terms" || strings.HasPrefix(path, "terms."):
			touchTerms = true
		case path == "display_name":
			if len([]rune(in.GetDisplayName())) > 200 {
				v.Add("contract.display_name", "MAX_LENGTH", "must be at most 200 characters")
			}
		case path == "rulebook":
			if _, _, ok := s.books.Resolve(in.GetRulebook()); !ok {
				v.Add("contract.rulebook", "RULEBOOK_EXISTS", "unknown rulebook %q", in.GetRulebook())
			}
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "unknown or output-only field %q", path)
		}
	}
	if touchTerms {
		domain.CheckInput(&v, "contract.terms", newTerms)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var facts *domain.Facts
	if touchTerms {
		f, err := s.gatherFacts(ctx, newTerms)
		if err != nil {
			return nil, err
		}
		facts = &f
	}
	c, err := s.mutate(ctx, p, in.GetName(), in.GetEtag(), "UpdateContract", "", s.requireEditor(p), func(c *domain.Contract) (string, any, error) {
		if touchTerms {
			if !p.Privileged() && !p.ActsFor(newTerms.Buyer) && !p.ActsFor(newTerms.Producer) {
				return "", nil, apierr.PermissionDenied("you must remain a party of the contract you edit")
			}
			if err := c.UpdateTerms(newTerms); err != nil {
				return "", nil, err
			}
			s.producerArea(c, *facts)
		} else if !c.Editable() {
			return "", nil, c.UpdateTerms(c.Terms) // reports the state error
		}
		for _, path := range paths {
			switch path {
			case "display_name":
				c.DisplayName = in.GetDisplayName()
			case "rulebook":
				c.Rulebook = in.GetRulebook()
			}
		}
		return "contract.updated", map[string]any{"paths": paths, "terms_hash": c.TermsHash}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

func (s *Server) violations(ctx context.Context, c *domain.Contract) ([]domain.Violation, string, error) {
	f, err := s.gatherFacts(ctx, c.Terms)
	if err != nil {
		return nil, "", err
	}
	vs, label, err := s.books.Validate(c.Rulebook, c.Terms, f)
	if err != nil {
		return nil, "", apierr.FailedPrecondition("RULEBOOK_UNKNOWN", err.Error(), nil)
	}
	return vs, label, nil
}

// ValidateContract implements the RPC: every violation at once.
func (s *Server) ValidateContract(ctx context.Context, req *contractsv1.ValidateContractRequest) (*contractsv1.ValidateContractResponse, error) {
	_, c, err := s.caller(ctx, "name", req.GetName(), nil, "")
	if err != nil {
		return nil, err
	}
	vs, label, err := s.violations(ctx, c)
	if err != nil {
		return nil, err
	}
	resp := &contractsv1.ValidateContractResponse{RulebookVersion: label}
	for _, v := range vs {
		resp.Violations = append(resp.Violations, &contractsv1.RuleViolation{RuleId: v.RuleID, Field: v.Field, MessageVi: v.MessageVI, MessageEn: v.MessageEN})
	}
	return resp, nil
}

// SubmitContract implements the RPC: DRAFT → PENDING_SIGNATURES when every rule passes; else
// FAILED_PRECONDITION with the violations as field violations.
func (s *Server) SubmitContract(ctx context.Context, req *contractsv1.SubmitContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := s.load(ctx, p, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := s.requireEditor(p)(cur); err != nil {
		return nil, err
	}
	vs, label, err := s.violations(ctx, cur)
	if err != nil {
		return nil, err
	}
	checkedHash := cur.TermsHash
	c, err := s.mutate(ctx, p, req.GetName(), req.GetEtag(), "SubmitContract", req.GetRequestId(), s.requireEditor(p), func(c *domain.Contract) (string, any, error) {
		if c.TermsHash != checkedHash {
			return "", nil, &domain.StateError{Reason: "TERMS_CHANGED", State: c.State, Message: "the terms changed while they were being checked; submit again"}
		}
		if len(vs) > 0 && c.Editable() {
			return "", nil, rulesError(vs)
		}
		if err := c.Submit(vs); err != nil {
			return "", nil, err
		}
		c.RulebookVersion = label
		return "contract.submitted", map[string]any{"terms_hash": c.TermsHash, "rulebook_version": label}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// rulesError reports broken rules as FAILED_PRECONDITION with a BadRequest listing rule ids.
func rulesError(vs []domain.Violation) error {
	list := make([]apierr.Violation, len(vs))
	for i, v := range vs {
		list[i] = apierr.Violation{Field: v.Field, Rule: v.RuleID, Message: v.MessageEN}
	}
	return apierr.RuleViolations(list...)
}

// SignContract implements the RPC.
func (s *Server) SignContract(ctx context.Context, req *contractsv1.SignContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	party := enumName(req.GetParty().String(), "PARTY_")
	var v apierr.Violations
	v.Check(party == domain.PartyBuyer || party == domain.PartyProducer || party == domain.PartyHousehold, "party", "ENUM_VALUE", "must be PARTY_BUYER, PARTY_PRODUCER or PARTY_HOUSEHOLD")
	v.Check(req.GetTermsHash() != "", "terms_hash", "REQUIRED", "sign the terms you read: send their terms_hash")
	if party == domain.PartyHousehold {
		v.Check(strings.HasPrefix(req.GetHousehold(), "households/"), "household", "RESOURCE_NAME", "must be households/{household} when signing for a household")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "SignContract", req.GetRequestId(), func(*domain.Contract) error { return nil }, func(c *domain.Contract) (string, any, error) {
		if err := c.Sign(actor(p), party, req.GetHousehold(), req.GetTermsHash(), s.now()); err != nil {
			return "", nil, err
		}
		return "contract.signed", map[string]any{"party": party, "household": req.GetHousehold(), "terms_hash": req.GetTermsHash(), "state": c.State}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// WitnessContract implements the RPC (an official of the producer's commune).
func (s *Server) WitnessContract(ctx context.Context, req *contractsv1.WitnessContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if req.GetTermsHash() == "" {
		return nil, apierr.Field("terms_hash", "REQUIRED", "witness the terms you read: send their terms_hash")
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "WitnessContract", req.GetRequestId(), s.officialOnly(p), func(c *domain.Contract) (string, any, error) {
		if err := c.WitnessBy(actor(p), c.Terms.WitnessAuthority, req.GetTermsHash(), s.now()); err != nil {
			return "", nil, err
		}
		return "contract.witnessed", map[string]any{"terms_hash": req.GetTermsHash(), "authority": c.Terms.WitnessAuthority, "amendment": c.AmendmentCount}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// officialOnly admits only commune officials of the producer's commune (others are denied
// explicitly: they can see that the contract exists only if their scope allows).
func (s *Server) officialOnly(p auth.Principal) func(*domain.Contract) error {
	return func(c *domain.Contract) error { return s.officialOf(p, c) }
}

// RejectWitnessContract implements the RPC.
func (s *Server) RejectWitnessContract(ctx context.Context, req *contractsv1.RejectWitnessContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := reason(req.GetReason()); err != nil {
		return nil, err
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "RejectWitnessContract", req.GetRequestId(), s.officialOnly(p), func(c *domain.Contract) (string, any, error) {
		if err := c.RejectWitness(actor(p), c.Terms.WitnessAuthority, req.GetReason(), s.now()); err != nil {
			return "", nil, err
		}
		return "contract.witness_rejected", map[string]any{"reason": req.GetReason()}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

func reason(r string) error {
	if strings.TrimSpace(r) == "" {
		return apierr.Field("reason", "REQUIRED", "is required")
	}
	if len([]rune(r)) > 2000 {
		return apierr.Field("reason", "MAX_LENGTH", "must be at most 2000 characters")
	}
	return nil
}

// CancelContract implements the RPC.
func (s *Server) CancelContract(ctx context.Context, req *contractsv1.CancelContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := reason(req.GetReason()); err != nil {
		return nil, err
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "CancelContract", req.GetRequestId(), s.requireEditor(p), func(c *domain.Contract) (string, any, error) {
		return "contract.cancelled", map[string]any{"reason": req.GetReason()}, c.Cancel(req.GetReason())
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// AmendContract implements the RPC: new terms for an ACTIVE contract, checked against the
// rulebook, then signed and witnessed again.
func (s *Server) AmendContract(ctx context.Context, req *contractsv1.AmendContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := reason(req.GetReason()); err != nil {
		return nil, err
	}
	t := termsToDomain(req.GetTerms())
	var v apierr.Violations
	domain.CheckInput(&v, "terms", t)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cur, err := s.load(ctx, p, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := s.requireEditor(p)(cur); err != nil {
		return nil, err // authorise before saying anything about the proposed terms
	}
	f, err := s.gatherFacts(ctx, t)
	if err != nil {
		return nil, err
	}
	vs, _, err := s.books.Validate(cur.Rulebook, t, f)
	if err != nil {
		return nil, apierr.FailedPrecondition("RULEBOOK_UNKNOWN", err.Error(), nil)
	}
	if len(vs) > 0 {
		return nil, rulesError(vs)
	}
	c, err := s.mutate(ctx, p, req.GetName(), req.GetEtag(), "AmendContract", req.GetRequestId(), s.requireEditor(p), func(c *domain.Contract) (string, any, error) {
		if err := c.Amend(t, req.GetReason(), s.now()); err != nil {
			return "", nil, err
		}
		return "contract.amendment_proposed", map[string]any{"number": c.PendingAmendment.Number, "terms_hash": c.PendingAmendment.TermsHash, "reason": req.GetReason()}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// ResumeContract implements the RPC: the producer's commune ends a force-majeure suspension.
func (s *Server) ResumeContract(ctx context.Context, req *contractsv1.ResumeContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := reason(req.GetReason()); err != nil {
		return nil, err
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "ResumeContract", req.GetRequestId(), s.officialOnly(p), func(c *domain.Contract) (string, any, error) {
		return "contract.resumed", map[string]any{"reason": req.GetReason()}, c.Resume()
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// TerminateContract implements the RPC.
func (s *Server) TerminateContract(ctx context.Context, req *contractsv1.TerminateContractRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := reason(req.GetReason()); err != nil {
		return nil, err
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "TerminateContract", req.GetRequestId(), s.requireEditor(p), func(c *domain.Contract) (string, any, error) {
		return "contract.terminated", map[string]any{"reason": req.GetReason()}, c.Terminate(req.GetReason())
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// AcknowledgeSettlement implements the RPC.
func (s *Server) AcknowledgeSettlement(ctx context.Context, req *contractsv1.AcknowledgeSettlementRequest) (*contractsv1.Contract, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.mutate(ctx, p, req.GetName(), "", "AcknowledgeSettlement", req.GetRequestId(), s.requireEditor(p), func(c *domain.Contract) (string, any, error) {
		if err := c.Acknowledge(actor(p)); err != nil {
			return "", nil, err
		}
		return "contract.settlement_acknowledged", map[string]any{"organization": p.Organization, "state": c.State}, nil
	})
	if err != nil {
		return nil, err
	}
	return contractToProto(c), nil
}

// ListContractEvents implements the RPC (oldest first).
func (s *Server) ListContractEvents(ctx context.Context, req *contractsv1.ListContractEventsRequest) (*contractsv1.ListContractEventsResponse, error) {
	_, c, err := s.caller(ctx, "parent", req.GetParent(), nil, "")
	if err != nil {
		return nil, err
	}
	n, err := aip.PageSize(req.GetPageSize())
	if err != nil {
		return nil, err
	}
	digest := aip.QueryDigest("events", c.ID)
	afterTok, err := aip.DecodePageToken(req.GetPageToken(), digest)
	if err != nil {
		return nil, err
	}
	var after int64
	for _, ch := range afterTok {
		if ch < '0' || ch > '9' {
			return nil, apierr.Field("page_token", "PAGE_TOKEN", "malformed page token")
		}
		after = after*10 + int64(ch-'0')
	}
	evs, more, err := s.st.ListEvents(ctx, c.ID, after, n)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	resp := &contractsv1.ListContractEventsResponse{}
	for _, e := range evs {
		resp.Events = append(resp.Events, eventToProto(e))
	}
	if more && len(evs) > 0 {
		resp.NextPageToken = aip.EncodePageToken(itoa(evs[len(evs)-1].Seq), digest)
	}
	return resp, nil
}

// ListRulebooks implements the RPC.
func (s *Server) ListRulebooks(ctx context.Context, _ *contractsv1.ListRulebooksRequest) (*contractsv1.ListRulebooksResponse, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	resp := &contractsv1.ListRulebooksResponse{}
	for _, id := range s.books.IDs() {
		rb := s.books[id]
		out := &contractsv1.Rulebook{Id: rb.ID, Version: rb.Version, Base: rb.Base, Title: rb.Title}
		for _, r := range rb.Rules {
			out.RuleIds = append(out.RuleIds, r.ID)
		}
		resp.Rulebooks = append(resp.Rulebooks, out)
	}
	return resp, nil
}

package usecase

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateProposalInput is a buyer's invitation to an offer.
type CreateProposalInput struct {
	// Parent is the demand, demands/{id}.
	Parent, RequestID string
	// Proposal holds the offer, the quantity and the message (nil: missing).
	Proposal *domain.Proposal
}

// CreateProposal invites an offer for a quantity of a demand (the demand's buyer, or an
// operator), holding the offer's capacity and the demand's quantity under the proposal's id
// (conditional updates: never over-reserved). A retry with the same request id gets the first
// proposal.
//
// The offer is held first, then the demand, then the proposal is written. Each step is
// idempotent: a retry resumes an interrupted create, and holds left by a create that never
// finished are released by the reconciler once their grace period is over.
func (u *Service) CreateProposal(ctx context.Context, p auth.Principal, in CreateProposalInput) (*domain.Proposal, error) {
	d, err := u.visibleDemand(ctx, p, "parent", in.Parent)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(d.Buyer) {
		return nil, apierr.PermissionDenied("only the demand's buyer may make proposals")
	}
	o, err := u.checkProposal(ctx, d, in)
	if err != nil {
		return nil, err
	}
	q := in.Proposal.Quantity
	id := aip.IDForRequest("CreateProposal\x00"+p.Subject+"\x00"+d.ID, in.RequestID)
	if existing, err := u.st.GetProposal(ctx, id); err != nil {
		return nil, fmt.Errorf("get proposal: %w", err)
	} else if existing != nil {
		return existing, nil
	}
	now := u.now().UTC()
	if _, err := u.mutateOffer(ctx, o.ID, func(o *domain.Offer) (bool, error) { return o.Hold(id, q, now) }); err != nil {
		return nil, err
	}
	if _, err := u.mutateDemand(ctx, d.ID, func(d *domain.Demand) (bool, error) { return d.Hold(id, q, now) }); err != nil {
		u.release(ctx, domain.OfferName(o.ID), id)
		return nil, err
	}
	pr := &domain.Proposal{ID: id, Demand: in.Parent, Offer: in.Proposal.Offer, Buyer: d.Buyer, Producer: o.Producer, Quantity: q,
		Message: in.Proposal.Message, State: domain.ProposalPending, CreateTime: now, UpdateTime: now, Version: 1}
	pr.Notify(now) // proposal.created, written with the proposal
	// A concurrent retry may have written it first: same id, same holds, nothing to undo.
	stored, err := u.st.InsertProposal(ctx, pr)
	if err != nil {
		return nil, fmt.Errorf("insert proposal: %w", err)
	}
	return stored, nil
}

// checkProposal validates a proposal for demand d and returns the offer it invites, which
// must exist and be for the demand's product.
func (u *Service) checkProposal(ctx context.Context, d *domain.Demand, in CreateProposalInput) (*domain.Offer, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", in.RequestID)
	if in.Proposal == nil {
		v.Add("proposal", "REQUIRED", "is required")
		return nil, v.Err()
	}
	domain.ValidateProposal(&v, in.Proposal.Quantity, in.Proposal.Message)
	if err := v.Err(); err != nil {
		return nil, err
	}
	o, err := u.findOffer(ctx, "proposal.offer", in.Proposal.Offer)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, apierr.Field("proposal.offer", "OFFER_EXISTS", "%s does not exist", in.Proposal.Offer)
	}
	if o.Product != d.Product {
		return nil, apierr.Field("proposal.offer", "PRODUCT_MATCH", "the offer is for %s, the demand for %s", o.Product, d.Product)
	}
	return o, nil
}

// getProposal loads the proposal of resource name.
func (u *Service) getProposal(ctx context.Context, name string) (*domain.Proposal, error) {
	ids, err := aip.ParseName("name", name, "demands", "proposals")
	if err != nil {
		return nil, err
	}
	pr, err := u.st.GetProposal(ctx, ids[1])
	if err != nil {
		return nil, fmt.Errorf("get proposal: %w", err)
	}
	if pr == nil || pr.Demand != domain.DemandName(ids[0]) {
		return nil, apierr.NotFound(name)
	}
	return pr, nil
}

// readableProposal loads the proposal of resource name if p may read it: its buyer, its
// producer, operators and services; to anyone else it does not exist.
func (u *Service) readableProposal(ctx context.Context, p auth.Principal, name string) (*domain.Proposal, error) {
	pr, err := u.getProposal(ctx, name)
	if err != nil {
		return nil, err
	}
	if !p.Privileged() && !p.ActsFor(pr.Buyer) && !p.ActsFor(pr.Producer) {
		return nil, apierr.NotFound(name)
	}
	return pr, nil
}

// GetProposal returns a proposal to its buyer and producer (and operators and services).
func (u *Service) GetProposal(ctx context.Context, p auth.Principal, name string) (*domain.Proposal, error) {
	return u.readableProposal(ctx, p, name)
}

// ListProposals lists a demand's proposals (parent demands/{id}) or, with demands/-, every
// proposal; either way only those the caller is party to, unless it is an operator or a
// service. Filters: offer, state.
func (u *Service) ListProposals(ctx context.Context, p auth.Principal, in ListInput) ([]domain.Proposal, string, error) {
	cs, err := aip.ParseFilterFields(in.Filter, aip.AnyValue("offer"),
		aip.OneOfEnum("state", "STATE_", domain.ProposalPending, domain.ProposalAccepted, domain.ProposalDeclined, domain.ProposalCancelled))
	if err != nil {
		return nil, "", err
	}
	f := proposalFilter(p, cs)
	if f.Everyone && in.Parent == "demands/-" {
		if err := aip.RequireEquality(cs, "offer", "state"); err != nil {
			return nil, "", err
		}
	}
	if in.Parent != "demands/-" {
		if _, err := u.visibleDemand(ctx, p, "parent", in.Parent); err != nil {
			return nil, "", err // another buyer's demand does not exist for the caller
		}
		f.Demand = in.Parent
	}
	scope := "proposals\x00" + in.Parent + "\x00" + p.Organization + "\x00" + aip.String(cs)
	return page(ctx, in, scope, u.st.ListProposals, f, func(pr *domain.Proposal) string { return pr.ID })
}

// endProposal moves a PENDING proposal to DECLINED or CANCELLED (to) and releases what it
// holds; a retry of an end completes the releases an interrupted one left.
func (u *Service) endProposal(ctx context.Context, pr *domain.Proposal, to, reason string) (*domain.Proposal, error) {
	done, err := pr.CheckEnd(to)
	if err != nil {
		return nil, err
	}
	out := pr
	if !done {
		next := *pr
		next.State, next.Reason, next.Version, next.UpdateTime = to, reason, pr.Version+1, u.now().UTC()
		next.Notify(next.UpdateTime)
		ok, err := u.st.ReplaceProposal(ctx, &next, pr.Version)
		if err != nil {
			return nil, fmt.Errorf("replace proposal: %w", err)
		}
		if !ok {
			return nil, apierr.Aborted("CONCURRENT_MODIFICATION", "proposal changed concurrently; read it again")
		}
		out = &next
	}
	u.release(ctx, pr.Offer, pr.ID)
	u.release(ctx, pr.Demand, pr.ID)
	return out, nil
}

// EndProposal declines (DECLINED: the producer) or cancels (CANCELLED: the buyer) a PENDING
// proposal, with a reason; operators may do both.
func (u *Service) EndProposal(ctx context.Context, p auth.Principal, name, reason, to string) (*domain.Proposal, error) {
	pr, err := u.readableProposal(ctx, p, name)
	if err != nil {
		return nil, err
	}
	if to == domain.ProposalDeclined && !p.Is(auth.RoleAdmin) && !p.ActsFor(pr.Producer) {
		return nil, apierr.PermissionDenied("only the producer may decline a proposal")
	}
	if to == domain.ProposalCancelled && !p.Is(auth.RoleAdmin) && !p.ActsFor(pr.Buyer) {
		return nil, apierr.PermissionDenied("only the buyer may cancel a proposal")
	}
	var v apierr.Violations
	domain.ValidateReason(&v, reason)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return u.endProposal(ctx, pr, to, reason)
}

// AcceptProposal accepts a PENDING proposal (its producer, or an operator): it creates the
// DRAFT contract in the contracts service with the proposal's name as request id — so a retry
// or a double accept finds the same contract — then records it, and turns the holds into
// commitments. witness names the witness authority; "" takes the People's Committee of the
// offer's commune.
func (u *Service) AcceptProposal(ctx context.Context, p auth.Principal, name, witness string) (*domain.Proposal, error) {
	pr, err := u.readableProposal(ctx, p, name)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(pr.Producer) {
		return nil, apierr.PermissionDenied("only the producer may accept a proposal")
	}
	done, err := pr.CheckAccept()
	if err != nil {
		return nil, err
	}
	if done {
		u.commit(ctx, pr) // a retry completes what an interrupted accept left (idempotent)
		return pr, nil
	}
	contract, err := u.createDraft(ctx, pr, witness)
	if err != nil {
		return nil, err
	}
	next := *pr
	next.State, next.Contract, next.Version, next.UpdateTime = domain.ProposalAccepted, contract, pr.Version+1, u.now().UTC()
	next.Notify(next.UpdateTime)
	ok, err := u.st.ReplaceProposal(ctx, &next, pr.Version)
	if err != nil {
		return nil, fmt.Errorf("replace proposal: %w", err)
	}
	if !ok {
		return u.acceptRaced(ctx, name)
	}
	u.commit(ctx, &next)
	return &next, nil
}

// createDraft creates proposal pr's DRAFT contract and returns its name.
func (u *Service) createDraft(ctx context.Context, pr *domain.Proposal, witness string) (string, error) {
	d, err := u.getDemand(ctx, "name", pr.Demand)
	if err != nil {
		return "", err
	}
	o, err := u.getOffer(ctx, "offer", pr.Offer)
	if err != nil {
		return "", err
	}
	if witness == "" {
		if witness, err = u.registry.CommuneAuthority(ctx, o.CommuneCode); err != nil {
			return "", err
		}
	}
	// The contracts service answers a retry with the same request id with the same contract;
	// its errors (an unreachable service among them) are the mapper's to answer.
	return u.contracts.CreateDraft(ctx, domain.Draft(d, o, pr, witness), pr.Name())
}

// acceptRaced answers an accept whose proposal someone else moved meanwhile with what it is
// now: an accept that won (with the same contract), or a refusal.
func (u *Service) acceptRaced(ctx context.Context, name string) (*domain.Proposal, error) {
	cur, err := u.getProposal(ctx, name)
	if err != nil {
		return nil, err
	}
	if cur.State == domain.ProposalAccepted {
		return cur, nil
	}
	return nil, domain.ErrProposalState(cur.State)
}

package transport

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// update applies fn to the current document id of repo and stores it with a conditional
// replace, re-reading on a concurrent change; fn returning an error aborts. meta gives the
// document's version and update-time fields.
func update[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], id, name string, meta func(*T) (*int64, *time.Time), fn func(*T) error) (*T, error) {
	for i := 0; i < 20; i++ {
		doc, err := repo.Get(ctx, id)
		if err != nil {
			return nil, s.internal(ctx, "get "+name, err)
		}
		if doc == nil {
			return nil, apierr.NotFound(name)
		}
		ver, ut := meta(doc)
		prev := *ver
		if err := fn(doc); errors.Is(err, errUnchanged) {
			return doc, nil
		} else if err != nil {
			return nil, err
		}
		*ver, *ut = prev+1, s.now().UTC()
		ok, err := repo.Replace(ctx, id, prev, doc)
		if err != nil {
			return nil, s.internal(ctx, "replace "+name, err)
		}
		if ok {
			return doc, nil
		}
	}
	return nil, apierr.New(codes.Aborted, "CONCURRENT_MODIFICATION", name+" busy; retry", nil)
}

// errUnchanged, returned by an update's fn, means there is nothing to write.
var errUnchanged = errors.New("unchanged")

func (s *Server) updateDemand(ctx context.Context, id string, fn func(*domain.Demand) error) (*domain.Demand, error) {
	return update(ctx, s, s.st.Demands, id, "demands/"+id, func(d *domain.Demand) (*int64, *time.Time) { return &d.Version, &d.UpdateTime }, fn)
}

func (s *Server) updateOffer(ctx context.Context, id string, fn func(*domain.Offer) error) (*domain.Offer, error) {
	return update(ctx, s, s.st.Offers, id, "offers/"+id, func(o *domain.Offer) (*int64, *time.Time) { return &o.Version, &o.UpdateTime }, fn)
}

// CreateProposal implements the RPC: the buyer invites an offer for a quantity, reserving the
// offer's capacity and the demand's quantity (conditional updates: never over-reserved).
func (s *Server) CreateProposal(ctx context.Context, req *matchmakingv1.CreateProposalRequest) (*matchmakingv1.Proposal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.getDemand(ctx, "parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(d.Buyer) {
		return nil, apierr.PermissionDenied("only the demand's buyer may make proposals")
	}
	in := req.GetProposal()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("proposal", "REQUIRED", "is required")
		return nil, v.Err()
	}
	checkText(&v, "proposal.message", in.GetMessage(), 2000)
	q := in.GetQuantity()
	v.Check(q > 0 && q <= maxQuantity, "proposal.quantity", "RANGE", "must be positive")
	if err := v.Err(); err != nil {
		return nil, err
	}
	o, err := s.getOffer(ctx, "proposal.offer", in.GetOffer())
	if err != nil {
		if status.Code(err) == codes.NotFound {
			return nil, apierr.Field("proposal.offer", "OFFER_EXISTS", "%s does not exist", in.GetOffer())
		}
		return nil, err
	}
	if o.Product != d.Product {
		return nil, apierr.Field("proposal.offer", "PRODUCT_MATCH", "the offer is for %s, the demand for %s", o.Product, d.Product)
	}
	id := aip.IDForRequest("CreateProposal\x00"+p.Subject+"\x00"+d.ID, req.GetRequestId())
	if existing, err := s.st.Proposals.Get(ctx, id); err != nil {
		return nil, s.internal(ctx, "get proposal", err)
	} else if existing != nil {
		return proposalToProto(existing), nil
	}
	// Hold the offer's capacity, then the demand's quantity, under the proposal's id, then
	// write the proposal. Each step is idempotent: a retry with the same request_id resumes an
	// interrupted create, and holds left by a create that never finished are released by the
	// reconciler once their grace period is over.
	now := s.now().UTC()
	if _, err := s.updateOffer(ctx, o.ID, func(o *domain.Offer) error {
		if _, held := o.Holds[id]; held {
			return errUnchanged
		}
		if o.State != domain.OfferOpen {
			return apierr.FailedPrecondition("OFFER_NOT_OPEN", "offer is "+o.State, map[string]string{"state": o.State})
		}
		if q > o.Available() {
			return apierr.FailedPrecondition("OFFER_CAPACITY", fmt.Sprintf("only %d available on the offer", o.Available()), nil)
		}
		o.Holds.Reserve(id, q, now)
		o.Recount()
		return nil
	}); err != nil {
		return nil, err
	}
	if _, err := s.updateDemand(ctx, d.ID, func(d *domain.Demand) error {
		if _, held := d.Holds[id]; held {
			return errUnchanged
		}
		if d.State != domain.DemandOpen && d.State != domain.DemandPartiallyAllocated {
			return apierr.FailedPrecondition("DEMAND_NOT_OPEN", "demand is "+d.State, map[string]string{"state": d.State})
		}
		if q > d.Open() {
			return apierr.FailedPrecondition("DEMAND_QUANTITY", fmt.Sprintf("only %d of the demand is still open", d.Open()), nil)
		}
		if q < d.MinLotQuantity && q != d.Open() {
			return apierr.Field("proposal.quantity", "MIN_LOT", "must be at least the minimum lot of %d", d.MinLotQuantity)
		}
		d.Holds.Reserve(id, q, now)
		d.Recount()
		return nil
	}); err != nil {
		s.release(ctx, "offers/"+o.ID, id)
		return nil, err
	}
	pr := &domain.Proposal{ID: id, Demand: req.GetParent(), Offer: in.GetOffer(), Buyer: d.Buyer, Producer: o.Producer, Quantity: q,
		Message: in.GetMessage(), State: domain.ProposalPending, CreateTime: now, UpdateTime: now, Version: 1}
	// A concurrent retry may have written it first: same id, same holds, nothing to undo.
	stored, _, err := s.st.Proposals.Insert(ctx, id, pr)
	if err != nil {
		return nil, s.internal(ctx, "insert proposal", err)
	}
	return proposalToProto(stored), nil
}

// release drops proposal pid's pending hold on an offer or a demand (offers/{id} or
// demands/{id}). A failure is logged; the reconciler completes it later.
func (s *Server) release(ctx context.Context, name, pid string) {
	fn := func(l *domain.Ledger) error {
		if !l.Release(pid) {
			return errUnchanged
		}
		return nil
	}
	var err error
	if id, ok := strings.CutPrefix(name, "offers/"); ok {
		_, err = s.updateOffer(ctx, id, func(o *domain.Offer) error {
			if err := fn(&o.Holds); err != nil {
				return err
			}
			o.Recount()
			return nil
		})
	} else {
		_, err = s.updateDemand(ctx, strings.TrimPrefix(name, "demands/"), func(d *domain.Demand) error {
			if err := fn(&d.Holds); err != nil {
				return err
			}
			d.Recount()
			return nil
		})
	}
	if err != nil {
		s.log.ErrorContext(ctx, "could not release a hold; the reconciler will", "resource", name, "proposal", pid, "error", err.Error())
	}
}

// commit marks proposal pr's holds committed: the offer's capacity, the demand's quantity
// (with the offer's and the demand's states following). Failures are logged; the reconciler
// completes them later.
func (s *Server) commit(ctx context.Context, pr *domain.Proposal) {
	now := s.now().UTC()
	if _, err := s.updateOffer(ctx, strings.TrimPrefix(pr.Offer, "offers/"), func(o *domain.Offer) error {
		if !o.Holds.Commit(pr.ID, pr.Quantity, now) {
			return errUnchanged
		}
		o.Recount()
		if o.Available() <= 0 && o.State == domain.OfferOpen {
			o.State = domain.OfferExhausted
		}
		return nil
	}); err != nil {
		s.log.ErrorContext(ctx, "could not commit offer capacity; the reconciler will", "offer", pr.Offer, "proposal", pr.ID, "error", err.Error())
	}
	if _, err := s.updateDemand(ctx, strings.TrimPrefix(pr.Demand, "demands/"), func(d *domain.Demand) error {
		if !d.Holds.Commit(pr.ID, pr.Quantity, now) {
			return errUnchanged
		}
		d.Recount()
		if d.State == domain.DemandOpen || d.State == domain.DemandPartiallyAllocated {
			d.State = domain.DemandPartiallyAllocated
			if d.AllocatedQuantity >= d.Quantity {
				d.State = domain.DemandFilled
			}
		}
		return nil
	}); err != nil {
		s.log.ErrorContext(ctx, "could not commit demand quantity; the reconciler will", "demand", pr.Demand, "proposal", pr.ID, "error", err.Error())
	}
}

func (s *Server) getProposal(ctx context.Context, name string) (*domain.Proposal, error) {
	ids, err := aip.ParseName("name", name, "demands", "proposals")
	if err != nil {
		return nil, err
	}
	pr, err := s.st.Proposals.Get(ctx, ids[1])
	if err != nil {
		return nil, s.internal(ctx, "get proposal", err)
	}
	if pr == nil || pr.Demand != "demands/"+ids[0] {
		return nil, apierr.NotFound(name)
	}
	return pr, nil
}

func mayReadProposal(p auth.Principal, pr *domain.Proposal) bool {
	return p.Privileged() || p.ActsFor(pr.Buyer) || p.ActsFor(pr.Producer)
}

// GetProposal implements the RPC (buyer and producer only).
func (s *Server) GetProposal(ctx context.Context, req *matchmakingv1.GetProposalRequest) (*matchmakingv1.Proposal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	pr, err := s.getProposal(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	if !mayReadProposal(p, pr) {
		return nil, apierr.NotFound(req.GetName())
	}
	return proposalToProto(pr), nil
}

// ListProposals implements the RPC: a demand's proposals (parent demands/{id}) or, with
// demands/-, every proposal the caller is party to. Filters: offer, state.
func (s *Server) ListProposals(ctx context.Context, req *matchmakingv1.ListProposalsRequest) (*matchmakingv1.ListProposalsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "offer", "state")
	if err != nil {
		return nil, err
	}
	f := bson.D{}
	if req.GetParent() != "demands/-" {
		if _, err := aip.ParseName("parent", req.GetParent(), "demands"); err != nil {
			return nil, err
		}
		f = append(f, bson.E{Key: "demand", Value: req.GetParent()})
	}
	if !p.Privileged() {
		f = append(f, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "buyer", Value: p.Organization}}, bson.D{{Key: "producer", Value: p.Organization}}}})
	}
	for _, c := range cs {
		val := c.Value
		if c.Field == "state" {
			val = enumName(val, "STATE_")
		}
		if c.Op == "!=" {
			f = append(f, bson.E{Key: c.Field, Value: bson.D{{Key: "$ne", Value: val}}})
		} else {
			f = append(f, bson.E{Key: c.Field, Value: val})
		}
	}
	items, next, err := listPage(ctx, s, s.st.Proposals, "proposals\x00"+req.GetParent()+"\x00"+p.Organization+"\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(p *domain.Proposal) string { return p.ID })
	if err != nil {
		return nil, err
	}
	resp := &matchmakingv1.ListProposalsResponse{NextPageToken: next}
	for i := range items {
		resp.Proposals = append(resp.Proposals, proposalToProto(&items[i]))
	}
	return resp, nil
}

// endProposal moves a PENDING proposal to DECLINED or CANCELLED and releases its reservations.
func (s *Server) endProposal(ctx context.Context, pr *domain.Proposal, to, reason string) (*domain.Proposal, error) {
	prev := pr.Version
	if pr.State == to { // a retry completes what an interrupted end left (idempotent)
		s.release(ctx, pr.Offer, pr.ID)
		s.release(ctx, pr.Demand, pr.ID)
		return pr, nil
	}
	if pr.State != domain.ProposalPending {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "proposal is "+pr.State, map[string]string{"state": pr.State})
	}
	next := *pr
	next.State, next.Reason, next.Version, next.UpdateTime = to, reason, prev+1, s.now().UTC()
	ok, err := s.st.Proposals.Replace(ctx, pr.ID, prev, &next)
	if err != nil {
		return nil, s.internal(ctx, "replace proposal", err)
	}
	if !ok {
		return nil, apierr.New(codes.Aborted, "CONCURRENT_MODIFICATION", "proposal changed concurrently; read it again", nil)
	}
	s.release(ctx, pr.Offer, pr.ID)
	s.release(ctx, pr.Demand, pr.ID)
	return &next, nil
}

// DeclineProposal implements the RPC (the producer).
func (s *Server) DeclineProposal(ctx context.Context, req *matchmakingv1.DeclineProposalRequest) (*matchmakingv1.Proposal, error) {
	return s.answer(ctx, req.GetName(), req.GetReason(), domain.ProposalDeclined)
}

// CancelProposal implements the RPC (the buyer).
func (s *Server) CancelProposal(ctx context.Context, req *matchmakingv1.CancelProposalRequest) (*matchmakingv1.Proposal, error) {
	return s.answer(ctx, req.GetName(), req.GetReason(), domain.ProposalCancelled)
}

func (s *Server) answer(ctx context.Context, name, reason, to string) (*matchmakingv1.Proposal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	pr, err := s.getProposal(ctx, name)
	if err != nil {
		return nil, err
	}
	if !mayReadProposal(p, pr) {
		return nil, apierr.NotFound(name)
	}
	if to == domain.ProposalDeclined && !p.Is(auth.RoleAdmin) && !p.ActsFor(pr.Producer) {
		return nil, apierr.PermissionDenied("only the producer may decline a proposal")
	}
	if to == domain.ProposalCancelled && !p.Is(auth.RoleAdmin) && !p.ActsFor(pr.Buyer) {
		return nil, apierr.PermissionDenied("only the buyer may cancel a proposal")
	}
	var v apierr.Violations
	checkText(&v, "reason", reason, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	out, err := s.endProposal(ctx, pr, to, reason)
	if err != nil {
		return nil, err
	}
	return proposalToProto(out), nil
}

// AcceptProposal implements the RPC (the producer): it creates the DRAFT contract in the
// contracts service with the proposal's name as request id — so a retry or a double accept
// finds the same contract — then records it, and turns the reservations into commitments.
func (s *Server) AcceptProposal(ctx context.Context, req *matchmakingv1.AcceptProposalRequest) (*matchmakingv1.Proposal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	pr, err := s.getProposal(ctx, req.GetName())
	if err != nil {
		return nil, err
	}
	if !mayReadProposal(p, pr) {
		return nil, apierr.NotFound(req.GetName())
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(pr.Producer) {
		return nil, apierr.PermissionDenied("only the producer may accept a proposal")
	}
	if pr.State == domain.ProposalAccepted {
		s.commit(ctx, pr) // a retry completes what an interrupted accept left (idempotent)
		return proposalToProto(pr), nil
	}
	if pr.State != domain.ProposalPending {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "proposal is "+pr.State, map[string]string{"state": pr.State})
	}
	d, err := s.getDemand(ctx, "name", pr.Demand)
	if err != nil {
		return nil, err
	}
	o, err := s.getOffer(ctx, "offer", pr.Offer)
	if err != nil {
		return nil, err
	}
	witness := req.GetWitnessAuthority()
	if witness == "" {
		list, err := s.registry.ListAuthorities(ctx, &registryv1.ListAuthoritiesRequest{Filter: fmt.Sprintf(`admin_area_code = %q AND kind = "KIND_COMMUNE_PEOPLES_COMMITTEE"`, o.CommuneCode), PageSize: 1})
		if err != nil {
			return nil, err
		}
		if len(list.GetAuthorities()) > 0 {
			witness = list.GetAuthorities()[0].GetName()
		}
	}
	c, err := s.contracts.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: draft(d, o, pr, witness), RequestId: proposalToProto(pr).Name})
	if err != nil {
		return nil, err // the error mapper answers an unreachable contracts service as unavailable
	}
	prev := pr.Version
	next := *pr
	next.State, next.Contract, next.Version, next.UpdateTime = domain.ProposalAccepted, c.GetName(), prev+1, s.now().UTC()
	ok, err := s.st.Proposals.Replace(ctx, pr.ID, prev, &next)
	if err != nil {
		return nil, s.internal(ctx, "replace proposal", err)
	}
	if !ok {
		// Someone else moved it meanwhile: report what it is now (an accept that won, with the
		// same contract, or a cancellation).
		cur, err := s.getProposal(ctx, req.GetName())
		if err != nil {
			return nil, err
		}
		if cur.State == domain.ProposalAccepted {
			return proposalToProto(cur), nil
		}
		return nil, apierr.FailedPrecondition("INVALID_STATE", "proposal is "+cur.State, map[string]string{"state": cur.State})
	}
	s.commit(ctx, &next)
	return proposalToProto(&next), nil
}

// draft prefills a contract from the demand, the offer and the proposal. The parties complete
// and correct it in the contracts service before submitting it.
func draft(d *domain.Demand, o *domain.Offer, pr *domain.Proposal, witness string) *contractsv1.Contract {
	window, days := domain.Overlap(d.DeliveryWindow, o.HarvestWindow)
	if days == 0 {
		window = d.DeliveryWindow
	}
	form := contractsv1.LinkageForm_LINKAGE_FORM_PURCHASE_ONLY
	if len(d.InputsOffered) > 0 {
		form = contractsv1.LinkageForm_LINKAGE_FORM_INPUT_SUPPLY_AND_PURCHASE
	}
	standard := d.RequiredStandard
	if standard == "" && len(o.Certifications) > 0 {
		standard = o.Certifications[0]
	}
	t := &contractsv1.ContractTerms{
		Buyer: d.Buyer, Producer: o.Producer, WitnessAuthority: witness, LinkageForm: form, Product: d.Product,
		QualityStandard: standard, TotalQuantity: pr.Quantity, ToleranceBps: 500,
		Lots:         []*contractsv1.DeliveryLot{{Id: "lot-1", Window: winToProto(window), Place: d.DeliveryPlace, Quantity: pr.Quantity}},
		PriceTerms:   priceToProto(d.Price),
		PaymentTerms: &contractsv1.PaymentTerms{DaysAfterDelivery: 15, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER},
		Breach:       &contractsv1.BreachClause{PenaltyBps: 500},
		ForceMajeureEvents: []contractsv1.ForceMajeureEvent{contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER,
			contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_EPIDEMIC, contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_EXTREME_WEATHER},
		DisputeResolution: &contractsv1.DisputeResolution{Steps: []contractsv1.DisputeStep{contractsv1.DisputeStep_DISPUTE_STEP_NEGOTIATION,
			contractsv1.DisputeStep_DISPUTE_STEP_COMMUNE_MEDIATION, contractsv1.DisputeStep_DISPUTE_STEP_COURT}},
		Period: &typesv1.DateWindow{StartDate: minDate(d.DeliveryWindow.Start, window.Start), EndDate: maxDate(d.DeliveryWindow.End, window.End)},
	}
	// Split the quantity evenly across the offer's households (the first ones take the
	// remainder); the parties adjust allocations before submitting.
	if n := int64(len(o.Households)); n > 0 {
		per, rem := pr.Quantity/n, pr.Quantity%n
		for i, h := range o.Households {
			q := per
			if int64(i) < rem {
				q++
			}
			if q > 0 {
				t.Allocations = append(t.Allocations, &contractsv1.Allocation{Household: h, Quantity: q})
			}
		}
	}
	return &contractsv1.Contract{DisplayName: fmt.Sprintf("Hợp đồng liên kết từ đề nghị %s", pr.ID), Terms: t, Rulebook: "decree98"}
}

func minDate(a, b string) string {
	if b < a {
		return b
	}
	return a
}

func maxDate(a, b string) string {
	if b > a {
		return b
	}
	return a
}

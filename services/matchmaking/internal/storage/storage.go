// Package storage keeps demands, offers and proposals in MongoDB (or the embedded store). Every
// query of the matchmaking service is a typed method here; the indexes they use are declared
// in indexes.go.
package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// Store holds the collections.
type Store struct {
	demands   mongostore.Repo[domain.Demand]
	offers    mongostore.Repo[domain.Offer]
	proposals mongostore.Repo[domain.Proposal]
	notices   mongostore.Repo[noticeDoc]
}

// New returns the store over db.
func New(db *mongostore.Database) *Store {
	return &Store{
		demands:   mongostore.NewRepo[domain.Demand](db, demandsCollection),
		offers:    mongostore.NewRepo[domain.Offer](db, offersCollection),
		proposals: mongostore.NewRepo[domain.Proposal](db, proposalsCollection),
		notices:   mongostore.NewRepo[noticeDoc](db, noticesCollection),
	}
}

// Page selects documents in _id order: those after After (the last key of the previous page;
// "" for the first), at most Size of them.
type Page struct {
	After string
	Size  int
}

// Term is one condition of a list filter: the field equals Value (or, with Not, differs).
type Term struct {
	Value string
	Not   bool
}

// MarketFilter selects demands or offers; every term must hold.
type MarketFilter struct {
	Product, Province, State []Term
	// Owner is the buyer of a demand, the producer of an offer.
	Owner []Term
	// Days: the posting's window (delivery or harvest) contains each of these dates.
	Days []string
	// The caller's visibility, which the terms above can only narrow: ScopeOwner (when set)
	// is the only owner whose postings may be listed; ScopeOpen lists only open demands.
	ScopeOwner string
	ScopeOpen  bool
}

// ProposalFilter selects proposals; every term must hold.
type ProposalFilter struct {
	// Demand is "demands/{id}", or "" for the proposals of every demand.
	Demand string
	// Everyone lifts the party restriction (operators and services); otherwise only proposals
	// whose buyer or producer is Party are listed.
	Everyone bool
	Party    string
	Offer    []Term
	State    []Term
}

// ErrNotFound: the document to change does not exist.
var ErrNotFound = errors.New("not found")

// ErrBusy: the document kept changing under a read-modify-write (see mutate).
var ErrBusy = errors.New("document changed concurrently on every attempt")

// InsertDemand stores a new demand; a retry of the same create (same id) gets the first one.
func (s *Store) InsertDemand(ctx context.Context, d *domain.Demand) (*domain.Demand, error) {
	stored, _, err := s.demands.Insert(ctx, d.ID, d)
	return stored, err
}

// GetDemand returns the demand id, or nil.
func (s *Store) GetDemand(ctx context.Context, id string) (*domain.Demand, error) {
	return s.demands.Get(ctx, id)
}

// ListDemands returns a page of the demands f selects, and whether more follow.
func (s *Store) ListDemands(ctx context.Context, f MarketFilter, p Page) ([]domain.Demand, bool, error) {
	return s.demands.List(ctx, f.bson("buyer", "delivery_window"), p.After, p.Size)
}

// OpenDemands returns up to limit demands still open (OPEN or PARTIALLY_ALLOCATED), and
// whether there are more.
func (s *Store) OpenDemands(ctx context.Context, limit int) ([]domain.Demand, bool, error) {
	f := bson.D{{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{domain.DemandOpen, domain.DemandPartiallyAllocated}}}}}
	return s.demands.List(ctx, f, "", limit)
}

// DemandsWithPendingHolds returns a page of the demands that have pending holds.
func (s *Store) DemandsWithPendingHolds(ctx context.Context, p Page) ([]domain.Demand, bool, error) {
	return s.demands.List(ctx, pendingHolds, p.After, p.Size)
}

// MutateDemand applies fn to demand id and writes it back (see mutate).
func (s *Store) MutateDemand(ctx context.Context, id string, now time.Time, fn func(*domain.Demand) (bool, error)) (*domain.Demand, error) {
	return mutate(ctx, s.demands, id, now, func(d *domain.Demand) (*int64, *time.Time) { return &d.Version, &d.UpdateTime }, fn)
}

// InsertOffer stores a new offer; a retry of the same create (same id) gets the first one.
func (s *Store) InsertOffer(ctx context.Context, o *domain.Offer) (*domain.Offer, error) {
	stored, _, err := s.offers.Insert(ctx, o.ID, o)
	return stored, err
}

// GetOffer returns the offer id, or nil.
func (s *Store) GetOffer(ctx context.Context, id string) (*domain.Offer, error) {
	return s.offers.Get(ctx, id)
}

// ListOffers returns a page of the offers f selects, and whether more follow.
func (s *Store) ListOffers(ctx context.Context, f MarketFilter, p Page) ([]domain.Offer, bool, error) {
	return s.offers.List(ctx, f.bson("producer", "harvest_window"), p.After, p.Size)
}

// OpenOffers returns up to limit OPEN offers of product ("" for every product), and whether
// there are more.
func (s *Store) OpenOffers(ctx context.Context, product string, limit int) ([]domain.Offer, bool, error) {
	f := bson.D{{Key: "state", Value: domain.OfferOpen}}
	if product != "" {
		f = bson.D{{Key: "product", Value: product}, {Key: "state", Value: domain.OfferOpen}}
	}
	return s.offers.List(ctx, f, "", limit)
}

// OffersWithPendingHolds returns a page of the offers that have pending holds.
func (s *Store) OffersWithPendingHolds(ctx context.Context, p Page) ([]domain.Offer, bool, error) {
	return s.offers.List(ctx, pendingHolds, p.After, p.Size)
}

// MutateOffer applies fn to offer id and writes it back (see mutate).
func (s *Store) MutateOffer(ctx context.Context, id string, now time.Time, fn func(*domain.Offer) (bool, error)) (*domain.Offer, error) {
	return mutate(ctx, s.offers, id, now, func(o *domain.Offer) (*int64, *time.Time) { return &o.Version, &o.UpdateTime }, fn)
}

// InsertProposal stores a new proposal; a concurrent retry of the same create (same id) gets
// the first one.
func (s *Store) InsertProposal(ctx context.Context, pr *domain.Proposal) (*domain.Proposal, error) {
	stored, _, err := s.proposals.Insert(ctx, pr.ID, pr)
	if err != nil {
		return nil, err
	}
	return stored, s.flushNotices(ctx, stored)
}

// GetProposal returns the proposal id, or nil.
func (s *Store) GetProposal(ctx context.Context, id string) (*domain.Proposal, error) {
	return s.proposals.Get(ctx, id)
}

// ReplaceProposal writes pr (its version already incremented) over the stored proposal if
// that one is still at version prev; it reports false when it moved on meanwhile.
func (s *Store) ReplaceProposal(ctx context.Context, pr *domain.Proposal, prev int64) (bool, error) {
	ok, err := s.proposals.Replace(ctx, pr.ID, prev, pr)
	if err != nil || !ok {
		return ok, err
	}
	return true, s.flushNotices(ctx, pr)
}

// ListProposals returns a page of the proposals f selects, and whether more follow.
func (s *Store) ListProposals(ctx context.Context, f ProposalFilter, p Page) ([]domain.Proposal, bool, error) {
	q := bson.D{}
	if f.Demand != "" {
		q = append(q, bson.E{Key: "demand", Value: f.Demand})
	}
	if !f.Everyone {
		q = append(q, bson.E{Key: "$or", Value: bson.A{bson.D{{Key: "buyer", Value: f.Party}}, bson.D{{Key: "producer", Value: f.Party}}}})
	}
	q = appendTerms(q, "offer", f.Offer)
	q = appendTerms(q, "state", f.State)
	return s.proposals.List(ctx, q, p.After, p.Size)
}

// PendingProposals returns up to limit PENDING proposals of demand ("demands/{id}"), and
// whether there are more.
func (s *Store) PendingProposals(ctx context.Context, demand string, limit int) ([]domain.Proposal, bool, error) {
	return s.proposals.List(ctx, bson.D{{Key: "demand", Value: demand}, {Key: "state", Value: domain.ProposalPending}}, "", limit)
}

// pendingHolds selects documents with pending holds.
var pendingHolds = bson.D{{Key: "pending_holds", Value: bson.D{{Key: "$gt", Value: 0}}}}

// bson renders the filter over a posting whose owner field is owner and whose window field is
// window.
func (f MarketFilter) bson(owner, window string) bson.D {
	q := bson.D{}
	q = appendTerms(q, "product", f.Product)
	q = appendTerms(q, "province_code", f.Province)
	q = appendTerms(q, "state", f.State)
	q = appendTerms(q, owner, f.Owner)
	for _, day := range f.Days {
		q = append(q, bson.E{Key: window + ".start", Value: bson.D{{Key: "$lte", Value: day}}}, bson.E{Key: window + ".end", Value: bson.D{{Key: "$gte", Value: day}}})
	}
	scope := bson.D{}
	if f.ScopeOwner != "" {
		scope = append(scope, bson.E{Key: owner, Value: f.ScopeOwner})
	}
	if f.ScopeOpen {
		scope = append(scope, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{domain.DemandOpen, domain.DemandPartiallyAllocated}}}})
	}
	if len(scope) == 0 {
		return q
	}
	// In $and, so that a term of the caller's filter can never replace the restriction.
	return bson.D{{Key: "$and", Value: bson.A{q, scope}}}
}

// HasProposal reports whether a proposal matches f (Demand and Party).
func (s *Store) HasProposal(ctx context.Context, f ProposalFilter) (bool, error) {
	items, _, err := s.ListProposals(ctx, f, Page{Size: 1})
	if err != nil {
		return false, fmt.Errorf("find proposal: %w", err)
	}
	return len(items) > 0, nil
}

// OffersAcceptedFor returns which of offers (names) have a proposal of buyer that was
// accepted.
func (s *Store) OffersAcceptedFor(ctx context.Context, buyer string, offers []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(offers) == 0 {
		return out, nil
	}
	q := bson.D{{Key: "buyer", Value: buyer}, {Key: "state", Value: domain.ProposalAccepted}, {Key: "offer", Value: bson.D{{Key: "$in", Value: offers}}}}
	items, _, err := s.proposals.List(ctx, q, "", 1000)
	if err != nil {
		return nil, fmt.Errorf("accepted proposals: %w", err)
	}
	for _, pr := range items {
		out[pr.Offer] = true
	}
	return out, nil
}

func appendTerms(q bson.D, key string, ts []Term) bson.D {
	for _, t := range ts {
		if t.Not {
			q = append(q, bson.E{Key: key, Value: bson.D{{Key: "$ne", Value: t.Value}}})
		} else {
			q = append(q, bson.E{Key: key, Value: t.Value})
		}
	}
	return q
}

// mutateAttempts bounds the read-modify-write attempts of mutate.
const mutateAttempts = 20

// mutate reads document id of repo, applies fn, and writes it back — with its version
// incremented and its update time set to now — on condition that nobody wrote it meanwhile;
// on a concurrent change it starts again from a fresh read. fn reports whether there is
// anything to write (false: the document is returned as read); its error aborts. meta gives
// the document's version and update-time fields. A missing document is ErrNotFound; one that
// changed under every attempt, ErrBusy.
func mutate[T any](ctx context.Context, repo mongostore.Repo[T], id string, now time.Time, meta func(*T) (*int64, *time.Time), fn func(*T) (bool, error)) (*T, error) {
	for range mutateAttempts {
		doc, err := repo.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			return nil, ErrNotFound
		}
		ver, ut := meta(doc)
		prev := *ver
		write, err := fn(doc)
		if err != nil {
			return nil, err
		}
		if !write {
			return doc, nil
		}
		*ver, *ut = prev+1, now
		ok, err := repo.Replace(ctx, id, prev, doc)
		if err != nil {
			return nil, err
		}
		if ok {
			return doc, nil
		}
	}
	return nil, ErrBusy
}

// DemandReportFilter selects the demands of a report: posted in [From, To), delivered in
// Province or Commune, posted by Buyer, of Product (each when not empty).
type DemandReportFilter struct {
	Province, Commune, Buyer, Product string
	From, To                          time.Time
}

// DemandsForReport returns the demands f selects, without their hold ledgers (indexed:
// province_code, delivery_commune_code and buyer each with create_time; create_time alone for
// a national report).
func (s *Store) DemandsForReport(ctx context.Context, f DemandReportFilter) ([]domain.Demand, error) {
	q := bson.D{}
	for _, t := range []struct{ field, v string }{{"province_code", f.Province}, {"delivery_commune_code", f.Commune}, {"buyer", f.Buyer}, {"product", f.Product}} {
		if t.v != "" {
			q = append(q, bson.E{Key: t.field, Value: t.v})
		}
	}
	q = append(q, bson.E{Key: "create_time", Value: bson.D{{Key: "$gte", Value: f.From}, {Key: "$lt", Value: f.To}}})
	cur, err := s.demands.C.Find(ctx, q, options.Find().SetProjection(bson.D{{Key: "holds", Value: 0}}))
	if err != nil {
		return nil, fmt.Errorf("demands for a report: %w", err)
	}
	var out []domain.Demand
	if err := cur.All(ctx, &out); err != nil {
		return nil, fmt.Errorf("demands for a report: %w", err)
	}
	return out, nil
}

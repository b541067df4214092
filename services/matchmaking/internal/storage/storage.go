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

// Term is one condition of a list filter: the field equals Value (or, with Not, differs; or,
// with In, is one of In).
type Term struct {
	Value string
	Not   bool
	In    []string
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
	prepareDemand(d)
	stored, _, err := s.demands.Insert(ctx, d.ID, d)
	return stored, err
}

// prepareDemand, prepareOffer and prepareProposal set the fields stored for the queries
// (derived from the rest) before a document is written.
func prepareDemand(d *domain.Demand) { d.HoldsPending = d.PendingHolds > 0 }

func prepareOffer(o *domain.Offer) {
	o.HoldsPending = o.PendingHolds > 0
	o.HarvestMonths = o.HarvestWindow.Months()
}

func prepareProposal(pr *domain.Proposal) { pr.PartyIndex = pr.Parties() }

// GetDemand returns the demand id, or nil.
func (s *Store) GetDemand(ctx context.Context, id string) (*domain.Demand, error) {
	return s.demands.Get(ctx, id)
}

// ListDemands returns a page of the demands f selects, and whether more follow.
func (s *Store) ListDemands(ctx context.Context, f MarketFilter, p Page) ([]domain.Demand, bool, error) {
	return s.demands.List(ctx, f.bson("buyer", "delivery_window"), p.After, p.Size)
}

// OpenDemands returns up to limit demands still open (OPEN or PARTIALLY_ALLOCATED), and
// whether there are more: one equality on state per state (each an index range the store
// pushes down), merged.
func (s *Store) OpenDemands(ctx context.Context, limit int) ([]domain.Demand, bool, error) {
	var out []domain.Demand
	for _, st := range []string{domain.DemandOpen, domain.DemandPartiallyAllocated} {
		ds, more, err := s.demands.List(ctx, bson.D{{Key: "state", Value: st}}, "", limit-len(out))
		if err != nil || more {
			return nil, more, err
		}
		out = append(out, ds...)
	}
	return out, false, nil
}

// DemandsWithPendingHolds returns a page of the demands that have pending holds.
func (s *Store) DemandsWithPendingHolds(ctx context.Context, p Page) ([]domain.Demand, bool, error) {
	return s.demands.List(ctx, pendingHolds, p.After, p.Size)
}

// MutateDemand applies fn to demand id and writes it back (see mutate).
func (s *Store) MutateDemand(ctx context.Context, id string, now time.Time, fn func(*domain.Demand) (bool, error)) (*domain.Demand, error) {
	return mutate(ctx, s.demands, id, now, func(d *domain.Demand) (*int64, *time.Time) { return &d.Version, &d.UpdateTime }, prepared(fn, prepareDemand))
}

// prepared is fn followed, when it changed the document, by prepare.
func prepared[T any](fn func(*T) (bool, error), prepare func(*T)) func(*T) (bool, error) {
	return func(doc *T) (bool, error) {
		write, err := fn(doc)
		if write && err == nil {
			prepare(doc)
		}
		return write, err
	}
}

// InsertOffer stores a new offer; a retry of the same create (same id) gets the first one.
func (s *Store) InsertOffer(ctx context.Context, o *domain.Offer) (*domain.Offer, error) {
	prepareOffer(o)
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

// CandidatePage is how many candidate offers CandidateOffers reads at a time (a variable for
// tests).
var CandidatePage = 500

// CandidateOffers calls yield with every OPEN offer of product whose harvest window touches one
// of months (a demand's delivery months), each once, a page at a time — one equality per month
// on (product, state, harvest_months), the index (and the PostgreSQL handler's pushed-down
// filter) that bounds what is read to those offers, never every open offer of the product.
// yield's error stops it.
func (s *Store) CandidateOffers(ctx context.Context, product string, months []string, yield func([]domain.Offer) error) error {
	seen := map[string]bool{}
	for _, m := range months {
		f := bson.D{{Key: "product", Value: product}, {Key: "state", Value: domain.OfferOpen}, {Key: "harvest_months", Value: m}}
		for after := ""; ; {
			page, more, err := s.offers.ListHinted(ctx, f, &candidateIndex, after, CandidatePage)
			if err != nil {
				return err
			}
			fresh := page[:0]
			for _, o := range page {
				if !seen[o.ID] {
					seen[o.ID] = true
					fresh = append(fresh, o)
				}
			}
			if err := yield(fresh); err != nil {
				return err
			}
			if !more || len(page) == 0 {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	return nil
}

// OffersWithPendingHolds returns a page of the offers that have pending holds.
func (s *Store) OffersWithPendingHolds(ctx context.Context, p Page) ([]domain.Offer, bool, error) {
	return s.offers.List(ctx, pendingHolds, p.After, p.Size)
}

// MutateOffer applies fn to offer id and writes it back (see mutate).
func (s *Store) MutateOffer(ctx context.Context, id string, now time.Time, fn func(*domain.Offer) (bool, error)) (*domain.Offer, error) {
	return mutate(ctx, s.offers, id, now, func(o *domain.Offer) (*int64, *time.Time) { return &o.Version, &o.UpdateTime }, prepared(fn, prepareOffer))
}

// InsertProposal stores a new proposal; a concurrent retry of the same create (same id) gets
// the first one.
func (s *Store) InsertProposal(ctx context.Context, pr *domain.Proposal) (*domain.Proposal, error) {
	prepareProposal(pr)
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
	prepareProposal(pr)
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
		q = append(q, bson.E{Key: "parties", Value: f.Party})
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
var pendingHolds = bson.D{{Key: "holds_pending", Value: true}}

// bson renders the filter over a posting whose owner field is owner and whose window field is
// window. The caller's scope (ScopeOwner, ScopeOpen) and the first term on each field go at the
// top level, where the embedded store pushes an equality down (it pushes nothing inside $and);
// a further term on a field already restricted goes into an $and, so that a term of the
// caller's filter can never replace the restriction.
func (f MarketFilter) bson(owner, window string) bson.D {
	q := bson.D{}
	if f.ScopeOwner != "" {
		q = append(q, bson.E{Key: owner, Value: f.ScopeOwner})
	}
	if f.ScopeOpen {
		q = append(q, bson.E{Key: "state", Value: bson.D{{Key: "$in", Value: bson.A{domain.DemandOpen, domain.DemandPartiallyAllocated}}}})
	}
	q = appendTerms(q, "product", f.Product)
	q = appendTerms(q, "province_code", f.Province)
	q = appendTerms(q, "state", f.State)
	q = appendTerms(q, owner, f.Owner)
	for _, day := range f.Days {
		q = append(q, bson.E{Key: window + ".start", Value: bson.D{{Key: "$lte", Value: day}}}, bson.E{Key: window + ".end", Value: bson.D{{Key: "$gte", Value: day}}})
	}
	return nested(q)
}

// nested moves every condition on a field already restricted before it into an $and.
func nested(q bson.D) bson.D {
	seen := map[string]bool{}
	out, and := bson.D{}, bson.A{}
	for _, e := range q {
		if seen[e.Key] {
			and = append(and, bson.D{e})
			continue
		}
		seen[e.Key] = true
		out = append(out, e)
	}
	if len(and) > 0 {
		out = append(out, bson.E{Key: "$and", Value: and})
	}
	return out
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
		switch {
		case t.In != nil:
			q = append(q, bson.E{Key: key, Value: bson.D{{Key: "$in", Value: t.In}}})
		case t.Not:
			q = append(q, bson.E{Key: key, Value: bson.D{{Key: "$ne", Value: t.Value}}})
		default:
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

// DemandsForReport returns the demands f selects, without their hold ledgers (indexed: by
// province_code or buyer, a commune's within its province; create_time alone for a national
// report).
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

// Migrate brings what earlier versions stored up to date, once per database: the fields
// stored for the queries (harvest months, pending-holds flags, a proposal's parties).
func (s *Store) Migrate(ctx context.Context) error {
	db := s.offers.C.Database()
	decode := func(d bson.Raw, v any) error { return bson.Unmarshal(d, v) }
	for _, m := range []struct {
		name, coll string
		fn         func(bson.Raw) (bson.D, error)
	}{
		{"matchmaking-offer-fields-1", offersCollection, func(d bson.Raw) (bson.D, error) {
			var o domain.Offer
			if err := decode(d, &o); err != nil {
				return nil, err
			}
			prepareOffer(&o)
			return bson.D{{Key: "harvest_months", Value: o.HarvestMonths}, {Key: "holds_pending", Value: o.HoldsPending}}, nil
		}},
		{"matchmaking-demand-fields-1", demandsCollection, func(d bson.Raw) (bson.D, error) {
			var dm domain.Demand
			if err := decode(d, &dm); err != nil {
				return nil, err
			}
			return bson.D{{Key: "holds_pending", Value: dm.PendingHolds > 0}}, nil
		}},
		{"matchmaking-proposal-parties-1", proposalsCollection, func(d bson.Raw) (bson.D, error) {
			var pr domain.Proposal
			if err := decode(d, &pr); err != nil {
				return nil, err
			}
			prepareProposal(&pr)
			return bson.D{{Key: "parties", Value: pr.PartyIndex}}, nil
		}},
	} {
		if err := mongostore.Backfill(ctx, db, m.name, m.coll, m.fn); err != nil {
			return err
		}
	}
	return nil
}

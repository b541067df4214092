// Package usecase holds matchmaking's operations, one method each: who may do what, idempotent
// creates, the holds that proposals place on offers and demands, matching and allocation, and
// the calls to the registry and contracts services (through the Registry and Contracts
// interfaces, which the transport package implements over gRPC).
package usecase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
)

// Registry is what matchmaking asks the registry. A resource that does not exist is nil (or
// false) without error; an error means the registry could not answer, and is returned as the
// registry gave it.
type Registry interface {
	ProductExists(ctx context.Context, name string) (bool, error)
	Standard(ctx context.Context, name string) (*domain.Standard, error)
	AdminArea(ctx context.Context, code string) (*domain.AdminArea, error)
	Organization(ctx context.Context, name string) (*domain.Organization, error)
	// ActiveMember reports whether household is an active member of organisation org.
	ActiveMember(ctx context.Context, org, household string) (bool, error)
	Household(ctx context.Context, name string) (*domain.Household, error)
	// CommuneAuthority returns the People's Committee of commune code ("" when none).
	CommuneAuthority(ctx context.Context, code string) (string, error)
	// Certifications returns the certifications org holds (recorded by an operator or an
	// official; not the requested, rejected or revoked ones).
	Certifications(ctx context.Context, org string) ([]domain.Certification, error)
}

// Contracts is what matchmaking asks the contracts service.
type Contracts interface {
	// CreateDraft creates the DRAFT contract; the same requestID always gives the same
	// contract. It returns the contract's name.
	CreateDraft(ctx context.Context, draft domain.ContractDraft, requestID string) (string, error)
	// Contracts returns the names of up to limit contracts of producer in state (a contracts
	// state name, e.g. COMPLETED).
	Contracts(ctx context.Context, producer, state string, limit int) ([]string, error)
	// Fulfilment returns what contract's settlement says was contracted and accepted.
	Fulfilment(ctx context.Context, contract string) (domain.Fulfilment, error)
}

// Settings tune matching and allocation.
type Settings struct {
	// Weights of the soft match criteria.
	Weights domain.Weights
	// TransportVNDPerUnitKm is the transport cost the allocator adds per unit and km.
	TransportVNDPerUnitKm int64
	// BatchMaxNodes is the batch allocator's search budget per component.
	BatchMaxNodes int
	// MaxOffers bounds the offers one allocation considers: beyond it the call is refused, not
	// silently cut.
	MaxOffers int
	// Now is the clock (nil: time.Now); the app passes the store's precision.
	Now func() time.Time
}

// Service implements the operations.
type Service struct {
	st        *storage.Store
	registry  Registry
	contracts Contracts
	set       Settings
	log       *slog.Logger
	now       func() time.Time
	// sides remembers the market side of organisations partner keys act for (visibility.go).
	sides sync.Map
	feed  *feedGate
}

// New returns the service over st, asking registry and contracts.
func New(st *storage.Store, registry Registry, contracts Contracts, set Settings, log *slog.Logger) *Service {
	now := set.Now
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, registry: registry, contracts: contracts, set: set, log: log, now: now, feed: &feedGate{}}
}

// Update is an update of a resource: the fields named by Paths (the update mask) are taken
// from Patch (nil: none sent) if the resource Name still has Etag ("": no precondition).
type Update[T any] struct {
	Name, Etag string
	Paths      []string
	Patch      *T
}

// getDemand loads the demand of resource name (request field field).
func (u *Service) getDemand(ctx context.Context, field, name string) (*domain.Demand, error) {
	ids, err := aip.ParseName(field, name, "demands")
	if err != nil {
		return nil, err
	}
	d, err := u.st.GetDemand(ctx, ids[0])
	if err != nil {
		return nil, fmt.Errorf("get demand: %w", err)
	}
	if d == nil {
		return nil, apierr.NotFound(name)
	}
	return d, nil
}

// getOffer loads the offer of resource name (request field field).
func (u *Service) getOffer(ctx context.Context, field, name string) (*domain.Offer, error) {
	o, err := u.findOffer(ctx, field, name)
	if err == nil && o == nil {
		return nil, apierr.NotFound(name)
	}
	return o, err
}

// findOffer loads the offer of resource name (request field field), or nil.
func (u *Service) findOffer(ctx context.Context, field, name string) (*domain.Offer, error) {
	ids, err := aip.ParseName(field, name, "offers")
	if err != nil {
		return nil, err
	}
	o, err := u.st.GetOffer(ctx, ids[0])
	if err != nil {
		return nil, fmt.Errorf("get offer: %w", err)
	}
	return o, nil
}

// mutateDemand changes demand id with fn (see storage.Store.MutateDemand).
func (u *Service) mutateDemand(ctx context.Context, id string, fn func(*domain.Demand) (bool, error)) (*domain.Demand, error) {
	d, err := u.st.MutateDemand(ctx, id, u.now().UTC(), fn)
	return d, mutateErr(err, domain.DemandName(id))
}

// mutateOffer changes offer id with fn (see storage.Store.MutateOffer).
func (u *Service) mutateOffer(ctx context.Context, id string, fn func(*domain.Offer) (bool, error)) (*domain.Offer, error) {
	o, err := u.st.MutateOffer(ctx, id, u.now().UTC(), fn)
	return o, mutateErr(err, domain.OfferName(id))
}

// mutateErr turns a failed change of resource name into its API error; fn's own errors pass.
func mutateErr(err error, name string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storage.ErrNotFound):
		return apierr.NotFound(name)
	case errors.Is(err, storage.ErrBusy):
		return apierr.Aborted("CONCURRENT_MODIFICATION", name+" busy; retry")
	case apierr.IsLienket(err):
		return err
	}
	return fmt.Errorf("change %s: %w", name, err)
}

// tooMany refuses an allocation over more than limit items of what, saying how to narrow it.
func tooMany(limit int, what, narrow string) error {
	return apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("more than %d %s: %s", limit, what, narrow), map[string]string{"limit": fmt.Sprint(limit)})
}

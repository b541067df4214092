// Package usecase holds the contracts service's operations, one method each: who may do it
// (authorization), idempotency, and the orchestration of the domain, the store and the
// registry. It knows nothing of protobuf or gRPC: transport maps requests onto these methods,
// and the errors returned here are API errors (apierr, domain errors) or wrapped failures that
// the platform's error mapper answers.
package usecase

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
)

// Registry is what the contracts service asks the registry service.
type Registry interface {
	// Facts gathers what the rules need to know about the parties of t. A party the
	// registry does not know is an absent fact (the rules report it); an unreachable
	// registry is an error.
	Facts(ctx context.Context, t domain.Terms) (domain.Facts, error)
	// Area describes an administrative area (nil when the registry does not know it).
	Area(ctx context.Context, code string) (*domain.AreaFact, error)
	// RecordParties tells the registry who is party to contract (its organisations then see
	// each other's contact details); idempotent.
	RecordParties(ctx context.Context, contract string, parties []string) error
	// Plots describes the named plots the registry knows (the others are left out).
	Plots(ctx context.Context, names []string) (map[string]domain.PlotFact, error)
}

// Deps are what the operations need.
type Deps struct {
	Store     *storage.Store
	Rulebooks domain.Rulebooks
	Registry  Registry
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// EventAppended, when set, is told the type of every audit event appended (metrics).
	EventAppended func(ctx context.Context, eventType string)
	// Directory names the parties on documents (nil: documents cannot be rendered).
	Directory Directory
	// PublicBaseURL is where the gateway's public verification page is
	// ("https://lienket.example.vn"): the QR code of every document links under it.
	PublicBaseURL string
	// Log receives what background work (the report refresher) cannot return (nil:
	// slog.Default()).
	Log *slog.Logger
}

// Service implements the contracts operations.
type Service struct {
	st       *storage.Store
	books    domain.Rulebooks
	registry Registry
	now      func() time.Time
	appended func(ctx context.Context, eventType string)
	log      *slog.Logger
	areas    sync.Map // code → *domain.AreaFact
	dir      Directory
	// verifyBase is the public base URL, without a trailing slash.
	verifyBase string
	feed       *feedState
}

// New returns the operations over d.
func New(d Deps) *Service {
	s := &Service{st: d.Store, books: d.Rulebooks, registry: d.Registry, now: d.Now, appended: d.EventAppended,
		dir: d.Directory, verifyBase: strings.TrimRight(d.PublicBaseURL, "/"), feed: &feedState{}, log: d.Log}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.appended == nil {
		s.appended = func(context.Context, string) {}
	}
	return s
}

// Target names the resource a custom method acts on, with the caller's etag (optional) and
// request id (optional: a retry with the same id returns the first result).
type Target struct {
	Name      string
	Etag      string
	RequestID string
}

// ListQuery is a listing request: an AIP-160 filter, a page size and the previous page's
// token.
type ListQuery struct {
	Filter    string
	PageSize  int32
	PageToken string
}

// Page is one page of a listing.
type Page[T any] struct {
	Items         []T
	NextPageToken string
}

// pager binds a listing's page tokens to its query (the parts that define the result set).
type pager struct {
	digest string
	page   storage.Page
}

func newPager(q ListQuery, scope ...string) (pager, error) {
	n, err := aip.PageSize(q.PageSize)
	if err != nil {
		return pager{}, err
	}
	digest := aip.QueryDigest(scope...)
	after, err := aip.DecodePageToken(q.PageToken, digest)
	if err != nil {
		return pager{}, err
	}
	return pager{digest: digest, page: storage.Page{After: after, Limit: n}}, nil
}

// pageOf is the page of items, with a token for the next one when more follow (key gives an
// item's sort key).
func pageOf[T any](pg pager, items []T, more bool, key func(*T) string) Page[T] {
	out := Page[T]{Items: items}
	if more && len(items) > 0 {
		out.NextPageToken = aip.EncodePageToken(key(&items[len(items)-1]), pg.digest)
	}
	return out
}

// requestKey is the idempotency key a contract remembers for a request ("" without a request
// id).
func requestKey(method string, p auth.Principal, requestID string) string {
	return aip.RequestKey(method, p.Subject, requestID)
}

// enumValue is a filter value as stored: an enum value may be written with its proto prefix
// (CONTRACT_STATE_ACTIVE) or without (ACTIVE); the unspecified value matches nothing set.
func enumValue(v string, prefixes ...string) string {
	if strings.HasSuffix(v, "_UNSPECIFIED") {
		return ""
	}
	for _, p := range prefixes {
		v = strings.TrimPrefix(v, p)
	}
	return v
}

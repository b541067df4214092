package console

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// The console calls the services over gRPC as the signed-in person: every call carries the
// person's Lienket token, so every authorization rule is the services' own. The wrapper also
// counts the calls each page makes (the Server-Timing header reports them).

type ctxKey int

const (
	tokenKey ctxKey = iota
	statsKey
	requestIDKey
)

// stats counts a request's backend calls.
type stats struct {
	calls atomic.Int32
	nanos atomic.Int64
}

func withToken(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, tokenKey, token)
}

// conn attaches the person's token (and the request id) to every call and counts it.
type conn struct{ cc grpc.ClientConnInterface }

func (c conn) outgoing(ctx context.Context) context.Context {
	if tok, _ := ctx.Value(tokenKey).(string); tok != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
	}
	if id, _ := ctx.Value(requestIDKey).(string); id != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-request-id", id)
	}
	return ctx
}

func (c conn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	start := time.Now()
	err := c.cc.Invoke(c.outgoing(ctx), method, args, reply, opts...)
	if st, ok := ctx.Value(statsKey).(*stats); ok {
		st.calls.Add(1)
		st.nanos.Add(int64(time.Since(start)))
	}
	return err
}

func (c conn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	if st, ok := ctx.Value(statsKey).(*stats); ok {
		st.calls.Add(1)
	}
	return c.cc.NewStream(c.outgoing(ctx), desc, method, opts...)
}

// backend holds the service clients.
type backend struct {
	reg registryv1.RegistryServiceClient
	con contractsv1.ContractsServiceClient
	mm  matchmakingv1.MatchmakingServiceClient
	sup supportv1.SupportServiceClient
	ref *reference
	// support caches the programmes and organisations' names (support_refs.go).
	support supportRefs
}

// reference caches public reference data (products, standards, administrative areas, the
// rulebooks): the same for every caller, read with whichever person's token first needs it,
// and refreshed every refTTL.
type reference struct {
	mu        sync.Mutex
	loaded    time.Time
	products  map[string]*registryv1.Product
	standards map[string]*registryv1.Standard
	areas     map[string]*registryv1.AdminArea
	productL  []*registryv1.Product
	standardL []*registryv1.Standard
}

const refTTL = 10 * time.Minute

// refs is the reference data, loaded when missing or stale.
type refs struct {
	Products  map[string]*registryv1.Product
	Standards map[string]*registryv1.Standard
	ProductL  []*registryv1.Product
	StandardL []*registryv1.Standard
}

func (b *backend) refs(ctx context.Context) (refs, error) {
	r := b.ref
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.products == nil || time.Since(r.loaded) > refTTL {
		if err := b.loadRefs(ctx); err != nil && r.products == nil {
			return refs{}, err
		}
	}
	return refs{Products: r.products, Standards: r.standards, ProductL: r.productL, StandardL: r.standardL}, nil
}

// area returns the administrative unit code, looked up once (nil when the registry does not
// know it or cannot say now).
func (b *backend) area(ctx context.Context, code string) *registryv1.AdminArea {
	r := b.ref
	r.mu.Lock()
	a, ok := r.areas[code]
	r.mu.Unlock()
	if ok {
		return a
	}
	a, err := b.reg.GetAdminArea(ctx, &registryv1.GetAdminAreaRequest{Name: "adminAreas/" + code})
	if err != nil {
		return nil
	}
	r.mu.Lock()
	if r.areas == nil {
		r.areas = map[string]*registryv1.AdminArea{}
	}
	r.areas[code] = a
	r.mu.Unlock()
	return a
}

func (b *backend) loadRefs(ctx context.Context) error {
	r := b.ref
	pl, err := pages(func(tok string) ([]*registryv1.Product, string, error) {
		res, err := b.reg.ListProducts(ctx, &registryv1.ListProductsRequest{PageSize: 500, PageToken: tok})
		return res.GetProducts(), res.GetNextPageToken(), err
	}, 0)
	if err != nil {
		return err
	}
	sl, err := pages(func(tok string) ([]*registryv1.Standard, string, error) {
		res, err := b.reg.ListStandards(ctx, &registryv1.ListStandardsRequest{PageSize: 500, PageToken: tok})
		return res.GetStandards(), res.GetNextPageToken(), err
	}, 0)
	if err != nil {
		return err
	}
	// The 3,355 official units are not listed: pages look the few they show up (area).
	r.products, r.standards, r.areas = byKey(pl, (*registryv1.Product).GetName), byKey(sl, (*registryv1.Standard).GetName), map[string]*registryv1.AdminArea{}
	r.productL, r.standardL, r.loaded = pl, sl, time.Now()
	return nil
}

// pages reads a listing page by page until its end, or until it holds at least max items
// (max 0: no bound).
func pages[T any](list func(token string) ([]T, string, error), max int) ([]T, error) {
	var out []T
	for tok := ""; ; {
		items, next, err := list(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if tok = next; tok == "" || (max > 0 && len(out) >= max) {
			return out, nil
		}
	}
}

func byKey[T any](items []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[key(it)] = it
	}
	return m
}

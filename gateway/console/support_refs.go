package console

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
)

// What the support pages name without asking each time: the programmes (their rules and
// appraisal criteria, the same for every caller), organisations' display names (organisations
// are public business information: GetOrganization answers any signed-in caller) and the
// titles of the calls projects belong to (a project exists only under a published call, and
// published calls are visible to every signed-in caller). They are read with whichever
// person's token first needs them and kept for refTTL, so that a list of projects costs the
// same backend calls however many owners and calls it names once they are known.

// supportRefs is the support pages' cache.
type supportRefs struct {
	mu         sync.Mutex
	progLoaded time.Time
	programmes []*supportv1.Programme
	names      map[string]cachedName
}

type cachedName struct {
	name string
	at   time.Time
}

// maxCachedNames bounds the names kept (the cache is emptied when it is full).
const maxCachedNames = 20_000

// programmes returns the support programmes.
func (b *backend) programmes(ctx context.Context) ([]*supportv1.Programme, error) {
	r := &b.support
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.programmes == nil || time.Since(r.progLoaded) > refTTL {
		res, err := b.sup.ListProgrammes(ctx, &supportv1.ListProgrammesRequest{})
		if err != nil {
			if r.programmes != nil {
				return r.programmes, nil
			}
			return nil, err
		}
		r.programmes, r.progLoaded = res.GetProgrammes(), time.Now()
	}
	return r.programmes, nil
}

// programme returns the programme name names (nil when unknown or unreadable: the pages then
// show the programme's resource name).
func (b *backend) programme(ctx context.Context, name string) *supportv1.Programme {
	ps, err := b.programmes(ctx)
	if err != nil {
		return nil
	}
	for _, p := range ps {
		if p.GetName() == name {
			return p
		}
	}
	return nil
}

// displayNames names organisations (organizations/{id}) and the calls of projects
// (calls/{id}): from the cache, and the others asked at once.
func (b *backend) displayNames(ctx context.Context, names []string) map[string]string {
	out := map[string]string{}
	var missing []string
	r := &b.support
	r.mu.Lock()
	for _, n := range names {
		if n == "" {
			continue
		}
		if c, ok := r.names[n]; ok && time.Since(c.at) < refTTL {
			out[n] = c.name
		} else if _, asked := out[n]; !asked {
			missing = append(missing, n)
			out[n] = ""
		}
	}
	r.mu.Unlock()
	if len(missing) == 0 {
		return out
	}
	found := make([]string, len(missing))
	var g errgroup.Group
	g.SetLimit(8)
	for i, n := range missing {
		g.Go(func() error { found[i] = b.displayName(ctx, n); return nil })
	}
	_ = g.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.names == nil || len(r.names)+len(missing) > maxCachedNames {
		r.names = map[string]cachedName{}
	}
	for i, n := range missing {
		if found[i] == "" {
			out[n] = "…" + shortID(n)
			continue
		}
		out[n] = found[i]
		r.names[n] = cachedName{name: found[i], at: time.Now()}
	}
	return out
}

// displayName asks the service that holds name for its display name ("" when it cannot).
func (b *backend) displayName(ctx context.Context, name string) string {
	switch {
	case strings.HasPrefix(name, "organizations/"):
		if o, err := b.reg.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: name}); err == nil {
			return o.GetDisplayName()
		}
	case strings.HasPrefix(name, "calls/"):
		if c, err := b.sup.GetCall(ctx, &supportv1.GetCallRequest{Name: name}); err == nil {
			return c.GetDisplayName()
		}
	}
	return ""
}

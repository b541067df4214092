package usecase

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// claimGrace is how long a claim whose resource was never written (a create that died between
// the two writes) blocks its value before another resource may take it.
const claimGrace = 2 * time.Minute

// claimAttempts bounds the take-over attempts of one claim against concurrent writers.
const claimAttempts = 3

// unique is a kind of value at most one resource may hold: a national ID number (by its keyed
// hash), a tax code, an OpenID identity. Claiming a value inserts a claim keyed by it; that
// insert on the unique _id is the atomic step, so of two concurrent registrations of one value
// one gets the claim and the other is refused. The claim is also how a value's holder is found:
// one read by _id, whatever the number of resources (values registered before claims existed
// were claimed by a migration: storage.Migrate).
type unique struct {
	kind  string // claim key prefix
	taken error  // what the loser is told
	// holds reports whether resource id was written, and whether it (still) holds value.
	holds func(ctx context.Context, id, value string) (exists, holds bool, err error)
}

func (u unique) key(value string) string { return storage.ClaimKey(u.kind, value) }

func (r *Registry) nationalIDs() unique {
	return unique{kind: "national_id",
		taken: apierr.Conflict("NATIONAL_ID_REGISTERED", "a household with this national ID number is already registered"),
		holds: func(ctx context.Context, id, hash string) (bool, bool, error) {
			h, err := r.st.Households.Get(ctx, id)
			return h != nil, h != nil && h.NationalIDHash == hash, err
		}}
}

func (r *Registry) taxCodes() unique {
	return unique{kind: "tax_code",
		taken: apierr.Conflict("TAX_CODE_REGISTERED", "an organisation with this tax code is already registered"),
		holds: func(ctx context.Context, id, code string) (bool, bool, error) {
			o, err := r.st.Orgs.Get(ctx, id)
			return o != nil, o != nil && o.TaxCode == code, err
		}}
}

// claim reserves value for resource id. A claim held by a resource that no longer holds the
// value, or by one that was never written (after claimGrace), is taken over.
func (r *Registry) claim(ctx context.Context, u unique, value, id string) error {
	key, now := u.key(value), r.now().UTC()
	for range claimAttempts {
		c, created, err := r.st.Claims.Insert(ctx, key, &domain.Claim{ID: key, Owner: id, Time: now, Version: 1})
		if err != nil {
			return fmt.Errorf("claim a %s: %w", u.kind, err)
		}
		if created || c.Owner == id {
			return nil
		}
		exists, holds, err := u.holds(ctx, c.Owner, value)
		if err != nil {
			return fmt.Errorf("check the owner of a %s claim: %w", u.kind, err)
		}
		if holds || (!exists && now.Sub(c.Time) < claimGrace) {
			return u.taken // held, or a registration still in flight
		}
		ok, err := r.st.Claims.Replace(ctx, key, c.Version, &domain.Claim{ID: key, Owner: id, Time: now, Version: c.Version + 1})
		if err != nil {
			return fmt.Errorf("take over a %s claim: %w", u.kind, err)
		}
		if ok {
			return nil
		}
	}
	return apierr.Aborted("CONCURRENT_MODIFICATION", "the value is being registered concurrently; retry")
}

// release drops resource id's claims on values (those it holds). A failure is logged: the
// claim is taken over when the value is next registered.
func (r *Registry) release(ctx context.Context, u unique, values []string, id string) {
	for _, value := range values {
		key := u.key(value)
		c, err := r.st.Claims.Get(ctx, key)
		if err == nil && c != nil && c.Owner == id {
			_, err = r.st.Claims.Delete(ctx, key, c.Version)
		}
		if err != nil {
			r.log.WarnContext(ctx, "could not release a claim; it will be taken over when needed", "kind", u.kind, "owner", id, "error", err.Error())
		}
	}
}

// changeUnique runs write, which moves resource id from the values from to the values to, of
// one unique kind: the values only in to are claimed first (all or none: a refusal releases
// those already claimed), and released again if write fails; the values only in from are
// released once write succeeded.
func (r *Registry) changeUnique(ctx context.Context, u unique, id string, from, to []string, write func() error) error {
	added, removed := minus(to, from), minus(from, to)
	for i, v := range added {
		if err := r.claim(ctx, u, v, id); err != nil {
			r.release(ctx, u, added[:i], id)
			return err
		}
	}
	if err := write(); err != nil {
		r.release(ctx, u, added, id)
		return err
	}
	r.release(ctx, u, removed, id)
	return nil
}

// minus returns the non-empty values of a that are not in b.
func minus(a, b []string) []string {
	var out []string
	for _, v := range a {
		if v != "" && !slices.Contains(b, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// one is a single optional value as a set.
func one(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

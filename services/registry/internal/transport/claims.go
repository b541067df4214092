package transport

import (
	"context"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// claimGrace is how long a claim whose resource was never written (a create that died between
// the two writes) blocks its value before another resource may take it.
const claimGrace = 2 * time.Minute

// unique is a value at most one resource may hold: a national ID number (by its keyed hash)
// or a tax code. The claim's insert on its unique key (_id) is the atomic step, so of two
// concurrent registrations of one value, one gets the claim and the other is refused.
type unique struct {
	key   string // claims _id
	taken error  // what the loser is told
	// owner reports whether resource id was written, and whether it (still) holds the value.
	owner func(ctx context.Context, id string) (exists, holds bool, err error)
	// holder finds a resource holding the value, for data written before claims existed.
	holder func(ctx context.Context) (string, error)
}

func (s *Server) nationalID(hash string) unique {
	return unique{key: "national_id/" + hash,
		taken: apierr.New(codes.AlreadyExists, "NATIONAL_ID_REGISTERED", "a household with this national ID number is already registered", nil),
		owner: func(ctx context.Context, id string) (bool, bool, error) {
			h, err := s.st.Households.Get(ctx, id)
			return h != nil, h != nil && h.NationalIDHash == hash, err
		},
		holder: func(ctx context.Context) (string, error) {
			h, err := s.st.Households.FindOne(ctx, bsonEq("national_id_hash", hash))
			if h == nil {
				return "", err
			}
			return h.ID, err
		}}
}

func (s *Server) taxCode(code string) unique {
	return unique{key: "tax_code/" + code,
		taken: apierr.New(codes.AlreadyExists, "TAX_CODE_REGISTERED", "an organisation with this tax code is already registered", nil),
		owner: func(ctx context.Context, id string) (bool, bool, error) {
			o, err := s.st.Orgs.Get(ctx, id)
			return o != nil, o != nil && o.TaxCode == code, err
		},
		holder: func(ctx context.Context) (string, error) {
			o, err := s.st.Orgs.FindOne(ctx, bsonEq("tax_code", code))
			if o == nil {
				return "", err
			}
			return o.ID, err
		}}
}

// claim reserves u for resource id. A claim held by a resource that no longer holds the value,
// or by one that was never written (after claimGrace), is taken over.
func (s *Server) claim(ctx context.Context, u unique, id string) error {
	now := s.now().UTC()
	claimed := false
	for attempt := 0; attempt < 3 && !claimed; attempt++ {
		c, created, err := s.st.Claims.Insert(ctx, u.key, &domain.Claim{ID: u.key, Owner: id, Time: now, Version: 1})
		if err != nil {
			return s.internal(ctx, "claim", err)
		}
		if created || c.Owner == id {
			claimed = true
			break
		}
		exists, holds, err := u.owner(ctx, c.Owner)
		if err != nil {
			return s.internal(ctx, "claim owner", err)
		}
		if holds || (!exists && now.Sub(c.Time) < claimGrace) {
			return u.taken // held, or a registration still in flight
		}
		ok, err := s.st.Claims.Replace(ctx, u.key, c.Version, &domain.Claim{ID: u.key, Owner: id, Time: now, Version: c.Version + 1})
		if err != nil {
			return s.internal(ctx, "take over claim", err)
		}
		claimed = ok
	}
	if !claimed {
		return apierr.New(codes.Aborted, "CONCURRENT_MODIFICATION", "the value is being registered concurrently; retry", nil)
	}
	holder, err := u.holder(ctx)
	if err != nil {
		return s.internal(ctx, "find holder", err)
	}
	if holder != "" && holder != id {
		s.release(ctx, u.key, id)
		return u.taken
	}
	return nil
}

// release drops resource id's claim on key (if it holds it). A failure is logged: the claim
// is taken over when the value is next registered.
func (s *Server) release(ctx context.Context, key, id string) {
	c, err := s.st.Claims.Get(ctx, key)
	if err == nil && c != nil && c.Owner == id {
		_, err = s.st.Claims.Delete(ctx, key, c.Version)
	}
	if err != nil {
		s.log.WarnContext(ctx, "could not release a claim; it will be taken over when needed", "claim", key, "owner", id, "error", err.Error())
	}
}

// changeUnique runs write, which moves resource id from value from to value to of a unique
// kind ("" = none): to is claimed first, and released again if write fails; from is released
// once write succeeds. When the value does not change, it only writes.
func (s *Server) changeUnique(ctx context.Context, id, from, to string, kind func(string) unique, write func() error) error {
	if from == to {
		return write()
	}
	if to != "" {
		if err := s.claim(ctx, kind(to), id); err != nil {
			return err
		}
	}
	if err := write(); err != nil {
		if to != "" {
			s.release(ctx, kind(to).key, id)
		}
		return err
	}
	if from != "" {
		s.release(ctx, kind(from).key, id)
	}
	return nil
}

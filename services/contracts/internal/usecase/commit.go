package usecase

import (
	"context"
	"errors"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// change is one change of a contract, decided and stored in one conditional write of the
// contract together with its audit event.
type change struct {
	// key is the idempotency key (requestKey): a contract that remembers it has had the change.
	key string
	// version, when not 0, is the contract version the caller read (its etag); name is the
	// resource the etag belongs to.
	version int64
	name    string
	// states, when given, are the contract states the change needs.
	states []string
	// apply changes the contract (it may read records: the conditional write makes whatever
	// it decides from them atomic with the contract) and names the event to append.
	apply func(c *domain.Contract) (eventType string, payload any, err error)
}

// decide runs the change's checks and apply on the current contract.
func (ch change) decide(c *domain.Contract) (string, any, error) {
	if ch.key != "" && c.SeenRequest(ch.key) {
		return "", nil, storage.ErrUnchanged // a retry: the contract as it is
	}
	if ch.version != 0 && ch.version != c.Version {
		return "", nil, apierr.EtagMismatch(ch.name)
	}
	if len(ch.states) > 0 {
		if err := c.RequireState(ch.states...); err != nil {
			return "", nil, err
		}
	}
	return ch.apply(c)
}

// commit applies ch to contract id: one conditional write that stores the change, remembers
// its idempotency key and appends its audit event by p (re-decided on the current contract
// when another writer got there first). A retried request, and an action already in effect
// (domain.ErrAlreadyDone), return the contract unchanged.
func (s *Service) commit(ctx context.Context, p auth.Principal, id string, ch change) (*domain.Contract, error) {
	appended := ""
	out, err := s.st.UpdateContract(ctx, id, func(c *domain.Contract) error {
		appended = ""
		typ, payload, err := ch.decide(c)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		c.UpdateTime = now
		c.RememberRequest(ch.key)
		c.Append(typ, p.Subject, string(p.Role), payload, now)
		appended = typ
		return nil
	})
	if errors.Is(err, domain.ErrAlreadyDone) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	if appended != "" {
		s.appended(ctx, appended)
	}
	return out, nil
}

// appendEvent appends an event to contract id that changes nothing else (a record stored on
// its own was created or changed), under the idempotency key key, in one of states (any when
// none are given).
func (s *Service) appendEvent(ctx context.Context, p auth.Principal, id, key string, states []string, eventType string, payload any) error {
	_, err := s.commit(ctx, p, id, change{key: key, states: states, apply: func(*domain.Contract) (string, any, error) {
		return eventType, payload, nil
	}})
	return err
}

// edit is the common path of the contract operations: check the request id and the etag, load
// the contract the caller may see, authorise (allow), then commit the change (under the
// idempotency key of method and the request id).
func (s *Service) edit(ctx context.Context, p auth.Principal, method string, t Target, allow func(*domain.Contract) error,
	apply func(c *domain.Contract) (string, any, error)) (*domain.Contract, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", t.RequestID)
	ver, err := aip.ParseEtag("etag", t.Etag)
	if err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.load(ctx, p, "name", t.Name)
	if err != nil {
		return nil, err
	}
	if err := allow(c); err != nil {
		return nil, err
	}
	return s.commit(ctx, p, c.ID, change{key: requestKey(method, p, t.RequestID), version: ver, name: t.Name, apply: apply})
}

// anyone lets every caller who may see the contract through (the domain checks capacity).
func anyone(*domain.Contract) error { return nil }

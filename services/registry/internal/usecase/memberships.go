package usecase

import (
	"context"
	"fmt"
	"strings"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// CreateMembership adds a household to an organisation: operators or the organisation itself.
// m carries household, role, join date and state (nil: the request had none). A retry with a
// request id returns the membership; without one, an existing membership is ALREADY_EXISTS.
func (r *Registry) CreateMembership(ctx context.Context, p auth.Principal, parent string, m *domain.Membership, requestID string) (*domain.Membership, error) {
	org, err := r.getOrg(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, parent) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may add members")
	}
	if err := r.checkNewMembership(org, m, requestID); err != nil {
		return nil, err
	}
	h, err := r.st.Households.Get(ctx, strings.TrimPrefix(m.Household, "households/"))
	if err != nil {
		return nil, fmt.Errorf("get household: %w", err)
	}
	if h == nil {
		return nil, apierr.Field("membership.household", "HOUSEHOLD_EXISTS", "household %s does not exist", m.Household)
	}
	m.Organization, m.ID = orgName(org.ID), membershipID(org.ID, m.Household)
	m.Created(r.now().UTC())
	stored, created, err := r.st.Memberships.Insert(ctx, m.ID, m)
	if err != nil {
		return nil, fmt.Errorf("insert membership: %w", err)
	}
	if !created && requestID == "" {
		return nil, apierr.AlreadyExists(stored.Name())
	}
	return stored, nil
}

// checkNewMembership validates a membership request into org and fills in the defaults
// (member, active).
func (r *Registry) checkNewMembership(org *domain.Organization, m *domain.Membership, requestID string) error {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("membership", m != nil) {
		return v.Err()
	}
	validateNewMembership(&v, "membership", org, m)
	return v.Err()
}

// validateNewMembership checks a new membership (prefix: its request field) into org and fills
// in the defaults (member, active).
func validateNewMembership(v *apierr.Violations, prefix string, org *domain.Organization, m *domain.Membership) {
	if _, err := aip.ParseName(prefix+".household", m.Household, "households"); err != nil {
		v.Add(prefix+".household", "RESOURCE_NAME", "must be households/{household}")
	}
	if m.Role == "" {
		m.Role = domain.RoleMember
	}
	if m.State == "" {
		m.State = domain.StateActive
	}
	domain.ValidateMembership(v, prefix, m)
	v.Check(org.IsProducer(), "parent", "PRODUCER_ORGANIZATION", "households can only be members of cooperatives and groups, not of a %s", strings.ToLower(org.Kind))
}

func (r *Registry) getMembership(ctx context.Context, field, name string) (*domain.Membership, error) {
	return get(ctx, r.st.Memberships, field, name, "organizations", "members")
}

// GetMembership returns a membership to those who may read the organisation's members and to
// the household itself; to anyone else it does not exist.
func (r *Registry) GetMembership(ctx context.Context, p auth.Principal, name string) (*domain.Membership, error) {
	m, err := r.getMembership(ctx, "name", name)
	if err != nil {
		return nil, err
	}
	ok, err := r.mayReadMemberships(ctx, p, m.Organization)
	if err != nil {
		return nil, err
	}
	if !ok && p.Household != m.Household {
		return nil, apierr.NotFound(name)
	}
	return m, nil
}

// ListMemberships lists an organisation's members (parent organizations/{id}) or a household's
// organisations (parent households/{id}); filter: role, state.
func (r *Registry) ListMemberships(ctx context.Context, p auth.Principal, parent string, in ListInput) (Page[domain.Membership], error) {
	cs, where, err := filter(in.Filter, map[string]enum{"role": {"ROLE_", []string{domain.RoleMember, domain.RoleLeader}},
		"state": {"STATE_", []string{domain.StateActive, domain.StateLeft}}}, "role", "state")
	if err != nil {
		return Page[domain.Membership]{}, err
	}
	of, err := r.membershipParent(ctx, p, parent)
	if err != nil {
		return Page[domain.Membership]{}, err
	}
	where = append(where, of)
	return page(in, "members\x00"+parent+"\x00"+aip.String(cs), func(pg storage.Page) ([]domain.Membership, bool, error) { return r.st.Memberships.List(ctx, where, pg) },
		func(m *domain.Membership) string { return m.ID })
}

// membershipParent checks that p may list the memberships under parent and returns the
// condition selecting them.
func (r *Registry) membershipParent(ctx context.Context, p auth.Principal, parent string) (storage.Cond, error) {
	switch {
	case strings.HasPrefix(parent, "organizations/"):
		if _, err := aip.ParseName("parent", parent, "organizations"); err != nil {
			return storage.Cond{}, err
		}
		ok, err := r.mayReadMemberships(ctx, p, parent)
		if err != nil {
			return storage.Cond{}, err
		}
		if !ok {
			return storage.Cond{}, apierr.PermissionDenied("only the organisation, the officials of its commune or province and operators may list its members")
		}
		return storage.Eq("organization", parent), nil
	case strings.HasPrefix(parent, "households/"):
		if _, err := aip.ParseName("parent", parent, "households"); err != nil {
			return storage.Cond{}, err
		}
		if !p.Privileged() && p.Household != parent {
			if _, err := r.getHousehold(ctx, p, "parent", parent); err != nil {
				return storage.Cond{}, err
			}
		}
		return storage.Eq("household", parent), nil
	}
	return storage.Cond{}, apierr.Field("parent", "RESOURCE_NAME", "must be organizations/{organization} or households/{household}")
}

// UpdateMembership changes a membership's role, state or join date: operators and the
// organisation itself.
func (r *Registry) UpdateMembership(ctx context.Context, p auth.Principal, u Update[domain.Membership]) (*domain.Membership, error) {
	if u.Value == nil {
		return nil, apierr.Field("membership", "REQUIRED", "is required")
	}
	m, err := r.getMembership(ctx, "membership.name", u.Name)
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, m.Organization) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may change memberships")
	}
	if err := aip.CheckEtag("membership.etag", u.Etag, m.Version, u.Name); err != nil {
		return nil, err
	}
	var v apierr.Violations
	domain.MembershipMask.Apply(&v, m, u.Value, u.Paths)
	domain.ValidateMembership(&v, "membership", m)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := replace(ctx, r.st.Memberships, m.ID, m.Updated(r.now().UTC()), m, u.Name); err != nil {
		return nil, err
	}
	return m, nil
}

// DeleteMembership removes a household from an organisation: operators and the organisation
// itself.
func (r *Registry) DeleteMembership(ctx context.Context, p auth.Principal, name, etag string) error {
	m, err := r.getMembership(ctx, "name", name)
	if err != nil {
		return err
	}
	if !mayManageOrg(p, m.Organization) {
		return apierr.PermissionDenied("only operators and the organisation itself may remove members")
	}
	if err := aip.CheckEtag("etag", etag, m.Version, name); err != nil {
		return err
	}
	return remove(ctx, r.st.Memberships, m.ID, m.Version, name)
}

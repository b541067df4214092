package transport

import (
	"context"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
)

// CreateMembership implements the RPC: operators or the organisation itself add a household.
func (s *Server) CreateMembership(ctx context.Context, req *registryv1.CreateMembershipRequest) (*registryv1.Membership, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	org, err := s.getOrg(ctx, "parent", req.GetParent())
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, req.GetParent()) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may add members")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	in := req.GetMembership()
	if in == nil {
		v.Add("membership", "REQUIRED", "is required")
		return nil, v.Err()
	}
	if _, err := aip.ParseName("membership.household", in.GetHousehold(), "households"); err != nil {
		return nil, err
	}
	m := &domain.Membership{
		Organization: req.GetParent(), Household: in.GetHousehold(),
		Role: enumName(in.GetRole().String(), "ROLE_"), JoinDate: in.GetJoinDate(), State: enumName(in.GetState().String(), "STATE_"),
	}
	if m.Role == "" {
		m.Role = domain.RoleMember
	}
	if m.State == "" {
		m.State = domain.StateActive
	}
	domain.ValidateMembership(&v, "membership", m)
	if !org.IsProducer() {
		v.Add("parent", "PRODUCER_ORGANIZATION", "households can only be members of cooperatives and groups, not of a %s", strings.ToLower(org.Kind))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	h, err := s.st.Households.Get(ctx, strings.TrimPrefix(in.GetHousehold(), "households/"))
	if err != nil {
		return nil, s.internal(ctx, "get household", err)
	}
	if h == nil {
		return nil, apierr.Field("membership.household", "HOUSEHOLD_EXISTS", "household %s does not exist", in.GetHousehold())
	}
	now := s.now().UTC()
	m.ID = membershipID(m.Organization, m.Household)
	m.CreateTime, m.UpdateTime, m.Version = now, now, 1
	stored, created, err := s.st.Memberships.Insert(ctx, m.ID, m)
	if err != nil {
		return nil, s.internal(ctx, "insert membership", err)
	}
	if !created && req.GetRequestId() == "" {
		return nil, apierr.AlreadyExists(membershipToProto(stored).Name)
	}
	return membershipToProto(stored), nil
}

func (s *Server) getMembership(ctx context.Context, field, name string) (*domain.Membership, error) {
	ids, err := aip.ParseName(field, name, "organizations", "members")
	if err != nil {
		return nil, err
	}
	m, err := s.st.Memberships.Get(ctx, ids[0]+"/"+ids[1])
	if err != nil {
		return nil, s.internal(ctx, "get membership", err)
	}
	if m == nil {
		return nil, apierr.NotFound(name)
	}
	return m, nil
}

// mayReadMemberships: operators, services, the organisation itself, and the officials of the
// organisation's commune or province (whose contracts they witness and mediate).
func (s *Server) mayReadMemberships(ctx context.Context, p auth.Principal, org string) (bool, error) {
	switch {
	case p.Privileged(), p.ActsFor(org):
		return true, nil
	case p.Is(auth.RoleCommuneOfficial, auth.RoleProvinceOfficial):
		o, err := s.st.Orgs.Get(ctx, strings.TrimPrefix(org, "organizations/"))
		if err != nil {
			return false, s.internal(ctx, "get org", err)
		}
		if o == nil {
			return false, nil
		}
		if p.Is(auth.RoleCommuneOfficial) {
			return p.AdminArea == o.Address.CommuneCode, nil
		}
		return p.AdminArea == o.Address.ProvinceCode, nil
	}
	return false, nil
}

// GetMembership implements the RPC.
func (s *Server) GetMembership(ctx context.Context, req *registryv1.GetMembershipRequest) (*registryv1.Membership, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.getMembership(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	ok, err := s.mayReadMemberships(ctx, p, m.Organization)
	if err != nil {
		return nil, err
	}
	if !ok && p.Household != m.Household {
		return nil, apierr.NotFound(req.GetName())
	}
	return membershipToProto(m), nil
}

// ListMemberships implements the RPC for an organisation's members or a household's
// organisations.
func (s *Server) ListMemberships(ctx context.Context, req *registryv1.ListMembershipsRequest) (*registryv1.ListMembershipsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "role", "state")
	if err != nil {
		return nil, err
	}
	f := conds(cs, map[string]string{"role": "role", "state": "state"}, map[string]string{"role": "ROLE_", "state": "STATE_"})
	parent := req.GetParent()
	switch {
	case strings.HasPrefix(parent, "organizations/"):
		if _, err := aip.ParseName("parent", parent, "organizations"); err != nil {
			return nil, err
		}
		ok, err := s.mayReadMemberships(ctx, p, parent)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, apierr.PermissionDenied("only the organisation, the officials of its commune or province and operators may list its members")
		}
		f = append(f, bson.E{Key: "organization", Value: parent})
	case strings.HasPrefix(parent, "households/"):
		if _, err := aip.ParseName("parent", parent, "households"); err != nil {
			return nil, err
		}
		if !p.Privileged() && p.Household != parent {
			h, err := s.getHousehold(ctx, p, "parent", parent)
			if err != nil {
				return nil, err
			}
			_ = h
		}
		f = append(f, bson.E{Key: "household", Value: parent})
	default:
		return nil, apierr.Field("parent", "RESOURCE_NAME", "must be organizations/{organization} or households/{household}")
	}
	items, next, err := page(ctx, s, s.st.Memberships, "members\x00"+parent+"\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(m *domain.Membership) string { return m.ID })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListMembershipsResponse{NextPageToken: next}
	for i := range items {
		resp.Memberships = append(resp.Memberships, membershipToProto(&items[i]))
	}
	return resp, nil
}

// UpdateMembership implements the RPC (role, state, join_date).
func (s *Server) UpdateMembership(ctx context.Context, req *registryv1.UpdateMembershipRequest) (*registryv1.Membership, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetMembership()
	if in == nil {
		return nil, apierr.Field("membership", "REQUIRED", "is required")
	}
	m, err := s.getMembership(ctx, "membership.name", in.GetName())
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, m.Organization) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may change memberships")
	}
	if err := aip.CheckEtag("membership.etag", in.GetEtag(), m.Version, in.GetName()); err != nil {
		return nil, err
	}
	var v apierr.Violations
	paths := req.GetUpdateMask().GetPaths()
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update")
	}
	for _, path := range paths {
		switch path {
		case "role":
			m.Role = enumName(in.GetRole().String(), "ROLE_")
		case "state":
			m.State = enumName(in.GetState().String(), "STATE_")
		case "join_date":
			m.JoinDate = in.GetJoinDate()
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "unknown or immutable field %q", path)
		}
	}
	domain.ValidateMembership(&v, "membership", m)
	if err := v.Err(); err != nil {
		return nil, err
	}
	prev := m.Version
	m.Version++
	m.UpdateTime = s.now().UTC()
	ok, err := s.st.Memberships.Replace(ctx, m.ID, prev, m)
	if err != nil {
		return nil, s.internal(ctx, "replace membership", err)
	}
	if !ok {
		return nil, apierr.EtagMismatch(in.GetName())
	}
	return membershipToProto(m), nil
}

// DeleteMembership implements the RPC.
func (s *Server) DeleteMembership(ctx context.Context, req *registryv1.DeleteMembershipRequest) (*emptypb.Empty, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	m, err := s.getMembership(ctx, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, m.Organization) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may remove members")
	}
	if err := aip.CheckEtag("etag", req.GetEtag(), m.Version, req.GetName()); err != nil {
		return nil, err
	}
	ok, err := s.st.Memberships.Delete(ctx, m.ID, m.Version)
	if err != nil {
		return nil, s.internal(ctx, "delete membership", err)
	}
	if !ok {
		return nil, apierr.EtagMismatch(req.GetName())
	}
	return &emptypb.Empty{}, nil
}

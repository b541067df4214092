package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/emptypb"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/protoenum"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/usecase"
)

// CreateUser implements the RPC.
func (s *Server) CreateUser(ctx context.Context, req *registryv1.CreateUserRequest) (*registryv1.User, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.Person, error) {
		return s.uc.CreateUser(ctx, p, userToDomain(req.GetUser()), req.GetRequestId())
	}, personToProto)
}

// GetUser implements the RPC.
func (s *Server) GetUser(ctx context.Context, req *registryv1.GetUserRequest) (*registryv1.User, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.Person, error) { return s.uc.GetUser(ctx, p, req.GetName()) }, personToProto)
}

// ListUsers implements the RPC.
func (s *Server) ListUsers(ctx context.Context, req *registryv1.ListUsersRequest) (*registryv1.ListUsersResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[usecase.Person], error) {
		return s.uc.ListUsers(ctx, p, listInput(req, req.GetFilter()))
	}, func(pg usecase.Page[usecase.Person]) *registryv1.ListUsersResponse {
		return &registryv1.ListUsersResponse{Users: each(pg.Items, personToProto), NextPageToken: pg.Next}
	})
}

// UpdateUser implements the RPC.
func (s *Server) UpdateUser(ctx context.Context, req *registryv1.UpdateUserRequest) (*registryv1.User, error) {
	in := req.GetUser()
	return serve(ctx, func(p auth.Principal) (*usecase.Person, error) {
		return s.uc.UpdateUser(ctx, p, usecase.Update[domain.User]{Name: in.GetName(), Etag: in.GetEtag(), Paths: req.GetUpdateMask().GetPaths(), Value: userToDomain(in)})
	}, personToProto)
}

// CreateGrant implements the RPC.
func (s *Server) CreateGrant(ctx context.Context, req *registryv1.CreateGrantRequest) (*registryv1.Grant, error) {
	return serve(ctx, func(p auth.Principal) (*domain.Grant, error) {
		return s.uc.CreateGrant(ctx, p, req.GetParent(), grantToDomain(req.GetGrant()), req.GetRequestId())
	}, grantToProto)
}

// ListGrants implements the RPC.
func (s *Server) ListGrants(ctx context.Context, req *registryv1.ListGrantsRequest) (*registryv1.ListGrantsResponse, error) {
	return serve(ctx, func(p auth.Principal) (usecase.Page[domain.Grant], error) {
		return s.uc.ListGrants(ctx, p, req.GetParent(), listInput(req, ""))
	}, func(pg usecase.Page[domain.Grant]) *registryv1.ListGrantsResponse {
		return &registryv1.ListGrantsResponse{Grants: each(pg.Items, grantToProto), NextPageToken: pg.Next}
	})
}

// DeleteGrant implements the RPC.
func (s *Server) DeleteGrant(ctx context.Context, req *registryv1.DeleteGrantRequest) (*emptypb.Empty, error) {
	return empty(ctx, func(p auth.Principal) error { return s.uc.DeleteGrant(ctx, p, req.GetName(), req.GetEtag()) })
}

// LookupIdentity implements the RPC.
func (s *Server) LookupIdentity(ctx context.Context, req *registryv1.LookupIdentityRequest) (*registryv1.User, error) {
	return serve(ctx, func(p auth.Principal) (*usecase.Person, error) {
		return s.uc.LookupIdentity(ctx, p, identityToDomain(req.GetIdentity()))
	}, personToProto)
}

func identityToDomain(p *registryv1.Identity) *domain.Identity {
	if p == nil {
		return nil
	}
	return &domain.Identity{Issuer: p.GetIssuer(), Subject: p.GetSubject()}
}

func userToDomain(p *registryv1.User) *domain.User {
	if p == nil {
		return nil
	}
	u := &domain.User{DisplayName: p.GetDisplayName(), Phone: p.GetPhone(), Email: p.GetEmail()}
	for _, id := range p.GetIdentities() {
		u.Identities = append(u.Identities, *identityToDomain(id))
	}
	return u
}

func personToProto(p *usecase.Person) *registryv1.User {
	u := p.User
	out := &registryv1.User{
		Name: "users/" + u.ID, DisplayName: u.DisplayName, Phone: u.Phone, Email: u.Email,
		Grants: each(p.Grants, grantToProto), CreateTime: ts(u.CreateTime), Etag: aip.Etag(u.Version),
	}
	for _, id := range u.Identities {
		out.Identities = append(out.Identities, &registryv1.Identity{Issuer: id.Issuer, Subject: id.Subject})
	}
	return out
}

func grantToDomain(p *registryv1.Grant) *domain.Grant {
	if p == nil {
		return nil
	}
	return &domain.Grant{Role: protoenum.Input(p.GetRole(), "ROLE_"), Organization: p.GetOrganization(), Household: p.GetHousehold(), Authority: p.GetAuthority(), Administrator: p.GetAdministrator()}
}

func grantToProto(g *domain.Grant) *registryv1.Grant {
	return &registryv1.Grant{
		Name: g.Name(), Role: enumOf(registryv1.Grant_ROLE_UNSPECIFIED, "ROLE_", g.Role),
		Organization: g.Organization, Household: g.Household, Authority: g.Authority, AdminAreaCode: g.AdminAreaCode,
		Administrator: g.Administrator, DisplayName: g.DisplayName, CreateTime: ts(g.CreateTime), Etag: aip.Etag(g.Version),
	}
}

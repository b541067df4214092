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

func bsonEq(k string, v any) bson.D { return bson.D{{Key: k, Value: v}} }

// CreateHousehold implements the RPC: operators, or producer organisations registering their
// member households.
func (s *Server) CreateHousehold(ctx context.Context, req *registryv1.CreateHouseholdRequest) (*registryv1.Household, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) {
		if _, err := s.producerOrg(ctx, p); err != nil {
			return nil, err
		}
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	in := req.GetHousehold()
	if in == nil {
		v.Add("household", "REQUIRED", "is required")
		return nil, v.Err()
	}
	h := householdToDomain(in)
	domain.ValidateHousehold(&v, s.ref, "household", h, s.now())
	if id := in.GetNationalId(); id != "" {
		if nid, err := domain.ProtectNationalID(id, s.idKey); err != nil {
			v.Add("household.national_id", "NATIONAL_ID_FORMAT", "%s", err.Error())
		} else {
			h.NationalIDHash, h.NationalIDLast4 = nid.Hash, nid.Last4
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	h.ID = aip.IDForRequest("CreateHousehold\x00"+p.Subject, req.GetRequestId())
	h.CreateTime, h.UpdateTime, h.Version = now, now, 1
	var stored *domain.Household
	if err := s.changeUnique(ctx, h.ID, "", h.NationalIDHash, s.nationalID, func() (err error) {
		if stored, _, err = s.st.Households.Insert(ctx, h.ID, h); err != nil {
			return s.internal(ctx, "insert household", err)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return householdToProto(stored), nil
}

func (s *Server) getHousehold(ctx context.Context, p auth.Principal, field, name string) (*domain.Household, error) {
	ids, err := aip.ParseName(field, name, "households")
	if err != nil {
		return nil, err
	}
	h, err := s.st.Households.Get(ctx, ids[0])
	if err != nil {
		return nil, s.internal(ctx, "get household", err)
	}
	if h == nil {
		return nil, apierr.NotFound(name)
	}
	ok, err := s.mayReadHousehold(ctx, p, h)
	if err != nil {
		return nil, s.internal(ctx, "authorize household", err)
	}
	if !ok {
		return nil, apierr.NotFound(name) // existence of a household must not leak
	}
	return h, nil
}

// GetHousehold implements the RPC.
func (s *Server) GetHousehold(ctx context.Context, req *registryv1.GetHouseholdRequest) (*registryv1.Household, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	h, err := s.getHousehold(ctx, p, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	return householdToProto(h), nil
}

// ListHouseholds implements the RPC. Officials see their own area; organisations list their
// own members (filter organization = "organizations/{id}"); operators and services see all.
func (s *Server) ListHouseholds(ctx context.Context, req *registryv1.ListHouseholdsRequest) (*registryv1.ListHouseholdsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "commune_code", "province_code", "poverty_status", "organization")
	if err != nil {
		return nil, err
	}
	org := ""
	var rest []aip.Condition
	for _, c := range cs {
		if c.Field == "organization" {
			if c.Op != "=" || org != "" {
				return nil, apierr.Field("filter", "FILTER_SYNTAX", "organization supports a single = condition")
			}
			org = c.Value
			continue
		}
		rest = append(rest, c)
	}
	f := conds(rest, map[string]string{"commune_code": "commune_code", "province_code": "province_code", "poverty_status": "poverty_status"}, map[string]string{"poverty_status": "POVERTY_STATUS_"})
	switch p.Role {
	case auth.RoleAdmin, auth.RoleService:
	case auth.RoleCommuneOfficial:
		f = append(f, bson.E{Key: "commune_code", Value: p.AdminArea})
	case auth.RoleProvinceOfficial:
		f = append(f, bson.E{Key: "province_code", Value: p.AdminArea})
	case auth.RoleProducer, auth.RolePartner, auth.RoleBusiness:
		if org != p.Organization {
			return nil, apierr.PermissionDenied(`organisations may list only their own members: filter organization = "` + p.Organization + `"`)
		}
	default:
		return nil, apierr.PermissionDenied("role " + string(p.Role) + " may not list households")
	}
	if org != "" {
		if _, err := aip.ParseName("filter", org, "organizations"); err != nil {
			return nil, err
		}
		ms, _, err := s.st.Memberships.List(ctx, bson.D{{Key: "organization", Value: org}, {Key: "state", Value: domain.StateActive}}, "", 100_000)
		if err != nil {
			return nil, s.internal(ctx, "list members", err)
		}
		ids := make([]string, 0, len(ms))
		for _, m := range ms {
			ids = append(ids, strings.TrimPrefix(m.Household, "households/"))
		}
		f = append(f, bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}})
	}
	items, next, err := page(ctx, s, s.st.Households, "households\x00"+string(p.Role)+p.AdminArea+"\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(h *domain.Household) string { return h.ID })
	if err != nil {
		return nil, err
	}
	resp := &registryv1.ListHouseholdsResponse{NextPageToken: next}
	for i := range items {
		resp.Households = append(resp.Households, householdToProto(&items[i]))
	}
	return resp, nil
}

// UpdateHousehold implements the RPC: operators, the household itself, or producer
// organisations it belongs to.
func (s *Server) UpdateHousehold(ctx context.Context, req *registryv1.UpdateHouseholdRequest) (*registryv1.Household, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	in := req.GetHousehold()
	if in == nil {
		return nil, apierr.Field("household", "REQUIRED", "is required")
	}
	h, err := s.getHousehold(ctx, p, "household.name", in.GetName())
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayManageHousehold(ctx, p, h); err != nil {
		return nil, s.internal(ctx, "authorize household", err)
	} else if !ok {
		return nil, apierr.PermissionDenied("only operators, the household and its organisations may update it")
	}
	if err := aip.CheckEtag("household.etag", in.GetEtag(), h.Version, in.GetName()); err != nil {
		return nil, err
	}
	src := householdToDomain(in)
	oldHash := h.NationalIDHash
	var v apierr.Violations
	paths := req.GetUpdateMask().GetPaths()
	if len(paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update")
	}
	for _, path := range paths {
		switch {
		case path == "head_name":
			h.HeadName = src.HeadName
		case path == "head_gender":
			h.HeadGender = src.HeadGender
		case path == "member_count":
			h.MemberCount = src.MemberCount
		case path == "ethnic_group":
			h.EthnicGroup = src.EthnicGroup
		case path == "poverty_status":
			h.PovertyStatus = src.PovertyStatus
		case path == "poverty_status_year":
			h.PovertyStatusYear = src.PovertyStatusYear
		case path == "commune_code":
			h.CommuneCode = src.CommuneCode
		case path == "village":
			h.Village = src.Village
		case path == "phone":
			h.Phone = src.Phone
		case path == "cultivated_areas":
			h.CultivatedAreas = src.CultivatedAreas
		case path == "consent" || strings.HasPrefix(path, "consent."):
			h.Consent = src.Consent
		case path == "national_id":
			nid, err := domain.ProtectNationalID(in.GetNationalId(), s.idKey)
			if err != nil {
				v.Add("household.national_id", "NATIONAL_ID_FORMAT", "%s", err.Error())
			}
			h.NationalIDHash, h.NationalIDLast4 = nid.Hash, nid.Last4
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "unknown or output-only field %q", path)
		}
	}
	domain.ValidateHousehold(&v, s.ref, "household", h, s.now())
	if err := v.Err(); err != nil {
		return nil, err
	}
	prev := h.Version
	h.Version++
	h.UpdateTime = s.now().UTC()
	if err := s.changeUnique(ctx, h.ID, oldHash, h.NationalIDHash, s.nationalID, func() error {
		ok, err := s.st.Households.Replace(ctx, h.ID, prev, h)
		if err != nil {
			return s.internal(ctx, "replace household", err)
		}
		if !ok {
			return apierr.EtagMismatch(in.GetName())
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return householdToProto(h), nil
}

// DeleteHousehold implements the RPC (operators; memberships must be removed first).
func (s *Server) DeleteHousehold(ctx context.Context, req *registryv1.DeleteHouseholdRequest) (*emptypb.Empty, error) {
	p, err := auth.RequireRole(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	h, err := s.getHousehold(ctx, p, "name", req.GetName())
	if err != nil {
		return nil, err
	}
	if err := aip.CheckEtag("etag", req.GetEtag(), h.Version, req.GetName()); err != nil {
		return nil, err
	}
	ms, _, err := s.st.Memberships.List(ctx, bsonEq("household", req.GetName()), "", 1)
	if err != nil {
		return nil, s.internal(ctx, "list memberships", err)
	}
	if len(ms) > 0 {
		return nil, apierr.FailedPrecondition("HOUSEHOLD_HAS_MEMBERSHIPS", req.GetName()+" still belongs to organisations; remove the memberships first", nil)
	}
	ok, err := s.st.Households.Delete(ctx, h.ID, h.Version)
	if err != nil {
		return nil, s.internal(ctx, "delete household", err)
	}
	if !ok {
		return nil, apierr.EtagMismatch(req.GetName())
	}
	if h.NationalIDHash != "" {
		s.release(ctx, s.nationalID(h.NationalIDHash).key, h.ID)
	}
	return &emptypb.Empty{}, nil
}

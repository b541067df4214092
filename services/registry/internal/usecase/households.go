package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// protectNationalID records on h the protected form of a national ID number given in the
// request (rule NATIONAL_ID_FORMAT); the number itself is kept nowhere.
func (r *Registry) protectNationalID(v *apierr.Violations, number string, h *domain.Household) {
	r.protectNationalIDAt(v, "household.national_id", number, h)
}

// protectNationalIDAt is protectNationalID with the request field named.
func (r *Registry) protectNationalIDAt(v *apierr.Violations, field, number string, h *domain.Household) {
	nid, err := domain.ProtectNationalID(number, r.idKey)
	if err != nil {
		v.Add(field, "NATIONAL_ID_FORMAT", "%s", err.Error())
	}
	h.NationalIDHash, h.NationalIDLast4 = nid.Hash, nid.Last4
}

// CreateHousehold registers a household: operators, or producer organisations registering
// their member households; h nil means the request had none. A retry with the same request id
// returns the first result.
func (r *Registry) CreateHousehold(ctx context.Context, p auth.Principal, h *domain.Household, nationalID, requestID string) (*domain.Household, error) {
	if !p.Is(auth.RoleAdmin) {
		if err := r.requireProducer(ctx, p); err != nil {
			return nil, err
		}
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("household", h != nil) {
		return nil, v.Err()
	}
	domain.ValidateHousehold(&v, r.ref, "household", h, r.now())
	if nationalID != "" {
		r.protectNationalID(&v, nationalID, h)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	h.ID = aip.IDForRequest("CreateHousehold\x00"+p.Subject, requestID)
	return createUnique(ctx, r, r.st.Households, r.nationalIDs(), h.ID, one(h.NationalIDHash), h)
}

// getHousehold loads a household the caller may see; one it may not is NOT_FOUND, as if it did
// not exist (the existence of a household must not leak).
func (r *Registry) getHousehold(ctx context.Context, p auth.Principal, field, name string) (*domain.Household, error) {
	h, err := get(ctx, r.st.Households, field, name, "households")
	if err != nil {
		return nil, err
	}
	ok, err := r.mayReadHousehold(ctx, p, h)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.NotFound(name)
	}
	return h, nil
}

// GetHousehold returns a household the caller may see.
func (r *Registry) GetHousehold(ctx context.Context, p auth.Principal, name string) (*domain.Household, error) {
	return r.getHousehold(ctx, p, "name", name)
}

// ListHouseholds lists households. Officials see their own area; organisations list their own
// members (filter organization = "organizations/{id}"); operators and services see all.
func (r *Registry) ListHouseholds(ctx context.Context, p auth.Principal, in ListInput) (Page[domain.Household], error) {
	cs, err := aip.ParseFilterFields(in.Filter, aip.AnyValue("commune_code"), aip.AnyValue("province_code"),
		aip.OneOfEnum("poverty_status", "POVERTY_STATUS_", domain.PovertyPoor, domain.PovertyNearPoor, domain.PovertyRecentlyEscaped, domain.PovertyNonPoor),
		aip.AnyValue("organization"), aip.AnyValue("name"), aip.AnyValue("contract"))
	if err != nil {
		return Page[domain.Household]{}, err
	}
	if contract, rest, ok, err := splitContract(cs); ok || err != nil {
		if err != nil {
			return Page[domain.Household]{}, err
		}
		return r.contractHouseholds(ctx, p, contract, rest, in)
	}
	org, rest, err := splitOrganization(cs)
	if err != nil {
		return Page[domain.Household]{}, err
	}
	where, err := conds(rest, map[string]string{"poverty_status": "POVERTY_STATUS_"})
	if err != nil {
		return Page[domain.Household]{}, err
	}
	scope, err := householdScope(p, org)
	if err != nil {
		return Page[domain.Household]{}, err
	}
	if len(scope) == 0 && org == "" { // an operator's or a service's: its filter is the scope
		if err := aip.RequireEquality(selects(rest), "commune_code", "province_code", "poverty_status"); err != nil {
			return Page[domain.Household]{}, err
		}
	}
	where = append(where, scope...)
	digest := "households\x00" + string(p.Role) + p.AdminArea + "\x00" + aip.String(cs)
	if org != "" {
		if _, err := aip.ParseName("filter", org, "organizations"); err != nil {
			return Page[domain.Household]{}, err
		}
		return pageThrough(in, digest, func(pg storage.Page) ([]domain.Household, string, bool, error) {
			return r.memberHouseholds(ctx, org, where, pg)
		})
	}
	return page(in, digest, func(pg storage.Page) ([]domain.Household, bool, error) { return r.st.Households.List(ctx, where, pg) },
		func(h *domain.Household) string { return h.ID })
}

// memberHouseholds reads one page of org's active member households that match where: a page
// of its memberships (in household order), then those households by _id.
func (r *Registry) memberHouseholds(ctx context.Context, org string, where []storage.Cond, pg storage.Page) ([]domain.Household, string, bool, error) {
	names, more, err := r.st.MemberHouseholds(ctx, org, pg.After, pg.Limit)
	if err != nil || len(names) == 0 {
		return nil, "", false, err
	}
	ids := make([]string, len(names))
	for i, n := range names {
		ids[i] = strings.TrimPrefix(n, "households/")
	}
	hs, err := r.st.Households.GetMany(ctx, ids, where...)
	return hs, ids[len(ids)-1], more, err
}

// splitOrganization takes the organization condition (a single =) out of a household filter.
func splitOrganization(cs []aip.Condition) (org string, rest []aip.Condition, err error) {
	for _, c := range cs {
		if c.Field != "organization" {
			rest = append(rest, c)
			continue
		}
		if c.Op != "=" || org != "" {
			return "", nil, apierr.Field("filter", "FILTER_SYNTAX", "organization supports a single = condition")
		}
		org = c.Value
	}
	return org, rest, nil
}

// householdScope restricts a household listing to what p may see.
func householdScope(p auth.Principal, org string) ([]storage.Cond, error) {
	switch p.Role {
	case auth.RoleAdmin, auth.RoleService:
		return nil, nil
	case auth.RoleCommuneOfficial:
		return []storage.Cond{storage.Eq("commune_code", p.AdminArea)}, nil
	case auth.RoleProvinceOfficial:
		return []storage.Cond{storage.Eq("province_code", p.AdminArea)}, nil
	case auth.RoleProducer, auth.RolePartner, auth.RoleBusiness:
		if org != p.Organization {
			return nil, apierr.PermissionDenied(`organisations may list only their own members: filter organization = "` + p.Organization + `"`)
		}
		return nil, nil
	}
	return nil, apierr.PermissionDenied("role " + string(p.Role) + " may not list households")
}

// UpdateHousehold changes a household: operators, the household itself, or producer
// organisations it belongs to. nationalID is the new number when the mask names national_id.
func (r *Registry) UpdateHousehold(ctx context.Context, p auth.Principal, u Update[domain.Household], nationalID string) (*domain.Household, error) {
	if u.Value == nil {
		return nil, apierr.Field("household", "REQUIRED", "is required")
	}
	h, err := r.getHousehold(ctx, p, "household.name", u.Name)
	if err != nil {
		return nil, err
	}
	if ok, err := r.mayManageHousehold(ctx, p, h); err != nil {
		return nil, err
	} else if !ok {
		return nil, apierr.PermissionDenied("only operators, the household and its organisations may update it")
	}
	if err := aip.CheckEtag("household.etag", u.Etag, h.Version, u.Name); err != nil {
		return nil, err
	}
	oldHash := h.NationalIDHash
	var v apierr.Violations
	if slices.Contains(u.Paths, "national_id") {
		r.protectNationalID(&v, nationalID, u.Value)
	}
	domain.HouseholdMask.Apply(&v, h, u.Value, u.Paths)
	domain.ValidateHousehold(&v, r.ref, "household", h, r.now())
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := saveUnique(ctx, r, r.st.Households, r.nationalIDs(), h.ID, one(oldHash), one(h.NationalIDHash), h, u.Name); err != nil {
		return nil, err
	}
	return h, nil
}

// DeleteHousehold removes a household (operators); its memberships must be removed first.
func (r *Registry) DeleteHousehold(ctx context.Context, p auth.Principal, name, etag string) error {
	if err := requireRole(p, auth.RoleAdmin); err != nil {
		return err
	}
	h, err := r.getHousehold(ctx, p, "name", name)
	if err != nil {
		return err
	}
	if err := aip.CheckEtag("etag", etag, h.Version, name); err != nil {
		return err
	}
	member, err := r.st.Memberships.Any(ctx, storage.Eq("household", name))
	if err != nil {
		return fmt.Errorf("list memberships: %w", err)
	}
	if member {
		return apierr.FailedPrecondition("HOUSEHOLD_HAS_MEMBERSHIPS", name+" still belongs to organisations; remove the memberships first", nil)
	}
	if err := remove(ctx, r.st.Households, h.ID, h.Version, name); err != nil {
		return err
	}
	r.release(ctx, r.nationalIDs(), one(h.NationalIDHash), h.ID)
	return nil
}

// splitContract takes the contract condition (a single =, not with organization) out of a
// household filter; ok reports whether there was one.
func splitContract(cs []aip.Condition) (contract string, rest []aip.Condition, ok bool, err error) {
	for _, c := range cs {
		switch {
		case c.Field == "organization":
			rest = append(rest, c)
		case c.Field != "contract":
			rest = append(rest, c)
		case c.Op != "=" || contract != "":
			return "", nil, false, apierr.Field("filter", "FILTER_SYNTAX", "contract supports a single = condition")
		default:
			contract = c.Value
		}
	}
	if contract == "" {
		return "", cs, false, nil
	}
	for _, c := range rest {
		if c.Field == "organization" {
			return "", nil, false, apierr.Field("filter", "FILTER_SYNTAX", "filter by contract or by organization, not both")
		}
	}
	if _, err := aip.ParseName("filter", contract, "contracts"); err != nil {
		return "", nil, false, err
	}
	return contract, rest, true, nil
}

// contractHouseholds lists the households party to contract (as the contracts service
// recorded them): for its parties — the producer and operators see them whole, the buyer
// their names and places only (NameAndPlace) —, officials within their area, operators. To
// anyone else the contract's households do not exist (an empty page).
func (r *Registry) contractHouseholds(ctx context.Context, p auth.Principal, contract string, rest []aip.Condition, in ListInput) (Page[domain.Household], error) {
	parties, err := r.st.ContractParties(ctx, contract)
	if err != nil {
		return Page[domain.Household]{}, err
	}
	party := slices.Contains(parties, p.Organization) && p.Is(auth.RoleBusiness, auth.RoleProducer, auth.RolePartner)
	var ids []string
	for _, n := range parties {
		if id, ok := strings.CutPrefix(n, "households/"); ok {
			ids = append(ids, id)
		}
	}
	scope, err := contractHouseholdScope(p, party)
	if err != nil {
		return Page[domain.Household]{}, err
	}
	where, err := conds(rest, map[string]string{"poverty_status": "POVERTY_STATUS_"})
	if err != nil {
		return Page[domain.Household]{}, err
	}
	where = append(append(where, scope...), storage.In("id", ids))
	pg, err := page(in, "households\x00contract\x00"+string(p.Role)+p.AdminArea+p.Organization+"\x00"+aip.String(append(rest, aip.Condition{Field: "contract", Op: "=", Value: contract})),
		func(pg storage.Page) ([]domain.Household, bool, error) { return r.st.Households.List(ctx, where, pg) },
		func(h *domain.Household) string { return h.ID })
	if err != nil || !party || p.ActsFor(producerOf(parties)) {
		return pg, err
	}
	for i := range pg.Items {
		pg.Items[i] = *pg.Items[i].NameAndPlace()
	}
	return pg, nil
}

// contractHouseholdScope restricts the households of a contract to what p may see of them.
func contractHouseholdScope(p auth.Principal, party bool) ([]storage.Cond, error) {
	switch {
	case p.Privileged(), party:
		return nil, nil
	case p.Is(auth.RoleCommuneOfficial):
		return []storage.Cond{storage.Eq("commune_code", p.AdminArea)}, nil
	case p.Is(auth.RoleProvinceOfficial):
		return []storage.Cond{storage.Eq("province_code", p.AdminArea)}, nil
	case p.Is(auth.RoleHousehold):
		return []storage.Cond{storage.Eq("id", strings.TrimPrefix(p.Household, "households/"))}, nil
	}
	return []storage.Cond{storage.In("id", nil)}, nil // not a party: nothing
}

// producerOf is the producer among a contract's parties: the contracts service records the
// buyer first and the producer second.
func producerOf(parties []string) string {
	if len(parties) < 2 {
		return ""
	}
	return parties[1]
}

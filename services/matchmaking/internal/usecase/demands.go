package usecase

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// maxPendingOnCancel bounds the pending proposals a demand's cancellation cancels at once.
const maxPendingOnCancel = 100_000

// CreateDemand posts a purchase demand (a business, or a partner or producer buying, for its
// own organisation; or an operator). A retry with the same request id gets the first demand.
func (u *Service) CreateDemand(ctx context.Context, p auth.Principal, requestID string, d *domain.Demand) (*domain.Demand, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if d == nil {
		v.Add("demand", "REQUIRED", "is required")
		return nil, v.Err()
	}
	if !p.Is(auth.RoleAdmin) && !(p.Is(auth.RoleBusiness, auth.RolePartner, auth.RoleProducer) && p.Organization == d.Buyer) {
		return nil, apierr.PermissionDenied("a demand is posted by the buyer organisation itself: buyer must be " + p.Organization)
	}
	d.State = domain.DemandOpen
	d.Validate(&v)
	if _, err := aip.ParseName("demand.buyer", d.Buyer, "organizations"); err != nil {
		return nil, err
	}
	if err := u.checkDemandRefs(ctx, &v, d); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := u.now().UTC()
	d.ID = aip.IDForRequest("CreateDemand\x00"+p.Subject, requestID)
	d.CreateTime, d.UpdateTime, d.Version = now, now, 1
	stored, err := u.st.InsertDemand(ctx, d)
	if err != nil {
		return nil, fmt.Errorf("insert demand: %w", err)
	}
	return stored, nil
}

// checkDemandRefs checks what the demand names in the registry: an existing product and
// required standard, an existing commune to deliver to (which gives the demand its province),
// an existing, active buyer.
func (u *Service) checkDemandRefs(ctx context.Context, v *apierr.Violations, d *domain.Demand) error {
	if err := u.checkProduct(ctx, v, "demand.product", d.Product); err != nil {
		return err
	}
	if d.RequiredStandard != "" {
		if err := u.checkStandard(ctx, v, "demand.required_standard", d.RequiredStandard); err != nil {
			return err
		}
	}
	area, err := u.registry.AdminArea(ctx, d.DeliveryCommuneCode)
	if err != nil {
		return err
	}
	if v.Check(area != nil && area.Commune, "demand.delivery_commune_code", "ADMIN_AREA_EXISTS", "must be an existing commune code") {
		d.ProvinceCode = area.ParentCode
	}
	org, err := u.registry.Organization(ctx, d.Buyer)
	if err != nil {
		return err
	}
	v.Check(org != nil && org.Active, "demand.buyer", "ORGANIZATION_ACTIVE", "must be an existing, active organisation")
	return nil
}

// checkProduct: the product is named and exists.
func (u *Service) checkProduct(ctx context.Context, v *apierr.Violations, field, name string) error {
	if !v.Required(field, name != "") {
		return nil
	}
	ok, err := u.registry.ProductExists(ctx, name)
	if err != nil {
		return err
	}
	v.Check(ok, field, "PRODUCT_EXISTS", "%s does not exist", name)
	return nil
}

// checkStandard: the standard exists.
func (u *Service) checkStandard(ctx context.Context, v *apierr.Violations, field, name string) error {
	st, err := u.registry.Standard(ctx, name)
	if err != nil {
		return err
	}
	v.Check(st != nil, field, "STANDARD_EXISTS", "%s does not exist", name)
	return nil
}

// GetDemand returns a demand to those who may see it (visibility.go); to others it does not
// exist.
func (u *Service) GetDemand(ctx context.Context, p auth.Principal, name string) (*domain.Demand, error) {
	return u.visibleDemand(ctx, p, "name", name)
}

// ListDemands lists the demands p may see (a buyer its own, the producer side open ones,
// officials and operators all). Filters: product, province_code, state, buyer, window.
func (u *Service) ListDemands(ctx context.Context, p auth.Principal, in ListInput) ([]domain.Demand, string, error) {
	f, cs, err := marketFilter(in.Filter, "buyer", domain.DemandOpen, domain.DemandPartiallyAllocated, domain.DemandFilled, domain.DemandClosed, domain.DemandCancelled)
	if err != nil {
		return nil, "", err
	}
	if err := u.scopeDemands(ctx, p, &f); err != nil {
		return nil, "", err
	}
	if err := marketScope(p, f, cs, "buyer"); err != nil {
		return nil, "", err
	}
	scope := "demands\x00" + f.ScopeOwner + "\x00" + strconv.FormatBool(f.ScopeOpen) + "\x00" + aip.String(cs)
	return page(ctx, in, scope, u.st.ListDemands, f, func(d *domain.Demand) string { return d.ID })
}

// UpdateDemand changes an OPEN or PARTIALLY_ALLOCATED demand (its buyer, or an operator):
// quantity (never below what is allocated or reserved), minimum lot, delivery window and
// place, price, inputs, assistance, inclusion.
func (u *Service) UpdateDemand(ctx context.Context, p auth.Principal, in Update[domain.Demand]) (*domain.Demand, error) {
	if in.Patch == nil {
		return nil, apierr.Field("demand", "REQUIRED", "is required")
	}
	cur, err := u.visibleDemand(ctx, p, "demand.name", in.Name)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(cur.Buyer) {
		return nil, apierr.PermissionDenied("only the buyer may change its demand")
	}
	if err := domain.CheckDemandMask(in.Paths); err != nil {
		return nil, err
	}
	return u.mutateDemand(ctx, cur.ID, func(d *domain.Demand) (bool, error) {
		if err := aip.CheckEtag("demand.etag", in.Etag, d.Version, in.Name); err != nil {
			return false, err
		}
		return true, d.Change(in.Patch, in.Paths)
	})
}

// EndDemand closes (CLOSED) or cancels (CANCELLED) a demand: its buyer or an operator. A
// cancellation first cancels the demand's pending proposals, releasing what they hold.
func (u *Service) EndDemand(ctx context.Context, p auth.Principal, name, etag, to string) (*domain.Demand, error) {
	d, err := u.visibleDemand(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(d.Buyer) {
		return nil, apierr.PermissionDenied("only the buyer may close or cancel its demand")
	}
	if err := aip.CheckEtag("etag", etag, d.Version, name); err != nil {
		return nil, err
	}
	done, err := d.CheckEnd(to)
	if err != nil {
		return nil, err
	}
	if done {
		return d, nil
	}
	if to == domain.DemandCancelled {
		if err := u.cancelPending(ctx, name); err != nil {
			return nil, err
		}
	}
	return u.mutateDemand(ctx, d.ID, func(d *domain.Demand) (bool, error) {
		d.State = to
		return true, nil
	})
}

// cancelPending cancels the pending proposals of demand name.
func (u *Service) cancelPending(ctx context.Context, name string) error {
	props, more, err := u.st.PendingProposals(ctx, name, maxPendingOnCancel)
	if err != nil {
		return fmt.Errorf("list pending proposals: %w", err)
	}
	if more {
		return tooMany(maxPendingOnCancel, "pending proposals", "cancel some of them first")
	}
	for i := range props {
		if _, err := u.endProposal(ctx, &props[i], domain.ProposalCancelled, "demand cancelled"); err != nil {
			return err
		}
	}
	return nil
}

package usecase

import (
	"context"
	"fmt"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateOffer posts a supply offer (a producer organisation, or its partner, for itself; or an
// operator). The shares of poor or near-poor and of ethnic-minority households behind it are
// recorded once, over all its households, for every later match. A retry with the same
// request id gets the first offer.
func (u *Service) CreateOffer(ctx context.Context, p auth.Principal, requestID string, o *domain.Offer) (*domain.Offer, error) {
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if o == nil {
		v.Add("offer", "REQUIRED", "is required")
		return nil, v.Err()
	}
	if !p.Is(auth.RoleAdmin) && !(p.Is(auth.RoleProducer, auth.RolePartner) && p.Organization == o.Producer) {
		return nil, apierr.PermissionDenied("an offer is posted by the producer organisation itself: producer must be " + p.Organization)
	}
	o.State = domain.OfferOpen
	o.Validate(&v)
	if _, err := aip.ParseName("offer.producer", o.Producer, "organizations"); err != nil {
		return nil, err
	}
	if err := u.checkOfferRefs(ctx, &v, o); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	poor, minority, err := u.newFacts().householdShares(ctx, o.Households)
	if err != nil {
		return nil, err
	}
	now := u.now().UTC()
	o.PoorShare, o.MinorityShare, o.SharesKnown = poor, minority, true
	o.ID = aip.IDForRequest("CreateOffer\x00"+p.Subject, requestID)
	o.CreateTime, o.UpdateTime, o.Version = now, now, 1
	stored, err := u.st.InsertOffer(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("insert offer: %w", err)
	}
	return stored, nil
}

// checkOfferRefs checks what the offer names in the registry: an existing product and
// certifications, an existing, active producer organisation (whose address gives the offer its
// commune and province), households that are active members of it.
func (u *Service) checkOfferRefs(ctx context.Context, v *apierr.Violations, o *domain.Offer) error {
	if err := u.checkProduct(ctx, v, "offer.product", o.Product); err != nil {
		return err
	}
	for i, c := range o.Certifications {
		if err := u.checkStandard(ctx, v, domain.CertificationField(i), c); err != nil {
			return err
		}
	}
	org, err := u.registry.Organization(ctx, o.Producer)
	if err != nil {
		return err
	}
	if v.Check(org != nil && org.Active && !org.Business, "offer.producer", "PRODUCER_ORGANIZATION", "must be an existing, active cooperative or group") {
		o.CommuneCode, o.ProvinceCode = org.CommuneCode, org.ProvinceCode
		if err := u.checkClaims(ctx, v, o); err != nil {
			return err
		}
	}
	for _, i := range o.DistinctHouseholds(v) {
		h := o.Households[i]
		ok, err := u.registry.ActiveMember(ctx, o.Producer, h)
		if err != nil {
			return err
		}
		v.Check(ok, domain.HouseholdField(i), "HOUSEHOLD_MEMBER", "%s is not an active member of %s", h, o.Producer)
	}
	return nil
}

// checkClaims: every standard the offer claims is held by its producer, recorded for the
// offer's product and valid over its whole harvest window (rule CERTIFICATION_NOT_HELD).
func (u *Service) checkClaims(ctx context.Context, v *apierr.Violations, o *domain.Offer) error {
	if len(o.Certifications) == 0 {
		return nil
	}
	held, err := u.registry.Certifications(ctx, o.Producer)
	if err != nil {
		return err
	}
	_, missing := domain.HeldClaims(o.Certifications, held, o.Product, o.HarvestWindow)
	for _, i := range missing {
		v.Add(domain.CertificationField(i), "CERTIFICATION_NOT_HELD", "%s holds no recorded %s certification for %s valid from %s to %s",
			o.Producer, o.Certifications[i], o.Product, o.HarvestWindow.Start, o.HarvestWindow.End)
	}
	return nil
}

// GetOffer returns an offer to those who may see it (visibility.go), the households behind it
// only to those who may see them; to others it does not exist.
func (u *Service) GetOffer(ctx context.Context, p auth.Principal, name string) (*domain.Offer, error) {
	return u.visibleOffer(ctx, p, "name", name)
}

// ListOffers lists the offers p may see (a producer its own; buyers, officials and operators
// all), the households behind them only to those who may see them. Filters: product,
// province_code, state, producer, window.
func (u *Service) ListOffers(ctx context.Context, p auth.Principal, in ListInput) ([]domain.Offer, string, error) {
	f, cs, err := marketFilter(in.Filter, "producer", domain.OfferOpen, domain.OfferExhausted, domain.OfferWithdrawn)
	if err != nil {
		return nil, "", err
	}
	if err := u.scopeOffers(ctx, p, &f); err != nil {
		return nil, "", err
	}
	if err := marketScope(p, f, cs, "producer"); err != nil {
		return nil, "", err
	}
	items, next, err := page(ctx, in, "offers\x00"+f.ScopeOwner+"\x00"+aip.String(cs), u.st.ListOffers, f, func(o *domain.Offer) string { return o.ID })
	if err != nil {
		return nil, "", err
	}
	return items, next, u.withholdFromList(ctx, p, items)
}

// UpdateOffer changes an OPEN or EXHAUSTED offer (its producer, or an operator): quantity
// (never below what is reserved or committed), harvest window, minimum price.
func (u *Service) UpdateOffer(ctx context.Context, p auth.Principal, in Update[domain.Offer]) (*domain.Offer, error) {
	if in.Patch == nil {
		return nil, apierr.Field("offer", "REQUIRED", "is required")
	}
	cur, err := u.visibleOffer(ctx, p, "offer.name", in.Name)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(cur.Producer) {
		return nil, apierr.PermissionDenied("only the producer may change its offer")
	}
	if err := domain.CheckOfferMask(in.Paths); err != nil {
		return nil, err
	}
	return u.mutateOffer(ctx, cur.ID, func(o *domain.Offer) (bool, error) {
		if err := aip.CheckEtag("offer.etag", in.Etag, o.Version, in.Name); err != nil {
			return false, err
		}
		return true, o.Change(in.Patch, in.Paths)
	})
}

// WithdrawOffer withdraws an offer (its producer, or an operator); pending proposals keep
// their reservation until answered.
func (u *Service) WithdrawOffer(ctx context.Context, p auth.Principal, name, etag string) (*domain.Offer, error) {
	o, err := u.visibleOffer(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	if !p.Is(auth.RoleAdmin) && !p.ActsFor(o.Producer) {
		return nil, apierr.PermissionDenied("only the producer may withdraw its offer")
	}
	if err := aip.CheckEtag("etag", etag, o.Version, name); err != nil {
		return nil, err
	}
	return u.mutateOffer(ctx, o.ID, func(o *domain.Offer) (bool, error) {
		o.State = domain.OfferWithdrawn
		return true, nil
	})
}

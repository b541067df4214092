package usecase

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// mayRecordFor: operators, and the officials of the organisation's commune or province, record
// and decide certifications; the organisation itself may only request them.
func mayRecordFor(p auth.Principal, o *domain.Organization) bool {
	switch p.Role {
	case auth.RoleAdmin:
		return true
	case auth.RoleCommuneOfficial:
		return p.AdminArea == o.Address.CommuneCode
	case auth.RoleProvinceOfficial:
		return p.AdminArea == o.Address.ProvinceCode
	}
	return false
}

// CreateCertification records a certification of an organisation (operators and officials of
// its area: held at once) or requests one (the organisation itself: held once approved). A
// retry with the same request id returns the first result.
func (r *Registry) CreateCertification(ctx context.Context, p auth.Principal, parent string, c *domain.CertificationRecord, requestID string) (*domain.CertificationRecord, error) {
	o, err := r.getOrg(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	recorder := mayRecordFor(p, o)
	if !recorder && !p.ActsFor(parent) {
		return nil, apierr.PermissionDenied("only operators, officials of the organisation's area and the organisation itself (as a request) may add certifications")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	if !v.Required("certification", c != nil) {
		return nil, v.Err()
	}
	domain.ValidateCertification(&v, r.ref, "certification", c)
	if err := r.checkCertPlots(ctx, &v, parent, c.Plots); err != nil {
		return nil, err
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := r.now().UTC()
	c.Organization = parent
	c.ID = o.ID + "/" + aip.IDForRequest("CreateCertification\x00"+p.Subject+"\x00"+parent, requestID)
	c.Created(now)
	if recorder {
		c.State, c.RecordedBy, c.RecordTime = domain.CertRecorded, p.Subject, &now
	} else {
		c.State, c.RequestedBy = domain.CertRequested, p.Subject
	}
	stored, _, err := r.st.Certs.Insert(ctx, c.ID, c)
	if err != nil {
		return nil, fmt.Errorf("insert certification: %w", err)
	}
	return stored, nil
}

// checkCertPlots checks that the plots a certificate names exist and belong to active members
// of the organisation.
func (r *Registry) checkCertPlots(ctx context.Context, v *apierr.Violations, org string, plots []string) error {
	for i, name := range plots {
		f := item("certification.plots", i)
		ids, err := aip.ParseName(f, name, "households", "plots")
		if err != nil {
			v.Add(f, "RESOURCE_NAME", "must be households/{household}/plots/{plot}")
			continue
		}
		pl, err := r.st.Plots.Get(ctx, strings.Join(ids, "/"))
		if err != nil {
			return fmt.Errorf("get plot: %w", err)
		}
		if !v.Check(pl != nil, f, "PLOT_EXISTS", "plot %s does not exist", name) {
			continue
		}
		m, err := r.st.Memberships.Get(ctx, membershipID(org, pl.Household))
		if err != nil {
			return fmt.Errorf("get membership: %w", err)
		}
		v.Check(m != nil && m.State == domain.StateActive, f, "PLOT_MEMBER", "the plot's household is not an active member of %s", org)
	}
	return nil
}

// GetCertification returns a certification (public information).
func (r *Registry) GetCertification(ctx context.Context, _ auth.Principal, name string) (*domain.CertificationRecord, error) {
	return get(ctx, r.st.Certs, "name", name, "organizations", "certifications")
}

// maxOrgsInArea bounds the organisations of one commune or province a certification listing
// filtered by area looks through.
const maxOrgsInArea = 100_000

// ListCertifications lists an organisation's certifications, or every organisation's (parent
// organizations/-). Filter: standard, product, state, expiring_within_days (recorded
// certifications whose validity ends between today and that many days on, in Vietnam),
// commune_code and province_code (of the organisation's address: an official's area).
func (r *Registry) ListCertifications(ctx context.Context, _ auth.Principal, parent string, in ListInput) (Page[domain.CertificationRecord], error) {
	if parent != "organizations/-" {
		if _, err := aip.ParseName("parent", parent, "organizations"); err != nil {
			return Page[domain.CertificationRecord]{}, err
		}
	}
	cs, err := aip.ParseFilterFields(in.Filter, aip.AnyValue("standard"), aip.AnyValue("product"),
		aip.OneOfEnum("state", "STATE_", domain.CertRequested, domain.CertRecorded, domain.CertRejected, domain.CertRevoked), aip.AnyValue("expiring_within_days"),
		aip.AnyValue("commune_code"), aip.AnyValue("province_code"))
	if err != nil {
		return Page[domain.CertificationRecord]{}, err
	}
	var rest []aip.Condition
	var where []storage.Cond
	for _, c := range cs {
		var cond []storage.Cond
		switch c.Field {
		case "expiring_within_days":
			cond, err = r.expiringWithin(c)
		case "commune_code", "province_code":
			cond, err = r.certsInArea(ctx, c)
		default:
			rest = append(rest, c)
		}
		if err != nil {
			return Page[domain.CertificationRecord]{}, err
		}
		where = append(where, cond...)
	}
	more, err := conds(rest, map[string]string{"state": "STATE_"})
	if err != nil {
		return Page[domain.CertificationRecord]{}, err
	}
	where = append(where, more...)
	if parent != "organizations/-" {
		where = append(where, storage.Eq("organization", parent))
	}
	return page(in, "certs\x00"+parent+"\x00"+aip.String(cs)+domain.LocalDate(r.now()), func(pg storage.Page) ([]domain.CertificationRecord, bool, error) {
		return r.st.Certs.List(ctx, where, pg)
	},
		func(c *domain.CertificationRecord) string { return c.ID })
}

// expiringWithin is the condition expiring_within_days = N: recorded, valid until a day
// between today and N days on.
func (r *Registry) expiringWithin(c aip.Condition) ([]storage.Cond, error) {
	days, err := strconv.Atoi(c.Value)
	if c.Op != "=" || err != nil || days < 1 || days > domain.MaxExpiringDays {
		return nil, apierr.Field("filter", "FILTER_VALUE", "expiring_within_days takes one = with 1 to %d days", domain.MaxExpiringDays)
	}
	now := r.now()
	return []storage.Cond{storage.Eq("state", domain.CertRecorded), storage.Gte("valid_until", domain.LocalDate(now)), storage.Lte("valid_until", domain.LocalDate(now.AddDate(0, 0, days)))}, nil
}

// certsInArea is the condition commune_code = X (or province_code = X): certifications of the
// organisations whose address is in that area, as it is now.
func (r *Registry) certsInArea(ctx context.Context, c aip.Condition) ([]storage.Cond, error) {
	if c.Op != "=" {
		return nil, apierr.Field("filter", "FILTER_SYNTAX", "%s supports a single = condition", c.Field)
	}
	orgs, more, err := r.st.OrganizationsIn(ctx, c.Field, c.Value, maxOrgsInArea)
	if err != nil {
		return nil, fmt.Errorf("organisations in %s: %w", c.Value, err)
	}
	if more {
		return nil, apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("more than %d organisations in %s", maxOrgsInArea, c.Value), nil)
	}
	return []storage.Cond{storage.In("organization", orgs)}, nil
}

// certTransition moves a certification from state from to its next state (apply), for an
// operator or an official of the organisation's area.
func (r *Registry) certTransition(ctx context.Context, p auth.Principal, name, etag, from string, apply func(*domain.CertificationRecord)) (*domain.CertificationRecord, error) {
	c, err := get(ctx, r.st.Certs, "name", name, "organizations", "certifications")
	if err != nil {
		return nil, err
	}
	o, err := r.getOrg(ctx, "name", c.Organization)
	if err != nil {
		return nil, err
	}
	if !mayRecordFor(p, o) {
		return nil, apierr.PermissionDenied("only operators and officials of the organisation's commune or province decide certifications")
	}
	if err := aip.CheckEtag("etag", etag, c.Version, name); err != nil {
		return nil, err
	}
	if c.State != from {
		return nil, apierr.FailedPrecondition("CERTIFICATION_STATE", fmt.Sprintf("the certification is %s, not %s", c.State, from), nil)
	}
	apply(c)
	if err := replace(ctx, r.st.Certs, c.ID, c.Updated(r.now().UTC()), c, name); err != nil {
		return nil, err
	}
	return c, nil
}

// ApproveCertification records a requested certification.
func (r *Registry) ApproveCertification(ctx context.Context, p auth.Principal, name, etag string) (*domain.CertificationRecord, error) {
	now := r.now().UTC()
	return r.certTransition(ctx, p, name, etag, domain.CertRequested, func(c *domain.CertificationRecord) {
		c.State, c.RecordedBy, c.RecordTime = domain.CertRecorded, p.Subject, &now
	})
}

// RejectCertification refuses a requested certification, with a reason.
func (r *Registry) RejectCertification(ctx context.Context, p auth.Principal, name, reason, etag string) (*domain.CertificationRecord, error) {
	return r.decideWithReason(ctx, p, name, reason, etag, domain.CertRequested, domain.CertRejected)
}

// RevokeCertification withdraws a recorded certification, with a reason.
func (r *Registry) RevokeCertification(ctx context.Context, p auth.Principal, name, reason, etag string) (*domain.CertificationRecord, error) {
	return r.decideWithReason(ctx, p, name, reason, etag, domain.CertRecorded, domain.CertRevoked)
}

func (r *Registry) decideWithReason(ctx context.Context, p auth.Principal, name, reason, etag, from, to string) (*domain.CertificationRecord, error) {
	var v apierr.Violations
	v.Text("reason", reason, true, apierr.MaxLineText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return r.certTransition(ctx, p, name, etag, from, func(c *domain.CertificationRecord) {
		c.State, c.Reason = to, reason
	})
}

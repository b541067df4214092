package domain

import (
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Certification states.
const (
	CertRequested = "REQUESTED"
	CertRecorded  = "RECORDED"
	CertRejected  = "REJECTED"
	CertRevoked   = "REVOKED"
)

// Bounds of certifications.
const (
	// MaxCertProducts and MaxCertPlots bound what one certificate covers.
	MaxCertProducts, MaxCertPlots = 20, 200
	// MaxExpiringDays bounds the expiring_within_days filter.
	MaxExpiringDays = 366
	// DefaultExpiringDays is the horizon the operators' expiry review uses.
	DefaultExpiringDays = 60
)

// CertificationRecord is a certification of an organisation; ID is "{org id}/{cert id}".
type CertificationRecord struct {
	ID           string     `bson:"_id"`
	Organization string     `bson:"organization"`
	Standard     string     `bson:"standard"` // code, e.g. VIETGAP
	Number       string     `bson:"number"`
	Issuer       string     `bson:"issuer"`
	Products     []string   `bson:"products"`
	ValidFrom    string     `bson:"valid_from"`
	ValidUntil   string     `bson:"valid_until"`
	Plots        []string   `bson:"plots,omitempty"`
	State        string     `bson:"state"`
	RequestedBy  string     `bson:"requested_by,omitempty"`
	RecordedBy   string     `bson:"recorded_by,omitempty"`
	RecordTime   *time.Time `bson:"record_time,omitempty"`
	Reason       string     `bson:"reason,omitempty"`
	Stamp        `bson:",inline"`
}

// Name is the certification's resource name.
func (c *CertificationRecord) Name() string {
	_, id, _ := strings.Cut(c.ID, "/")
	return c.Organization + "/certifications/" + id
}

// HeldOn reports whether the certification is held (recorded) and valid on every day of
// [from, until] (dates YYYY-MM-DD).
func (c *CertificationRecord) HeldOn(from, until string) bool {
	return c.State == CertRecorded && c.ValidFrom <= from && until <= c.ValidUntil
}

// ValidateCertification checks a new certification (prefix: its request field) and keeps the
// standard as a bare code.
func ValidateCertification(v *apierr.Violations, ref RefData, prefix string, c *CertificationRecord) {
	c.Standard = strings.TrimPrefix(c.Standard, "standards/")
	if _, ok := ref.Standard(c.Standard); !ok {
		v.Add(prefix+".standard", "STANDARD_EXISTS", "standard %q does not exist", c.Standard)
	}
	v.Text(prefix+".number", c.Number, true, apierr.MaxShortText)
	v.Text(prefix+".issuer", c.Issuer, true, apierr.MaxNameText)
	v.Check(len(c.Products) >= 1 && len(c.Products) <= MaxCertProducts, prefix+".products", "MAX_ITEMS", "1 to %d products", MaxCertProducts)
	for i, p := range c.Products {
		c.Products[i] = strings.TrimPrefix(p, "products/")
		if _, ok := ref.Product(c.Products[i]); !ok {
			v.Add(index(prefix+".products", i), "PRODUCT_EXISTS", "product %q does not exist", p)
		}
	}
	v.Date(prefix+".valid_from", c.ValidFrom, true)
	v.Date(prefix+".valid_until", c.ValidUntil, true)
	if apierr.ValidDate(c.ValidFrom) && apierr.ValidDate(c.ValidUntil) {
		v.Check(c.ValidFrom <= c.ValidUntil, prefix+".valid_until", "DATE_ORDER", "must not be before valid_from")
	}
	v.Check(len(c.Plots) <= MaxCertPlots, prefix+".plots", "MAX_ITEMS", "at most %d plots", MaxCertPlots)
}

// LocalDate is t's date in Vietnam, YYYY-MM-DD.
func LocalDate(t time.Time) string { return t.In(vn.Zone).Format(time.DateOnly) }

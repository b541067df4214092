package domain

import "strings"

// Certification is a certification the registry holds as recorded for a producer (requested,
// rejected and revoked ones are not held).
type Certification struct {
	// Standard is standards/{code}; Products are products/{code}.
	Standard   string
	Products   []string
	ValidFrom  string
	ValidUntil string
}

// Covers reports whether c is valid for product on every day of window w.
func (c *Certification) Covers(product string, w Window) bool {
	covered := false
	for _, p := range c.Products {
		covered = covered || strings.TrimPrefix(p, "products/") == strings.TrimPrefix(product, "products/")
	}
	return covered && c.ValidFrom <= w.Start && w.End <= c.ValidUntil
}

// HeldClaims splits the standards an offer claims into those a held certification covers
// for its product over its harvest window, and the indexes of those none does.
func HeldClaims(claims []string, held []Certification, product string, w Window) (ok []string, missing []int) {
	for i, claim := range claims {
		found := false
		for j := range held {
			found = found || (held[j].Standard == claim && held[j].Covers(product, w))
		}
		if found {
			ok = append(ok, claim)
		} else {
			missing = append(missing, i)
		}
	}
	return ok, missing
}

package domain

import (
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Request validation of the contract operations: INVALID_ARGUMENT naming each field and rule,
// before anything is read or written. (Resource names, etags, request ids and page tokens are
// the application layer's, with the platform's aip checks.)

// NewContract is what a client sends to open a contract.
type NewContract struct {
	DisplayName string
	Rulebook    string // "" is DefaultRulebook
	Terms       Terms
}

// CheckNewContract validates in (field paths under "contract.") and fills in the default
// rulebook.
func (rs Rulebooks) CheckNewContract(v *apierr.Violations, in *NewContract) {
	CheckInput(v, "contract.terms", in.Terms)
	if in.Rulebook == "" {
		in.Rulebook = DefaultRulebook
	}
	if _, _, ok := rs.Resolve(in.Rulebook); !ok {
		v.Add("contract.rulebook", "RULEBOOK_EXISTS", "unknown rulebook %q (known: %s)", in.Rulebook, strings.Join(rs.IDs(), ", "))
	}
	v.Text("contract.display_name", in.DisplayName, false, MaxDisplayName)
}

// ContractUpdate is an update of a contract's terms, display name or rulebook: the fields
// named in Paths (an update mask) are taken from the others.
type ContractUpdate struct {
	Paths       []string
	DisplayName string
	Rulebook    string
	Terms       Terms
}

// TouchesTerms reports whether the update replaces the terms.
func (u ContractUpdate) TouchesTerms() bool {
	for _, p := range u.Paths {
		if p == "terms" || strings.HasPrefix(p, "terms.") {
			return true
		}
	}
	return false
}

// CheckUpdate validates u (field paths under "contract." and "update_mask").
func (rs Rulebooks) CheckUpdate(v *apierr.Violations, u ContractUpdate) {
	if len(u.Paths) == 0 {
		v.Add("update_mask", "REQUIRED", "name the fields to update (terms, display_name, rulebook)")
	}
	for _, path := range u.Paths {
		switch {
		case path == "terms" || strings.HasPrefix(path, "terms."):
		case path == "display_name":
			v.Text("contract.display_name", u.DisplayName, false, MaxDisplayName)
		case path == "rulebook":
			if _, _, ok := rs.Resolve(u.Rulebook); !ok {
				v.Add("contract.rulebook", "RULEBOOK_EXISTS", "unknown rulebook %q", u.Rulebook)
			}
		default:
			v.Add("update_mask", "UPDATE_MASK_PATH", "unknown or output-only field %q", path)
		}
	}
	if u.TouchesTerms() {
		CheckInput(v, "contract.terms", u.Terms)
	}
}

// Update applies u to an editable contract; f is what the registry says about the new terms'
// parties (when the terms change). The terms of a contract that is no longer editable change
// only by amendment: that is a state error, whatever the mask.
func (c *Contract) Update(u ContractUpdate, f Facts) error {
	if u.TouchesTerms() {
		if err := c.UpdateTerms(u.Terms); err != nil {
			return err
		}
		c.SetProducerArea(f)
	} else if !c.Editable() {
		return c.UpdateTerms(c.Terms) // reports the state error
	}
	for _, path := range u.Paths {
		switch path {
		case "display_name":
			c.DisplayName = u.DisplayName
		case "rulebook":
			c.Rulebook = u.Rulebook
		}
	}
	return nil
}

// SetProducerArea records where the producer is (its commune and province), which decides
// which officials see and witness the contract.
func (c *Contract) SetProducerArea(f Facts) {
	if f.Producer != nil {
		c.ProducerCommuneCode, c.ProducerProvinceCode = f.Producer.CommuneCode, f.Producer.ProvinceCode
	}
}

// CheckReason validates a required free-text reason (cancellation, rejection, …).
func CheckReason(v *apierr.Violations, field, reason string) {
	v.Text(field, reason, true, MaxText)
}

// ReasonError is CheckReason as an error (nil when the reason is fine).
func ReasonError(field, reason string) error {
	var v apierr.Violations
	CheckReason(&v, field, reason)
	return v.Err()
}

// CheckSignature validates a signing request: the party, the terms hash the signer read, and
// the household signed for.
func CheckSignature(v *apierr.Violations, party, household, termsHash string) {
	v.Check(oneOf(party, PartyBuyer, PartyProducer, PartyHousehold), "party", "ENUM_VALUE", "must be PARTY_BUYER, PARTY_PRODUCER or PARTY_HOUSEHOLD")
	v.Check(termsHash != "", "terms_hash", "REQUIRED", "sign the terms you read: send their terms_hash")
	if party == PartyHousehold {
		v.Check(strings.HasPrefix(household, "households/"), "household", "RESOURCE_NAME", "must be households/{household} when signing for a household")
	}
}

package domain

// Names are what the registry calls a contract's parties and product, for the contract's
// documents and its public verification page. They hold names, addresses and representatives
// only: never a national ID or land-certificate number (the registry does not return them).
type Names struct {
	Buyer    OrgNames
	Producer OrgNames
	Witness  AuthorityNames
	Product  ProductNames
	// Standard is the quality standard's display name.
	Standard string
	// Households by households/{id} (nil when not asked for).
	Households map[string]HouseholdNames
}

// OrgNames describe an organisation on a document.
type OrgNames struct {
	DisplayName string
	TaxCode     string
	// Address is the address line with the commune and province names.
	Address        string
	Representative string
	Position       string
}

// AuthorityNames describe a local authority.
type AuthorityNames struct {
	DisplayName string
}

// ProductNames are a product's names and unit of measure.
type ProductNames struct {
	VI, EN, Unit string
}

// HouseholdNames are what a document shows of a household: the head's name and the village.
type HouseholdNames struct {
	HeadName string
	Village  string
}

package domain

// Facts are what the registry says about the parties of a contract, gathered by the transport
// layer before validation so that the rules stay pure.
type Facts struct {
	Buyer      *OrgFact
	Producer   *OrgFact
	Witness    *AuthorityFact
	Product    *ProductFact
	Standard   bool
	Households map[string]HouseholdFact
	// Plots are the plots the allocations name (absent: the registry does not know it).
	Plots map[string]PlotFact
}

// PlotFact describes a household's plot as the registry records it.
type PlotFact struct {
	Name           string
	Household      string
	Products       []string
	AreaHa         float64
	DeclaredAreaHa float64
	CommuneCode    string
	// Geometry is the plot's GeoJSON geometry, as the registry checked it.
	Geometry string
}

// OrgFact describes an organisation.
type OrgFact struct {
	Kind         string // BUSINESS, COOPERATIVE, ...
	State        string // ACTIVE, SUSPENDED
	CommuneCode  string
	ProvinceCode string
}

// AuthorityFact describes a local authority.
type AuthorityFact struct {
	Kind          string // COMMUNE_PEOPLES_COMMITTEE, PROVINCE_PEOPLES_COMMITTEE
	AdminAreaCode string
}

// ProductFact describes a product.
type ProductFact struct {
	Grades []string
	Unit   string
}

// HouseholdFact describes a household in relation to the producer.
type HouseholdFact struct {
	Exists       bool
	ActiveMember bool
	Eligible     bool
	Poverty      string // POOR, NEAR_POOR, RECENTLY_ESCAPED, NON_POOR
}

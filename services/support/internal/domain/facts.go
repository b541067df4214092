package domain

// Facts are what the rules need to know beyond the proposal itself: the call, and what the
// registry and the contracts service say about the owner, the communes, the linked contracts,
// the member groups and the participating households. The usecase layer gathers them before
// validation so that the rules stay pure.
type Facts struct {
	// Today is the date in Asia/Ho_Chi_Minh, "YYYY-MM-DD".
	Today string
	// Call is the project's call (nil when it does not exist).
	Call *Call
	// OwnerName is the project's owner, organizations/{id}.
	OwnerName string
	// Owner is the owner organisation (nil when it does not exist).
	Owner *OrgFact
	// ProductKnown: the proposal's product exists in the registry.
	ProductKnown bool
	// Communes by code (nil value: no such commune).
	Communes map[string]*AreaFact
	// Contracts by name (nil value: no such contract).
	Contracts map[string]*ContractFact
	// Groups are the member groups by name (nil value: no such organisation).
	Groups map[string]*OrgFact
	// Participants are the participating households: those of the linked contracts and the
	// active members of the member groups.
	Participants []Participant
}

// OrgFact describes an organisation.
type OrgFact struct {
	Kind         string // BUSINESS, COOPERATIVE, UNION_OF_COOPERATIVES, COOPERATIVE_GROUP, PRODUCTION_GROUP
	State        string // ACTIVE, SUSPENDED
	NonProfit    bool   // non-profit or social enterprise
	CommuneCode  string
	ProvinceCode string
}

// AreaFact describes an administrative area.
type AreaFact struct {
	Level        string // PROVINCE, DISTRICT, COMMUNE
	ProvinceCode string // the province it lies in (itself for a province)
}

// AuthorityFact describes a local authority.
type AuthorityFact struct {
	Kind     string // COMMUNE_PEOPLES_COMMITTEE, PROVINCE_PEOPLES_COMMITTEE
	AreaCode string
}

// ContractFact describes a linked contract.
type ContractFact struct {
	Buyer, Producer, Product string
	State                    string // the contracts service's state name, e.g. ACTIVE
	ProducerCommune          string
	Households               []string
	Witnessed                bool
}

// Producer organisation kinds (may be member groups).
var producerKinds = []string{"COOPERATIVE", "UNION_OF_COOPERATIVES", "COOPERATIVE_GROUP", "PRODUCTION_GROUP"}

// OwnerKinds are the organisation kinds that may own a project: an enterprise, a cooperative
// (or union) or a group.
var OwnerKinds = append([]string{"BUSINESS"}, producerKinds...)

// linkableContractStates are the states of a contract whose terms are fixed (submitted) and
// that is not abandoned: it may back a project.
var linkableContractStates = []string{"PENDING_SIGNATURES", "PENDING_WITNESS", "ACTIVE", "COMPLETED", "LIQUIDATED", "SUSPENDED"}

// inForceContractStates are the states of a witnessed contract that took effect.
var inForceContractStates = []string{"ACTIVE", "COMPLETED", "LIQUIDATED", "SUSPENDED"}

// tighter returns the tighter of two ceilings, 0 meaning "none".
func tighter(a, b int64) int64 {
	switch {
	case a <= 0:
		return max(b, 0)
	case b <= 0:
		return a
	}
	return min(a, b)
}

// TypeCeilingVND is the ceiling of programme funding for a project of type typ: the tighter of
// the programme's (params of SUP-CEILING-TYPE) and the call's; 0 means none.
func TypeCeilingVND(params map[string]int64, c *Call, typ string) int64 {
	var own int64
	if c != nil {
		for _, tc := range c.TypeCeilings {
			if tc.Type == typ {
				own = tc.MaxProgrammeVND
			}
		}
	}
	return tighter(params[typ], own)
}

// CategoryCeilingOf is the ceiling of programme funding for a category per project (amount and
// share of the category's cost): the tighter of the programme's (params of
// SUP-CEILING-CATEGORY, "<CATEGORY>.max_vnd" and "<CATEGORY>.max_share_bps") and the call's.
func CategoryCeilingOf(params map[string]int64, c *Call, cat string) (maxVND int64, maxShareBps int64) {
	var ownVND, ownBps int64
	if c != nil {
		for _, cc := range c.CategoryCeilings {
			if cc.Category == cat {
				ownVND, ownBps = cc.MaxProgrammeVND, int64(cc.MaxShareBps)
			}
		}
	}
	return tighter(params[cat+".max_vnd"], ownVND), tighter(params[cat+".max_share_bps"], ownBps)
}

// Package domain holds the contracts service's pure logic: the contract model, its canonical
// terms hash, the rulebooks and their rules, and the lifecycle state machine. It knows nothing
// of protobuf or MongoDB (bson tags are only field names).
package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"
)

// States of a contract.
const (
	StateDraft             = "DRAFT"
	StatePendingSignatures = "PENDING_SIGNATURES"
	StatePendingWitness    = "PENDING_WITNESS"
	StateActive            = "ACTIVE"
	StateCompleted         = "COMPLETED"
	StateLiquidated        = "LIQUIDATED"
	StateCancelled         = "CANCELLED"
	StateWitnessRejected   = "WITNESS_REJECTED"
	StateSuspended         = "SUSPENDED"
	StateTerminated        = "TERMINATED"
)

// Price types.
const (
	PriceFixed           = "FIXED"
	PriceFloorWithMarket = "FLOOR_WITH_MARKET"
	PriceCostPlus        = "COST_PLUS"
)

// DateWindow is an inclusive range of dates "YYYY-MM-DD".
type DateWindow struct {
	Start string `bson:"start" json:"start"`
	End   string `bson:"end" json:"end"`
}

// PriceTerms as in the contract.
type PriceTerms struct {
	Type            string `bson:"type" json:"type"`
	FixedPriceVND   int64  `bson:"fixed_price_vnd,omitempty" json:"fixed_price_vnd,omitempty"`
	FloorPriceVND   int64  `bson:"floor_price_vnd,omitempty" json:"floor_price_vnd,omitempty"`
	MarketReference string `bson:"market_reference,omitempty" json:"market_reference,omitempty"`
	PremiumBps      int32  `bson:"premium_bps,omitempty" json:"premium_bps,omitempty"`
	CostPriceVND    int64  `bson:"cost_price_vnd,omitempty" json:"cost_price_vnd,omitempty"`
	MarginBps       int32  `bson:"margin_bps,omitempty" json:"margin_bps,omitempty"`
}

// GradingRule adjusts the price for a grade.
type GradingRule struct {
	Grade              string `bson:"grade" json:"grade"`
	Criteria           string `bson:"criteria,omitempty" json:"criteria,omitempty"`
	PriceAdjustmentBps int32  `bson:"price_adjustment_bps" json:"price_adjustment_bps"`
}

// Mandate lets the producer sign for a household.
type Mandate struct {
	Reference string `bson:"reference" json:"reference"`
	Date      string `bson:"date" json:"date"`
}

// Parties are the organisations and households party to contracts with terms t: the buyer,
// the producer and the allocated households.
func (t Terms) Parties() []string {
	out := []string{t.Buyer, t.Producer}
	for _, a := range t.Allocations {
		out = append(out, a.Household)
	}
	return out
}

// UnionParties are the parties of either terms, each once.
func UnionParties(a, b Terms) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range append(a.Parties(), b.Parties()...) {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Allocation is a household's share.
type Allocation struct {
	Household string   `bson:"household" json:"household"`
	Quantity  int64    `bson:"quantity" json:"quantity"`
	AreaM2    int64    `bson:"area_m2" json:"area_m2"`
	Mandate   *Mandate `bson:"mandate,omitempty" json:"mandate,omitempty"`
	// Plots are the household's plots where the allocation is grown.
	Plots []string `bson:"plots,omitempty" json:"plots,omitempty"`
}

// Lot is a delivery lot.
type Lot struct {
	ID       string     `bson:"id" json:"id"`
	Window   DateWindow `bson:"window" json:"window"`
	Place    string     `bson:"place" json:"place"`
	Quantity int64      `bson:"quantity" json:"quantity"`
}

// PaymentTerms of the contract.
type PaymentTerms struct {
	DaysAfterDelivery int32  `bson:"days_after_delivery" json:"days_after_delivery"`
	Method            string `bson:"method" json:"method"`
}

// InputItem is one input supplied by the buyer.
type InputItem struct {
	Description string `bson:"description" json:"description"`
	Quantity    int64  `bson:"quantity" json:"quantity"`
	Unit        string `bson:"unit" json:"unit"`
	ValueVND    int64  `bson:"value_vnd" json:"value_vnd"`
}

// InputSupply terms.
type InputSupply struct {
	Items                 []InputItem `bson:"items" json:"items"`
	RecoveredAtSettlement bool        `bson:"recovered_at_settlement" json:"recovered_at_settlement"`
	InterestRateBps       int32       `bson:"interest_rate_bps" json:"interest_rate_bps"`
}

// Obligations of the parties.
type Obligations struct {
	Buyer      []string `bson:"buyer" json:"buyer"`
	Producer   []string `bson:"producer" json:"producer"`
	Households []string `bson:"households" json:"households"`
}

// Breach clause.
type Breach struct {
	PenaltyBps int32  `bson:"penalty_bps" json:"penalty_bps"`
	Damages    string `bson:"damages" json:"damages"`
}

// CoInvestment for programme profiles.
type CoInvestment struct {
	TotalValueVND int64 `bson:"total_value_vnd" json:"total_value_vnd"`
	OwnerShareBps int32 `bson:"owner_share_bps" json:"owner_share_bps"`
}

// Terms are what the parties sign; their canonical JSON (this struct's field order) is hashed.
type Terms struct {
	Buyer              string        `bson:"buyer" json:"buyer"`
	Producer           string        `bson:"producer" json:"producer"`
	WitnessAuthority   string        `bson:"witness_authority" json:"witness_authority"`
	LinkageForm        string        `bson:"linkage_form" json:"linkage_form"`
	Product            string        `bson:"product" json:"product"`
	QualityStandard    string        `bson:"quality_standard" json:"quality_standard"`
	GradingRules       []GradingRule `bson:"grading_rules" json:"grading_rules"`
	TotalQuantity      int64         `bson:"total_quantity" json:"total_quantity"`
	ToleranceBps       int32         `bson:"tolerance_bps" json:"tolerance_bps"`
	Allocations        []Allocation  `bson:"allocations" json:"allocations"`
	Lots               []Lot         `bson:"lots" json:"lots"`
	Price              PriceTerms    `bson:"price" json:"price"`
	Payment            PaymentTerms  `bson:"payment" json:"payment"`
	InputSupply        *InputSupply  `bson:"input_supply,omitempty" json:"input_supply,omitempty"`
	Obligations        Obligations   `bson:"obligations" json:"obligations"`
	Breach             Breach        `bson:"breach" json:"breach"`
	ForceMajeureEvents []string      `bson:"force_majeure_events" json:"force_majeure_events"`
	DisputeSteps       []string      `bson:"dispute_steps" json:"dispute_steps"`
	Period             DateWindow    `bson:"period" json:"period"`
	Seasons            []string      `bson:"seasons" json:"seasons"`
	CoInvestment       *CoInvestment `bson:"co_investment,omitempty" json:"co_investment,omitempty"`
}

// Hash is the SHA-256 (hex) of the canonical JSON encoding of the terms. encoding/json writes
// struct fields in declaration order and escapes deterministically, so equal terms always hash
// equally; nil and empty slices are normalised first so a round trip through storage does not
// change the hash.
func (t Terms) Hash() string {
	n := t.normalised()
	b, err := json.Marshal(n)
	if err != nil {
		panic(err) // plain data: cannot fail
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (t Terms) normalised() Terms {
	t.GradingRules = nonNil(t.GradingRules)
	t.Allocations = nonNil(t.Allocations)
	t.Lots = nonNil(t.Lots)
	t.ForceMajeureEvents = nonNil(t.ForceMajeureEvents)
	t.DisputeSteps = nonNil(t.DisputeSteps)
	t.Seasons = nonNil(t.Seasons)
	t.Obligations.Buyer = nonNil(t.Obligations.Buyer)
	t.Obligations.Producer = nonNil(t.Obligations.Producer)
	t.Obligations.Households = nonNil(t.Obligations.Households)
	if t.InputSupply != nil {
		is := *t.InputSupply
		is.Items = nonNil(is.Items)
		t.InputSupply = &is
	}
	return t
}

// Signature parties.
const (
	PartyBuyer     = "BUYER"
	PartyProducer  = "PRODUCER"
	PartyHousehold = "HOUSEHOLD"
)

// Signature on exact terms.
type Signature struct {
	Party            string    `bson:"party"`
	Signer           string    `bson:"signer"`
	SignerRole       string    `bson:"signer_role"`
	OnBehalfOf       string    `bson:"on_behalf_of"`
	MandateReference string    `bson:"mandate_reference,omitempty"`
	TermsHash        string    `bson:"terms_hash"`
	Time             time.Time `bson:"time"`
	Amendment        int32     `bson:"amendment"`
}

// Witness record.
type Witness struct {
	Official        string    `bson:"official"`
	Authority       string    `bson:"authority"`
	TermsHash       string    `bson:"terms_hash"`
	Time            time.Time `bson:"time"`
	RejectionReason string    `bson:"rejection_reason,omitempty"`
	Amendment       int32     `bson:"amendment"`
}

// Amendment proposes new terms for a signed or active contract.
type Amendment struct {
	Number     int32       `bson:"number"`
	Terms      Terms       `bson:"terms"`
	Reason     string      `bson:"reason"`
	TermsHash  string      `bson:"terms_hash"`
	Signatures []Signature `bson:"signatures"`
	CreateTime time.Time   `bson:"create_time"`
}

// Contract is the aggregate stored as one document.
type Contract struct {
	ID                   string      `bson:"_id"`
	DisplayName          string      `bson:"display_name"`
	Terms                Terms       `bson:"terms"`
	Rulebook             string      `bson:"rulebook"`
	RulebookVersion      string      `bson:"rulebook_version"`
	State                string      `bson:"state"`
	StateReason          string      `bson:"state_reason,omitempty"`
	TermsHash            string      `bson:"terms_hash"`
	Signatures           []Signature `bson:"signatures"`
	Witness              *Witness    `bson:"witness,omitempty"`
	PendingAmendment     *Amendment  `bson:"pending_amendment,omitempty"`
	AmendmentCount       int32       `bson:"amendment_count"`
	ProducerCommuneCode  string      `bson:"producer_commune_code"`
	ProducerProvinceCode string      `bson:"producer_province_code"`
	BuyerAcknowledged    bool        `bson:"buyer_acknowledged"`
	ProducerAcknowledged bool        `bson:"producer_acknowledged"`
	Households           []string    `bson:"households"`
	// Parties are the buyer and the producer (from the terms): a party's contracts are listed
	// by one equality on it, which the store indexes and pushes down.
	Parties []string `bson:"parties"`
	// Profiles are the households' statuses as the registry gave them when the terms were
	// last checked (reports count households by them).
	Profiles       []HouseholdProfile `bson:"profiles,omitempty"`
	ExcusedLots    []string           `bson:"excused_lots"`
	RecentRequests []string           `bson:"recent_requests"`
	HeadSeq        int64              `bson:"head_seq"`
	HeadHash       string             `bson:"head_hash"`
	PendingEvents  []Event            `bson:"pending_events"`
	CreateTime     time.Time          `bson:"create_time"`
	UpdateTime     time.Time          `bson:"update_time"`
	Version        int64              `bson:"version"`
}

// Editable reports whether the terms may be changed directly (not by amendment).
func (c *Contract) Editable() bool {
	return c.State == StateDraft || c.State == StateWitnessRejected
}

// SetTerms replaces the terms and recomputes the derived fields.
func (c *Contract) SetTerms(t Terms) {
	c.Terms = t
	c.TermsHash = t.Hash()
	c.Households = c.Households[:0]
	for _, a := range t.Allocations {
		c.Households = append(c.Households, a.Household)
	}
	c.Parties = PartiesOf(t)
}

// PartiesOf are the parties of terms t: the buyer and the producer, those named.
func PartiesOf(t Terms) []string {
	out := []string{}
	for _, p := range []string{t.Buyer, t.Producer} {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// MaxRecentRequests bounds the idempotency memory kept on a contract.
const MaxRecentRequests = 64

// SeenRequest reports whether a request key was already applied.
func (c *Contract) SeenRequest(key string) bool {
	for _, k := range c.RecentRequests {
		if k == key {
			return true
		}
	}
	return false
}

// RememberRequest records an applied request key, keeping the most recent ones.
func (c *Contract) RememberRequest(key string) {
	if key == "" {
		return
	}
	c.RecentRequests = append(c.RecentRequests, key)
	if n := len(c.RecentRequests); n > MaxRecentRequests {
		c.RecentRequests = c.RecentRequests[n-MaxRecentRequests:]
	}
}

// Allocation returns the allocation of household, or nil when it is not in the terms.
func (t Terms) Allocation(household string) *Allocation {
	for i := range t.Allocations {
		if t.Allocations[i].Household == household {
			return &t.Allocations[i]
		}
	}
	return nil
}

// Lot returns the lot with id, or nil when there is none.
func (t Terms) Lot(id string) *Lot {
	for i := range t.Lots {
		if t.Lots[i].ID == id {
			return &t.Lots[i]
		}
	}
	return nil
}

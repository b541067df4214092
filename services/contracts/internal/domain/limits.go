package domain

import "github.com/lienket/lienket/services/platform/apierr"

// Limits on what a client may send, and on money, in one place. Completeness and legal rules
// are the rulebooks' job (data, see package rulebooks); these are the structural bounds that
// keep every request and every computation in range.
const (
	// MaxAllocations bounds the households of one contract.
	MaxAllocations = 5000
	// MaxAllocationPlots bounds the plots one allocation names.
	MaxAllocationPlots = 50
	// MaxLots bounds the delivery lots of one contract.
	MaxLots = 200
	// MaxListItems bounds every other list in the terms (obligations, seasons, grading rules,
	// input items).
	MaxListItems = 100
	// MaxText bounds free text in the terms and in reasons, notes and descriptions.
	MaxText = apierr.MaxLongText
	// MaxNoteText bounds a delivery's rejection reason and an advance's description.
	MaxNoteText = 500
	// MaxDisplayName bounds a contract's display name.
	MaxDisplayName = apierr.MaxNameText
	// MaxResourceName bounds a resource name in the terms (organizations/{id}, …).
	MaxResourceName = 200
	// MaxLotID bounds a lot's id.
	MaxLotID = 64
	// MaxQuantity bounds a quantity, in product units.
	MaxQuantity = 1_000_000_000_000
	// maxInputNumber bounds any other number of the terms (prices, basis points, days, areas).
	maxInputNumber = MaxQuantity * 1000
	// MaxPriceVND bounds a unit price or a market reference price: 10^12 VND.
	MaxPriceVND = 1_000_000_000_000
	// MaxValueVND bounds an advance, an input item or a breached obligation: 10^13 VND.
	MaxValueVND = 10_000_000_000_000
	// MaxPenaltyBps caps a breach penalty, whatever the clause says: 8% of the breached
	// obligation's value (Decree 98).
	MaxPenaltyBps = 800
	// DaysPerYear is the day count of simple interest on advances (actual/365).
	DaysPerYear = 365
	// DefaultRulebook is the rulebook of a contract that names none.
	DefaultRulebook = "decree98"
)

package domain

import "fmt"

// The DRAFT contract an accepted proposal opens in the contracts service: prefilled from the
// demand, the offer and the proposal; the parties complete and correct it there before
// submitting it.

// Defaults of a draft's terms (the parties change them in the contracts service).
const (
	// DraftRulebook is the rulebook a draft is checked against.
	DraftRulebook = "decree98"
	// DraftToleranceBps is the tolerance on the total quantity: ±5%.
	DraftToleranceBps = 500
	// DraftPenaltyBps is the breach penalty: 5% of the breached obligation's value (Decree 98
	// allows at most 8%).
	DraftPenaltyBps = 500
	// DraftPaymentDays is the payment term, in days after delivery.
	DraftPaymentDays = 15
	// DraftLotID names a draft's single delivery lot.
	DraftLotID = "lot-1"
)

// Linkage forms, payment methods, force-majeure events and dispute steps a draft uses (the
// contracts service's names).
const (
	LinkagePurchaseOnly           = "PURCHASE_ONLY"
	LinkageInputSupplyAndPurchase = "INPUT_SUPPLY_AND_PURCHASE"
	PaymentBankTransfer           = "BANK_TRANSFER"
)

// DraftForceMajeure and DraftDisputeSteps are a draft's force-majeure events and its dispute
// resolution, in order.
var (
	DraftForceMajeure = []string{"NATURAL_DISASTER", "EPIDEMIC", "EXTREME_WEATHER"}
	DraftDisputeSteps = []string{"NEGOTIATION", "COMMUNE_MEDIATION", "COURT"}
)

// ContractDraft is a DRAFT contract's content.
type ContractDraft struct {
	DisplayName, Rulebook             string
	Buyer, Producer, WitnessAuthority string
	LinkageForm                       string
	Product, QualityStandard          string
	TotalQuantity                     int64
	ToleranceBps                      int32
	Lot                               DraftLot
	Price                             Price
	PaymentDays                       int32
	PaymentMethod                     string
	PenaltyBps                        int32
	ForceMajeure, DisputeSteps        []string
	Period                            Window
	Allocations                       []HouseholdAllocation
}

// DraftLot is a draft's delivery lot.
type DraftLot struct {
	ID       string
	Window   Window
	Place    string
	Quantity int64
}

// HouseholdAllocation is one household's part of a draft's quantity.
type HouseholdAllocation struct {
	Household string
	Quantity  int64
}

// Draft prefills the contract of proposal pr between demand d and offer o, witnessed by
// witness (may be empty: the parties name it). The one lot is delivered in the overlap of the
// delivery and harvest windows (the delivery window when they do not overlap); the quantity is
// split evenly across the offer's households, the first ones taking the remainder.
func Draft(d *Demand, o *Offer, pr *Proposal, witness string) ContractDraft {
	window, days := Overlap(d.DeliveryWindow, o.HarvestWindow)
	if days == 0 {
		window = d.DeliveryWindow
	}
	form := LinkagePurchaseOnly
	if len(d.InputsOffered) > 0 {
		form = LinkageInputSupplyAndPurchase
	}
	standard := d.RequiredStandard
	if standard == "" && len(o.Certifications) > 0 {
		standard = o.Certifications[0]
	}
	return ContractDraft{
		DisplayName: fmt.Sprintf("Hợp đồng liên kết từ đề nghị %s", pr.ID), Rulebook: DraftRulebook,
		Buyer: d.Buyer, Producer: o.Producer, WitnessAuthority: witness, LinkageForm: form,
		Product: d.Product, QualityStandard: standard, TotalQuantity: pr.Quantity, ToleranceBps: DraftToleranceBps,
		Lot:   DraftLot{ID: DraftLotID, Window: window, Place: d.DeliveryPlace, Quantity: pr.Quantity},
		Price: d.Price, PaymentDays: DraftPaymentDays, PaymentMethod: PaymentBankTransfer, PenaltyBps: DraftPenaltyBps,
		ForceMajeure: DraftForceMajeure, DisputeSteps: DraftDisputeSteps,
		Period:      Window{Start: min(d.DeliveryWindow.Start, window.Start), End: max(d.DeliveryWindow.End, window.End)},
		Allocations: splitEvenly(pr.Quantity, o.Households),
	}
}

// splitEvenly splits q across households, the first ones taking the remainder; households
// that would get nothing are left out.
func splitEvenly(q int64, households []string) []HouseholdAllocation {
	n := int64(len(households))
	if n == 0 {
		return nil
	}
	per, rem := q/n, q%n
	var out []HouseholdAllocation
	for i, h := range households {
		share := per
		if int64(i) < rem {
			share++
		}
		if share > 0 {
			out = append(out, HouseholdAllocation{Household: h, Quantity: share})
		}
	}
	return out
}

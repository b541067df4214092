package transport

import (
	"strconv"
	"time"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/protoenum"
)

// domainEnum is the domain name of a proto enum value (protoenum.Name). An unknown number is
// kept as its number, so that validation reports an unknown value rather than a missing one.
func domainEnum(e protoreflect.Enum, prefix string) string {
	if n := protoenum.Name(e, prefix); n != "" || e.Number() == 0 {
		return n
	}
	return strconv.Itoa(int(e.Number()))
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func windowToDomain(w *typesv1.DateWindow) domain.DateWindow {
	return domain.DateWindow{Start: w.GetStartDate(), End: w.GetEndDate()}
}

func windowToProto(w domain.DateWindow) *typesv1.DateWindow {
	return &typesv1.DateWindow{StartDate: w.Start, EndDate: w.End}
}

func priceToDomain(p *typesv1.PriceTerms) domain.PriceTerms {
	return domain.PriceTerms{
		Type: domainEnum(p.GetType(), "PRICE_TYPE_"), FixedPriceVND: p.GetFixedPriceVnd(),
		FloorPriceVND: p.GetFloorPriceVnd(), MarketReference: p.GetMarketReference(), PremiumBps: p.GetPremiumBps(),
		CostPriceVND: p.GetCostPriceVnd(), MarginBps: p.GetMarginBps(),
	}
}

func priceToProto(p domain.PriceTerms) *typesv1.PriceTerms {
	return &typesv1.PriceTerms{
		Type: typesv1.PriceType(typesv1.PriceType_value["PRICE_TYPE_"+p.Type]), FixedPriceVnd: p.FixedPriceVND,
		FloorPriceVnd: p.FloorPriceVND, MarketReference: p.MarketReference, PremiumBps: p.PremiumBps,
		CostPriceVnd: p.CostPriceVND, MarginBps: p.MarginBps,
	}
}

func termsToDomain(t *contractsv1.ContractTerms) domain.Terms {
	d := domain.Terms{
		Buyer: t.GetBuyer(), Producer: t.GetProducer(), WitnessAuthority: t.GetWitnessAuthority(),
		LinkageForm: domainEnum(t.GetLinkageForm(), "LINKAGE_FORM_"), Product: t.GetProduct(),
		QualityStandard: t.GetQualityStandard(), TotalQuantity: t.GetTotalQuantity(), ToleranceBps: t.GetToleranceBps(),
		Price:       priceToDomain(t.GetPriceTerms()),
		Payment:     domain.PaymentTerms{DaysAfterDelivery: t.GetPaymentTerms().GetDaysAfterDelivery(), Method: domainEnum(t.GetPaymentTerms().GetMethod(), "PAYMENT_METHOD_")},
		Obligations: domain.Obligations{Buyer: t.GetObligations().GetBuyer(), Producer: t.GetObligations().GetProducer(), Households: t.GetObligations().GetHouseholds()},
		Breach:      domain.Breach{PenaltyBps: t.GetBreach().GetPenaltyBps(), Damages: t.GetBreach().GetDamages()},
		Period:      windowToDomain(t.GetPeriod()),
		Seasons:     t.GetSeasons(),
		InputSupply: inputSupplyToDomain(t.GetInputSupply()),
	}
	for _, g := range t.GetGradingRules() {
		d.GradingRules = append(d.GradingRules, domain.GradingRule{Grade: g.GetGrade(), Criteria: g.GetCriteria(), PriceAdjustmentBps: g.GetPriceAdjustmentBps()})
	}
	d.Allocations = allocationsToDomain(t.GetAllocations())
	for _, l := range t.GetLots() {
		d.Lots = append(d.Lots, domain.Lot{ID: l.GetId(), Window: windowToDomain(l.GetWindow()), Place: l.GetPlace(), Quantity: l.GetQuantity()})
	}
	for _, e := range t.GetForceMajeureEvents() {
		d.ForceMajeureEvents = append(d.ForceMajeureEvents, domainEnum(e, "FORCE_MAJEURE_EVENT_"))
	}
	for _, s := range t.GetDisputeResolution().GetSteps() {
		d.DisputeSteps = append(d.DisputeSteps, domainEnum(s, "DISPUTE_STEP_"))
	}
	if ci := t.GetCoInvestment(); ci != nil {
		d.CoInvestment = &domain.CoInvestment{TotalValueVND: ci.GetTotalValueVnd(), OwnerShareBps: ci.GetOwnerShareBps()}
	}
	return d
}

func allocationsToDomain(as []*contractsv1.Allocation) []domain.Allocation {
	var out []domain.Allocation
	for _, a := range as {
		al := domain.Allocation{Household: a.GetHousehold(), Quantity: a.GetQuantity(), AreaM2: a.GetAreaM2(), Plots: a.GetPlots()}
		if m := a.GetMandate(); m != nil {
			al.Mandate = &domain.Mandate{Reference: m.GetReference(), Date: m.GetDate()}
		}
		out = append(out, al)
	}
	return out
}

func inputSupplyToDomain(is *contractsv1.InputSupply) *domain.InputSupply {
	if is == nil {
		return nil
	}
	s := &domain.InputSupply{RecoveredAtSettlement: is.GetRecoveredAtSettlement(), InterestRateBps: is.GetInterestRateBps()}
	for _, it := range is.GetItems() {
		s.Items = append(s.Items, domain.InputItem{Description: it.GetDescription(), Quantity: it.GetQuantity(), Unit: it.GetUnit(), ValueVND: it.GetValueVnd()})
	}
	return s
}

func termsToProto(d domain.Terms) *contractsv1.ContractTerms {
	t := &contractsv1.ContractTerms{
		Buyer: d.Buyer, Producer: d.Producer, WitnessAuthority: d.WitnessAuthority,
		LinkageForm: contractsv1.LinkageForm(contractsv1.LinkageForm_value["LINKAGE_FORM_"+d.LinkageForm]),
		Product:     d.Product, QualityStandard: d.QualityStandard, TotalQuantity: d.TotalQuantity, ToleranceBps: d.ToleranceBps,
		PriceTerms:        priceToProto(d.Price),
		PaymentTerms:      &contractsv1.PaymentTerms{DaysAfterDelivery: d.Payment.DaysAfterDelivery, Method: contractsv1.PaymentMethod(contractsv1.PaymentMethod_value["PAYMENT_METHOD_"+d.Payment.Method])},
		Obligations:       &contractsv1.Obligations{Buyer: d.Obligations.Buyer, Producer: d.Obligations.Producer, Households: d.Obligations.Households},
		Breach:            &contractsv1.BreachClause{PenaltyBps: d.Breach.PenaltyBps, Damages: d.Breach.Damages},
		Period:            windowToProto(d.Period),
		Seasons:           d.Seasons,
		DisputeResolution: &contractsv1.DisputeResolution{},
		Allocations:       allocationsToProto(d.Allocations),
		InputSupply:       inputSupplyToProto(d.InputSupply),
	}
	for _, g := range d.GradingRules {
		t.GradingRules = append(t.GradingRules, &contractsv1.GradingRule{Grade: g.Grade, Criteria: g.Criteria, PriceAdjustmentBps: g.PriceAdjustmentBps})
	}
	for _, l := range d.Lots {
		t.Lots = append(t.Lots, &contractsv1.DeliveryLot{Id: l.ID, Window: windowToProto(l.Window), Place: l.Place, Quantity: l.Quantity})
	}
	for _, e := range d.ForceMajeureEvents {
		t.ForceMajeureEvents = append(t.ForceMajeureEvents, contractsv1.ForceMajeureEvent(contractsv1.ForceMajeureEvent_value["FORCE_MAJEURE_EVENT_"+e]))
	}
	for _, s := range d.DisputeSteps {
		t.DisputeResolution.Steps = append(t.DisputeResolution.Steps, contractsv1.DisputeStep(contractsv1.DisputeStep_value["DISPUTE_STEP_"+s]))
	}
	if d.CoInvestment != nil {
		t.CoInvestment = &contractsv1.CoInvestment{TotalValueVnd: d.CoInvestment.TotalValueVND, OwnerShareBps: d.CoInvestment.OwnerShareBps}
	}
	return t
}

func allocationsToProto(as []domain.Allocation) []*contractsv1.Allocation {
	var out []*contractsv1.Allocation
	for _, a := range as {
		al := &contractsv1.Allocation{Household: a.Household, Quantity: a.Quantity, AreaM2: a.AreaM2, Plots: a.Plots}
		if a.Mandate != nil {
			al.Mandate = &contractsv1.Mandate{Reference: a.Mandate.Reference, Date: a.Mandate.Date}
		}
		out = append(out, al)
	}
	return out
}

func inputSupplyToProto(d *domain.InputSupply) *contractsv1.InputSupply {
	if d == nil {
		return nil
	}
	is := &contractsv1.InputSupply{RecoveredAtSettlement: d.RecoveredAtSettlement, InterestRateBps: d.InterestRateBps}
	for _, it := range d.Items {
		is.Items = append(is.Items, &contractsv1.InputItem{Description: it.Description, Quantity: it.Quantity, Unit: it.Unit, ValueVnd: it.ValueVND})
	}
	return is
}

func signatureToProto(s domain.Signature) *contractsv1.Signature {
	return &contractsv1.Signature{
		Party: contractsv1.Signature_Party(contractsv1.Signature_Party_value["PARTY_"+s.Party]), Signer: s.Signer,
		SignerRole: s.SignerRole, OnBehalfOf: s.OnBehalfOf, MandateReference: s.MandateReference,
		TermsHash: s.TermsHash, SignTime: ts(s.Time), Amendment: s.Amendment,
	}
}

func contractToProto(c *domain.Contract) *contractsv1.Contract {
	p := &contractsv1.Contract{
		Name: domain.ContractName(c.ID), Terms: termsToProto(c.Terms), Rulebook: c.Rulebook, RulebookVersion: c.RulebookVersion,
		State:       contractsv1.ContractState(contractsv1.ContractState_value["CONTRACT_STATE_"+c.State]),
		StateReason: c.StateReason, TermsHash: c.TermsHash, AmendmentCount: c.AmendmentCount,
		ProducerCommuneCode: c.ProducerCommuneCode, BuyerAcknowledgedSettlement: c.BuyerAcknowledged,
		ProducerAcknowledgedSettlement: c.ProducerAcknowledged, DisplayName: c.DisplayName,
		CreateTime: ts(c.CreateTime), UpdateTime: ts(c.UpdateTime), Etag: aip.Etag(c.Version),
	}
	for _, s := range c.Signatures {
		p.Signatures = append(p.Signatures, signatureToProto(s))
	}
	if w := c.Witness; w != nil {
		p.Witness = &contractsv1.Witness{Official: w.Official, Authority: w.Authority, TermsHash: w.TermsHash, WitnessTime: ts(w.Time), RejectionReason: w.RejectionReason, Amendment: w.Amendment}
	}
	if a := c.PendingAmendment; a != nil {
		pa := &contractsv1.Amendment{Number: a.Number, Terms: termsToProto(a.Terms), Reason: a.Reason, TermsHash: a.TermsHash, CreateTime: ts(a.CreateTime)}
		for _, s := range a.Signatures {
			pa.Signatures = append(pa.Signatures, signatureToProto(s))
		}
		p.PendingAmendment = pa
	}
	return p
}

func eventToProto(e domain.Event) *contractsv1.ContractEvent {
	return &contractsv1.ContractEvent{
		Name: domain.ContractName(e.Contract) + "/events/" + strconv.FormatInt(e.Seq, 10), Sequence: e.Seq, Type: e.Type, Actor: e.Actor,
		ActorRole: e.ActorRole, Time: ts(e.Time), Payload: e.Payload, PreviousHash: e.PreviousHash, Hash: e.Hash,
	}
}

// protos maps a page of items to their protos.
func protos[T, P any](items []T, to func(*T) P) []P {
	var out []P
	for i := range items {
		out = append(out, to(&items[i]))
	}
	return out
}

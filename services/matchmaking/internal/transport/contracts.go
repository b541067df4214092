package transport

import (
	"context"
	"fmt"

	"google.golang.org/grpc"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/usecase"
	"github.com/lienket/lienket/services/platform/protoenum"
)

// contractsClient is usecase.Contracts over the contracts service's gRPC API.
type contractsClient struct {
	c contractsv1.ContractsServiceClient
}

// NewContracts returns the contracts client over conn.
func NewContracts(conn grpc.ClientConnInterface) usecase.Contracts {
	return contractsClient{c: contractsv1.NewContractsServiceClient(conn)}
}

func (c contractsClient) CreateDraft(ctx context.Context, draft domain.ContractDraft, requestID string) (string, error) {
	ct, err := c.c.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: draftToProto(draft), RequestId: requestID})
	if err != nil {
		return "", err
	}
	return ct.GetName(), nil
}

func (c contractsClient) Contracts(ctx context.Context, producer, state string, limit int) ([]string, error) {
	list, err := c.c.ListContracts(ctx, &contractsv1.ListContractsRequest{PageSize: int32(limit),
		Filter: fmt.Sprintf("producer = %q AND state = %q", producer, "CONTRACT_STATE_"+state)})
	if err != nil {
		return nil, err
	}
	var names []string
	for _, ct := range list.GetContracts() {
		names = append(names, ct.GetName())
	}
	return names, nil
}

func (c contractsClient) Fulfilment(ctx context.Context, contract string) (domain.Fulfilment, error) {
	st, err := c.c.GetSettlement(ctx, &contractsv1.GetSettlementRequest{Name: contract + "/settlement"})
	if err != nil {
		return domain.Fulfilment{}, err
	}
	return domain.Fulfilment{Contracted: st.GetTotal().GetContractedQuantity(), Accepted: st.GetTotal().GetAcceptedQuantity()}, nil
}

// draftToProto maps a draft onto the contracts API.
func draftToProto(d domain.ContractDraft) *contractsv1.Contract {
	t := &contractsv1.ContractTerms{
		Buyer: d.Buyer, Producer: d.Producer, WitnessAuthority: d.WitnessAuthority,
		LinkageForm: contractsv1.LinkageForm(protoenum.Number(contractsv1.LinkageForm(0).Descriptor(), "LINKAGE_FORM_", d.LinkageForm)),
		Product:     d.Product, QualityStandard: d.QualityStandard, TotalQuantity: d.TotalQuantity, ToleranceBps: d.ToleranceBps,
		Lots:       []*contractsv1.DeliveryLot{{Id: d.Lot.ID, Window: winToProto(d.Lot.Window), Place: d.Lot.Place, Quantity: d.Lot.Quantity}},
		PriceTerms: priceToProto(d.Price),
		PaymentTerms: &contractsv1.PaymentTerms{DaysAfterDelivery: d.PaymentDays,
			Method: contractsv1.PaymentMethod(protoenum.Number(contractsv1.PaymentMethod(0).Descriptor(), "PAYMENT_METHOD_", d.PaymentMethod))},
		Breach:            &contractsv1.BreachClause{PenaltyBps: d.PenaltyBps},
		DisputeResolution: &contractsv1.DisputeResolution{},
		Period:            &typesv1.DateWindow{StartDate: d.Period.Start, EndDate: d.Period.End},
	}
	for _, e := range d.ForceMajeure {
		t.ForceMajeureEvents = append(t.ForceMajeureEvents, contractsv1.ForceMajeureEvent(protoenum.Number(contractsv1.ForceMajeureEvent(0).Descriptor(), "FORCE_MAJEURE_EVENT_", e)))
	}
	for _, s := range d.DisputeSteps {
		t.DisputeResolution.Steps = append(t.DisputeResolution.Steps, contractsv1.DisputeStep(protoenum.Number(contractsv1.DisputeStep(0).Descriptor(), "DISPUTE_STEP_", s)))
	}
	for _, a := range d.Allocations {
		t.Allocations = append(t.Allocations, &contractsv1.Allocation{Household: a.Household, Quantity: a.Quantity})
	}
	return &contractsv1.Contract{DisplayName: d.DisplayName, Terms: t, Rulebook: d.Rulebook}
}

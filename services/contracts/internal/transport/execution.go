package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/auth"
)

func deliveryToProto(d usecase.Delivery) *contractsv1.Delivery {
	return &contractsv1.Delivery{
		Name: domain.ContractName(d.Contract) + "/deliveries/" + d.ID, Household: d.Household, Lot: d.Lot, DeliveryDate: d.Date, Quantity: d.Quantity,
		Grade: d.Grade, AcceptedQuantity: d.AcceptedQuantity, RejectedQuantity: d.RejectedQuantity, RejectionReason: d.RejectionReason,
		MarketPriceVnd: d.MarketPriceVND, UnitPriceVnd: d.UnitPriceVND, GrossAmountVnd: d.GrossVND, RecoveredAdvanceVnd: d.RecoveredAdvanceVND,
		State:         contractsv1.Delivery_State(contractsv1.Delivery_State_value["STATE_"+d.State]),
		DisputeReason: d.DisputeReason, CreateTime: timestamppb.New(d.CreateTime), Etag: aip.Etag(d.Version),
	}
}

func deliveryInput(d *contractsv1.Delivery) *domain.DeliveryInput {
	if d == nil {
		return nil
	}
	return &domain.DeliveryInput{Household: d.GetHousehold(), Lot: d.GetLot(), Date: d.GetDeliveryDate(), Quantity: d.GetQuantity(),
		AcceptedQuantity: d.GetAcceptedQuantity(), RejectedQuantity: d.GetRejectedQuantity(), Grade: d.GetGrade(),
		RejectionReason: d.GetRejectionReason(), MarketPriceVND: d.GetMarketPriceVnd()}
}

// CreateDelivery implements the RPC (the buyer records what it received).
func (s *Server) CreateDelivery(ctx context.Context, req *contractsv1.CreateDeliveryRequest) (*contractsv1.Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.RecordDelivery(ctx, p, req.GetParent(), req.GetRequestId(), deliveryInput(req.GetDelivery()))
	return reply(d, err, deliveryToProto)
}

// GetDelivery implements the RPC.
func (s *Server) GetDelivery(ctx context.Context, req *contractsv1.GetDeliveryRequest) (*contractsv1.Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.GetDelivery(ctx, p, req.GetName())
	return reply(d, err, deliveryToProto)
}

// ConfirmDelivery implements the RPC.
func (s *Server) ConfirmDelivery(ctx context.Context, req *contractsv1.ConfirmDeliveryRequest) (*contractsv1.Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.ConfirmDelivery(ctx, p, usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()})
	return reply(d, err, deliveryToProto)
}

// DisputeDelivery implements the RPC (opens a QUALITY_DISPUTE incident).
func (s *Server) DisputeDelivery(ctx context.Context, req *contractsv1.DisputeDeliveryRequest) (*contractsv1.Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.DisputeDelivery(ctx, p, usecase.Target{Name: req.GetName(), Etag: req.GetEtag(), RequestID: req.GetRequestId()}, req.GetReason())
	return reply(d, err, deliveryToProto)
}

// ListDeliveries implements the RPC.
func (s *Server) ListDeliveries(ctx context.Context, req *contractsv1.ListDeliveriesRequest) (*contractsv1.ListDeliveriesResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListDeliveries(ctx, p, req.GetParent(), listQuery(req.GetFilter(), req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[usecase.Delivery]) *contractsv1.ListDeliveriesResponse {
		return &contractsv1.ListDeliveriesResponse{Deliveries: protos(pg.Items, func(d *usecase.Delivery) *contractsv1.Delivery { return deliveryToProto(*d) }), NextPageToken: pg.NextPageToken}
	})
}

func advanceToProto(a *domain.Advance) *contractsv1.InputAdvance {
	return &contractsv1.InputAdvance{Name: domain.ContractName(a.Contract) + "/inputAdvances/" + a.ID, Household: a.Household, AdvanceDate: a.Date,
		Description: a.Description, ValueVnd: a.ValueVND, CreateTime: timestamppb.New(a.CreateTime)}
}

// CreateInputAdvance implements the RPC (the buyer records inputs advanced to a household).
func (s *Server) CreateInputAdvance(ctx context.Context, req *contractsv1.CreateInputAdvanceRequest) (*contractsv1.InputAdvance, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var in *domain.AdvanceInput
	if a := req.GetInputAdvance(); a != nil {
		in = &domain.AdvanceInput{Household: a.GetHousehold(), Date: a.GetAdvanceDate(), Description: a.GetDescription(), ValueVND: a.GetValueVnd()}
	}
	a, err := s.uc.RecordAdvance(ctx, p, req.GetParent(), req.GetRequestId(), in)
	return reply(a, err, advanceToProto)
}

// ListInputAdvances implements the RPC.
func (s *Server) ListInputAdvances(ctx context.Context, req *contractsv1.ListInputAdvancesRequest) (*contractsv1.ListInputAdvancesResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListAdvances(ctx, p, req.GetParent(), listQuery("", req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[domain.Advance]) *contractsv1.ListInputAdvancesResponse {
		return &contractsv1.ListInputAdvancesResponse{InputAdvances: protos(pg.Items, advanceToProto), NextPageToken: pg.NextPageToken}
	})
}

func paymentToProto(p *domain.Payment) *contractsv1.Payment {
	return &contractsv1.Payment{Name: domain.ContractName(p.Contract) + "/payments/" + p.ID, Payee: p.Payee, Household: p.Household, AmountVnd: p.AmountVND,
		Method: contractsv1.PaymentMethod(contractsv1.PaymentMethod_value["PAYMENT_METHOD_"+p.Method]), Reference: p.Reference, PaymentDate: p.Date, CreateTime: timestamppb.New(p.CreateTime)}
}

// CreatePayment implements the RPC (the buyer pays the producer for a household, or the
// household directly).
func (s *Server) CreatePayment(ctx context.Context, req *contractsv1.CreatePaymentRequest) (*contractsv1.Payment, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	var in *domain.PaymentInput
	if x := req.GetPayment(); x != nil {
		in = &domain.PaymentInput{Payee: x.GetPayee(), Household: x.GetHousehold(), AmountVND: x.GetAmountVnd(), Method: domainEnum(x.GetMethod(), "PAYMENT_METHOD_"),
			Reference: x.GetReference(), Date: x.GetPaymentDate()}
	}
	pay, err := s.uc.RecordPayment(ctx, p, req.GetParent(), req.GetRequestId(), in)
	return reply(pay, err, paymentToProto)
}

// ListPayments implements the RPC.
func (s *Server) ListPayments(ctx context.Context, req *contractsv1.ListPaymentsRequest) (*contractsv1.ListPaymentsResponse, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.uc.ListPayments(ctx, p, req.GetParent(), listQuery("", req.GetPageSize(), req.GetPageToken()))
	return reply(page, err, func(pg usecase.Page[domain.Payment]) *contractsv1.ListPaymentsResponse {
		return &contractsv1.ListPaymentsResponse{Payments: protos(pg.Items, paymentToProto), NextPageToken: pg.NextPageToken}
	})
}

func lineToProto(l *domain.Line) *contractsv1.SettlementLine {
	return &contractsv1.SettlementLine{Household: l.Household, ContractedQuantity: l.Contracted, DeliveredQuantity: l.Delivered, AcceptedQuantity: l.Accepted,
		GrossVnd: l.GrossVND, AdvancesVnd: l.AdvancesVND, RecoveredAdvancesVnd: l.RecoveredVND, PaidVnd: l.PaidVND, BalanceVnd: l.BalanceVND}
}

// GetSettlement implements the RPC (households see only their own line).
func (s *Server) GetSettlement(ctx context.Context, req *contractsv1.GetSettlementRequest) (*contractsv1.Settlement, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.uc.GetSettlement(ctx, p, req.GetName())
	return reply(st, err, func(st usecase.Settlement) *contractsv1.Settlement {
		out := &contractsv1.Settlement{Name: req.GetName(), Rounding: domain.Rounding, ComputeTime: timestamppb.New(st.ComputeTime), Households: protos(st.Households, lineToProto)}
		if st.Total != nil {
			out.Total = lineToProto(st.Total)
		}
		return out
	})
}

package storage

import (
	"context"
	"encoding/json"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

// The records that travel in their audit events (a delivery, a payment, an issued document's
// hash). Their JSON is part of the hash chain: the field names and their order never change.

// DeliveryRecorded is the payload of a delivery.recorded event: the whole delivery, which the
// outbox flush writes to the deliveries collection.
type DeliveryRecorded struct {
	Delivery        string `json:"delivery"`
	Household       string `json:"household"`
	Lot             string `json:"lot"`
	Date            string `json:"delivery_date"`
	Quantity        int64  `json:"quantity"`
	Accepted        int64  `json:"accepted"`
	Grade           string `json:"grade,omitempty"`
	RejectionReason string `json:"rejection_reason,omitempty"`
	MarketPriceVND  int64  `json:"market_price_vnd,omitempty"`
	UnitPriceVND    int64  `json:"unit_price_vnd"`
	GrossVND        int64  `json:"gross_vnd"`
}

// RecordedDelivery is the payload of the event that records d.
func RecordedDelivery(d *domain.Delivery) DeliveryRecorded {
	return DeliveryRecorded{Delivery: d.ID, Household: d.Household, Lot: d.Lot, Date: d.Date, Quantity: d.Quantity, Accepted: d.AcceptedQuantity,
		Grade: d.Grade, RejectionReason: d.RejectionReason, MarketPriceVND: d.MarketPriceVND, UnitPriceVND: d.UnitPriceVND, GrossVND: d.GrossVND}
}

// delivery is the record e stands for: RECORDED at the event's time.
func (p DeliveryRecorded) delivery(e domain.Event) *domain.Delivery {
	return &domain.Delivery{ID: p.Delivery, Contract: e.Contract, Household: p.Household, Lot: p.Lot,
		Date: p.Date, Quantity: p.Quantity, Grade: p.Grade, AcceptedQuantity: p.Accepted, RejectedQuantity: p.Quantity - p.Accepted,
		RejectionReason: p.RejectionReason, MarketPriceVND: p.MarketPriceVND, UnitPriceVND: p.UnitPriceVND, GrossVND: p.GrossVND,
		State: domain.DeliveryRecorded, CreateTime: e.Time, Version: 1}
}

// PaymentRecorded is the payload of a payment.recorded event: the whole payment, which the
// outbox flush writes to the payments collection.
type PaymentRecorded struct {
	Payment   string `json:"payment"`
	Payee     string `json:"payee"`
	Household string `json:"household"`
	AmountVND int64  `json:"amount_vnd"`
	Method    string `json:"method"`
	Reference string `json:"reference,omitempty"`
	Date      string `json:"payment_date"`
}

// RecordedPayment is the payload of the event that records p.
func RecordedPayment(p *domain.Payment) PaymentRecorded {
	return PaymentRecorded{Payment: p.ID, Payee: p.Payee, Household: p.Household, AmountVND: p.AmountVND, Method: p.Method, Reference: p.Reference, Date: p.Date}
}

// payment is the record e stands for, created at the event's time.
func (p PaymentRecorded) payment(e domain.Event) *domain.Payment {
	return &domain.Payment{ID: p.Payment, Contract: e.Contract, Payee: p.Payee, Household: p.Household,
		AmountVND: p.AmountVND, Method: p.Method, Reference: p.Reference, Date: p.Date, CreateTime: e.Time}
}

// DocumentIssued is the payload of a document.issued event: the SHA-256 of a document issued
// for the contract and what it shows, which the outbox flush records (issued_documents) for
// the verification page.
type DocumentIssued struct {
	Kind      string `json:"kind"`
	SHA256    string `json:"sha256"`
	Bytes     int64  `json:"bytes"`
	Amendment int32  `json:"amendment"`
	TermsHash string `json:"terms_hash"`
	Lang      string `json:"lang"`
	Format    string `json:"format"`
	Household string `json:"household,omitempty"`
}

// IssuedDocumentRecorded is the payload of the event that records d.
func IssuedDocumentRecorded(d domain.IssuedDocument) DocumentIssued {
	return DocumentIssued{Kind: d.Kind, SHA256: d.SHA256, Bytes: d.Bytes, Amendment: d.Amendment, TermsHash: d.TermsHash, Lang: d.Lang, Format: d.Format, Household: d.Household}
}

// document is the record e stands for, issued at the event's time.
func (p DocumentIssued) document(e domain.Event) *domain.IssuedDocument {
	return &domain.IssuedDocument{ID: domain.IssuedDocumentID(e.Contract, p.SHA256), Contract: e.Contract, Kind: p.Kind, SHA256: p.SHA256, Bytes: p.Bytes,
		Amendment: p.Amendment, TermsHash: p.TermsHash, Lang: p.Lang, Format: p.Format, Household: p.Household, IssueTime: e.Time}
}

// materialize writes (idempotently) the record an outbox event carries. Events from before
// records travelled in them carry only a reference: those records were written first, and
// there is nothing to do.
func (s *Store) materialize(ctx context.Context, e domain.Event) error {
	switch e.Type {
	case domain.EventPaymentRecorded:
		var p PaymentRecorded
		if err := json.Unmarshal([]byte(e.Payload), &p); err != nil || p.Payment == "" || p.Payee == "" {
			return nil
		}
		_, _, err := insert(ctx, s.payments, "payment", p.Payment, p.payment(e))
		return err
	case domain.EventDeliveryRecorded:
		var p DeliveryRecorded
		if err := json.Unmarshal([]byte(e.Payload), &p); err != nil || p.Delivery == "" || p.Date == "" {
			return nil
		}
		_, _, err := insert(ctx, s.deliveries, "delivery", p.Delivery, p.delivery(e))
		return err
	case domain.EventDocumentIssued:
		var p DocumentIssued
		if err := json.Unmarshal([]byte(e.Payload), &p); err != nil || p.SHA256 == "" {
			return nil
		}
		d := p.document(e)
		_, _, err := insert(ctx, s.documents, "issued document", d.ID, d)
		return err
	}
	return nil
}

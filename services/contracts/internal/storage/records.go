package storage

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// Execution records (deliveries, advances, payments, incidents) live in their own
// collections, keyed by contract and paged in _id order.

// RecordQuery selects a page of one contract's records.
type RecordQuery struct {
	Contract string
	// Conditions on the record's filterable fields (see the List methods), values as stored.
	Conditions []aip.Condition
	// OnlyHousehold restricts the page to Household's records.
	OnlyHousehold bool
	Household     string
	Page          Page
}

func (q RecordQuery) filter(fields map[string]string) bson.D {
	f := bson.D{{Key: "contract", Value: q.Contract}}
	if q.OnlyHousehold {
		f = append(f, bson.E{Key: "household", Value: q.Household})
	}
	return restrict(f, q.Conditions, fields)
}

func list[T any](ctx context.Context, r mongostore.Repo[T], what string, f bson.D, p Page) ([]T, bool, error) {
	items, more, err := r.List(ctx, f, p.After, p.Limit)
	if err != nil {
		return nil, false, fmt.Errorf("list %s: %w", what, err)
	}
	return items, more, nil
}

func get[T any](ctx context.Context, r mongostore.Repo[T], what, id string) (*T, error) {
	x, err := r.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", what, err)
	}
	return x, nil
}

func insert[T any](ctx context.Context, r mongostore.Repo[T], what, id string, x *T) (*T, bool, error) {
	stored, created, err := r.Insert(ctx, id, x)
	if err != nil {
		return nil, false, fmt.Errorf("insert %s: %w", what, err)
	}
	return stored, created, nil
}

func replace[T any](ctx context.Context, r mongostore.Repo[T], what, id string, prev int64, x *T) (bool, error) {
	ok, err := r.Replace(ctx, id, prev, x)
	if err != nil {
		return false, fmt.Errorf("replace %s: %w", what, err)
	}
	return ok, nil
}

func all[T any](ctx context.Context, r mongostore.Repo[T], what, contract string) ([]T, error) {
	items, _, err := list(ctx, r, what, bson.D{{Key: "contract", Value: contract}}, Page{Limit: maxRecords})
	return items, err
}

var deliveryFilterFields = map[string]string{"household": "household", "lot": "lot", "state": "state"}

// DeliveryFilterFields lists the fields ListDeliveries filters on.
func DeliveryFilterFields() []aip.FilterField {
	return []aip.FilterField{aip.AnyValue("household"), aip.AnyValue("lot"),
		aip.OneOfEnum("state", "STATE_", domain.DeliveryRecorded, domain.DeliveryConfirmed, domain.DeliveryDisputed)}
}

// GetDelivery returns a delivery, or nil.
func (s *Store) GetDelivery(ctx context.Context, id string) (*domain.Delivery, error) {
	return get(ctx, s.deliveries, "delivery", id)
}

// ReplaceDelivery stores d if the stored delivery is still at version prev (d carries the
// next version); false when it moved on.
func (s *Store) ReplaceDelivery(ctx context.Context, d *domain.Delivery, prev int64) (bool, error) {
	return replace(ctx, s.deliveries, "delivery", d.ID, prev, d)
}

// ListDeliveries returns a page of a contract's deliveries (conditions on household, lot,
// state).
func (s *Store) ListDeliveries(ctx context.Context, q RecordQuery) ([]domain.Delivery, bool, error) {
	return list(ctx, s.deliveries, "deliveries", q.filter(deliveryFilterFields), q.Page)
}

// Deliveries returns every delivery of a contract.
func (s *Store) Deliveries(ctx context.Context, contract string) ([]domain.Delivery, error) {
	return all(ctx, s.deliveries, "deliveries", contract)
}

// InsertAdvance stores a; an advance with the same id (an idempotent retry) is returned
// instead.
func (s *Store) InsertAdvance(ctx context.Context, a *domain.Advance) (*domain.Advance, error) {
	stored, _, err := insert(ctx, s.advances, "advance", a.ID, a)
	return stored, err
}

// ListAdvances returns a page of a contract's advances.
func (s *Store) ListAdvances(ctx context.Context, q RecordQuery) ([]domain.Advance, bool, error) {
	return list(ctx, s.advances, "advances", q.filter(nil), q.Page)
}

// GetPayment returns a payment, or nil.
func (s *Store) GetPayment(ctx context.Context, id string) (*domain.Payment, error) {
	return get(ctx, s.payments, "payment", id)
}

// ListPayments returns a page of a contract's payments.
func (s *Store) ListPayments(ctx context.Context, q RecordQuery) ([]domain.Payment, bool, error) {
	return list(ctx, s.payments, "payments", q.filter(nil), q.Page)
}

// Records are every execution record a contract's settlement is computed from.
type Records struct {
	Advances   []domain.Advance
	Deliveries []domain.Delivery
	Payments   []domain.Payment
}

// SettlementRecords returns every delivery, advance and payment of a contract.
func (s *Store) SettlementRecords(ctx context.Context, contract string) (Records, error) {
	var r Records
	var err error
	if r.Deliveries, err = s.Deliveries(ctx, contract); err != nil {
		return Records{}, err
	}
	if r.Advances, err = all(ctx, s.advances, "advances", contract); err != nil {
		return Records{}, err
	}
	if r.Payments, err = all(ctx, s.payments, "payments", contract); err != nil {
		return Records{}, err
	}
	return r, nil
}

var incidentFilterFields = map[string]string{"kind": "kind", "state": "state"}

// IncidentFilterFields lists the fields ListIncidents filters on.
func IncidentFilterFields() []aip.FilterField {
	return []aip.FilterField{aip.OneOfEnum("kind", "KIND_", domain.IncidentKinds...),
		aip.OneOfEnum("state", "STATE_", domain.IncidentOpen, domain.IncidentMediation, domain.IncidentResolved)}
}

// InsertIncident stores i; an incident with the same id (an idempotent retry) is returned
// instead.
func (s *Store) InsertIncident(ctx context.Context, i *domain.Incident) (*domain.Incident, error) {
	stored, _, err := insert(ctx, s.incidents, "incident", i.ID, i)
	return stored, err
}

// GetIncident returns an incident, or nil.
func (s *Store) GetIncident(ctx context.Context, id string) (*domain.Incident, error) {
	return get(ctx, s.incidents, "incident", id)
}

// ReplaceIncident stores i if the stored incident is still at version prev (i carries the
// next version); false when it moved on.
func (s *Store) ReplaceIncident(ctx context.Context, i *domain.Incident, prev int64) (bool, error) {
	return replace(ctx, s.incidents, "incident", i.ID, prev, i)
}

// ListIncidents returns a page of a contract's incidents (conditions on kind, state).
func (s *Store) ListIncidents(ctx context.Context, q RecordQuery) ([]domain.Incident, bool, error) {
	return list(ctx, s.incidents, "incidents", q.filter(incidentFilterFields), q.Page)
}

var marketPriceFilterFields = map[string]string{"reference": "reference", "price_date": "date"}

// MarketPriceFilterFields lists the fields ListMarketPrices filters on.
func MarketPriceFilterFields() []aip.FilterField {
	return []aip.FilterField{aip.AnyValue("reference"), aip.AnyValue("price_date")}
}

// InsertMarketPrice stores mp unless a price for its reference and date exists: then that
// one is returned and created is false.
func (s *Store) InsertMarketPrice(ctx context.Context, mp *domain.MarketPrice) (*domain.MarketPrice, bool, error) {
	return insert(ctx, s.prices, "market price", mp.ID, mp)
}

// GetMarketPrice returns the price of reference on date, or nil.
func (s *Store) GetMarketPrice(ctx context.Context, reference, date string) (*domain.MarketPrice, error) {
	return get(ctx, s.prices, "market price", domain.MarketPriceID(reference, date))
}

// ListMarketPrices returns a page of market prices (conditions on reference, price_date).
func (s *Store) ListMarketPrices(ctx context.Context, conds []aip.Condition, p Page) ([]domain.MarketPrice, bool, error) {
	return list(ctx, s.prices, "market prices", restrict(bson.D{}, conds, marketPriceFilterFields), p)
}

// Incidents returns every incident of a contract.
func (s *Store) Incidents(ctx context.Context, contract string) ([]domain.Incident, error) {
	return all(ctx, s.incidents, "incidents", contract)
}

// GetIssuedDocument returns the record of the document with hash sha256 issued for contract,
// or nil when none was.
func (s *Store) GetIssuedDocument(ctx context.Context, contract, sha256 string) (*domain.IssuedDocument, error) {
	return get(ctx, s.documents, "issued document", domain.IssuedDocumentID(contract, sha256))
}

package transport

import (
	"context"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"go.mongodb.org/mongo-driver/v2/bson"
	"google.golang.org/protobuf/types/known/timestamppb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
)

// registerExecution prepares the execution side (deliveries, payments, settlement, incidents).
func (s *Server) registerExecution(ctx context.Context, d service.Deps) error {
	ex, err := storage.NewExecution(ctx, d.DB)
	if err != nil {
		return err
	}
	s.ex = ex
	return nil
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func textOK(v *apierr.Violations, field, s string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "REQUIRED", "is required")
	case !utf8.ValidString(s) || utf8.RuneCountInString(s) > max:
		v.Add(field, "MAX_LENGTH", "must be valid UTF-8 of at most %d characters", max)
	}
}

func allocation(c *domain.Contract, household string) *domain.Allocation {
	for i := range c.Terms.Allocations {
		if c.Terms.Allocations[i].Household == household {
			return &c.Terms.Allocations[i]
		}
	}
	return nil
}

func lot(c *domain.Contract, id string) *domain.Lot {
	for i := range c.Terms.Lots {
		if c.Terms.Lots[i].ID == id {
			return &c.Terms.Lots[i]
		}
	}
	return nil
}

func isBuyer(p auth.Principal, c *domain.Contract) bool {
	return p.Is(auth.RoleAdmin) || p.ActsFor(c.Terms.Buyer)
}
func isProducer(p auth.Principal, c *domain.Contract) bool {
	return p.Is(auth.RoleAdmin) || p.ActsFor(c.Terms.Producer)
}

// record appends an execution event to the contract's chain (and remembers the request key
// so a retried call does not append it twice). allowed lists the states the action needs.
func (s *Server) record(ctx context.Context, p auth.Principal, c *domain.Contract, key, typ string, payload any, change func(*domain.Contract) error, allowed ...string) (*domain.Contract, error) {
	appended := false
	out, err := s.st.Mutate(ctx, c.ID, func(c *domain.Contract) error {
		appended = false
		if key != "" && c.SeenRequest(key) {
			return storage.ErrUnchanged
		}
		if len(allowed) > 0 {
			ok := false
			for _, st := range allowed {
				ok = ok || c.State == st
			}
			if !ok {
				return &domain.StateError{Reason: "INVALID_STATE", State: c.State, Message: "not allowed while the contract is " + c.State + " (needs " + strings.Join(allowed, " or ") + ")"}
			}
		}
		if change != nil {
			if err := change(c); err != nil {
				return err
			}
		}
		now := s.now().UTC()
		c.UpdateTime = now
		c.RememberRequest(key)
		c.Append(typ, p.Subject, string(p.Role), payload, now)
		appended = true
		return nil
	})
	if err == domain.ErrAlreadyDone {
		return out, nil
	}
	if err != nil {
		return nil, s.fail(ctx, contractName(c.ID), err)
	}
	if appended {
		s.count(ctx, typ)
	}
	return out, nil
}

func reqKey(method string, p auth.Principal, id string) string {
	if id == "" {
		return ""
	}
	return method + "\x00" + p.Subject + "\x00" + id
}

// statement computes the settlement from the execution records.
func (s *Server) statement(ctx context.Context, c *domain.Contract) (domain.Statement, []storage.Delivery, error) {
	dels, err := storage.All(ctx, s.ex.Deliveries, c.ID)
	if err != nil {
		return domain.Statement{}, nil, err
	}
	advs, err := storage.All(ctx, s.ex.Advances, c.ID)
	if err != nil {
		return domain.Statement{}, nil, err
	}
	pays, err := storage.All(ctx, s.ex.Payments, c.ID)
	if err != nil {
		return domain.Statement{}, nil, err
	}
	var da []domain.Advance
	for _, a := range advs {
		da = append(da, domain.Advance{ID: a.ID, Household: a.Household, Date: a.Date, ValueVND: a.ValueVND})
	}
	var dd []domain.DeliveryRecord
	for _, d := range dels {
		dd = append(dd, domain.DeliveryRecord{ID: d.ID, Household: d.Household, Lot: d.Lot, Date: d.Date, Quantity: d.Quantity, AcceptedQuantity: d.AcceptedQuantity, GrossVND: d.GrossVND})
	}
	var dp []domain.PaymentRecord
	for _, p := range pays {
		dp = append(dp, domain.PaymentRecord{Household: p.Household, AmountVND: p.AmountVND})
	}
	st, err := domain.Settle(c.Terms, da, dd, dp)
	return st, dels, err
}

// maybeComplete moves an ACTIVE contract to COMPLETED when every lot is delivered or excused
// and everything is settled (balances and advances at zero).
func (s *Server) maybeComplete(ctx context.Context, p auth.Principal, c *domain.Contract) (*domain.Contract, error) {
	if c.State != domain.StateActive {
		return c, nil
	}
	st, dels, err := s.statement(ctx, c)
	if err != nil {
		return nil, s.fail(ctx, contractName(c.ID), err)
	}
	byLot := map[string]int64{}
	for _, d := range dels {
		byLot[d.Lot] += d.Quantity
	}
	if !domain.LotsDone(c.Terms, byLot, c.ExcusedLots) || st.Total.BalanceVND != 0 || st.Total.OutstandingAdvVND != 0 {
		return c, nil
	}
	return s.record(ctx, p, c, "", "contract.completed", map[string]any{"gross_vnd": st.Total.GrossVND, "paid_vnd": st.Total.PaidVND}, func(c *domain.Contract) error { return c.Complete() }, domain.StateActive)
}

func deliveryToProto(d *storage.Delivery, recovered int64) *contractsv1.Delivery {
	return &contractsv1.Delivery{
		Name: contractName(d.Contract) + "/deliveries/" + d.ID, Household: d.Household, Lot: d.Lot, DeliveryDate: d.Date, Quantity: d.Quantity,
		Grade: d.Grade, AcceptedQuantity: d.AcceptedQuantity, RejectedQuantity: d.RejectedQuantity, RejectionReason: d.RejectionReason,
		MarketPriceVnd: d.MarketPriceVND, UnitPriceVnd: d.UnitPriceVND, GrossAmountVnd: d.GrossVND, RecoveredAdvanceVnd: recovered,
		State:         contractsv1.Delivery_State(contractsv1.Delivery_State_value["STATE_"+d.State]),
		DisputeReason: d.DisputeReason, CreateTime: timestamppb.New(d.CreateTime), Etag: aip.Etag(d.Version),
	}
}

// CreateDelivery implements the RPC (the buyer records what it received).
func (s *Server) CreateDelivery(ctx context.Context, req *contractsv1.CreateDeliveryRequest) (*contractsv1.Delivery, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), isBuyer, "deliveries are recorded by the buyer")
	if err != nil {
		return nil, err
	}
	in := req.GetDelivery()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("delivery", "REQUIRED", "is required")
		return nil, v.Err()
	}
	al, lt := allocation(c, in.GetHousehold()), lot(c, in.GetLot())
	v.Check(al != nil, "delivery.household", "CONTRACT_HOUSEHOLD", "%q is not a household of this contract", in.GetHousehold())
	v.Check(lt != nil, "delivery.lot", "CONTRACT_LOT", "%q is not a lot of this contract", in.GetLot())
	v.Check(validDate(in.GetDeliveryDate()), "delivery.delivery_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
	q, acc := in.GetQuantity(), in.GetAcceptedQuantity()
	v.Check(q > 0 && q <= domain.MaxQuantity, "delivery.quantity", "RANGE", "must be positive")
	v.Check(acc >= 0 && acc <= q, "delivery.accepted_quantity", "RANGE", "must be between 0 and the delivered quantity")
	if in.GetRejectedQuantity() != 0 && in.GetRejectedQuantity() != q-acc {
		v.Add("delivery.rejected_quantity", "CONSISTENCY", "must equal quantity − accepted_quantity (or be omitted)")
	}
	if q > acc {
		textOK(&v, "delivery.rejection_reason", in.GetRejectionReason(), 500, true)
	}
	v.Check(in.GetMarketPriceVnd() >= 0 && in.GetMarketPriceVnd() <= 1_000_000_000_000, "delivery.market_price_vnd", "RANGE", "must be between 0 and 10^12")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.State != domain.StateActive {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "deliveries are recorded under an ACTIVE contract; it is "+c.State, map[string]string{"state": c.State})
	}
	for _, ex := range c.ExcusedLots {
		if ex == lt.ID {
			return nil, apierr.FailedPrecondition("LOT_EXCUSED", "lot "+lt.ID+" was excused by an accepted force majeure", nil)
		}
	}
	market := in.GetMarketPriceVnd()
	if market == 0 && c.Terms.Price.Type == domain.PriceFloorWithMarket {
		mp, err := s.ex.MarketPrices.Get(ctx, c.Terms.Price.MarketReference+"/"+in.GetDeliveryDate())
		if err != nil {
			return nil, s.fail(ctx, req.GetParent(), err)
		}
		if mp == nil {
			return nil, apierr.Field("delivery.market_price_vnd", "MARKET_PRICE", "no market price for %s on %s: send market_price_vnd or record it in the price table", c.Terms.Price.MarketReference, in.GetDeliveryDate())
		}
		market = mp.PriceVND
	}
	unit, err := domain.UnitPrice(c.Terms.Price, c.Terms.GradingRules, in.GetGrade(), market)
	if err != nil {
		return nil, apierr.Field("delivery.grade", "PRICE_RESOLUTION", "%s", err.Error())
	}
	gross, err := domain.Mul(acc, unit)
	if err != nil {
		return nil, apierr.Field("delivery.accepted_quantity", "AMOUNT_RANGE", "accepted quantity × unit price overflows")
	}
	id := aip.IDForRequest("CreateDelivery\x00"+p.Subject+"\x00"+c.ID, req.GetRequestId())
	stored, err := s.ex.Deliveries.Get(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	if stored == nil {
		// The tolerance checks and the delivery are one conditional replace of the contract:
		// the delivery travels in its delivery.recorded event and is written from there
		// (materialize), so concurrent deliveries see each other and cannot exceed together.
		ev := deliveryEvent{Delivery: id, Household: al.Household, Lot: lt.ID, Date: in.GetDeliveryDate(), Quantity: q, Accepted: acc, Grade: in.GetGrade(),
			RejectionReason: in.GetRejectionReason(), MarketPriceVND: market, UnitPriceVND: unit, GrossVND: gross}
		c, err = s.record(ctx, p, c, reqKey("CreateDelivery", p, id), "delivery.recorded", ev, func(c *domain.Contract) error {
			for _, ex := range c.ExcusedLots {
				if ex == lt.ID {
					return apierr.FailedPrecondition("LOT_EXCUSED", "lot "+lt.ID+" was excused by an accepted force majeure", nil)
				}
			}
			dels, err := storage.All(ctx, s.ex.Deliveries, c.ID)
			if err != nil {
				return err
			}
			var hh, lq int64
			for _, d := range dels {
				if d.Household == al.Household {
					hh += d.Quantity
				}
				if d.Lot == lt.ID {
					lq += d.Quantity
				}
			}
			if !domain.WithinTolerance(hh+q, al.Quantity, c.Terms.ToleranceBps) {
				return apierr.FailedPrecondition("TOLERANCE_EXCEEDED", "the household would deliver more than its allocation plus tolerance", map[string]string{"allocation": itoa(al.Quantity), "delivered": itoa(hh)})
			}
			if !domain.WithinTolerance(lq+q, lt.Quantity, c.Terms.ToleranceBps) {
				return apierr.FailedPrecondition("TOLERANCE_EXCEEDED", "the lot would receive more than its quantity plus tolerance", map[string]string{"lot": itoa(lt.Quantity), "delivered": itoa(lq)})
			}
			return nil
		}, domain.StateActive)
		if err != nil {
			return nil, err
		}
		if stored, err = s.ex.Deliveries.Get(ctx, id); err != nil {
			return nil, s.fail(ctx, req.GetParent(), err)
		}
		if stored == nil { // recorded, not yet written: the next reader or writer of the contract writes it
			return nil, apierr.BackendUnavailable()
		}
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	if _, err := s.maybeComplete(ctx, p, c); err != nil {
		return nil, err
	}
	return deliveryToProto(stored, st.Recovered[stored.ID]), nil
}

// deliveryEvent is the payload of delivery.recorded: the whole delivery, which materialize
// writes.
type deliveryEvent struct {
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

func (s *Server) loadDelivery(ctx context.Context, p auth.Principal, name string) (*domain.Contract, *storage.Delivery, error) {
	ids, err := aip.ParseName("name", name, "contracts", "deliveries")
	if err != nil {
		return nil, nil, err
	}
	c, err := s.load(ctx, p, "name", "contracts/"+ids[0])
	if err != nil {
		return nil, nil, err
	}
	d, err := s.ex.Deliveries.Get(ctx, ids[1])
	if err != nil {
		return nil, nil, s.fail(ctx, name, err)
	}
	if d == nil || d.Contract != c.ID || (p.Is(auth.RoleHousehold) && d.Household != p.Household) {
		return nil, nil, apierr.NotFound(name)
	}
	return c, d, nil
}

// GetDelivery implements the RPC.
func (s *Server) GetDelivery(ctx context.Context, req *contractsv1.GetDeliveryRequest) (*contractsv1.Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, d, err := s.loadDelivery(ctx, p, req.GetName())
	if err != nil {
		return nil, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return nil, s.fail(ctx, req.GetName(), err)
	}
	return deliveryToProto(d, st.Recovered[d.ID]), nil
}

// answerDelivery confirms or disputes a recorded delivery (the producer).
func (s *Server) answerDelivery(ctx context.Context, name, etag, requestID, to, reason string) (*contractsv1.Delivery, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, d, err := s.loadDelivery(ctx, p, name)
	if err != nil {
		return nil, err
	}
	if !isProducer(p, c) {
		return nil, apierr.PermissionDenied("deliveries are confirmed or disputed by the producer")
	}
	if err := aip.CheckEtag("etag", etag, d.Version, name); err != nil {
		return nil, err
	}
	if d.State == to {
		return deliveryToProto(d, 0), nil
	}
	if d.State != "RECORDED" {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "delivery is "+d.State, map[string]string{"state": d.State})
	}
	prev := d.Version
	d.State, d.DisputeReason, d.Version = to, reason, prev+1
	ok, err := s.ex.Deliveries.Replace(ctx, d.ID, prev, d)
	if err != nil {
		return nil, s.fail(ctx, name, err)
	}
	if !ok {
		return nil, apierr.EtagMismatch(name)
	}
	if to == "DISPUTED" {
		inc := &storage.Incident{ID: aip.IDForRequest("dispute", d.ID), Contract: c.ID, Kind: "QUALITY_DISPUTE", State: "OPEN", Description: "Delivery " + d.ID + " disputed: " + reason,
			AffectedLots: []string{d.Lot}, AffectedHouseholds: []string{d.Household}, BreachingParty: c.Terms.Buyer, Reporter: p.Subject, CreateTime: s.now().UTC(), UpdateTime: s.now().UTC(), Version: 1}
		if _, _, err := s.ex.Incidents.Insert(ctx, inc.ID, inc); err != nil {
			return nil, s.fail(ctx, name, err)
		}
	}
	if _, err := s.record(ctx, p, c, reqKey("answerDelivery"+to, p, requestID), "delivery."+strings.ToLower(to), map[string]any{"delivery": d.ID, "reason": reason}, nil); err != nil {
		return nil, err
	}
	return deliveryToProto(d, 0), nil
}

// ConfirmDelivery implements the RPC.
func (s *Server) ConfirmDelivery(ctx context.Context, req *contractsv1.ConfirmDeliveryRequest) (*contractsv1.Delivery, error) {
	return s.answerDelivery(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), "CONFIRMED", "")
}

// DisputeDelivery implements the RPC (opens a QUALITY_DISPUTE incident).
func (s *Server) DisputeDelivery(ctx context.Context, req *contractsv1.DisputeDeliveryRequest) (*contractsv1.Delivery, error) {
	if err := reason(req.GetReason()); err != nil {
		return nil, err
	}
	return s.answerDelivery(ctx, req.GetName(), req.GetEtag(), req.GetRequestId(), "DISPUTED", req.GetReason())
}

// listOf pages the records of a contract.
func listOf[T any](ctx context.Context, s *Server, repo mongostore.Repo[T], c *domain.Contract, scope string, f bson.D, size int32, token string, key func(*T) string) ([]T, string, error) {
	n, err := aip.PageSize(size)
	if err != nil {
		return nil, "", err
	}
	digest := aip.QueryDigest(scope, c.ID)
	after, err := aip.DecodePageToken(token, digest)
	if err != nil {
		return nil, "", err
	}
	items, more, err := repo.List(ctx, append(bson.D{{Key: "contract", Value: c.ID}}, f...), after, n)
	if err != nil {
		return nil, "", s.fail(ctx, contractName(c.ID), err)
	}
	next := ""
	if more && len(items) > 0 {
		next = aip.EncodePageToken(key(&items[len(items)-1]), digest)
	}
	return items, next, nil
}

// ListDeliveries implements the RPC (households see only their own). Filters: household, lot,
// state.
func (s *Server) ListDeliveries(ctx context.Context, req *contractsv1.ListDeliveriesRequest) (*contractsv1.ListDeliveriesResponse, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), nil, "")
	if err != nil {
		return nil, err
	}
	cs, err := aip.ParseFilter(req.GetFilter(), "household", "lot", "state")
	if err != nil {
		return nil, err
	}
	f := bson.D{}
	for _, x := range cs {
		val := x.Value
		if x.Field == "state" {
			val = enumName(val, "STATE_")
		}
		if x.Op == "!=" {
			f = append(f, bson.E{Key: x.Field, Value: bson.D{{Key: "$ne", Value: val}}})
		} else {
			f = append(f, bson.E{Key: x.Field, Value: val})
		}
	}
	if p.Is(auth.RoleHousehold) {
		f = append(f, bson.E{Key: "household", Value: p.Household})
	}
	items, next, err := listOf(ctx, s, s.ex.Deliveries, c, "deliveries\x00"+p.Household+"\x00"+aip.String(cs), f, req.GetPageSize(), req.GetPageToken(), func(d *storage.Delivery) string { return d.ID })
	if err != nil {
		return nil, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	resp := &contractsv1.ListDeliveriesResponse{NextPageToken: next}
	for i := range items {
		resp.Deliveries = append(resp.Deliveries, deliveryToProto(&items[i], st.Recovered[items[i].ID]))
	}
	return resp, nil
}

// CreateInputAdvance implements the RPC (the buyer records inputs advanced to a household).
func (s *Server) CreateInputAdvance(ctx context.Context, req *contractsv1.CreateInputAdvanceRequest) (*contractsv1.InputAdvance, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), isBuyer, "input advances are recorded by the buyer")
	if err != nil {
		return nil, err
	}
	in := req.GetInputAdvance()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("input_advance", "REQUIRED", "is required")
		return nil, v.Err()
	}
	v.Check(allocation(c, in.GetHousehold()) != nil, "input_advance.household", "CONTRACT_HOUSEHOLD", "%q is not a household of this contract", in.GetHousehold())
	v.Check(validDate(in.GetAdvanceDate()), "input_advance.advance_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
	v.Check(in.GetValueVnd() > 0 && in.GetValueVnd() <= 10_000_000_000_000, "input_advance.value_vnd", "RANGE", "must be positive")
	textOK(&v, "input_advance.description", in.GetDescription(), 500, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.State != domain.StateActive {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "advances are recorded under an ACTIVE contract; it is "+c.State, map[string]string{"state": c.State})
	}
	id := aip.IDForRequest("CreateInputAdvance\x00"+p.Subject+"\x00"+c.ID, req.GetRequestId())
	a := &storage.Advance{ID: id, Contract: c.ID, Household: in.GetHousehold(), Date: in.GetAdvanceDate(), Description: in.GetDescription(), ValueVND: in.GetValueVnd(), CreateTime: s.now().UTC()}
	stored, _, err := s.ex.Advances.Insert(ctx, id, a)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	if _, err := s.record(ctx, p, c, reqKey("CreateInputAdvance", p, id), "advance.recorded", map[string]any{"advance": id, "household": a.Household, "value_vnd": a.ValueVND}, nil, domain.StateActive); err != nil {
		return nil, err
	}
	return advanceToProto(stored), nil
}

func advanceToProto(a *storage.Advance) *contractsv1.InputAdvance {
	return &contractsv1.InputAdvance{Name: contractName(a.Contract) + "/inputAdvances/" + a.ID, Household: a.Household, AdvanceDate: a.Date, Description: a.Description, ValueVnd: a.ValueVND, CreateTime: timestamppb.New(a.CreateTime)}
}

// ListInputAdvances implements the RPC.
func (s *Server) ListInputAdvances(ctx context.Context, req *contractsv1.ListInputAdvancesRequest) (*contractsv1.ListInputAdvancesResponse, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), nil, "")
	if err != nil {
		return nil, err
	}
	f := bson.D{}
	if p.Is(auth.RoleHousehold) {
		f = append(f, bson.E{Key: "household", Value: p.Household})
	}
	items, next, err := listOf(ctx, s, s.ex.Advances, c, "advances\x00"+p.Household, f, req.GetPageSize(), req.GetPageToken(), func(a *storage.Advance) string { return a.ID })
	if err != nil {
		return nil, err
	}
	resp := &contractsv1.ListInputAdvancesResponse{NextPageToken: next}
	for i := range items {
		resp.InputAdvances = append(resp.InputAdvances, advanceToProto(&items[i]))
	}
	return resp, nil
}

// CreatePayment implements the RPC (the buyer pays the producer for a household, or the
// household directly; never more than the household's balance).
func (s *Server) CreatePayment(ctx context.Context, req *contractsv1.CreatePaymentRequest) (*contractsv1.Payment, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), isBuyer, "payments are recorded by the buyer")
	if err != nil {
		return nil, err
	}
	in := req.GetPayment()
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", req.GetRequestId())
	if in == nil {
		v.Add("payment", "REQUIRED", "is required")
		return nil, v.Err()
	}
	household := in.GetHousehold()
	if in.GetPayee() == in.GetHousehold() || (household == "" && strings.HasPrefix(in.GetPayee(), "households/")) {
		household = in.GetPayee()
	}
	v.Check(in.GetPayee() == c.Terms.Producer || in.GetPayee() == household, "payment.payee", "PAYEE", "must be the producer organisation or the household paid for")
	v.Check(allocation(c, household) != nil, "payment.household", "CONTRACT_HOUSEHOLD", "name the household of this contract the payment is for")
	v.Check(in.GetAmountVnd() > 0, "payment.amount_vnd", "RANGE", "must be positive")
	method := enumName(in.GetMethod().String(), "PAYMENT_METHOD_")
	v.Check(method == "BANK_TRANSFER" || method == "CASH" || method == "MOBILE_MONEY", "payment.method", "ENUM_VALUE", "must be PAYMENT_METHOD_BANK_TRANSFER, _CASH or _MOBILE_MONEY")
	v.Check(validDate(in.GetPaymentDate()), "payment.payment_date", "DATE_FORMAT", "must be a date YYYY-MM-DD")
	textOK(&v, "payment.reference", in.GetReference(), 100, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if c.State != domain.StateActive && c.State != domain.StateSuspended && c.State != domain.StateTerminated {
		return nil, apierr.FailedPrecondition("INVALID_STATE", "payments are recorded under an ACTIVE, SUSPENDED or TERMINATED contract; it is "+c.State, map[string]string{"state": c.State})
	}
	id := aip.IDForRequest("CreatePayment\x00"+p.Subject+"\x00"+c.ID, req.GetRequestId())
	if existing, err := s.ex.Payments.Get(ctx, id); err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	} else if existing != nil {
		return paymentToProto(existing), nil
	}
	// The balance check and the payment are one conditional replace of the contract: the
	// payment travels in its audit event and is written from there (materialize). Concurrent
	// payments are serialised by the contract's version, and each sees the ones before it, so
	// together they can never exceed the balance.
	pay := paymentEvent{Payment: id, Payee: in.GetPayee(), Household: household, AmountVND: in.GetAmountVnd(), Method: method, Reference: in.GetReference(), Date: in.GetPaymentDate()}
	c, err = s.record(ctx, p, c, reqKey("CreatePayment", p, id), "payment.recorded", pay, func(c *domain.Contract) error {
		st, _, err := s.statement(ctx, c)
		if err != nil {
			return err
		}
		var bal int64
		for _, l := range st.Households {
			if l.Household == household {
				bal = l.BalanceVND
			}
		}
		if pay.AmountVND > bal {
			return apierr.FailedPrecondition("OVERPAYMENT", "the payment exceeds the household's balance", map[string]string{"balance_vnd": itoa(bal)})
		}
		return nil
	}, domain.StateActive, domain.StateSuspended, domain.StateTerminated)
	if err != nil {
		return nil, err
	}
	stored, err := s.ex.Payments.Get(ctx, id)
	if err != nil {
		return nil, s.fail(ctx, req.GetParent(), err)
	}
	if stored == nil { // recorded, not yet written: the next reader or writer of the contract writes it
		return nil, apierr.BackendUnavailable()
	}
	if _, err := s.maybeComplete(ctx, p, c); err != nil {
		return nil, err
	}
	return paymentToProto(stored), nil
}

// paymentEvent is the payload of payment.recorded: the whole payment, which materialize writes.
type paymentEvent struct {
	Payment   string `json:"payment"`
	Payee     string `json:"payee"`
	Household string `json:"household"`
	AmountVND int64  `json:"amount_vnd"`
	Method    string `json:"method"`
	Reference string `json:"reference,omitempty"`
	Date      string `json:"payment_date"`
}

// materialize writes the document an outbox event stands for (storage.Store.Materialize).
// Events from before records travelled in them carry only a reference: those records were
// written first, and there is nothing to do.
func (s *Server) materialize(ctx context.Context, e domain.Event) error {
	switch e.Type {
	case "payment.recorded":
		return s.materializePayment(ctx, e)
	case "delivery.recorded":
		var de deliveryEvent
		if err := json.Unmarshal([]byte(e.Payload), &de); err != nil || de.Delivery == "" || de.Date == "" {
			return nil
		}
		_, _, err := s.ex.Deliveries.Insert(ctx, de.Delivery, &storage.Delivery{ID: de.Delivery, Contract: e.Contract, Household: de.Household, Lot: de.Lot,
			Date: de.Date, Quantity: de.Quantity, Grade: de.Grade, AcceptedQuantity: de.Accepted, RejectedQuantity: de.Quantity - de.Accepted,
			RejectionReason: de.RejectionReason, MarketPriceVND: de.MarketPriceVND, UnitPriceVND: de.UnitPriceVND, GrossVND: de.GrossVND,
			State: "RECORDED", CreateTime: e.Time, Version: 1})
		return err
	}
	return nil
}

func (s *Server) materializePayment(ctx context.Context, e domain.Event) error {
	var pe paymentEvent
	if err := json.Unmarshal([]byte(e.Payload), &pe); err != nil || pe.Payment == "" || pe.Payee == "" {
		return nil
	}
	_, _, err := s.ex.Payments.Insert(ctx, pe.Payment, &storage.Payment{ID: pe.Payment, Contract: e.Contract, Payee: pe.Payee, Household: pe.Household,
		AmountVND: pe.AmountVND, Method: pe.Method, Reference: pe.Reference, Date: pe.Date, CreateTime: e.Time})
	return err
}

func paymentToProto(p *storage.Payment) *contractsv1.Payment {
	return &contractsv1.Payment{Name: contractName(p.Contract) + "/payments/" + p.ID, Payee: p.Payee, Household: p.Household, AmountVnd: p.AmountVND,
		Method: contractsv1.PaymentMethod(contractsv1.PaymentMethod_value["PAYMENT_METHOD_"+p.Method]), Reference: p.Reference, PaymentDate: p.Date, CreateTime: timestamppb.New(p.CreateTime)}
}

// ListPayments implements the RPC.
func (s *Server) ListPayments(ctx context.Context, req *contractsv1.ListPaymentsRequest) (*contractsv1.ListPaymentsResponse, error) {
	p, c, err := s.caller(ctx, "parent", req.GetParent(), nil, "")
	if err != nil {
		return nil, err
	}
	f := bson.D{}
	if p.Is(auth.RoleHousehold) {
		f = append(f, bson.E{Key: "household", Value: p.Household})
	}
	items, next, err := listOf(ctx, s, s.ex.Payments, c, "payments\x00"+p.Household, f, req.GetPageSize(), req.GetPageToken(), func(x *storage.Payment) string { return x.ID })
	if err != nil {
		return nil, err
	}
	resp := &contractsv1.ListPaymentsResponse{NextPageToken: next}
	for i := range items {
		resp.Payments = append(resp.Payments, paymentToProto(&items[i]))
	}
	return resp, nil
}

func lineToProto(l domain.Line) *contractsv1.SettlementLine {
	return &contractsv1.SettlementLine{Household: l.Household, ContractedQuantity: l.Contracted, DeliveredQuantity: l.Delivered, AcceptedQuantity: l.Accepted,
		GrossVnd: l.GrossVND, AdvancesVnd: l.AdvancesVND, RecoveredAdvancesVnd: l.RecoveredVND, PaidVnd: l.PaidVND, BalanceVnd: l.BalanceVND}
}

// GetSettlement implements the RPC (households see only their own line).
func (s *Server) GetSettlement(ctx context.Context, req *contractsv1.GetSettlementRequest) (*contractsv1.Settlement, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(req.GetName(), "/settlement")
	if name == req.GetName() {
		return nil, apierr.Field("name", "RESOURCE_NAME", "must be contracts/{contract}/settlement")
	}
	c, err := s.load(ctx, p, "name", name)
	if err != nil {
		return nil, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return nil, s.fail(ctx, req.GetName(), err)
	}
	out := &contractsv1.Settlement{Name: req.GetName(), Rounding: domain.Rounding, ComputeTime: timestamppb.New(s.now())}
	for _, l := range st.Households {
		if p.Is(auth.RoleHousehold) && l.Household != p.Household {
			continue
		}
		out.Households = append(out.Households, lineToProto(l))
	}
	if p.Is(auth.RoleHousehold) {
		if len(out.Households) == 1 {
			out.Total = out.Households[0]
		}
	} else {
		out.Total = lineToProto(st.Total)
	}
	return out, nil
}

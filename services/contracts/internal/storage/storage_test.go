package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func TestMain(m *testing.M) { testkit.Main(m) }

func newStore(t *testing.T) (*storage.Store, *mongo.Database) {
	db := testkit.Database(t)
	st := storage.New(db)
	require.NoError(t, st.EnsureIndexes(context.Background()))
	return st, db
}

// raw reads a contract as stored, without flushing its outbox.
func raw(t *testing.T, db *mongo.Database, id string) *domain.Contract {
	var c domain.Contract
	require.NoError(t, db.Collection("contracts").FindOne(context.Background(), bson.D{{Key: "_id", Value: id}}).Decode(&c))
	return &c
}

// TestOutboxRecovery: a process that died after the contract's conditional replace but before
// moving its events to contract_events leaves them in the contract's outbox. The next reader
// flushes them, the next writer continues the chain after them, and the chain verifies.
func TestOutboxRecovery(t *testing.T) {
	ctx := context.Background()
	st, db := newStore(t)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	c := &domain.Contract{ID: "c1", State: domain.StateDraft, Version: 1}
	c.Append("contract.created", "users/a", "business", map[string]any{"n": 1}, now)
	c.Append("contract.updated", "users/a", "business", map[string]any{"n": 2}, now.Add(time.Second))
	// Simulate the crash: the contract (with its outbox) is stored, the events are not.
	_, err := db.Collection("contracts").InsertOne(ctx, c)
	require.NoError(t, err)
	n, err := db.Collection("contract_events").CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.Zero(t, n, "nothing flushed yet")

	evs, more, err := st.ListEvents(ctx, "c1", 0, 100)
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, evs, 2, "the reader flushed the leftover outbox")
	require.Empty(t, raw(t, db, "c1").PendingEvents, "outbox cleared")

	// A later writer continues the chain; a second flush of the same events is harmless.
	_, err = st.UpdateContract(ctx, "c1", func(c *domain.Contract) error {
		c.Append("contract.submitted", "users/a", "business", nil, now.Add(2*time.Second))
		return nil
	})
	require.NoError(t, err)
	evs, _, err = st.ListEvents(ctx, "c1", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 3)
	require.Nil(t, domain.VerifyChain(evs))

	// Crash again, this time with the outbox left behind after a write: the next update
	// flushes it before writing, so no event is lost or duplicated.
	cur := raw(t, db, "c1")
	cur.Append("contract.signed", "users/b", "producer", nil, now.Add(3*time.Second))
	prev := cur.Version
	cur.Version++
	res, err := db.Collection("contracts").ReplaceOne(ctx, bson.D{{Key: "_id", Value: "c1"}, {Key: "version", Value: prev}}, cur) // stored, never flushed
	require.NoError(t, err)
	require.EqualValues(t, 1, res.MatchedCount)
	_, err = st.UpdateContract(ctx, "c1", func(c *domain.Contract) error {
		c.Append("contract.witnessed", "users/o", "commune_official", nil, now.Add(4*time.Second))
		return nil
	})
	require.NoError(t, err)
	evs, _, err = st.ListEvents(ctx, "c1", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 5)
	require.Equal(t, "contract.signed", evs[3].Type)
	require.Nil(t, domain.VerifyChain(evs))

	audit, err := st.AuditEvents(ctx, "c1")
	require.NoError(t, err)
	require.Equal(t, evs, audit, "the audit log as stored is the chain the service serves")
}

// TestOutboxMaterializes: the records that events carry (a delivery, a payment) are written by
// whoever flushes the outbox — after a crash, the next reader — and before the outbox is
// cleared; a flush that cannot write them leaves the outbox for the next one.
func TestOutboxMaterializes(t *testing.T) {
	ctx := context.Background()
	st, db := newStore(t)
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	del := &domain.Delivery{ID: "d1", Household: "households/h1", Lot: "lot-1", Date: "2026-03-01", Quantity: 100, AcceptedQuantity: 90, Grade: "A",
		RejectionReason: "Độ ẩm vượt 14%", MarketPriceVND: 40000, UnitPriceVND: 42000, GrossVND: 3_780_000}
	pay := &domain.Payment{ID: "p1", Payee: "households/h1", Household: "households/h1", AmountVND: 1_000_000, Method: "CASH", Reference: "PT-01", Date: "2026-03-02"}
	c := &domain.Contract{ID: "c2", State: domain.StateActive, Version: 1}
	c.Append(domain.EventDeliveryRecorded, "users/a", "business", storage.RecordedDelivery(del), now)
	c.Append(domain.EventPaymentRecorded, "users/a", "business", storage.RecordedPayment(pay), now.Add(time.Second))
	_, err := db.Collection("contracts").InsertOne(ctx, c) // the writer died before flushing
	require.NoError(t, err)
	// A payment document the flush cannot read back stands where the payment goes.
	_, err = db.Collection("payments").InsertOne(ctx, bson.D{{Key: "_id", Value: "p1"}, {Key: "amount_vnd", Value: "not a number"}})
	require.NoError(t, err)

	_, err = st.GetContract(ctx, "c2")
	require.ErrorContains(t, err, "materialize event 2", "the flush reports what it could not write")
	require.Equal(t, codes.Unknown, status.Code(err), "a storage error, not an API status: the platform's mapper answers it")
	require.Len(t, raw(t, db, "c2").PendingEvents, 2, "and leaves the outbox in place")
	n, err := db.Collection("contract_events").CountDocuments(ctx, bson.D{})
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "events before the failing one may be flushed (idempotently)")

	_, err = db.Collection("payments").DeleteOne(ctx, bson.D{{Key: "_id", Value: "p1"}})
	require.NoError(t, err)
	_, err = st.GetContract(ctx, "c2")
	require.NoError(t, err)
	require.Empty(t, raw(t, db, "c2").PendingEvents)

	gotD, err := st.GetDelivery(ctx, "d1")
	require.NoError(t, err)
	wantD := *del
	wantD.Contract, wantD.RejectedQuantity, wantD.State, wantD.CreateTime, wantD.Version = "c2", 10, domain.DeliveryRecorded, now, 1
	require.Equal(t, wantD, *gotD)
	gotP, err := st.GetPayment(ctx, "p1")
	require.NoError(t, err)
	wantP := *pay
	wantP.Contract, wantP.CreateTime = "c2", now.Add(time.Second)
	require.Equal(t, wantP, *gotP)
	evs, _, err := st.ListEvents(ctx, "c2", 0, 10)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.Nil(t, domain.VerifyChain(evs))
}

// TestUpdateContractErrors: a missing contract is NOT_FOUND; fn's error aborts without
// writing; ErrUnchanged writes nothing and returns the contract as it is.
func TestUpdateContractErrors(t *testing.T) {
	ctx := context.Background()
	st, db := newStore(t)
	_, err := st.UpdateContract(ctx, "nope", func(*domain.Contract) error { return nil })
	require.Equal(t, codes.NotFound, status.Code(err))
	require.Equal(t, "RESOURCE_NOT_FOUND", apierr.Reason(err))

	_, created, err := st.CreateContract(ctx, &domain.Contract{ID: "c3", State: domain.StateDraft, Version: 1})
	require.NoError(t, err)
	require.True(t, created)
	c, err := st.UpdateContract(ctx, "c3", func(c *domain.Contract) error {
		c.State = domain.StateActive
		return c.Cancel("x")
	})
	require.Equal(t, codes.FailedPrecondition, status.Code(err))
	require.Equal(t, "INVALID_STATE", apierr.Reason(err))
	require.Equal(t, domain.StateActive, c.State, "the contract as fn left it is returned")
	require.Equal(t, domain.StateDraft, raw(t, db, "c3").State, "nothing written")
	c, err = st.UpdateContract(ctx, "c3", func(c *domain.Contract) error { return storage.ErrUnchanged })
	require.NoError(t, err)
	require.EqualValues(t, 1, c.Version)
	require.EqualValues(t, 1, raw(t, db, "c3").Version)
}

// TestListingsKeepTheirRestriction: a filter on a field a listing is already restricted by (a
// commune official asking for another commune, a household for another household) narrows the
// result; it never replaces the restriction.
func TestListingsKeepTheirRestriction(t *testing.T) {
	ctx := context.Background()
	st, _ := newStore(t)
	for _, c := range []*domain.Contract{
		{ID: "a", State: domain.StateDraft, ProducerCommuneCode: places.ChauQue, Households: []string{"households/h1"}, Version: 1},
		{ID: "b", State: domain.StateActive, ProducerCommuneCode: places.DongCuong, Households: []string{"households/h2"}, Version: 1},
	} {
		_, _, err := st.CreateContract(ctx, c)
		require.NoError(t, err)
	}
	ids := func(cs []domain.Contract) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	page := storage.Page{Limit: 10}
	commune := storage.Visibility{By: storage.VisibleToCommune, Value: places.ChauQue}
	got, _, err := st.ListContracts(ctx, commune, nil, page)
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, ids(got))
	got, _, err = st.ListContracts(ctx, commune, []aip.Condition{{Field: "commune_code", Op: "=", Value: places.DongCuong}}, page)
	require.NoError(t, err)
	require.Empty(t, got, "another commune's contracts stay invisible")
	got, _, err = st.ListContracts(ctx, storage.Visibility{By: storage.VisibleAll}, []aip.Condition{{Field: "state", Op: "!=", Value: domain.StateDraft}}, page)
	require.NoError(t, err)
	require.Equal(t, []string{"b"}, ids(got))

	for _, d := range []*domain.Delivery{{ID: "d1", Household: "households/h1", Lot: "l", Date: "2026-06-01"}, {ID: "d2", Household: "households/h9", Lot: "l", Date: "2026-06-01"}} {
		_, err := st.UpdateContract(ctx, "a", func(c *domain.Contract) error {
			c.Append(domain.EventDeliveryRecorded, "users/b", "business", storage.RecordedDelivery(d), time.Now())
			return nil
		})
		require.NoError(t, err)
	}
	q := storage.RecordQuery{Contract: "a", OnlyHousehold: true, Household: "households/h1", Page: page,
		Conditions: []aip.Condition{{Field: "household", Op: "=", Value: "households/h9"}}}
	ds, _, err := st.ListDeliveries(ctx, q)
	require.NoError(t, err)
	require.Empty(t, ds, "a household never sees another household's deliveries")
	q.Conditions = nil
	ds, _, err = st.ListDeliveries(ctx, q)
	require.NoError(t, err)
	require.Len(t, ds, 1)
}

// TestLegacyRequestKeys: a contract that remembers a request by its old NUL-joined key (as
// stored before keys were digests) still recognises a retry of that request, and the next write
// stores the key without NUL bytes (PostgreSQL's jsonb refuses them); on the PostgreSQL-backed
// store too.
func TestLegacyRequestKeys(t *testing.T) {
	for _, backend := range []struct {
		name string
		db   func(testing.TB) *mongo.Database
	}{{"sqlite", func(t testing.TB) *mongo.Database { return testkit.Database(t) }}, {"postgresql", func(t testing.TB) *mongo.Database { return testkit.PostgresDatabase(t) }}} {
		t.Run(backend.name, func(t *testing.T) {
			ctx := context.Background()
			db := backend.db(t)
			st := storage.New(db)
			legacy := "SignContract\x00users/a\x00sign-1"
			doc := bson.D{{Key: "_id", Value: "c1"}, {Key: "state", Value: domain.StateDraft}, {Key: "version", Value: int64(1)}}
			if backend.name == "sqlite" { // PostgreSQL could never have stored it
				doc = append(doc, bson.E{Key: "recent_requests", Value: bson.A{legacy}})
			}
			_, err := db.Collection("contracts").InsertOne(ctx, doc)
			require.NoError(t, err)
			key := aip.RequestKey("SignContract", "users/a", "sign-1")
			require.NotContains(t, key, "\x00")
			c, err := st.UpdateContract(ctx, "c1", func(c *domain.Contract) error {
				if backend.name == "sqlite" {
					require.True(t, c.SeenRequest(key), "the request applied under the old key is recognised")
				}
				c.RememberRequest(aip.RequestKey("SubmitContract", "users/a", "submit-1"))
				return nil
			})
			require.NoError(t, err)
			require.True(t, c.SeenRequest(aip.RequestKey("SubmitContract", "users/a", "submit-1")))
			for _, k := range raw(t, db, "c1").RecentRequests {
				require.NotContains(t, k, "\x00", "stored keys hold no NUL")
			}
		})
	}
}

// TestMigrateParties: a contract stored before contracts kept their parties is listed for its
// buyer and its producer once the service has started (Migrate), and only for them.
func TestMigrateParties(t *testing.T) {
	ctx := context.Background()
	st, db := newStore(t)
	_, err := db.Collection("contracts").InsertOne(ctx, bson.D{{Key: "_id", Value: "old"}, {Key: "state", Value: domain.StateActive},
		{Key: "terms", Value: bson.D{{Key: "buyer", Value: "organizations/b"}, {Key: "producer", Value: "organizations/p"}}}, {Key: "version", Value: int64(3)}})
	require.NoError(t, err)
	require.NoError(t, st.Migrate(ctx))
	require.NoError(t, st.Migrate(ctx), "a second start skips it")
	for party, want := range map[string]int{"organizations/b": 1, "organizations/p": 1, "organizations/x": 0} {
		cs, _, err := st.ListContracts(ctx, storage.Visibility{By: storage.VisibleToParty, Value: party}, nil, storage.Page{Limit: 10})
		require.NoError(t, err)
		require.Len(t, cs, want, party)
	}
	require.EqualValues(t, 3, raw(t, db, "old").Version, "a migration is no change of the contract")
}

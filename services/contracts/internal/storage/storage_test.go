package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/testkit"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// TestOutboxRecovery: a process that died after the contract's conditional replace but before
// moving its events to contract_events leaves them in the contract's outbox. The next reader
// flushes them, the next writer continues the chain after them, and the chain verifies.
func TestOutboxRecovery(t *testing.T) {
	ctx := context.Background()
	st := storage.New(testkit.Database(t))
	require.NoError(t, st.EnsureIndexes(ctx))
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

	c := &domain.Contract{ID: "c1", State: domain.StateDraft, Version: 1}
	c.Append("contract.created", "users/a", "business", map[string]any{"n": 1}, now)
	c.Append("contract.updated", "users/a", "business", map[string]any{"n": 2}, now.Add(time.Second))
	// Simulate the crash: the contract (with its outbox) is stored, the events are not.
	_, err := st.Contracts.C.InsertOne(ctx, c)
	require.NoError(t, err)
	n, err := st.Events.C.CountDocuments(ctx, map[string]any{})
	require.NoError(t, err)
	require.Zero(t, n, "nothing flushed yet")

	evs, more, err := st.ListEvents(ctx, "c1", 0, 100)
	require.NoError(t, err)
	require.False(t, more)
	require.Len(t, evs, 2, "the reader flushed the leftover outbox")
	got, err := st.Contracts.Get(ctx, "c1")
	require.NoError(t, err)
	require.Empty(t, got.PendingEvents, "outbox cleared")

	// A later writer continues the chain; a second flush of the same events is harmless.
	_, err = st.Mutate(ctx, "c1", func(c *domain.Contract) error {
		c.Append("contract.submitted", "users/a", "business", nil, now.Add(2*time.Second))
		return nil
	})
	require.NoError(t, err)
	evs, _, err = st.ListEvents(ctx, "c1", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 3)
	require.Nil(t, domain.VerifyChain(evs))

	// Crash again, this time with the outbox left behind after a write: the next Mutate
	// flushes it before writing, so no event is lost or duplicated.
	cur, err := st.Contracts.Get(ctx, "c1")
	require.NoError(t, err)
	cur.Append("contract.signed", "users/b", "producer", nil, now.Add(3*time.Second))
	prev := cur.Version
	cur.Version++
	ok, err := st.Contracts.Replace(ctx, "c1", prev, cur) // stored, never flushed
	require.NoError(t, err)
	require.True(t, ok)
	_, err = st.Mutate(ctx, "c1", func(c *domain.Contract) error {
		c.Append("contract.witnessed", "users/o", "commune_official", nil, now.Add(4*time.Second))
		return nil
	})
	require.NoError(t, err)
	evs, _, err = st.ListEvents(ctx, "c1", 0, 100)
	require.NoError(t, err)
	require.Len(t, evs, 5)
	require.Equal(t, "contract.signed", evs[3].Type)
	require.Nil(t, domain.VerifyChain(evs))
}

// TestOutboxMaterializes: the documents that events stand for are written by whoever flushes
// the outbox — after a crash, the next reader — and before the outbox is cleared; a flush that
// cannot write them leaves the outbox for the next one.
func TestOutboxMaterializes(t *testing.T) {
	ctx := context.Background()
	st := storage.New(testkit.Database(t))
	require.NoError(t, st.EnsureIndexes(ctx))
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var written []string
	fail := true
	st.Materialize = func(_ context.Context, e domain.Event) error {
		if e.Type == "payment.recorded" && fail {
			return errors.New("store unavailable")
		}
		written = append(written, e.Type)
		return nil
	}
	c := &domain.Contract{ID: "c2", State: domain.StateActive, Version: 1}
	c.Append("payment.recorded", "users/a", "business", map[string]any{"payment": "p1"}, now)
	_, err := st.Contracts.C.InsertOne(ctx, c) // the writer died before flushing
	require.NoError(t, err)

	_, err = st.Get(ctx, "c2")
	require.Error(t, err, "the flush reports what it could not write")
	got, err := st.Contracts.Get(ctx, "c2")
	require.NoError(t, err)
	require.Len(t, got.PendingEvents, 1, "and leaves the outbox in place")

	fail = false
	_, err = st.Get(ctx, "c2")
	require.NoError(t, err)
	require.Equal(t, []string{"payment.recorded"}, written)
	got, err = st.Contracts.Get(ctx, "c2")
	require.NoError(t, err)
	require.Empty(t, got.PendingEvents)
}

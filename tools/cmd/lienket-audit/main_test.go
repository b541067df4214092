package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lienket/lienket/services/contracts/auditchain"
	"github.com/lienket/lienket/services/platform/testkit"
)

func chain(n int) []map[string]any {
	prev := ""
	var out []map[string]any
	t0 := time.Date(2026, 3, 1, 2, 3, 4, 5_000_000, time.UTC)
	for i := 1; i <= n; i++ {
		e := auditchain.Event{Contract: "c1", Seq: int64(i), Type: "contract.signed", Actor: "users/a", ActorRole: "business", Time: t0.Add(time.Duration(i) * time.Second), Payload: fmt.Sprintf(`{"i":%d}`, i), PreviousHash: prev}
		e.Hash = auditchain.Hash(e)
		prev = e.Hash
		out = append(out, map[string]any{"name": fmt.Sprintf("contracts/c1/events/%d", i), "sequence": fmt.Sprint(i), "type": e.Type, "actor": e.Actor, "actor_role": e.ActorRole, "time": e.Time.Format(time.RFC3339Nano), "payload": e.Payload, "previous_hash": e.PreviousHash, "hash": e.Hash})
	}
	return out
}

func write(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "events.json")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func TestVerifyFile(t *testing.T) {
	var out, errw bytes.Buffer
	ok := write(t, map[string]any{"events": chain(4)})
	require.Equal(t, 0, run(context.Background(), []string{"--file", ok}, &out, &errw), errw.String())
	require.True(t, strings.HasPrefix(out.String(), "OK: 4 events verified"))

	tampered := chain(4)
	tampered[2]["payload"] = `{"i":300}`
	out.Reset()
	require.Equal(t, 1, run(context.Background(), []string{"--file", write(t, tampered)}, &out, &errw))
	require.Contains(t, out.String(), "BROKEN at event 3")

	missing := append(chain(4)[:1], chain(4)[2:]...)
	out.Reset()
	require.Equal(t, 1, run(context.Background(), []string{"--file", write(t, missing)}, &out, &errw))
	require.Contains(t, out.String(), "BROKEN at event 2")

	require.Equal(t, 2, run(context.Background(), nil, &out, &errw))
	require.Equal(t, 2, run(context.Background(), []string{"--file", filepath.Join(t.TempDir(), "none.json")}, &out, &errw))
}

func TestMain(m *testing.M) { testkit.Main(m) }

// TestVerifyStore reads a chain straight from the store, as the contracts service keeps it.
func TestVerifyStore(t *testing.T) {
	ctx := context.Background()
	db := testkit.Database(t)
	events := db.Collection("contract_events")
	var hashes []string
	for i, e := range chain(4) {
		seq := int64(i + 1)
		tm, err := time.Parse(time.RFC3339Nano, e["time"].(string))
		require.NoError(t, err)
		ev := auditchain.Event{Contract: "c1", Seq: seq, Type: e["type"].(string), Actor: e["actor"].(string), ActorRole: e["actor_role"].(string),
			Time: tm, Payload: e["payload"].(string), PreviousHash: e["previous_hash"].(string), Hash: e["hash"].(string)}
		_, err = events.InsertOne(ctx, struct {
			ID               string `bson:"_id"`
			auditchain.Event `bson:",inline"`
		}{fmt.Sprintf("c1/%012d", seq), ev})
		require.NoError(t, err)
		hashes = append(hashes, ev.Hash)
	}
	args := func(contract string) []string {
		return []string{"--mongodb-uri", testkit.StoreURI(t), "--database", db.Name(), "--contract", contract}
	}
	var out, errw bytes.Buffer
	require.Equal(t, 0, run(ctx, args("contracts/c1"), &out, &errw), errw.String())
	require.Equal(t, "OK: 4 events verified; head "+hashes[3]+"\n", out.String())

	_, err := events.UpdateOne(ctx, bson.D{{Key: "_id", Value: "c1/000000000002"}}, bson.D{{Key: "$set", Value: bson.D{{Key: "payload", Value: `{"i":200}`}}}})
	require.NoError(t, err)
	out.Reset()
	require.Equal(t, 1, run(ctx, args("contracts/c1"), &out, &errw))
	require.Contains(t, out.String(), "BROKEN at event 2")

	errw.Reset()
	require.Equal(t, 2, run(ctx, args("contracts/none"), &out, &errw))
	require.Contains(t, errw.String(), "no events for contracts/none")
}

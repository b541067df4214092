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

	"github.com/lienket/lienket/services/contracts/auditchain"
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

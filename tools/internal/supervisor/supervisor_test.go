package supervisor

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/config"
)

func TestPrefixerPrefixesEachLine(t *testing.T) {
	var mu sync.Mutex
	var out bytes.Buffer
	p := &prefixer{mu: &mu, out: &out}
	w := p.writer("registry")
	_, _ = fmt.Fprint(w, "one\ntwo\n")
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(out.String(), "[registry]") == 2
	}, 2*time.Second, 10*time.Millisecond)
	require.Contains(t, out.String(), "[registry]   one\n")
}

// TestLoadConfigDefaults reads a given environment, never the caller's: a developer who has
// exported REGISTRY_ADDR must not see it fail.
func TestLoadConfigDefaults(t *testing.T) {
	c, err := LoadConfig(config.FromMap(map[string]string{"GATEWAY_ADDR": "127.0.0.1:18080"}))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:18080", c.GatewayHTTP)
	require.Equal(t, "127.0.0.1:9101", c.RegistryGRPC)
	require.Equal(t, "127.0.0.1:9104", c.SupportGRPC)
	require.Equal(t, "127.0.0.1:9204", c.SupportHTTP)
	require.Equal(t, "./data", c.DataDir)
	_, err = LoadConfig(config.FromMap(map[string]string{"START_TIMEOUT": "soon", "REGISTRY_ADDR": "nowhere"}))
	require.ErrorContains(t, err, `START_TIMEOUT: "soon" is not a duration`)
	require.ErrorContains(t, err, `REGISTRY_ADDR: "nowhere" is not host:port`)
}

func TestReadinessChecks(t *testing.T) {
	ctx := context.Background()
	var instance = "i-1"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok", "instance": instance})
	}))
	defer srv.Close()
	require.NoError(t, healthReady(srv.URL+"/healthz")(ctx, "i-1"))
	err := healthReady(srv.URL+"/healthz")(ctx, "i-2")
	require.ErrorContains(t, err, "another program holds the port", "a stranger answering on the port is not our process")
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok\n")) }))
	defer plain.Close()
	require.ErrorContains(t, healthReady(plain.URL+"/healthz")(ctx, "i-1"), "not a Lienket health report")
	require.NoError(t, tcpReady(strings.TrimPrefix(srv.URL, "http://"))(ctx, ""))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	require.Error(t, tcpReady(addr)(ctx, ""))
	require.Error(t, grpcReady(addr)(ctx, ""))
}

// sh runs a shell script as a supervised process.
func sh(name, script string, env ...string) Process {
	return Process{Name: name, Path: "/bin/sh", Args: []string{"-c", script}, Env: env}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var fastPolicy = RestartPolicy{Backoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, GiveUp: 4, Window: time.Minute}

// TestRestartsACrashedProcess: a process that dies after start-up is started again (as a new
// instance), and the others keep running.
func TestRestartsACrashedProcess(t *testing.T) {
	dir := t.TempDir()
	runs := dir + "/runs"
	out := &lockedBuffer{}
	s := &Supervisor{
		Stages: [][]Process{{
			// Crashes the first time, a while after becoming ready; then stays up.
			sh("flaky", `echo "$LIENKET_INSTANCE_ID" >> "$RUNS"; if [ $(wc -l < "$RUNS") -eq 1 ]; then sleep 0.3; exit 3; fi; exec sleep 60`, "RUNS="+runs),
			sh("steady", `exec sleep 60`),
		}},
		Policy: fastPolicy, StartTimeout: 5 * time.Second, Out: out,
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "flaky restarted") }, 5*time.Second, 20*time.Millisecond, out.String())
	b, err := os.ReadFile(runs)
	require.NoError(t, err)
	ids := strings.Fields(string(b))
	require.Len(t, ids, 2)
	require.NotEqual(t, ids[0], ids[1], "each start is a new instance")
	require.Contains(t, out.String(), "flaky exited (exit status 3); restarting")
	require.NotContains(t, out.String(), "steady exited")
	cancel()
	require.NoError(t, <-done)
}

// TestGivesUpAfterRepeatedFastFailures: a process that keeps crashing ends the run with an
// error after the policy's number of crashes, with backoff between the attempts.
func TestGivesUpAfterRepeatedFastFailures(t *testing.T) {
	out := &lockedBuffer{}
	s := &Supervisor{
		Stages: [][]Process{{sh("doomed", `sleep 0.05; exit 1`)}},
		Policy: fastPolicy, StartTimeout: 5 * time.Second, Out: out,
	}
	began := time.Now()
	err := s.Run(context.Background())
	require.ErrorContains(t, err, "doomed crashed 4 times")
	require.ErrorContains(t, err, "gave up")
	require.Equal(t, 3, strings.Count(out.String(), "doomed exited"), out.String())
	require.GreaterOrEqual(t, time.Since(began), (20+40+80)*time.Millisecond, "backoff doubles")
}

// TestPortHeldByAStranger: a process whose port is taken is not started, and the message says
// which variable moves it.
func TestPortHeldByAStranger(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	p := sh("registry", `exec sleep 60`)
	p.Listen = []Addr{{l.Addr().String(), "REGISTRY_ADDR"}}
	s := &Supervisor{Stages: [][]Process{{p}}, Policy: fastPolicy, StartTimeout: time.Second, Out: &lockedBuffer{}}
	err = s.Run(context.Background())
	require.ErrorContains(t, err, l.Addr().String()+" is already in use by another program")
	require.ErrorContains(t, err, "REGISTRY_ADDR")
}

// TestPlan: the suite's processes, their order, addresses and readiness checks.
func TestPlan(t *testing.T) {
	c, err := LoadConfig(config.FromMap(nil))
	require.NoError(t, err)
	cons := consoleEnv{issuer: "http://" + c.OIDCAddr}
	s := Plan(c, "/tmp/k.pem", cons)
	var names [][]string
	for _, st := range s.Stages {
		var n []string
		for _, p := range st {
			n = append(n, p.Name)
			require.NotNil(t, p.Ready, p.Name)
			require.NotEmpty(t, p.Listen, p.Name)
		}
		names = append(names, n)
	}
	require.Equal(t, [][]string{{"store"}, {"registry", "contracts", "matchmaking", "webhooks", "support"}, {"oidc"}, {"gateway"}}, names)
	hooks := s.Stages[1][3]
	require.Contains(t, hooks.Env, "WEBHOOK_ALLOW_INTERNAL_TARGETS=true", "make run is development: local receivers allowed")
	require.Contains(t, s.Stages[3][0].Env, "WEBHOOKS_ADDR="+c.WebhooksGRPC, "the gateway finds the webhooks service")
	c.MongoURI = "mongodb://db:27017"
	require.Len(t, Plan(c, "/tmp/k.pem", cons).Stages, 3, "no embedded store with MONGODB_URI")
}

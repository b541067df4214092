package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEnvDefaultsAndErrors(t *testing.T) {
	e := FromMap(map[string]string{"A": " 12 ", "B": "x", "D": "2s", "L": "a, b,,c", "E": "  "})
	require.Equal(t, 12, e.Int("A", 1))
	require.Equal(t, 7, e.Int("MISSING", 7))
	require.Equal(t, "def", e.String("E", "def"), "blank counts as unset")
	require.Equal(t, 2*time.Second, e.Duration("D", time.Second))
	require.Equal(t, []string{"a", "b", "c"}, e.List("L", nil))
	require.NoError(t, e.Err())
	require.Equal(t, 3, e.Int("B", 3))
	require.ErrorContains(t, e.Err(), `B: "x" is not an integer`)
}

func TestLoadCommon(t *testing.T) {
	c := LoadCommon(FromMap(map[string]string{"GRPC_ADDR": ":1"}), "svc", ":9", ":8")
	require.Equal(t, ":1", c.GRPCAddr)
	require.Equal(t, ":8", c.HTTPAddr)
	require.Equal(t, "", c.MongoURI)
	require.Equal(t, "lienket", c.MongoDatabase)
}

// TestEveryErrorListed: a malformed configuration fails with every problem named at once, so
// an operator fixes them in one go rather than one restart per mistake.
func TestEveryErrorListed(t *testing.T) {
	e := FromMap(map[string]string{"GRPC_ADDR": "nine-one-oh-one", "HTTP_ADDR": "off", "SHUTDOWN_TIMEOUT": "soon", "STORE_TIMEOUT": "2", "N": "0"})
	c := LoadCommon(e, "svc", "127.0.0.1:9", "127.0.0.1:8")
	require.Equal(t, "off", c.HTTPAddr, "off disables the operational server")
	require.Equal(t, 1, e.Positive("N", 1))
	e.Check(false, "PAIR", "must come with %s", "OTHER")
	err := e.Err()
	require.Error(t, err)
	for _, want := range []string{`GRPC_ADDR: "nine-one-oh-one" is not host:port`, `SHUTDOWN_TIMEOUT: "soon" is not a duration`, `STORE_TIMEOUT: "2" is not a duration`, "N: 0 must be positive", "PAIR: must come with OTHER"} {
		require.ErrorContains(t, err, want)
	}
}

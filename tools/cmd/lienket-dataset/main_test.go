package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestUsage(t *testing.T) {
	var out, errw bytes.Buffer
	require.Equal(t, 2, run(context.Background(), nil, &out, &errw), "the store is required")
	require.Contains(t, errw.String(), "usage")
	errw.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"--mongodb-uri", "mongodb://127.0.0.1:1/", "--database", "lienket"}, &out, &errw), "never the service's database")
	require.Equal(t, 1, run(context.Background(), []string{"--mongodb-uri", "mongodb://127.0.0.1:1/", "--scale", "galactic"}, &out, &errw))
	require.Contains(t, errw.String(), "national or small")
}

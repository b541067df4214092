package main

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/auth"
)

func TestTokenMintsVerifiableToken(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k.pem")
	k, err := auth.EnsureKeyPair(key)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run([]string{"token", "--key", key, "--role", "commune_official", "--area", "08001"}, &out))
	p, err := auth.NewVerifier("lienket-dev", "lienket", k.Public().(ed25519.PublicKey)).Verify(strings.TrimSpace(out.String()))
	require.NoError(t, err)
	require.Equal(t, auth.Principal{Subject: "users/commune_official", Role: auth.RoleCommuneOfficial, AdminArea: "08001"}, p)
}

func TestTokenRejectsBadInput(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k.pem")
	_, err := auth.EnsureKeyPair(key)
	require.NoError(t, err)
	require.Error(t, run([]string{"token", "--key", key, "--role", "wizard"}, &bytes.Buffer{}))
	require.Error(t, run([]string{"token", "--key", key, "--role", "business"}, &bytes.Buffer{}), "business needs --org")
	require.Error(t, run([]string{"token", "--key", filepath.Join(t.TempDir(), "none.pem"), "--role", "admin"}, &bytes.Buffer{}))
	require.Error(t, run(nil, &bytes.Buffer{}))
}

func TestKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "issuer.pem")
	var out bytes.Buffer
	require.NoError(t, run([]string{"keygen", "--out", path}, &out))
	k, err := auth.LoadPrivateKey(path)
	require.NoError(t, err)
	pubs, err := auth.LoadPublicKeys(auth.PublicPath(path))
	require.NoError(t, err)
	require.Equal(t, k.Public(), crypto.PublicKey(pubs[0]))
	require.Error(t, run([]string{"keygen", "--out", path}, &out), "never overwrites a key")
	require.Error(t, run([]string{"keygen"}, &out))
}

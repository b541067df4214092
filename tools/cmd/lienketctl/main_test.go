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
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func TestTokenMintsVerifiableToken(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k.pem")
	k, err := auth.EnsureKeyPair(key)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run([]string{"token", "--key", key, "--role", "commune_official", "--area", places.ChauQue}, noEnv(), nil, &out))
	p, err := auth.NewVerifier("lienket-dev", "lienket", k.Public().(ed25519.PublicKey)).Verify(strings.TrimSpace(out.String()))
	require.NoError(t, err)
	require.Equal(t, auth.Principal{Subject: "users/commune_official", Role: auth.RoleCommuneOfficial, AdminArea: places.ChauQue}, p)
}

func TestTokenRejectsBadInput(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k.pem")
	_, err := auth.EnsureKeyPair(key)
	require.NoError(t, err)
	err = run([]string{"token", "--key", key, "--role", "wizard"}, noEnv(), nil, &bytes.Buffer{})
	require.ErrorContains(t, err, `unknown role "wizard" (roles: admin, business, producer, household, commune_official, province_official, partner, service)`, "the valid roles are listed")
	require.ErrorContains(t, run([]string{"token", "--key", key, "--role", "business"}, noEnv(), nil, &bytes.Buffer{}), "needs an organisation scope")
	require.ErrorContains(t, run([]string{"token", "--key", filepath.Join(t.TempDir(), "none.pem"), "--role", "admin"}, noEnv(), nil, &bytes.Buffer{}), "make run")
	require.ErrorContains(t, run(nil, noEnv(), nil, &bytes.Buffer{}), "usage")
}

// TestTokenFindsTheDataDir: the key is looked up where make run put it, under LIENKET_DATA_DIR,
// so the command make run prints works with the variable set.
func TestTokenFindsTheDataDir(t *testing.T) {
	dir := t.TempDir()
	k, err := auth.EnsureKeyPair(filepath.Join(dir, "keys", "dev-issuer.pem"))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run([]string{"token", "--role", "admin"}, config.FromMap(map[string]string{"LIENKET_DATA_DIR": dir}), nil, &out))
	_, err = auth.NewVerifier("lienket-dev", "lienket", k.Public().(ed25519.PublicKey)).Verify(strings.TrimSpace(out.String()))
	require.NoError(t, err)
}

func noEnv() *config.Env { return config.FromMap(nil) }

func TestCommands(t *testing.T) {
	require.ErrorContains(t, run([]string{"frobnicate"}, noEnv(), nil, &bytes.Buffer{}), `unknown command "frobnicate"`)
	require.ErrorContains(t, run([]string{"apikey"}, noEnv(), nil, &bytes.Buffer{}), "apikey verify")
}

func TestKeygen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", "issuer.pem")
	var out bytes.Buffer
	require.NoError(t, run([]string{"keygen", "--out", path}, noEnv(), nil, &out))
	k, err := auth.LoadPrivateKey(path)
	require.NoError(t, err)
	pubs, err := auth.LoadPublicKeys(auth.PublicPath(path))
	require.NoError(t, err)
	require.Equal(t, k.Public(), crypto.PublicKey(pubs[0]))
	require.ErrorContains(t, run([]string{"keygen", "--out", path}, noEnv(), nil, &out), "not overwriting", "never overwrites a key")
	require.ErrorContains(t, run([]string{"keygen"}, noEnv(), nil, &out), "needs --out")
}

package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
)

// keyRegistry answers VerifyApiKey like the registry: only to a verified service caller.
type keyRegistry struct {
	registryv1.UnimplementedRegistryServiceServer
}

func (keyRegistry) VerifyApiKey(ctx context.Context, in *registryv1.VerifyApiKeyRequest) (*registryv1.ApiKey, error) {
	if _, err := auth.RequireRole(ctx, auth.RoleService); err != nil {
		return nil, err
	}
	if in.GetSecret() != "lk_abc_secret" {
		return nil, status.Error(codes.Unauthenticated, "invalid or revoked API key")
	}
	return &registryv1.ApiKey{Name: "organizations/o1/apiKeys/k1", Prefix: "lk_abc", Organization: "organizations/o1"}, nil
}

func TestAPIKeyVerify(t *testing.T) {
	keyPath := filepath.Join(t.TempDir(), "dev-issuer.pem")
	k, err := auth.EnsureKeyPair(keyPath)
	require.NoError(t, err)
	v := auth.NewVerifier("lienket-dev", "lienket", k.Public().(ed25519.PublicKey))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	gs := grpc.NewServer(grpc.UnaryInterceptor(auth.UnaryInterceptor(v)))
	registryv1.RegisterRegistryServiceServer(gs, keyRegistry{})
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	args := []string{"--key", keyPath, "--registry", lis.Addr().String()}
	d := defaultsFrom(noEnv())

	var out bytes.Buffer
	require.NoError(t, verifyKey(args, d, "lk_abc_secret", nil, &out))
	require.Equal(t, "valid: organizations/o1/apiKeys/k1 (prefix lk_abc) for organizations/o1\n", out.String())
	out.Reset()
	require.NoError(t, verifyKey(args, d, "", strings.NewReader("lk_abc_secret\n"), &out), "the key on stdin")
	require.Contains(t, out.String(), "organizations/o1")

	err = verifyKey(args, d, "lk_wrong", nil, &bytes.Buffer{})
	require.ErrorContains(t, err, "not valid")
	require.NotContains(t, err.Error(), "lk_wrong", "the key is not echoed")
	require.ErrorContains(t, verifyKey(args, d, "", strings.NewReader(""), &bytes.Buffer{}), "no API key")
	out.Reset()
	require.NoError(t, run(append([]string{"apikey", "verify"}, args...), config.FromMap(map[string]string{"LIENKET_API_KEY": "lk_abc_secret"}), nil, &out), "wired into the CLI")
	require.Contains(t, out.String(), "organizations/o1")
	other, err := auth.GenerateKey()
	require.NoError(t, err)
	otherPath := filepath.Join(t.TempDir(), "other.pem")
	require.NoError(t, auth.WriteKeyPair(otherPath, other))
	require.ErrorContains(t, verifyKey([]string{"--key", otherPath, "--registry", lis.Addr().String()}, d, "lk_abc_secret", nil, &bytes.Buffer{}), "not valid", "an untrusted issuer key")
}

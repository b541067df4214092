package domain

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

func TestMaskApply(t *testing.T) {
	o := &Organization{DisplayName: "old", Address: Address{Line: "old", CommuneCode: places.ChauQue}, Kind: KindCooperative}
	src := &Organization{DisplayName: "new", Address: Address{Line: "new"}, Kind: KindBusiness, WomenLed: true}
	var v apierr.Violations
	OrganizationMask.Apply(&v, o, src, []string{"display_name", "address.line"})
	require.True(t, v.Empty(), v.List())
	require.Equal(t, "new", o.DisplayName)
	require.Equal(t, Address{Line: "new"}, o.Address, "a nested path replaces the whole message")
	require.False(t, o.WomenLed, "fields not named stay")

	for name, tc := range map[string]struct {
		paths []string
		rule  string
	}{
		"empty":       {nil, "REQUIRED"},
		"immutable":   {[]string{"kind"}, "IMMUTABLE"},
		"unknown":     {[]string{"password"}, "UPDATE_MASK_PATH"},
		"output only": {[]string{"create_time"}, "UPDATE_MASK_PATH"},
		"not nested":  {[]string{"display_name.x"}, "UPDATE_MASK_PATH"},
	} {
		var v apierr.Violations
		OrganizationMask.Apply(&v, o, src, tc.paths)
		require.Equal(t, map[string]string{"update_mask": tc.rule}, rules(&v), name)
	}
	require.Equal(t, KindCooperative, o.Kind, "an immutable field is not copied")
}

func TestAPIKeySecret(t *testing.T) {
	prefix, secret, err := NewAPIKeySecret()
	require.NoError(t, err)
	got, ok := APIKeyPrefix(secret)
	require.True(t, ok)
	require.Equal(t, prefix, got)
	k := &APIKey{Prefix: prefix, SecretHash: HashAPIKeySecret(secret)}
	require.NotContains(t, k.SecretHash, secret)
	require.True(t, k.Matches(secret))
	require.False(t, k.Matches(secret+"x"))
	for _, bad := range []string{"", "lk_short_x", "xx_" + prefix + "_abc", "lk_" + prefix, secret + string(make([]byte, 128))} {
		_, ok := APIKeyPrefix(bad)
		require.False(t, ok, bad)
	}
	now := k.CreateTime
	k.RevokeTime = &now
	require.False(t, k.Matches(secret), "a revoked key matches nothing")
}

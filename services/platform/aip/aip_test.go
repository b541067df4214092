package aip

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/platform/apierr"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestPageSize(t *testing.T) {
	for _, tc := range []struct {
		in   int32
		want int
		err  bool
	}{{0, 50, false}, {10, 10, false}, {501, 500, false}, {-1, 0, true}} {
		got, err := PageSize(tc.in)
		require.Equal(t, tc.err, err != nil, tc.in)
		require.Equal(t, tc.want, got)
	}
}

func TestPageTokenRoundTripAndBinding(t *testing.T) {
	q := QueryDigest("organizations", `kind="X"`)
	tok := EncodePageToken("abc", q)
	after, err := DecodePageToken(tok, q)
	require.NoError(t, err)
	require.Equal(t, "abc", after)
	_, err = DecodePageToken(tok, QueryDigest("organizations", `kind="Y"`))
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	_, err = DecodePageToken("%%%", q)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
	after, err = DecodePageToken("", q)
	require.NoError(t, err)
	require.Empty(t, after)
}

func TestIDForRequestIsStable(t *testing.T) {
	require.Equal(t, IDForRequest("s", "r1"), IDForRequest("s", "r1"))
	require.NotEqual(t, IDForRequest("s", "r1"), IDForRequest("s", "r2"))
	require.NotEqual(t, IDForRequest("a", "r1"), IDForRequest("b", "r1"))
	require.NotEqual(t, IDForRequest("s", ""), IDForRequest("s", ""))
}

func TestEtag(t *testing.T) {
	v, err := ParseEtag("etag", Etag(7))
	require.NoError(t, err)
	require.EqualValues(t, 7, v)
	v, err = ParseEtag("etag", "")
	require.NoError(t, err)
	require.Zero(t, v)
	_, err = ParseEtag("etag", "nope")
	require.Error(t, err)
}

func TestParseName(t *testing.T) {
	ids, err := ParseName("name", "organizations/a1/members/h-2", "organizations", "members")
	require.NoError(t, err)
	require.Equal(t, []string{"a1", "h-2"}, ids)
	for _, bad := range []string{"", "organizations/", "orgs/a/members/b", "organizations/a/members", "organizations/a b/members/c", "organizations/../members/x"} {
		_, err := ParseName("name", bad, "organizations", "members")
		require.Equal(t, codes.InvalidArgument, status.Code(err), bad)
	}
}

func TestParseFilter(t *testing.T) {
	cs, err := ParseFilter(`kind = "KIND_COOPERATIVE" AND province_code=10 and state != "STATE_SUSPENDED"`, "kind", "province_code", "state")
	require.NoError(t, err)
	require.Equal(t, []Condition{{Field: "kind", Op: "=", Value: "KIND_COOPERATIVE"}, {Field: "province_code", Op: "=", Value: "10"}, {Field: "state", Op: "!=", Value: "STATE_SUSPENDED"}}, cs)
	cs, err = ParseFilter("  ", "kind")
	require.NoError(t, err)
	require.Empty(t, cs)
	for _, bad := range []string{`secret = "x"`, `kind = `, `kind > 3`, `kind = "x" OR kind = "y"`, `kind = "unterminated`, `kind = x; drop`} {
		_, err := ParseFilter(bad, "kind")
		require.Equal(t, codes.InvalidArgument, status.Code(err), bad)
	}
}

func TestParseFilterFields(t *testing.T) {
	fields := []FilterField{OneOf("state", "STATE_OPEN", "STATE_CLOSED"), AnyValue("product")}
	cs, err := ParseFilterFields(`state = "STATE_OPEN" AND product = "products/coffee"`, fields...)
	require.NoError(t, err)
	require.Len(t, cs, 2)
	_, err = ParseFilterFields(`state = "NOPE"`, fields...)
	require.Equal(t, "FILTER_VALUE", apierr.FieldViolations(err)[0].GetReason())
	require.Contains(t, err.Error(), "accepted: STATE_OPEN, STATE_CLOSED")
	_, err = ParseFilterFields(`colour = "red"`, fields...)
	require.Equal(t, "FILTER_SYNTAX", apierr.FieldViolations(err)[0].GetReason())
}

func FuzzParseFilter(f *testing.F) {
	f.Add(`kind = "KIND_COOPERATIVE" AND province_code = "10"`)
	f.Add(`a != b`)
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseFilter(s, "kind", "province_code")
		if err != nil {
			require.Equal(t, codes.InvalidArgument, status.Code(err))
			return
		}
		for _, c := range cs {
			require.Contains(t, []string{"kind", "province_code"}, c.Field)
		}
	})
}

// TestRequestKey: keys are digests without NUL bytes, one per method, caller and request id;
// a key stored in the old NUL-joined form converts to the digest of the same request.
func TestRequestKey(t *testing.T) {
	k := RequestKey("SignContract", "users/a", "sign-1")
	require.NotContains(t, k, "\x00")
	require.NotContains(t, k, "users/a")
	require.Equal(t, k, RequestKey("SignContract", "users/a", "sign-1"))
	require.NotEqual(t, k, RequestKey("SignContract", "users/b", "sign-1"))
	require.NotEqual(t, k, RequestKey("SubmitContract", "users/a", "sign-1"))
	require.Empty(t, RequestKey("SignContract", "users/a", ""))
	require.Equal(t, k, LegacyRequestKey("SignContract\x00users/a\x00sign-1"))
	require.Equal(t, k, LegacyRequestKey(k), "a digest stays as it is")
	keys := []string{"SignContract\x00users/a\x00sign-1", k}
	LegacyRequestKeys(keys)
	require.Equal(t, []string{k, k}, keys)
}

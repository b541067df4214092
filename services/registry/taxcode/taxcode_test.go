package taxcode

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckDigit(t *testing.T) {
	for _, code := range []string{"0100109106", "0300588569"} { // real enterprises' codes
		d, ok := CheckDigit(code[:9])
		require.True(t, ok)
		require.Equal(t, code[9], d, code)
	}
	got := From(100109100)
	d, ok := CheckDigit(got[:9])
	require.True(t, ok)
	require.Equal(t, got[9], d)
	require.GreaterOrEqual(t, got[:9], "100109100")
	require.Equal(t, "0000000017", From(1))
}

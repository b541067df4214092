package browsertest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFrontDoorPages checks the pages a person sees before signing in: the console's sign-in
// page and the development provider's, screenshots and axe-core, in a real browser.
func TestFrontDoorPages(t *testing.T) {
	e := startBare(t)
	p := e.browser("anonymous")
	require.EqualValues(t, 200, p.open("/console/signin"))
	require.Contains(t, p.text(), "Đăng nhập bằng tài khoản định danh")
	p.shot("signin")
	p.axe("signin")
	p.clickNav(`a.button[href*="/console/signin/start"]`)
	require.Contains(t, p.text(), "Tên đăng nhập")
	p.shot("provider-login")
	p.axe("provider-login")
}

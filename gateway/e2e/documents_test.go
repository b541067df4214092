package e2e_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/gateway/internal/server"
	"github.com/lienket/lienket/gateway/story"
	"github.com/lienket/lienket/services/contracts/doctest"
	"github.com/lienket/lienket/services/platform/auth"
)

// TestDocumentAndVerificationOverREST: the contract's PDF over REST, its QR code followed to
// the public verification page (no sign-in), which answers for the terms hash and for an
// uploaded copy, and shows nothing about households.
func TestDocumentAndVerificationOverREST(t *testing.T) {
	s := start(t, server.Config{VerifyRPS: 1000, VerifyBurst: 1000})
	fx, err := story.Active(s.url, func(p auth.Principal) (string, error) { return s.token(p), nil }, func(string) {})
	require.NoError(t, err)
	biz := s.token(auth.Principal{Subject: "users/doc-reader", Role: auth.RoleBusiness, Organization: fx.Business})

	pdf := s.must(s.call("GET", "/v1/"+fx.Contract+":document", biz, nil), http.StatusOK)
	require.Equal(t, "application/pdf", pdf.hdr.Get("Content-Type"))
	require.True(t, strings.HasPrefix(pdf.raw, "%PDF-"))
	sum := sha256.Sum256([]byte(pdf.raw))
	require.Equal(t, hex.EncodeToString(sum[:]), pdf.hdr.Get("X-Document-Sha256"))
	require.Contains(t, pdf.hdr.Get("Content-Disposition"), "inline; filename=HDLK-")
	require.Empty(t, pdf.hdr.Get("Grpc-Metadata-X-Document-Sha256"), "no gRPC metadata leaks as Grpc-Metadata-* headers")
	html := s.must(s.call("GET", "/v1/"+fx.Contract+":document?format=html&lang=en", biz, nil), http.StatusOK)
	require.Equal(t, "text/html; charset=utf-8", html.hdr.Get("Content-Type"))
	require.Contains(t, html.raw, "CONVENIENCE TRANSLATION")
	bad := s.must(s.call("GET", "/v1/"+fx.Contract+":document?format=docx", biz, nil), http.StatusBadRequest)
	require.Contains(t, bad.raw, `"field":"format"`)
	s.must(s.call("GET", "/v1/"+fx.Contract+":document", "", nil), http.StatusUnauthorized)

	// The QR code in the footer: /verify/{contract}?h={terms hash} under PUBLIC_BASE_URL, here
	// followed on the test server.
	link, err := url.Parse(doctest.QR(t, doctest.PageImage(t, []byte(pdf.raw), 1, 150)))
	require.NoError(t, err)
	require.Equal(t, "/verify/"+strings.TrimPrefix(fx.Contract, "contracts/"), link.Path)
	page := s.call("GET", link.RequestURI(), "", nil)
	require.Equal(t, http.StatusOK, page.code, page.raw)
	require.Equal(t, "text/html; charset=utf-8", page.hdr.Get("Content-Type"))
	require.Contains(t, page.raw, "Đang có hiệu lực")
	require.Contains(t, page.raw, "KHỚP với các điều khoản hiện hành")
	require.NotContains(t, page.raw, "households/")
	require.Contains(t, page.hdr.Get("Content-Security-Policy"), "default-src 'none'")

	facts := s.must(s.call("GET", link.RequestURI(), "", nil, "Accept", "application/json"), http.StatusOK)
	require.Equal(t, "ACTIVE", facts.str("state"))
	require.Equal(t, "CURRENT", facts.str("terms_match"))
	require.NotEmpty(t, facts.str("buyer"))
	require.NotEmpty(t, facts.str("producer"))
	require.NotEmpty(t, facts.str("witness_authority"))
	require.NotEmpty(t, facts.str("sign_time"))
	require.NotEmpty(t, facts.str("witness_time"))
	require.Len(t, facts.str("audit_head", "hash"), 64)
	for _, h := range fx.Households {
		require.NotContains(t, facts.raw, h)
	}

	// An uploaded copy: the PDF issued is recognised; anything else is not.
	up := upload(t, s.url+link.RequestURI(), []byte(pdf.raw))
	require.Equal(t, http.StatusOK, up.code, up.raw)
	require.Equal(t, true, up.get("document", "issued"))
	require.Equal(t, "contract", up.str("document", "kind"))
	forged := upload(t, s.url+link.RequestURI(), append([]byte(pdf.raw), ' '))
	require.Equal(t, false, forged.get("document", "issued"))

	other := s.must(s.call("GET", "/verify/"+strings.TrimPrefix(fx.Contract, "contracts/")+"?h="+strings.Repeat("ab", 32), "", nil, "Accept", "application/json"), http.StatusOK)
	require.Equal(t, "NONE", other.str("terms_match"))
	s.must(s.call("GET", "/verify/no-such-contract", "", nil, "Accept", "application/json"), http.StatusNotFound)
	s.must(s.call("GET", "/verify/"+strings.TrimPrefix(fx.Contract, "contracts/")+"?h=xyz", "", nil, "Accept", "application/json"), http.StatusBadRequest)
	s.must(s.call("DELETE", "/verify/x", "", nil), http.StatusMethodNotAllowed)
}

// upload posts doc as the "document" file of a form and asks for JSON.
func upload(t *testing.T, target string, doc []byte) resp {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("document", "hop-dong.pdf")
	require.NoError(t, err)
	_, _ = fw.Write(doc)
	require.NoError(t, mw.Close())
	req, err := http.NewRequest(http.MethodPost, target, &body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := resp{code: res.StatusCode, raw: string(raw), hdr: res.Header}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// The verification page is limited per client address.
func TestVerificationIsRateLimited(t *testing.T) {
	s := start(t, server.Config{VerifyRPS: 1, VerifyBurst: 2})
	var last resp
	for range 3 {
		last = s.call("GET", "/verify/no-such-contract", "", nil, "Accept", "application/json")
	}
	require.Equal(t, http.StatusTooManyRequests, last.code, last.raw)
	require.NotEmpty(t, last.hdr.Get("Retry-After"))
	require.Equal(t, "RATE_LIMITED", reason(last))
}

package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/doctest"
	"github.com/lienket/lienket/services/platform/auth"
)

// The "print / download" actions: the contract page links to its PDF, which the console
// passes on from the contracts service with its file name and hash; a household prints its own
// settlement statement from the settlement page.
func TestPrintAndDownloadDocuments(t *testing.T) {
	s := newSuite(t)
	w := s.world(2, "Đặng Thị Hữu", "Lò Văn Ỷ")
	name := s.draft(w)
	s.pendingWitness(w, name)
	ct, err := s.con.GetContract(context.Background(), &contractsv1.GetContractRequest{Name: name}, s.admin)
	require.NoError(t, err)
	_, err = s.con.WitnessContract(context.Background(), &contractsv1.WitnessContractRequest{Name: name, TermsHash: ct.GetTermsHash()}, s.as(official()))
	require.NoError(t, err)

	buyer := s.signedIn(w.buyer(), "Nguyễn Văn Mua", false)
	pg := buyer.get("/console/" + name)
	require.Equal(t, http.StatusOK, pg.code, pg.body)
	require.Contains(t, pg.body, "In / tải văn bản hợp đồng")
	require.Contains(t, pg.body, `href="/console/`+name+`/document"`)

	doc := buyer.get("/console/" + name + "/document")
	require.Equal(t, http.StatusOK, doc.code, doc.body)
	require.Equal(t, "application/pdf", doc.hdr.Get("Content-Type"))
	sum := sha256.Sum256([]byte(doc.body))
	require.Equal(t, hex.EncodeToString(sum[:]), doc.hdr.Get("X-Document-Sha256"))
	require.Contains(t, doc.hdr.Get("Content-Disposition"), ".pdf")
	text := doctest.Flat(doctest.Text(t, []byte(doc.body)))
	for _, want := range []string{"HỢP ĐỒNG LIÊN KẾT", "Công ty CP Quế Hồi", "Đặng Thị Hữu", "Lò Văn Ỷ", ct.GetTermsHash()} {
		require.Contains(t, text, want)
	}
	html := buyer.get("/console/" + name + "/document?format=html&lang=fr")
	require.Equal(t, "text/html; charset=utf-8", html.hdr.Get("Content-Type"), "an unknown language falls back to the legal text")
	require.Contains(t, html.body, `lang="vi"`)

	household := s.signedIn(auth.Principal{Subject: "users/hh1", Role: auth.RoleHousehold, Household: w.households[0]}, "Đặng Thị Hữu", false)
	st := household.get("/console/" + name + "/settlement")
	require.Equal(t, http.StatusOK, st.code, st.body)
	require.Contains(t, st.body, "/settlement/statement?household="+strings.Replace(w.households[0], "/", "%2f", 1))
	own := household.get("/console/" + name + "/settlement/statement")
	require.Equal(t, http.StatusOK, own.code, own.body)
	text = doctest.Flat(doctest.Text(t, []byte(own.body)))
	require.Contains(t, text, "PHIẾU QUYẾT TOÁN")
	require.Contains(t, text, "Đặng Thị Hữu")
	require.NotContains(t, text, "Lò Văn Ỷ", "a household's statement shows no other household")
	other := household.get("/console/" + name + "/settlement/statement?household=" + w.households[1])
	require.Equal(t, http.StatusForbidden, other.code)
	require.False(t, strings.HasPrefix(other.body, "%PDF"))

	stranger := s.signedIn(auth.Principal{Subject: "users/x", Role: auth.RoleBusiness, Organization: "organizations/other"}, "Người lạ", false)
	require.Equal(t, http.StatusNotFound, stranger.get("/console/"+name+"/document").code)
}

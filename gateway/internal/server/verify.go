package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

// The public verification page, /verify/{contract}: anyone holding a printed contract (its QR
// code links here with ?h={terms hash}) or a PDF can check it, without signing in. It shows
// what the contracts service's VerifyContract returns — state, the organisations, the witness
// authority, when it was signed and witnessed, whether the hash is the current or a past
// version's, whether an uploaded file is a document Lienket issued, the head of the audit
// chain — and nothing about households. The gateway asks with its own service credentials;
// requests are rate-limited per client address.

// VerifyClient is what the verification page asks the contracts service.
type VerifyClient interface {
	VerifyContract(ctx context.Context, in *contractsv1.VerifyContractRequest, opts ...grpc.CallOption) (*contractsv1.ContractVerification, error)
}

// maxUpload bounds an uploaded document (it is hashed as it streams, never stored).
const maxUpload = 20 << 20

var (
	contractID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`)
	hexSHA256  = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

type verifyPage struct {
	c       VerifyClient
	limiter *RateLimiter
	log     *slog.Logger
}

// verifyAnswer is the page's answer (JSON, or the facts the HTML shows).
type verifyAnswer struct {
	Contract         string          `json:"contract"`
	State            string          `json:"state"`
	Buyer            string          `json:"buyer"`
	Producer         string          `json:"producer"`
	WitnessAuthority string          `json:"witness_authority"`
	SignTime         *time.Time      `json:"sign_time,omitempty"`
	WitnessTime      *time.Time      `json:"witness_time,omitempty"`
	Amendment        int32           `json:"amendment"`
	TermsHash        string          `json:"terms_hash"`
	Checked          string          `json:"checked_terms_hash,omitempty"`
	TermsMatch       string          `json:"terms_match,omitempty"`
	MatchedAmendment int32           `json:"matched_amendment,omitempty"`
	AuditHead        auditHead       `json:"audit_head"`
	Document         *documentAnswer `json:"document,omitempty"`
}

type auditHead struct {
	Sequence int64  `json:"sequence"`
	Hash     string `json:"hash"`
}

type documentAnswer struct {
	SHA256    string     `json:"sha256"`
	Issued    bool       `json:"issued"`
	Kind      string     `json:"kind,omitempty"`
	Amendment int32      `json:"amendment,omitempty"`
	Lang      string     `json:"lang,omitempty"`
	IssueTime *time.Time `json:"issue_time,omitempty"`
}

func (v *verifyPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, HEAD, POST")
		v.fail(w, r, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", r.Method+" is not allowed here")
		return
	}
	if d := v.limiter.wait(clientAddr(r)); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())+1))
		v.fail(w, r, http.StatusTooManyRequests, "RATE_LIMITED", "too many checks from your address; retry after the Retry-After delay")
		return
	}
	req, code, reason, msg := v.request(w, r)
	if code != 0 {
		v.fail(w, r, code, reason, msg)
		return
	}
	res, err := v.c.VerifyContract(r.Context(), req)
	if err != nil {
		code, reason, msg := verifyError(err)
		if code >= 500 {
			v.log.WarnContext(r.Context(), "verification failed", "error", status.Convert(err).Message())
		}
		v.fail(w, r, code, reason, msg)
		return
	}
	v.answer(w, r, answerOf(res, req))
}

// request reads the contract, the terms hash (?h=) and, for a POST, the uploaded document's
// SHA-256; a non-zero code says why it cannot.
func (v *verifyPage) request(w http.ResponseWriter, r *http.Request) (*contractsv1.VerifyContractRequest, int, string, string) {
	id := strings.TrimPrefix(r.URL.Path, "/verify/")
	if !contractID.MatchString(id) {
		return nil, http.StatusNotFound, "NOT_FOUND", "no such contract"
	}
	req := &contractsv1.VerifyContractRequest{Name: "contracts/" + id, TermsHash: strings.ToLower(strings.TrimSpace(r.URL.Query().Get("h")))}
	if req.TermsHash != "" && !hexSHA256.MatchString(req.TermsHash) {
		return nil, http.StatusBadRequest, "INVALID_TERMS_HASH", "h must be a SHA-256: 64 hexadecimal digits"
	}
	if r.Method != http.MethodPost {
		return req, 0, "", ""
	}
	sum, err := uploadedHash(w, r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, http.StatusRequestEntityTooLarge, "BODY_TOO_LARGE", "the document is larger than 20 MiB"
	case err != nil:
		return nil, http.StatusBadRequest, "NO_DOCUMENT", err.Error()
	}
	req.DocumentSha256 = sum
	return req, 0, "", ""
}

// uploadedHash is the SHA-256 of the document posted: the "document" file of a multipart form,
// or the whole body of any other content type. The document is hashed as it arrives and not
// kept.
func uploadedHash(w http.ResponseWriter, r *http.Request) (string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload+1<<16)
	h := sha256.New()
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		n, err := io.Copy(h, r.Body)
		if err != nil {
			return "", err
		}
		if n == 0 {
			return "", errors.New("send the document as the request body, or as the file field \"document\" of a form")
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", errors.New("the form has no file field \"document\"")
		}
		if err != nil {
			return "", err
		}
		if part.FormName() != "document" {
			continue
		}
		if _, err := io.Copy(h, part); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
}

// verifyError is how the page answers a failed VerifyContract.
func verifyError(err error) (int, string, string) {
	switch status.Code(err) {
	case codes.NotFound:
		return http.StatusNotFound, "NOT_FOUND", "no such contract"
	case codes.InvalidArgument:
		return http.StatusBadRequest, "INVALID_ARGUMENT", status.Convert(err).Message()
	case codes.Unavailable, codes.DeadlineExceeded:
		return http.StatusServiceUnavailable, "BACKEND_UNAVAILABLE", "the check cannot be made right now; retry later"
	}
	return http.StatusInternalServerError, "INTERNAL", "the check failed"
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func timeOf(ts interface{ AsTime() time.Time }, set bool) *time.Time {
	if !set {
		return nil
	}
	t := ts.AsTime()
	return &t
}

func answerOf(res *contractsv1.ContractVerification, req *contractsv1.VerifyContractRequest) verifyAnswer {
	a := verifyAnswer{
		Contract: res.GetName(), State: strings.TrimPrefix(res.GetState().String(), "CONTRACT_STATE_"), Buyer: res.GetBuyerName(),
		Producer: res.GetProducerName(), WitnessAuthority: res.GetWitnessAuthorityName(), Amendment: res.GetAmendment(), TermsHash: res.GetTermsHash(),
		SignTime: timeOf(res.GetSignTime(), res.GetSignTime() != nil), WitnessTime: timeOf(res.GetWitnessTime(), res.GetWitnessTime() != nil),
		AuditHead: auditHead{Sequence: res.GetAuditHeadSequence(), Hash: res.GetAuditHeadHash()}, Checked: req.GetTermsHash(),
	}
	if m := res.GetTermsMatch(); m != contractsv1.ContractVerification_TERMS_MATCH_UNSPECIFIED {
		a.TermsMatch, a.MatchedAmendment = strings.TrimPrefix(m.String(), "TERMS_MATCH_"), res.GetMatchedAmendment()
	}
	if res.GetDocumentChecked() {
		d := &documentAnswer{SHA256: req.GetDocumentSha256()}
		if doc := res.GetDocument(); doc != nil {
			d.Issued, d.Kind, d.Amendment, d.Lang, d.IssueTime = true, doc.GetKind(), doc.GetAmendment(), doc.GetLang(), timeOf(doc.GetIssueTime(), doc.GetIssueTime() != nil)
		}
		a.Document = d
	}
	return a
}

// wantsJSON: ?format=json, or an Accept header that prefers JSON to HTML.
func wantsJSON(r *http.Request) bool {
	if r.URL.Query().Get("format") == "json" {
		return true
	}
	acc := r.Header.Get("Accept")
	return strings.Contains(acc, "application/json") && !strings.Contains(acc, "text/html")
}

func (v *verifyPage) answer(w http.ResponseWriter, r *http.Request, a verifyAnswer) {
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(a)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := verifyTemplate.Execute(w, pageData{Answer: &a, Action: r.URL.RequestURI()}); err != nil {
		v.log.WarnContext(r.Context(), "verification page", "error", err)
	}
}

func (v *verifyPage) fail(w http.ResponseWriter, r *http.Request, code int, reason, msg string) {
	if wantsJSON(r) {
		writeError(w, code, httpToCode(code), reason, msg)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_ = verifyTemplate.Execute(w, pageData{Error: msg, Code: code})
}

func httpToCode(c int) codes.Code {
	switch c {
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusTooManyRequests:
		return codes.ResourceExhausted
	case http.StatusServiceUnavailable:
		return codes.Unavailable
	case http.StatusInternalServerError:
		return codes.Internal
	}
	return codes.InvalidArgument
}

type pageData struct {
	Answer *verifyAnswer
	Action string
	Error  string
	Code   int
}

var stateNames = map[string]string{
	"DRAFT": "Dự thảo (Draft)", "PENDING_SIGNATURES": "Chờ ký (Awaiting signatures)", "PENDING_WITNESS": "Chờ UBND xã chứng kiến (Awaiting witness)",
	"ACTIVE": "Đang có hiệu lực (In force)", "COMPLETED": "Đã thực hiện xong (Completed)", "LIQUIDATED": "Đã thanh lý (Liquidated)",
	"CANCELLED": "Đã hủy (Cancelled)", "WITNESS_REJECTED": "UBND xã từ chối chứng kiến (Witness refused)", "SUSPENDED": "Tạm dừng do bất khả kháng (Suspended)",
	"TERMINATED": "Chấm dứt trước hạn (Terminated)",
}

var matchNames = map[string]string{
	"CURRENT": "KHỚP với các điều khoản hiện hành (matches the terms in force)",
	"PAST":    "khớp với một phiên bản TRƯỚC ĐÂY, đã được sửa đổi (matches a past version, since amended)",
	"PENDING": "khớp với bản sửa đổi ĐANG CHỜ KÝ, chưa có hiệu lực (matches an amendment not yet in force)",
	"NONE":    "KHÔNG KHỚP với bất kỳ phiên bản nào của hợp đồng (matches no version of this contract)",
}

var kindNames = map[string]string{"contract": "Hợp đồng (contract)", "settlement_statement": "Phiếu quyết toán (settlement statement)", "liquidation_record": "Biên bản thanh lý (liquidation record)"}

var verifyTemplate = template.Must(template.New("verify").Funcs(template.FuncMap{
	"when": func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.In(vn.Zone).Format("15:04 02/01/2006") + " (giờ Việt Nam)"
	},
	"state": func(s string) string { return stateNames[s] },
	"match": func(s string) string { return matchNames[s] },
	"kind":  func(s string) string { return kindNames[s] },
}).Parse(`<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kiểm tra hợp đồng liên kết — Lienket</title>
<style>body{font-family:"Liberation Serif","Times New Roman",serif;max-width:44em;margin:2em auto;padding:0 1em;line-height:1.4}
th{text-align:left;vertical-align:top;padding-right:1em;font-weight:normal;color:#444}td{word-break:break-all}
.ok{color:#064;font-weight:bold}.bad{color:#a00;font-weight:bold}small{color:#555}</style></head>
<body>
<h1>Kiểm tra hợp đồng liên kết <small>/ Contract verification</small></h1>
{{if .Error}}<p class="bad">{{.Error}}</p>{{else}}{{with .Answer}}
<table>
<tr><th>Hợp đồng</th><td>{{.Contract}}</td></tr>
<tr><th>Trạng thái</th><td>{{state .State}}</td></tr>
<tr><th>Bên mua</th><td>{{.Buyer}}</td></tr>
<tr><th>Bên bán (tổ chức đại diện)</th><td>{{.Producer}}</td></tr>
<tr><th>Bên chứng kiến</th><td>{{.WitnessAuthority}}</td></tr>
<tr><th>Ký kết xong</th><td>{{when .SignTime}}</td></tr>
<tr><th>UBND xã chứng kiến</th><td>{{when .WitnessTime}}</td></tr>
<tr><th>Sửa đổi đang có hiệu lực</th><td>{{.Amendment}}</td></tr>
<tr><th>Mã băm điều khoản hiện hành</th><td>{{.TermsHash}}</td></tr>
{{if .TermsMatch}}<tr><th>Mã băm được kiểm tra</th><td>{{.Checked}}<br><span class="{{if eq .TermsMatch "CURRENT"}}ok{{else}}bad{{end}}">{{match .TermsMatch}}</span>{{if or (eq .TermsMatch "PAST") (eq .TermsMatch "PENDING")}} — sửa đổi lần {{.MatchedAmendment}}{{end}}</td></tr>{{end}}
{{with .Document}}<tr><th>Tệp tải lên (SHA-256)</th><td>{{.SHA256}}<br>{{if .Issued}}<span class="ok">Lienket đã phát hành tài liệu này (issued by Lienket)</span>: {{kind .Kind}}, sửa đổi {{.Amendment}}, {{.Lang}}, {{when .IssueTime}}{{else}}<span class="bad">Lienket KHÔNG phát hành tài liệu này cho hợp đồng (not a document Lienket issued)</span>{{end}}</td></tr>{{end}}
<tr><th>Sự kiện cuối của nhật ký kiểm toán</th><td>#{{.AuditHead.Sequence}} {{.AuditHead.Hash}}</td></tr>
</table>
<p><small>Trang này không hiển thị thông tin về các hộ tham gia. / This page shows nothing about the households.</small></p>
{{end}}
<form method="post" action="{{.Action}}" enctype="multipart/form-data">
<p>Kiểm tra một bản PDF <small>/ Check a PDF copy</small>: <input type="file" name="document" accept="application/pdf" required> <button type="submit">Kiểm tra</button></p>
</form>{{end}}
</body></html>
`))

package console

import (
	"net/http"
	"strings"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
)

// The "print / download" actions: the contract, a household's settlement statement and the
// liquidation record, as the contracts service renders them for the signed-in person (the same
// PDF Lienket records and the public verification page recognises; ?format=html for the
// page, ?lang=en for the English convenience translation).

// docOption is a query value the document methods accept ("" otherwise: the default).
func docOption(r *http.Request, key string, allowed ...string) string {
	v := r.URL.Query().Get(key)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	return ""
}

func (c *Console) contractDocument(q *rq) error {
	var md metadata.MD
	b, err := c.b.con.GetContractDocument(q.ctx, &contractsv1.GetContractDocumentRequest{Name: contractName(q.r),
		Format: docOption(q.r, "format", "pdf", "html"), Lang: docOption(q.r, "lang", "vi", "en")}, grpc.Header(&md))
	return sendDocument(q, b, md, err)
}

func (c *Console) statementDocument(q *rq) error {
	var md metadata.MD
	b, err := c.b.con.GetSettlementStatement(q.ctx, &contractsv1.GetSettlementStatementRequest{Name: contractName(q.r) + "/settlement",
		Household: q.r.URL.Query().Get("household"), Format: docOption(q.r, "format", "pdf", "html"), Lang: docOption(q.r, "lang", "vi", "en")}, grpc.Header(&md))
	return sendDocument(q, b, md, err)
}

func (c *Console) liquidationDocument(q *rq) error {
	var md metadata.MD
	b, err := c.b.con.GetLiquidationRecord(q.ctx, &contractsv1.GetLiquidationRecordRequest{Name: contractName(q.r),
		Format: docOption(q.r, "format", "pdf", "html"), Lang: docOption(q.r, "lang", "vi", "en")}, grpc.Header(&md))
	return sendDocument(q, b, md, err)
}

// sendDocument writes a rendered document with its file name and SHA-256 (or passes the
// error on to the console's error page).
func sendDocument(q *rq, b *httpbody.HttpBody, md metadata.MD, err error) error {
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", b.GetContentType())
	h.Set("Cache-Control", "private, no-store")
	for key, header := range map[string]string{"content-disposition": "Content-Disposition", "x-document-sha256": "X-Document-Sha256"} {
		if v := md.Get(key); len(v) == 1 && !strings.ContainsAny(v[0], "\r\n") {
			h.Set(header, v[0])
		}
	}
	_, _ = q.w.Write(b.GetData())
	return nil
}

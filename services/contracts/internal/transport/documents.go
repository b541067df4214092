package transport

import (
	"context"
	"mime"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// Documents travel as google.api.HttpBody (grpc-gateway writes it as the raw body with its
// content type); their SHA-256 and file name go in the response headers, which the gateway
// passes on as X-Document-Sha256 and Content-Disposition.
const (
	// HeaderDocumentSHA256 is the response header (gRPC metadata) with a document's SHA-256.
	HeaderDocumentSHA256 = "x-document-sha256"
	// HeaderContentDisposition is the response header with its file name.
	HeaderContentDisposition = "content-disposition"
)

// document sends d's headers and returns its body (or passes err on).
func document(ctx context.Context, d usecase.Document, err error) (*httpbody.HttpBody, error) {
	if err != nil {
		return nil, err
	}
	disp := mime.FormatMediaType("inline", map[string]string{"filename": d.FileName})
	if err := grpc.SetHeader(ctx, metadata.Pairs(HeaderDocumentSHA256, d.SHA256, HeaderContentDisposition, disp)); err != nil {
		return nil, err
	}
	return &httpbody.HttpBody{ContentType: d.ContentType, Data: d.Bytes}, nil
}

// GetContractDocument implements the RPC.
func (s *Server) GetContractDocument(ctx context.Context, req *contractsv1.GetContractDocumentRequest) (*httpbody.HttpBody, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.ContractDocument(ctx, p, usecase.DocumentRequest{Name: req.GetName(), Format: req.GetFormat(), Lang: req.GetLang(), Version: req.GetVersion()})
	return document(ctx, d, err)
}

// GetSettlementStatement implements the RPC.
func (s *Server) GetSettlementStatement(ctx context.Context, req *contractsv1.GetSettlementStatementRequest) (*httpbody.HttpBody, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.SettlementStatement(ctx, p, usecase.DocumentRequest{Name: req.GetName(), Format: req.GetFormat(), Lang: req.GetLang(), Household: req.GetHousehold()})
	return document(ctx, d, err)
}

// GetLiquidationRecord implements the RPC.
func (s *Server) GetLiquidationRecord(ctx context.Context, req *contractsv1.GetLiquidationRecordRequest) (*httpbody.HttpBody, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	d, err := s.uc.LiquidationRecord(ctx, p, usecase.DocumentRequest{Name: req.GetName(), Format: req.GetFormat(), Lang: req.GetLang()})
	return document(ctx, d, err)
}

var termsMatch = map[string]contractsv1.ContractVerification_TermsMatch{
	usecase.TermsCurrent: contractsv1.ContractVerification_TERMS_MATCH_CURRENT, usecase.TermsPast: contractsv1.ContractVerification_TERMS_MATCH_PAST,
	usecase.TermsPending: contractsv1.ContractVerification_TERMS_MATCH_PENDING, usecase.TermsNone: contractsv1.ContractVerification_TERMS_MATCH_NONE,
}

// VerifyContract implements the RPC.
func (s *Server) VerifyContract(ctx context.Context, req *contractsv1.VerifyContractRequest) (*contractsv1.ContractVerification, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.uc.VerifyContract(ctx, p, usecase.VerifyQuery{Name: req.GetName(), TermsHash: req.GetTermsHash(), DocumentSHA256: req.GetDocumentSha256()})
	return reply(v, err, func(v usecase.Verification) *contractsv1.ContractVerification {
		out := &contractsv1.ContractVerification{
			Name: v.Name, State: contractsv1.ContractState(contractsv1.ContractState_value["CONTRACT_STATE_"+v.State]), BuyerName: v.Buyer, ProducerName: v.Producer, WitnessAuthorityName: v.Witness,
			SignTime: ts(v.SignTime), WitnessTime: ts(v.WitnessTime), Amendment: v.Amendment, TermsHash: v.TermsHash,
			TermsMatch: termsMatch[v.TermsMatch], MatchedAmendment: v.MatchedAmendment, AuditHeadSequence: v.AuditHeadSeq, AuditHeadHash: v.AuditHeadHash,
			DocumentChecked: v.DocumentChecked,
		}
		if d := v.Document; d != nil {
			out.Document = &contractsv1.IssuedDocument{Kind: d.Kind, Amendment: d.Amendment, Lang: d.Lang, TermsHash: d.TermsHash, IssueTime: ts(d.IssueTime), Sha256: d.SHA256}
		}
		return out
	})
}

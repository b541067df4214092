package usecase

import (
	"context"
	"encoding/json"
	"regexp"
	"time"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// VerifyQuery asks what is publicly known of a contract, and optionally whether a terms hash
// or a document's SHA-256 is one of its own.
type VerifyQuery struct {
	Name           string
	TermsHash      string
	DocumentSHA256 string
}

// How a terms hash relates to a contract.
const (
	TermsCurrent = "CURRENT"
	TermsPast    = "PAST"
	TermsPending = "PENDING"
	TermsNone    = "NONE"
)

// Verification is the public facts of a contract: nothing about its households.
type Verification struct {
	Name, State              string
	Buyer, Producer, Witness string
	SignTime, WitnessTime    time.Time
	Amendment                int32
	TermsHash                string
	TermsMatch               string // "" when no hash was asked about
	MatchedAmendment         int32
	AuditHeadSeq             int64
	AuditHeadHash            string
	DocumentChecked          bool
	Document                 *domain.IssuedDocument
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// VerifyContract answers the public verification page. Only services (the gateway, with its
// own credentials) and operators may ask: the page itself is public, but it shows only what
// this returns.
func (s *Service) VerifyContract(ctx context.Context, p auth.Principal, q VerifyQuery) (Verification, error) {
	if !p.Privileged() {
		return Verification{}, apierr.PermissionDenied("verification facts are served to the gateway's verification page only")
	}
	var v apierr.Violations
	v.Check(q.TermsHash == "" || sha256Hex.MatchString(q.TermsHash), "terms_hash", "SHA256", "must be 64 lowercase hexadecimal digits")
	v.Check(q.DocumentSHA256 == "" || sha256Hex.MatchString(q.DocumentSHA256), "document_sha256", "SHA256", "must be 64 lowercase hexadecimal digits")
	if err := v.Err(); err != nil {
		return Verification{}, err
	}
	c, err := s.load(ctx, p, "name", q.Name)
	if err != nil {
		return Verification{}, err
	}
	names, err := s.names(ctx, c.Terms, nil)
	if err != nil {
		return Verification{}, err
	}
	out := Verification{
		Name: domain.ContractName(c.ID), State: c.State, Buyer: names.Buyer.DisplayName, Producer: names.Producer.DisplayName,
		Witness: names.Witness.DisplayName, Amendment: c.AmendmentCount, TermsHash: c.TermsHash, AuditHeadSeq: c.HeadSeq, AuditHeadHash: c.HeadHash,
	}
	out.SignTime, _ = domain.Concluded(c.Terms, c.Signatures)
	if v, _ := versionOf(c, 0); v.witness != nil {
		out.WitnessTime = v.witness.Time
	}
	if q.TermsHash != "" {
		if out.TermsMatch, out.MatchedAmendment, err = s.matchTerms(ctx, c, q.TermsHash); err != nil {
			return Verification{}, err
		}
	}
	if q.DocumentSHA256 != "" {
		out.DocumentChecked = true
		if out.Document, err = s.st.GetIssuedDocument(ctx, c.ID, q.DocumentSHA256); err != nil {
			return Verification{}, err
		}
	}
	return out, nil
}

// matchTerms says whether h is the hash of the contract's terms in force, of a proposed
// amendment, or of terms that were in force (witnessed) before an amendment replaced them.
func (s *Service) matchTerms(ctx context.Context, c *domain.Contract, h string) (string, int32, error) {
	switch {
	case h == c.TermsHash:
		return TermsCurrent, c.AmendmentCount, nil
	case c.PendingAmendment != nil && h == c.PendingAmendment.TermsHash:
		return TermsPending, c.PendingAmendment.Number, nil
	}
	evs, err := s.st.EventsOfType(ctx, c.ID, domain.EventContractWitnessed)
	if err != nil {
		return "", 0, err
	}
	for _, e := range evs {
		var w struct {
			TermsHash string `json:"terms_hash"`
			Amendment int32  `json:"amendment"`
		}
		if json.Unmarshal([]byte(e.Payload), &w) == nil && w.TermsHash == h {
			return TermsPast, w.Amendment, nil
		}
	}
	return TermsNone, 0, nil
}

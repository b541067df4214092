package usecase

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/contracts/internal/document"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Directory names a contract's parties, product and households (those listed) for its
// documents and its verification page.
type Directory interface {
	Names(ctx context.Context, t domain.Terms, households []string) (domain.Names, error)
}

// DocumentRequest asks for a document: Name is contracts/{id} (contracts/{id}/settlement for
// a settlement statement); Format "pdf" or "html", Lang "vi" or "en" ("" for the defaults);
// Version the amendment whose terms the contract document shows (0: the terms in force);
// Household the household of a settlement statement.
type DocumentRequest struct {
	Name      string
	Format    string
	Lang      string
	Version   int32
	Household string
}

// Document is a rendered document.
type Document struct {
	Kind        document.Kind
	ContentType string
	FileName    string
	// SHA256 is the hex SHA-256 of Bytes.
	SHA256 string
	Bytes  []byte
}

// options are a document request's validated format and language.
type options struct {
	format document.Format
	lang   document.Lang
}

func documentOptions(r DocumentRequest) (options, error) {
	var v apierr.Violations
	f, err := document.ParseFormat(r.Format)
	if err != nil {
		v.Add("format", "ENUM", "must be pdf or html")
	}
	l, err := document.ParseLang(r.Lang)
	if err != nil {
		v.Add("lang", "ENUM", "must be vi or en")
	}
	v.Check(r.Version >= 0, "version", "RANGE", "must not be negative")
	return options{format: f, lang: l}, v.Err()
}

// documentOf checks a document request's options and loads the contract (name) the caller
// may see.
func (s *Service) documentOf(ctx context.Context, p auth.Principal, r DocumentRequest, name string) (options, *domain.Contract, error) {
	opt, err := documentOptions(r)
	if err != nil {
		return options{}, nil, err
	}
	c, err := s.load(ctx, p, "name", name)
	return opt, c, err
}

// ContractDocument renders the contract (the terms in force, or amendment r.Version) for a
// caller who may see it; a PDF issued once the terms are submitted is recorded.
func (s *Service) ContractDocument(ctx context.Context, p auth.Principal, r DocumentRequest) (Document, error) {
	opt, c, err := s.documentOf(ctx, p, r, r.Name)
	if err != nil {
		return Document{}, err
	}
	v, err := versionOf(c, r.Version)
	if err != nil {
		return Document{}, err
	}
	names, err := s.names(ctx, v.terms, allHouseholds(v.terms))
	if err != nil {
		return Document{}, err
	}
	doc := document.Contract(document.ContractInput{
		ID: c.ID, DisplayName: c.DisplayName, State: c.State, Rulebook: or(c.RulebookVersion, c.Rulebook), RulebookTitles: s.rulebookTitles(c.Rulebook),
		Version: v.number, Pending: v.pending, Reason: v.reason, Terms: v.terms, TermsHash: v.hash, Signatures: v.sigs, Witness: v.witness,
		Names: names, VerifyURL: s.verifyURL(c.ID, v.hash), Created: c.CreateTime, Lang: opt.lang,
	})
	name := "HDLK-" + c.ID
	if v.number > 0 {
		name += fmt.Sprintf("-sua-doi-%d", v.number)
	}
	return s.issue(ctx, p, c, doc, opt, name, domain.IssuedDocument{Amendment: v.number, TermsHash: v.hash})
}

// termsVersion is one version of a contract's terms with its signatures and witness.
type termsVersion struct {
	number  int32
	pending bool
	reason  string
	terms   domain.Terms
	hash    string
	sigs    []domain.Signature
	witness *domain.Witness
}

// versionOf picks the terms in force (n 0 or the current amendment number) or the pending
// amendment. Superseded terms are not kept: their documents stay verifiable by hash.
func versionOf(c *domain.Contract, n int32) (termsVersion, error) {
	switch am := c.PendingAmendment; {
	case n == 0 || n == c.AmendmentCount:
		v := termsVersion{number: c.AmendmentCount, terms: c.Terms, hash: c.TermsHash, sigs: c.Signatures}
		if w := c.Witness; w != nil && w.RejectionReason == "" && w.TermsHash == c.TermsHash {
			v.witness = w
		}
		return v, nil
	case am != nil && n == am.Number:
		return termsVersion{number: am.Number, pending: true, reason: am.Reason, terms: am.Terms, hash: am.TermsHash, sigs: am.Signatures}, nil
	case n < c.AmendmentCount:
		return termsVersion{}, apierr.FailedPrecondition("VERSION_SUPERSEDED", fmt.Sprintf(
			"the terms of version %d were replaced by amendment %d and are not kept; documents issued for them remain verifiable by their SHA-256", n, c.AmendmentCount),
			map[string]string{"version": fmt.Sprint(n), "current": fmt.Sprint(c.AmendmentCount)})
	}
	return termsVersion{}, apierr.FailedPrecondition("NO_SUCH_VERSION", fmt.Sprintf("contract %s has no amendment %d", c.ID, n),
		map[string]string{"version": fmt.Sprint(n), "current": fmt.Sprint(c.AmendmentCount)})
}

// SettlementStatement renders one household's settlement statement: a household gets its
// own; the parties and officials who may see the contract name the household.
func (s *Service) SettlementStatement(ctx context.Context, p auth.Principal, r DocumentRequest) (Document, error) {
	contract, ok := strings.CutSuffix(r.Name, "/settlement")
	if !ok {
		return Document{}, apierr.Field("name", "RESOURCE_NAME", "must be contracts/{contract}/settlement")
	}
	opt, c, err := s.documentOf(ctx, p, r, contract)
	if err != nil {
		return Document{}, err
	}
	h, err := statementHousehold(p, c, r.Household)
	if err != nil {
		return Document{}, err
	}
	if err := c.RequireState(domain.ExecutedStates...); err != nil {
		return Document{}, err
	}
	st, rec, err := s.statement(ctx, c)
	if err != nil {
		return Document{}, err
	}
	names, err := s.names(ctx, c.Terms, []string{h})
	if err != nil {
		return Document{}, err
	}
	in := document.StatementInput{ContractID: c.ID, Amendment: c.AmendmentCount, Terms: c.Terms, TermsHash: c.TermsHash, Names: names, Household: h,
		Recovered: st.Recovered, VerifyURL: s.verifyURL(c.ID, c.TermsHash), Created: c.CreateTime, Lang: opt.lang}
	in.Line, in.Deliveries, in.Advances, in.Payments = householdRecords(st, rec, h)
	doc := document.Statement(in)
	name := "phieu-quyet-toan-" + c.ID + "-" + strings.TrimPrefix(h, "households/")
	return s.issue(ctx, p, c, doc, opt, name, domain.IssuedDocument{Amendment: c.AmendmentCount, TermsHash: c.TermsHash, Household: h})
}

// statementHousehold is the household whose statement p asks for: a household's own (it may
// not ask for another's); others must name one of the contract's households.
func statementHousehold(p auth.Principal, c *domain.Contract, asked string) (string, error) {
	if p.Is(auth.RoleHousehold) {
		if asked != "" && asked != p.Household {
			return "", apierr.PermissionDenied("a household gets only its own settlement statement")
		}
		asked = p.Household
	}
	if asked == "" {
		return "", apierr.Field("household", "REQUIRED", "name the household (households/{id}) whose statement you want")
	}
	if c.Terms.Allocation(asked) == nil {
		return "", apierr.Field("household", "NOT_IN_CONTRACT", "%s has no allocation in this contract", asked)
	}
	return asked, nil
}

// householdRecords are h's settlement line and records.
func householdRecords(st domain.Statement, r storage.Records, h string) (domain.Line, []domain.Delivery, []domain.Advance, []domain.Payment) {
	line := domain.Line{Household: h}
	for _, l := range st.Households {
		if l.Household == h {
			line = l
		}
	}
	return line, ofHousehold(r.Deliveries, h, func(d domain.Delivery) string { return d.Household }),
		ofHousehold(r.Advances, h, func(a domain.Advance) string { return a.Household }),
		ofHousehold(r.Payments, h, func(p domain.Payment) string { return p.Household })
}

// ofHousehold keeps the records of household h.
func ofHousehold[T any](xs []T, h string, household func(T) string) []T {
	var out []T
	for _, x := range xs {
		if household(x) == h {
			out = append(out, x)
		}
	}
	return out
}

// LiquidationRecord renders the liquidation record of a COMPLETED or LIQUIDATED contract.
func (s *Service) LiquidationRecord(ctx context.Context, p auth.Principal, r DocumentRequest) (Document, error) {
	opt, c, err := s.documentOf(ctx, p, r, r.Name)
	if err != nil {
		return Document{}, err
	}
	if err := c.RequireState(domain.LiquidationStates...); err != nil {
		return Document{}, err
	}
	st, _, err := s.statement(ctx, c)
	if err != nil {
		return Document{}, err
	}
	incidents, err := s.st.Incidents(ctx, c.ID)
	if err != nil {
		return Document{}, err
	}
	acks, err := s.acknowledgements(ctx, c)
	if err != nil {
		return Document{}, err
	}
	names, err := s.names(ctx, c.Terms, allHouseholds(c.Terms))
	if err != nil {
		return Document{}, err
	}
	v, _ := versionOf(c, 0)
	doc := document.Liquidation(document.LiquidationInput{ContractID: c.ID, Amendment: c.AmendmentCount, State: c.State, Terms: c.Terms, TermsHash: c.TermsHash,
		Names: names, Witness: v.witness, Statement: st, Incidents: incidents, Acknowledgements: acks, VerifyURL: s.verifyURL(c.ID, c.TermsHash),
		Created: c.CreateTime, Lang: opt.lang})
	return s.issue(ctx, p, c, doc, opt, "bien-ban-thanh-ly-"+c.ID, domain.IssuedDocument{Amendment: c.AmendmentCount, TermsHash: c.TermsHash})
}

// acknowledgements are the buyer's and producer's acknowledgements of the final settlement,
// from the audit chain.
func (s *Service) acknowledgements(ctx context.Context, c *domain.Contract) ([]document.Acknowledgement, error) {
	evs, err := s.st.EventsOfType(ctx, c.ID, domain.EventSettlementAcknowledge)
	if err != nil {
		return nil, err
	}
	var out []document.Acknowledgement
	for _, e := range evs {
		var pl struct {
			Organization string `json:"organization"`
		}
		if json.Unmarshal([]byte(e.Payload), &pl) != nil {
			continue
		}
		switch pl.Organization {
		case c.Terms.Buyer:
			out = append(out, document.Acknowledgement{Party: domain.PartyBuyer, Actor: e.Actor, Time: e.Time})
		case c.Terms.Producer:
			out = append(out, document.Acknowledgement{Party: domain.PartyProducer, Actor: e.Actor, Time: e.Time})
		}
	}
	return out, nil
}

// issue renders doc and, for a PDF of a contract whose terms are fixed, records its SHA-256
// in the contract's audit chain (once per distinct document).
func (s *Service) issue(ctx context.Context, p auth.Principal, c *domain.Contract, doc document.Doc, opt options, name string, rec domain.IssuedDocument) (Document, error) {
	b, err := document.Render(doc, opt.format)
	if err != nil {
		return Document{}, fmt.Errorf("render %s: %w", doc.Kind, err)
	}
	sum := sha256.Sum256(b)
	out := Document{Kind: doc.Kind, ContentType: opt.format.ContentType(), SHA256: hex.EncodeToString(sum[:]), Bytes: b}
	if opt.lang == document.English {
		name += "-en"
	}
	out.FileName = name + "." + string(opt.format)
	if opt.format != document.PDF || !slices.Contains(domain.DocumentStates, c.State) {
		return out, nil
	}
	rec.Kind, rec.SHA256, rec.Bytes, rec.Lang, rec.Format = string(doc.Kind), out.SHA256, int64(len(b)), string(opt.lang), string(opt.format)
	return out, s.recordIssued(ctx, p, c.ID, rec)
}

// recordIssued appends a document.issued event for rec unless that document was recorded
// before: one conditional write, decided on the current contract (the records of the events
// before it are written by then), so two concurrent requests record it once.
func (s *Service) recordIssued(ctx context.Context, p auth.Principal, id string, rec domain.IssuedDocument) error {
	if prev, err := s.st.GetIssuedDocument(ctx, id, rec.SHA256); err != nil || prev != nil {
		return err
	}
	_, err := s.commit(ctx, p, id, change{apply: func(*domain.Contract) (string, any, error) {
		prev, err := s.st.GetIssuedDocument(ctx, id, rec.SHA256)
		if err != nil {
			return "", nil, err
		}
		if prev != nil {
			return "", nil, storage.ErrUnchanged
		}
		return domain.EventDocumentIssued, storage.IssuedDocumentRecorded(rec), nil
	}})
	if errors.Is(err, storage.ErrUnchanged) {
		return nil
	}
	return err
}

// names asks the directory for the names a document shows.
func (s *Service) names(ctx context.Context, t domain.Terms, households []string) (domain.Names, error) {
	if s.dir == nil {
		return domain.Names{}, errors.New("no directory of names configured")
	}
	return s.dir.Names(ctx, t, households)
}

func allHouseholds(t domain.Terms) []string {
	out := make([]string, 0, len(t.Allocations))
	for _, a := range t.Allocations {
		out = append(out, a.Household)
	}
	return out
}

// rulebookTitles are the titles of a contract's rulebook chain, base first.
func (s *Service) rulebookTitles(rulebook string) []string {
	chain, _, _ := s.books.Resolve(rulebook)
	out := make([]string, 0, len(chain))
	for _, rb := range chain {
		out = append(out, rb.Title)
	}
	return out
}

// verifyURL is the public verification page of a contract's terms hash.
func (s *Service) verifyURL(id, termsHash string) string {
	return s.verifyBase + "/verify/" + id + "?h=" + termsHash
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

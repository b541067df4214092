// Package signin turns a person's OpenID Connect sign-in into a Lienket access token.
//
// The person signs in at an OpenID provider (authorization code + PKCE, see AuthCodeURL and
// Exchange); the gateway verifies the provider's ID token (issuer, audience, expiry, signature
// against the provider's published keys, nonce), finds the person bound to that identity in
// the registry (LookupIdentity, called with the gateway's own service credentials), and mints
// a Lienket token for one of the person's grants with the gateway's issuer key. The services
// verify that token exactly as any other Lienket token: every authorization rule stays there.
//
// The same exchange is offered to other clients (mobile apps) as an RFC 8693 token-exchange
// endpoint: see ExchangeHandler.
package signin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// MaxTokenTTL bounds the lifetime of the Lienket tokens minted here.
const MaxTokenTTL = 12 * time.Hour

// Config of OpenID Connect sign-in.
type Config struct {
	// Issuer is the OpenID provider's issuer URL (OIDC_ISSUER); discovery is read from
	// Issuer + "/.well-known/openid-configuration".
	Issuer string
	// ClientID and ClientSecret identify the console at the provider (OIDC_CLIENT_ID,
	// OIDC_CLIENT_SECRET; the secret may be empty for a public client, PKCE is always used).
	ClientID, ClientSecret string
	// RedirectURL is the console's callback registered at the provider (OIDC_REDIRECT_URL).
	RedirectURL string
	// ExchangeAudiences are further client ids (e.g. a mobile app's) whose ID tokens the token
	// exchange accepts besides ClientID's (OIDC_EXCHANGE_CLIENT_IDS).
	ExchangeAudiences []string
	// Scopes requested besides "openid" (default: profile, email).
	Scopes []string
	// TokenTTL is the lifetime of the Lienket tokens minted (LIENKET_TOKEN_TTL, default and
	// at most 12 h).
	TokenTTL time.Duration
	// MaxIDTokenAge: the token exchange refuses ID tokens issued longer ago than this
	// (OIDC_EXCHANGE_MAX_AGE, default 10 min), so that an ID token found later is worth little.
	MaxIDTokenAge time.Duration
}

// Directory finds the person bound to an OpenID identity: the registry's LookupIdentity,
// called with the gateway's service credentials.
type Directory interface {
	LookupIdentity(ctx context.Context, in *registryv1.LookupIdentityRequest, opts ...grpc.CallOption) (*registryv1.User, error)
}

// Errors of the exchange, for callers to tell the person what happened.
var (
	// ErrUnknownPerson: the identity is valid but bound to no one in the registry.
	ErrUnknownPerson = errors.New("this sign-in is not registered with Lienket")
	// ErrNoGrant: the person holds no active grant.
	ErrNoGrant = errors.New("the person holds no active grant")
	// ErrGrantNotHeld: the grant asked for is not one of the person's active grants.
	ErrGrantNotHeld = errors.New("the grant is not one of the person's active grants")
	// ErrChooseGrant: the person holds several grants and none was chosen.
	ErrChooseGrant = errors.New("the person holds several grants: choose one")
	// ErrInvalidIDToken: the ID token is not one the provider issued to an accepted client,
	// or has expired, or is too old for the exchange.
	ErrInvalidIDToken = errors.New("invalid ID token")
	// ErrUnavailable: the provider or the registry cannot be reached now.
	ErrUnavailable = errors.New("sign-in is temporarily unavailable")
)

// Service signs people in.
type Service struct {
	cfg    Config
	dir    Directory
	issuer *auth.Issuer
	client *http.Client
	now    func() time.Time

	mu   sync.Mutex
	prov *discovered
}

type discovered struct {
	provider   *oidc.Provider
	endSession string
}

// New returns the sign-in service. client is used for discovery and the provider's keys
// (nil: a client with a 10 s timeout). Discovery happens on first use and is retried until it
// succeeds, so the gateway starts even while the provider is down.
func New(cfg Config, dir Directory, issuer *auth.Issuer, client *http.Client) *Service {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.TokenTTL <= 0 || cfg.TokenTTL > MaxTokenTTL {
		cfg.TokenTTL = MaxTokenTTL
	}
	if cfg.MaxIDTokenAge <= 0 {
		cfg.MaxIDTokenAge = 10 * time.Minute
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{"profile", "email"}
	}
	return &Service{cfg: cfg, dir: dir, issuer: issuer, client: client, now: time.Now}
}

// Config returns the settings in force.
func (s *Service) Config() Config { return s.cfg }

// provider discovers the OpenID provider once.
func (s *Service) provider(ctx context.Context) (*discovered, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prov != nil {
		return s.prov, nil
	}
	dctx, cancel := context.WithTimeout(oidc.ClientContext(context.WithoutCancel(ctx), s.client), 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(dctx, s.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery of %s: %v", ErrUnavailable, s.cfg.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&meta)
	s.prov = &discovered{provider: p, endSession: meta.EndSession}
	return s.prov, nil
}

func (s *Service) oauth2(d *discovered) *oauth2.Config {
	return &oauth2.Config{
		ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret, RedirectURL: s.cfg.RedirectURL,
		Endpoint: d.provider.Endpoint(), Scopes: append([]string{oidc.ScopeOpenID}, s.cfg.Scopes...),
	}
}

// AuthCodeURL is where the browser goes to sign in: state and nonce bind the answer to this
// browser's sign-in, verifier is the PKCE code verifier (oauth2.GenerateVerifier).
func (s *Service) AuthCodeURL(ctx context.Context, state, nonce, verifier string) (string, error) {
	d, err := s.provider(ctx)
	if err != nil {
		return "", err
	}
	return s.oauth2(d).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// SignIn completes the authorization-code flow: it redeems code with the PKCE verifier,
// verifies the ID token and its nonce, and returns the identity.
func (s *Service) SignIn(ctx context.Context, code, verifier, nonce string) (Identity, error) {
	d, err := s.provider(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := s.oauth2(d).Exchange(oidc.ClientContext(ctx, s.client), code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Identity{}, fmt.Errorf("the provider refused the sign-in code: %s", re.ErrorCode)
		}
		return Identity{}, fmt.Errorf("%w: token endpoint: %v", ErrUnavailable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, errors.New("the provider returned no ID token")
	}
	id, err := s.verify(ctx, d, raw, []string{s.cfg.ClientID})
	if err != nil {
		return Identity{}, err
	}
	if id.nonce != nonce || nonce == "" {
		return Identity{}, fmt.Errorf("%w: it does not answer this sign-in (nonce)", ErrInvalidIDToken)
	}
	return id, nil
}

// Identity is a verified OpenID identity.
type Identity struct {
	// Issuer and Subject identify the person at the provider.
	Issuer, Subject string
	// Name and Email as the provider states them (for display only).
	Name, Email string
	// IssuedAt of the ID token.
	IssuedAt time.Time
	nonce    string
}

// VerifyIDToken verifies an ID token presented to the token exchange: signed by the provider,
// for the console's or an accepted client id, not expired, and issued recently.
func (s *Service) VerifyIDToken(ctx context.Context, raw string) (Identity, error) {
	d, err := s.provider(ctx)
	if err != nil {
		return Identity{}, err
	}
	id, err := s.verify(ctx, d, raw, append([]string{s.cfg.ClientID}, s.cfg.ExchangeAudiences...))
	if err != nil {
		return Identity{}, err
	}
	if age := s.now().Sub(id.IssuedAt); age > s.cfg.MaxIDTokenAge {
		return Identity{}, fmt.Errorf("%w: issued %s ago; at most %s is accepted", ErrInvalidIDToken, age.Round(time.Second), s.cfg.MaxIDTokenAge)
	}
	return id, nil
}

func (s *Service) verify(ctx context.Context, d *discovered, raw string, audiences []string) (Identity, error) {
	// The provider's shared key set (fetched with s.client, refreshed when an unknown key id
	// appears) checks the signature; the audience is checked below against several clients.
	v := d.provider.Verifier(&oidc.Config{SkipClientIDCheck: true, Now: s.now})
	t, err := v.Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidIDToken, err)
	}
	if !anyOf(t.Audience, audiences) {
		return Identity{}, fmt.Errorf("%w: audience %v is not an accepted client", ErrInvalidIDToken, t.Audience)
	}
	var c struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	_ = t.Claims(&c)
	return Identity{Issuer: t.Issuer, Subject: t.Subject, Name: c.Name, Email: c.Email, IssuedAt: t.IssuedAt, nonce: t.Nonce}, nil
}

func anyOf(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w && w != "" {
				return true
			}
		}
	}
	return false
}

// Person finds the person bound to id in the registry, with their active grants.
func (s *Service) Person(ctx context.Context, id Identity) (*registryv1.User, error) {
	u, err := s.dir.LookupIdentity(ctx, &registryv1.LookupIdentityRequest{Identity: &registryv1.Identity{Issuer: id.Issuer, Subject: id.Subject}})
	switch status.Code(err) {
	case codes.OK:
		return u, nil
	case codes.NotFound:
		return nil, ErrUnknownPerson
	case codes.Unavailable, codes.DeadlineExceeded:
		return nil, fmt.Errorf("%w: registry: %v", ErrUnavailable, status.Convert(err).Message())
	default:
		return nil, fmt.Errorf("identity lookup: %w", err)
	}
}

// Token is a minted Lienket access token.
type Token struct {
	// Value is the compact JWT.
	Value string
	// Expiry of the token.
	Expiry time.Time
	// Principal the token stands for.
	Principal auth.Principal
	// Grant it was minted for (users/{user}/grants/{grant}).
	Grant *registryv1.Grant
}

// ChooseGrant returns the grant of u named name; with name empty, the only grant u holds.
func ChooseGrant(u *registryv1.User, name string) (*registryv1.Grant, error) {
	gs := u.GetGrants()
	if len(gs) == 0 {
		return nil, ErrNoGrant
	}
	if name == "" {
		if len(gs) > 1 {
			return nil, ErrChooseGrant
		}
		return gs[0], nil
	}
	for _, g := range gs {
		if g.GetName() == name {
			return g, nil
		}
	}
	return nil, ErrGrantNotHeld
}

// Mint mints a Lienket token for u acting in grant g (one of u's grants).
func (s *Service) Mint(u *registryv1.User, g *registryv1.Grant) (Token, error) {
	p, err := PrincipalFor(u, g)
	if err != nil {
		return Token{}, err
	}
	tok, err := s.issuer.Mint(p, s.cfg.TokenTTL)
	if err != nil {
		return Token{}, err
	}
	return Token{Value: tok, Expiry: s.now().Add(s.cfg.TokenTTL), Principal: p, Grant: g}, nil
}

// PrincipalFor is the principal of person u acting in grant g: subject users/{id}, the grant's
// role, and its scope (organisation, household, or the authority's admin area).
func PrincipalFor(u *registryv1.User, g *registryv1.Grant) (auth.Principal, error) {
	if !strings.HasPrefix(u.GetName(), "users/") {
		return auth.Principal{}, fmt.Errorf("person without a users/ name")
	}
	p := auth.Principal{Subject: u.GetName()}
	switch g.GetRole() {
	case registryv1.Grant_ROLE_ADMIN:
		p.Role = auth.RoleAdmin
	case registryv1.Grant_ROLE_BUSINESS:
		p.Role, p.Organization = auth.RoleBusiness, g.GetOrganization()
	case registryv1.Grant_ROLE_PRODUCER:
		p.Role, p.Organization = auth.RoleProducer, g.GetOrganization()
	case registryv1.Grant_ROLE_HOUSEHOLD:
		p.Role, p.Household = auth.RoleHousehold, g.GetHousehold()
	case registryv1.Grant_ROLE_COMMUNE_OFFICIAL:
		p.Role, p.AdminArea = auth.RoleCommuneOfficial, g.GetAdminAreaCode()
	case registryv1.Grant_ROLE_PROVINCE_OFFICIAL:
		p.Role, p.AdminArea = auth.RoleProvinceOfficial, g.GetAdminAreaCode()
	default:
		return auth.Principal{}, fmt.Errorf("grant %s has no usable role", g.GetName())
	}
	if err := p.Validate(); err != nil {
		return auth.Principal{}, fmt.Errorf("grant %s: %w", g.GetName(), err)
	}
	return p, nil
}

// EndSessionURL is the provider's RP-initiated logout URL that returns to postLogout, or ""
// when the provider offers none (or cannot be reached now).
func (s *Service) EndSessionURL(ctx context.Context, postLogout string) string {
	d, err := s.provider(ctx)
	if err != nil || d.endSession == "" {
		return ""
	}
	sep := "?"
	if strings.Contains(d.endSession, "?") {
		sep = "&"
	}
	q := url.Values{"client_id": {s.cfg.ClientID}, "post_logout_redirect_uri": {postLogout}}
	return d.endSession + sep + q.Encode()
}

package devoidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// storage is the provider's in-memory state: people and clients (fixed at start), sign-in
// requests, codes and access tokens (short-lived), and an RSA signing key made at start.
type storage struct {
	people  map[string]Person // by username
	subject map[string]Person // by subject
	clients map[string]Client

	key   *rsa.PrivateKey
	keyID string

	mu       sync.Mutex
	requests map[string]*authRequest
	codes    map[string]string // code → request id
	tokens   map[string]accessToken
	now      func() time.Time
}

type accessToken struct {
	subject, clientID string
	scopes            []string
	expires           time.Time
}

// requestLifetime bounds how long a sign-in may take between the authorize call and the
// code's redemption.
const requestLifetime = 10 * time.Minute

func newStorage(people []Person, clients []Client) (*storage, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	s := &storage{people: map[string]Person{}, subject: map[string]Person{}, clients: map[string]Client{}, key: k, keyID: uuid.NewString(),
		requests: map[string]*authRequest{}, codes: map[string]string{}, tokens: map[string]accessToken{}, now: time.Now}
	for _, p := range people {
		if p.Username == "" || p.Subject == "" || p.Password == "" {
			return nil, fmt.Errorf("person %q needs a username, a subject and a password", p.Username)
		}
		s.people[p.Username], s.subject[p.Subject] = p, p
	}
	for _, c := range clients {
		if c.ID == "" || len(c.RedirectURIs) == 0 {
			return nil, fmt.Errorf("client %q needs an id and a redirect URI", c.ID)
		}
		s.clients[c.ID] = c
	}
	return s, nil
}

// authenticate checks a person's password for the sign-in request id and marks it done.
func (s *storage) authenticate(username, password, id string) error {
	p, ok := s.people[username]
	// Compare anyway, so that an unknown name takes as long as a wrong password.
	want := p.Password
	if !ok {
		want = "\x00unknown"
	}
	if subtle.ConstantTimeCompare([]byte(password), []byte(want)) != 1 || !ok {
		return errors.New("wrong username or password")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok || s.now().After(r.created.Add(requestLifetime)) {
		return errors.New("this sign-in has expired; start again from the application")
	}
	r.subject, r.authTime, r.done = p.Subject, s.now(), true
	return nil
}

// request returns a pending sign-in request (for the login page).
func (s *storage) request(id string) (*authRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	return r, ok && s.now().Before(r.created.Add(requestLifetime))
}

// sweep forgets expired requests and tokens.
func (s *storage) sweep() {
	now := s.now()
	for id, r := range s.requests {
		if now.After(r.created.Add(requestLifetime)) {
			delete(s.requests, id)
		}
	}
	for c, id := range s.codes {
		if _, ok := s.requests[id]; !ok {
			delete(s.codes, c)
		}
	}
	for id, t := range s.tokens {
		if now.After(t.expires) {
			delete(s.tokens, id)
		}
	}
}

// --- op.AuthStorage

func (s *storage) CreateAuthRequest(_ context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep()
	if len(s.requests) > 10_000 {
		return nil, oidc.ErrServerError().WithDescription("too many sign-ins in progress")
	}
	ar := &authRequest{id: uuid.NewString(), created: s.now(), req: *r}
	if r.CodeChallenge != "" {
		ar.challenge = &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod}
	}
	s.requests[ar.id] = ar
	return ar, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	if r, ok := s.request(id); ok {
		return r, nil
	}
	return nil, errors.New("sign-in request not found")
}

func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	id, ok := s.codes[code]
	s.mu.Unlock()
	if !ok {
		return nil, errors.New("code not found")
	}
	return s.AuthRequestByID(context.Background(), id)
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[id]; !ok {
		return errors.New("sign-in request not found")
	}
	s.codes[code] = id
	return nil
}

// DeleteAuthRequest forgets a request once its code is redeemed: a code works once.
func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.requests, id)
	for c, rid := range s.codes {
		if rid == id {
			delete(s.codes, c)
		}
	}
	return nil
}

func (s *storage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	clientID := ""
	if ar, ok := req.(*authRequest); ok {
		clientID = ar.GetClientID()
	}
	id := uuid.NewString()
	exp := s.now().Add(10 * time.Minute)
	s.mu.Lock()
	s.tokens[id] = accessToken{subject: req.GetSubject(), clientID: clientID, scopes: req.GetScopes(), expires: exp}
	s.mu.Unlock()
	return id, exp, nil
}

func (s *storage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens are not offered")
}

func (s *storage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}

// TerminateSession: the provider keeps no single-sign-on session, so signing out at the
// application is enough; the access tokens of the person at that client are dropped.
func (s *storage) TerminateSession(_ context.Context, userID, clientID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, t := range s.tokens {
		if t.subject == userID && t.clientID == clientID {
			delete(s.tokens, id)
		}
	}
	return nil
}

func (s *storage) RevokeToken(_ context.Context, tokenID, _, _ string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tokenID)
	return nil
}

func (s *storage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return signingKey{id: s.keyID, key: s.key}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{signingKey{id: s.keyID, key: s.key}}}, nil
}

// --- op.OPStorage

func (s *storage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	c, ok := s.clients[id]
	if !ok {
		return nil, errors.New("unknown client")
	}
	return client{c}, nil
}

func (s *storage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	c, ok := s.clients[id]
	if !ok || c.Secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) != 1 {
		return errors.New("invalid client credentials")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest puts the person's claims in the ID token, as far as the scopes ask.
func (s *storage) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	return s.userinfo(info, req.GetSubject(), scopes)
}

// token returns a live access token.
func (s *storage) token(id string) (accessToken, error) {
	s.mu.Lock()
	t, ok := s.tokens[id]
	s.mu.Unlock()
	if !ok || s.now().After(t.expires) {
		return accessToken{}, errors.New("token expired or revoked")
	}
	return t, nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	t, err := s.token(tokenID)
	if err != nil {
		return err
	}
	return s.userinfo(info, t.subject, t.scopes)
}

func (s *storage) userinfo(info *oidc.UserInfo, subject string, scopes []string) error {
	p, ok := s.subject[subject]
	if !ok {
		return errors.New("unknown person")
	}
	info.Subject = p.Subject
	for _, sc := range scopes {
		switch sc {
		case oidc.ScopeProfile:
			info.Name, info.PreferredUsername = p.Name, p.Username
			info.Locale = oidc.NewLocale(viLocale)
		case oidc.ScopeEmail:
			info.Email, info.EmailVerified = p.Email, oidc.Bool(p.Email != "")
		case oidc.ScopePhone:
			info.PhoneNumber = p.Phone
		}
	}
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, r *oidc.IntrospectionResponse, tokenID, _, clientID string) error {
	t, err := s.token(tokenID)
	if err != nil {
		return err
	}
	r.Active, r.Subject, r.ClientID, r.Scope = true, t.subject, clientID, oidc.SpaceDelimitedArray(t.scopes)
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("client keys are not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("JWT profile grants are not supported")
}

func (s *storage) Health(context.Context) error { return nil }

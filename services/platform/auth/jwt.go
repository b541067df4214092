package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the JWT claims Lienket issues and accepts.
type Claims struct {
	jwt.RegisteredClaims
	Role      string `json:"role"`
	Org       string `json:"org,omitempty"`
	Household string `json:"household,omitempty"`
	Area      string `json:"area,omitempty"`
}

// Policy bounds the tokens a Verifier accepts beyond their signature, issuer and audience.
type Policy struct {
	// MaxLifetime is the longest a token may be valid (exp − iat, or exp − now without iat).
	MaxLifetime time.Duration
	// MaxPartnerLifetime is the same for partner tokens (exchanged from API keys at the edge).
	MaxPartnerLifetime time.Duration
	// Skew is the clock difference tolerated on exp, nbf and iat.
	Skew time.Duration
}

// DefaultPolicy: 12 h for people and services, 15 min for partner tokens, 30 s of skew.
var DefaultPolicy = Policy{MaxLifetime: 12 * time.Hour, MaxPartnerLifetime: 15 * time.Minute, Skew: 30 * time.Second}

// Why a token was refused: the metadata "token_error" of an UNAUTHENTICATED error, so a client
// (and a test) can tell an expired token from a forged one.
const (
	TokenMalformed      = "MALFORMED"
	TokenAlgorithm      = "ALGORITHM_NOT_ALLOWED"
	TokenSignature      = "BAD_SIGNATURE"
	TokenIssuer         = "WRONG_ISSUER"
	TokenAudience       = "WRONG_AUDIENCE"
	TokenExpired        = "EXPIRED"
	TokenNoExpiry       = "NO_EXPIRY"
	TokenNotYetValid    = "NOT_YET_VALID"
	TokenIssuedInFuture = "ISSUED_IN_FUTURE"
	TokenTooLong        = "LIFETIME_TOO_LONG"
	TokenClaims         = "BAD_CLAIMS"
	TokenNoKeys         = "NO_TRUSTED_KEYS"
)

// RefusedError says why a token was refused (Reason is one of the Token* constants).
type RefusedError struct {
	Reason string
	Err    error
}

func (e *RefusedError) Error() string {
	return strings.ToLower(strings.ReplaceAll(e.Reason, "_", " ")) + ": " + e.Err.Error()
}
func (e *RefusedError) Unwrap() error { return e.Err }

// RefusalReason returns the Token* reason of a verification error ("" for nil).
func RefusalReason(err error) string {
	var re *RefusedError
	if errors.As(err, &re) {
		return re.Reason
	}
	if err != nil {
		return TokenMalformed
	}
	return ""
}

func refused(reason string, err error) error { return &RefusedError{Reason: reason, Err: err} }

// classify names the reason of a jwt library error.
func classify(err error) error {
	for _, c := range []struct {
		target error
		reason string
	}{
		{jwt.ErrTokenSignatureInvalid, TokenSignature},
		{jwt.ErrTokenExpired, TokenExpired},
		{jwt.ErrTokenNotValidYet, TokenNotYetValid},
		{jwt.ErrTokenUsedBeforeIssued, TokenIssuedInFuture},
		{jwt.ErrTokenInvalidIssuer, TokenIssuer},
		{jwt.ErrTokenInvalidAudience, TokenAudience},
		{jwt.ErrTokenRequiredClaimMissing, TokenNoExpiry},
		{jwt.ErrTokenUnverifiable, TokenAlgorithm},
	} {
		if errors.Is(err, c.target) {
			return refused(c.reason, err)
		}
	}
	return refused(TokenMalformed, err)
}

// Verifier checks tokens: EdDSA only (no "none", no HS/RS confusion), the configured issuer and
// audience, a signature by one of the trusted keys, and the Policy: exp required, nbf and iat
// not in the future beyond the skew, and a bounded lifetime.
type Verifier struct {
	keys     []ed25519.PublicKey
	issuer   string
	audience string
	policy   Policy
	now      func() time.Time
}

// NewVerifier trusts keys for tokens of issuer and audience, under DefaultPolicy.
func NewVerifier(issuer, audience string, keys ...ed25519.PublicKey) *Verifier {
	return &Verifier{keys: keys, issuer: issuer, audience: audience, policy: DefaultPolicy, now: time.Now}
}

// WithPolicy returns a copy of v that applies p.
func (v *Verifier) WithPolicy(p Policy) *Verifier {
	c := *v
	c.policy = p
	return &c
}

// ErrNoKeys means no trusted key was configured.
var ErrNoKeys = errors.New("no trusted token keys configured")

// Verify parses and verifies a compact JWT and returns its principal. Errors are
// *RefusedError naming why.
func (v *Verifier) Verify(token string) (Principal, error) {
	if len(v.keys) == 0 {
		return Principal{}, refused(TokenNoKeys, ErrNoKeys)
	}
	if err := checkAlgorithm(token); err != nil {
		return Principal{}, err
	}
	var lastErr error
	for _, k := range v.keys {
		var c Claims
		_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return k, nil },
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(v.issuer),
			jwt.WithAudience(v.audience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithLeeway(v.policy.Skew),
			jwt.WithTimeFunc(v.now),
		)
		if err == nil {
			return v.principal(&c)
		}
		lastErr = classify(err)
		if !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			break
		}
	}
	return Principal{}, lastErr
}

// checkAlgorithm refuses any token whose header names another algorithm than EdDSA ("none",
// HMAC keyed with a public key, RSA…) before any key is tried.
func checkAlgorithm(token string) error {
	t, _, err := jwt.NewParser().ParseUnverified(token, &Claims{})
	if err != nil {
		return refused(TokenMalformed, err)
	}
	if alg, _ := t.Header["alg"].(string); alg != jwt.SigningMethodEdDSA.Alg() {
		return refused(TokenAlgorithm, fmt.Errorf("algorithm %q is not allowed (EdDSA only)", alg))
	}
	return nil
}

// principal checks the lifetime and the claims' scope of a verified token.
func (v *Verifier) principal(c *Claims) (Principal, error) {
	p := Principal{Subject: c.Subject, Role: Role(c.Role), Organization: c.Org, Household: c.Household, AdminArea: c.Area}
	if err := p.Validate(); err != nil {
		return Principal{}, refused(TokenClaims, err)
	}
	from := v.now()
	if c.IssuedAt != nil {
		from = c.IssuedAt.Time
	}
	limit := v.policy.MaxLifetime
	if p.Role == RolePartner {
		limit = v.policy.MaxPartnerLifetime
	}
	if life := c.ExpiresAt.Sub(from); limit > 0 && life > limit+v.policy.Skew {
		return Principal{}, refused(TokenTooLong, fmt.Errorf("valid for %s; %s tokens may be valid for at most %s", life.Round(time.Second), p.Role, limit))
	}
	return p, nil
}

// Issuer mints tokens with an Ed25519 private key: the development issuer, and each service's
// own credential for service-to-service calls.
type Issuer struct {
	key      ed25519.PrivateKey
	issuer   string
	audience string
	now      func() time.Time
}

// NewIssuer mints tokens for issuer and audience.
func NewIssuer(key ed25519.PrivateKey, issuer, audience string) *Issuer {
	return &Issuer{key: key, issuer: issuer, audience: audience, now: time.Now}
}

// Public returns the public key matching the issuer's key.
func (i *Issuer) Public() ed25519.PublicKey { return i.key.Public().(ed25519.PublicKey) }

// Mint signs a token for p valid for ttl.
func (i *Issuer) Mint(p Principal, ttl time.Duration) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	now := i.now()
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    i.issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{i.audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Role: string(p.Role), Org: p.Organization, Household: p.Household, Area: p.AdminArea,
	}
	return jwt.NewWithClaims(jwt.SigningMethodEdDSA, c).SignedString(i.key)
}

// GenerateKey makes a new Ed25519 key pair.
func GenerateKey() (ed25519.PrivateKey, error) {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	return k, err
}

// WriteKeyPair writes key as PKCS#8 PEM to path (mode 0600) and its public key to path's
// ".pub.pem" sibling.
func WriteKeyPair(path string, key ed25519.PrivateKey) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return err
	}
	return os.WriteFile(PublicPath(path), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644)
}

// PublicPath is where WriteKeyPair puts the public key of the private key at path.
func PublicPath(path string) string {
	return path[:len(path)-len(filepath.Ext(path))] + ".pub.pem"
}

// EnsureKeyPair loads the private key at path, creating a new pair when none exists (the
// development issuer of `make run`).
func EnsureKeyPair(path string) (ed25519.PrivateKey, error) {
	if k, err := LoadPrivateKey(path); err == nil {
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := GenerateKey()
	if err != nil {
		return nil, err
	}
	return k, WriteKeyPair(path, k)
}

// LoadPrivateKey reads a PKCS#8 PEM Ed25519 private key.
func LoadPrivateKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an Ed25519 key", path)
	}
	return ek, nil
}

// LoadPublicKeys reads PKIX PEM Ed25519 public keys; missing files are skipped and reported.
func LoadPublicKeys(paths ...string) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		blk, _ := pem.Decode(b)
		if blk == nil {
			return nil, fmt.Errorf("%s: no PEM block", p)
		}
		k, err := x509.ParsePKIXPublicKey(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		ek, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("%s: not an Ed25519 key", p)
		}
		out = append(out, ek)
	}
	return out, nil
}

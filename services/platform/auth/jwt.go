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

// Verifier checks tokens: EdDSA only (no "none", no HS/RS confusion), the configured issuer and
// audience, expiry with a small leeway, and a signature by one of the trusted keys.
type Verifier struct {
	keys     []ed25519.PublicKey
	issuer   string
	audience string
}

// NewVerifier trusts keys for tokens of issuer and audience.
func NewVerifier(issuer, audience string, keys ...ed25519.PublicKey) *Verifier {
	return &Verifier{keys: keys, issuer: issuer, audience: audience}
}

// ErrNoKeys means no trusted key was configured.
var ErrNoKeys = errors.New("no trusted token keys configured")

// Verify parses and verifies a compact JWT and returns its principal.
func (v *Verifier) Verify(token string) (Principal, error) {
	if len(v.keys) == 0 {
		return Principal{}, ErrNoKeys
	}
	var lastErr error
	for _, k := range v.keys {
		var c Claims
		_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return k, nil },
			jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
			jwt.WithIssuer(v.issuer),
			jwt.WithAudience(v.audience),
			jwt.WithExpirationRequired(),
			jwt.WithLeeway(30*time.Second),
		)
		if err == nil {
			p := Principal{Subject: c.Subject, Role: Role(c.Role), Organization: c.Org, Household: c.Household, AdminArea: c.Area}
			if err := p.Validate(); err != nil {
				return Principal{}, fmt.Errorf("token claims: %w", err)
			}
			return p, nil
		}
		lastErr = err
		if !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			break
		}
	}
	return Principal{}, lastErr
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

package domain

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Signing secrets. A webhook's secret must be usable to sign (HMAC needs the secret itself,
// a hash would not do), so it is stored encrypted: AES-256-GCM under a key derived (HKDF-SHA256)
// from the operator's WEBHOOK_SECRET_KEYS, with the webhook's name as additional data (a
// ciphertext copied to another webhook does not decrypt). The store alone — a backup, a
// replica, a database dump — does not reveal any secret; the key lives only in the process's
// environment (a Kubernetes Secret in production). Several keys may be configured: the first
// seals, all open, so the key can be rotated (each sealed secret names its key by id).

// SecretPrefix starts every signing secret, as the Standard Webhooks specification asks.
const SecretPrefix = "whsec_"

// secretBytes is the length of a signing secret (the specification asks for 24 to 64 bytes).
const secretBytes = 32

// NewSecret returns a fresh signing secret: "whsec_" + base64 of 32 random bytes.
func NewSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// ShownPrefix is the part of a secret shown in listings ("whsec_" and 4 characters).
func ShownPrefix(secret string) string {
	if len(secret) < len(SecretPrefix)+4 {
		return SecretPrefix
	}
	return secret[:len(SecretPrefix)+4]
}

// Sealed is a secret encrypted under one of the keyring's keys.
type Sealed struct {
	KeyID      string `bson:"key_id"`
	Nonce      []byte `bson:"nonce"`
	Ciphertext []byte `bson:"ciphertext"`
}

// Keyring seals and opens secrets.
type Keyring struct {
	keys []ringKey // the first seals
}

type ringKey struct {
	id   string
	aead cipher.AEAD
}

// MinKeyLength is the shortest key material accepted.
const MinKeyLength = 32

// NewKeyring derives one AES-256 key from each passphrase (at least MinKeyLength
// characters); the first seals new secrets.
func NewKeyring(passphrases ...string) (*Keyring, error) {
	if len(passphrases) == 0 {
		return nil, errors.New("no key")
	}
	kr := &Keyring{}
	for i, p := range passphrases {
		if len(p) < MinKeyLength {
			return nil, fmt.Errorf("key %d is %d characters: at least %d", i+1, len(p), MinKeyLength)
		}
		key, err := hkdf.Key(sha256.New, []byte(p), nil, "lienket webhook signing secrets v1", 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(append([]byte("key id\x00"), key...))
		kr.keys = append(kr.keys, ringKey{id: hex.EncodeToString(sum[:4]), aead: aead})
	}
	return kr, nil
}

// Seal encrypts secret for webhook name under the first key.
func (kr *Keyring) Seal(name, secret string) (Sealed, error) {
	k := kr.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("nonce: %w", err)
	}
	return Sealed{KeyID: k.id, Nonce: nonce, Ciphertext: k.aead.Seal(nil, nonce, []byte(secret), []byte(name))}, nil
}

// Open decrypts a secret of webhook name.
func (kr *Keyring) Open(name string, s Sealed) (string, error) {
	for _, k := range kr.keys {
		if k.id != s.KeyID {
			continue
		}
		p, err := k.aead.Open(nil, s.Nonce, s.Ciphertext, []byte(name))
		if err != nil {
			return "", fmt.Errorf("open the secret of %s: %w", name, err)
		}
		return string(p), nil
	}
	return "", fmt.Errorf("the secret of %s is sealed under key %s, which is not configured (WEBHOOK_SECRET_KEYS)", name, s.KeyID)
}

// Sign returns the webhook-signature header of a message: one "v1,<base64 HMAC-SHA256>" per
// secret (the current one, and a previous one during a rotation), space-separated, signed
// over "id.timestamp.body" as the Standard Webhooks specification defines (its reference Go
// library computes it).
func Sign(msgID string, ts time.Time, body []byte, secrets ...string) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		if strings.TrimPrefix(s, SecretPrefix) == "" {
			return "", errors.New("empty signing secret")
		}
		wh, err := standardwebhooks.NewWebhook(s)
		if err != nil {
			return "", fmt.Errorf("signing secret: %w", err)
		}
		sig, err := wh.Sign(msgID, ts, body)
		if err != nil {
			return "", fmt.Errorf("sign: %w", err)
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

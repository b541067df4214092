package domain

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// API-key secrets look like "lk_<prefix>_<secret>": the prefix (10 base32 characters) finds the
// key and is shown in listings; the 256-bit secret is never stored — only the SHA-256 of the
// whole string, compared in constant time. A fast hash is right here: the secret is random and
// high-entropy, so there is nothing to brute-force that a slow KDF would protect.
const (
	apiKeyScheme       = "lk"
	apiKeyPrefixBytes  = 6  // 10 base32 characters
	apiKeySecretBytes  = 32 // 256 bits
	apiKeyPrefixLen    = 10
	maxAPIKeySecretLen = 128
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewAPIKeySecret draws a fresh secret and returns its prefix and the whole secret.
func NewAPIKeySecret() (prefix, secret string, err error) {
	var p [apiKeyPrefixBytes]byte
	var s [apiKeySecretBytes]byte
	if _, err := rand.Read(p[:]); err != nil {
		return "", "", err
	}
	if _, err := rand.Read(s[:]); err != nil {
		return "", "", err
	}
	prefix = strings.ToLower(b32.EncodeToString(p[:]))
	return prefix, apiKeyScheme + "_" + prefix + "_" + base64.RawURLEncoding.EncodeToString(s[:]), nil
}

// HashAPIKeySecret is what the registry stores of a secret.
func HashAPIKeySecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// APIKeyPrefix returns the prefix of a presented secret, or false when it is not shaped like
// one of ours.
func APIKeyPrefix(secret string) (string, bool) {
	parts := strings.SplitN(secret, "_", 3)
	if len(parts) != 3 || parts[0] != apiKeyScheme || len(parts[1]) != apiKeyPrefixLen || len(secret) > maxAPIKeySecretLen {
		return "", false
	}
	return parts[1], true
}

// Matches reports whether secret is this key's, in constant time; a revoked key matches
// nothing.
func (k *APIKey) Matches(secret string) bool {
	return k.RevokeTime == nil && subtle.ConstantTimeCompare([]byte(k.SecretHash), []byte(HashAPIKeySecret(secret))) == 1
}

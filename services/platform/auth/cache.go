package auth

import (
	"crypto/sha256"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Cache remembers successful verifications, keyed by the SHA-256 of the token (never the
// token itself), so a token presented again — every call of a session, at the edge and in
// each service — costs a hash instead of an Ed25519 verification. An entry is used only while
// the token is unexpired and for at most the cache's TTL (so a key removed from a JWK Set stops
// being honoured within it); refusals are not cached. The cache is bounded (LRU).
//
// golang-lru's expirable LRU is used rather than a hand-written map: it is bounded, evicts by
// recency and by age, and is safe for concurrent use.
type Cache struct {
	next TokenVerifier
	lru  *expirable.LRU[[32]byte, cached]
	now  func() time.Time
}

type cached struct {
	p   Principal
	exp time.Time
}

// DefaultCacheTTL bounds how long a verification is reused.
const DefaultCacheTTL = 5 * time.Minute

// NewCache wraps next with a cache of size entries kept for at most ttl (0: DefaultCacheTTL).
func NewCache(next TokenVerifier, size int, ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = DefaultCacheTTL
	}
	return &Cache{next: next, lru: expirable.NewLRU[[32]byte, cached](size, nil, ttl), now: time.Now}
}

// Verify implements TokenVerifier.
func (c *Cache) Verify(token string) (Principal, error) {
	key := sha256.Sum256([]byte(token))
	if e, ok := c.lru.Get(key); ok {
		if c.now().Before(e.exp) {
			return e.p, nil
		}
		c.lru.Remove(key)
	}
	p, err := c.next.Verify(token)
	if err != nil {
		return Principal{}, err
	}
	if exp, ok := expiry(token); ok {
		c.lru.Add(key, cached{p: p, exp: exp})
	}
	return p, nil
}

// expiry reads the exp claim of a token that has just been verified.
func expiry(token string) (time.Time, bool) {
	var c Claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil || c.ExpiresAt == nil {
		return time.Time{}, false
	}
	return c.ExpiresAt.Time, true
}

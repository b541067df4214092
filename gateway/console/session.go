package console

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"
)

// Sessions live in the browser, in a cookie sealed with AES-256-GCM under the console's key
// (CONSOLE_SESSION_KEY): the gateway keeps no session state, so any replica serves any request.
// The cookie is HttpOnly, SameSite=Lax, and Secure (with the __Host- prefix) whenever the
// console is served over HTTPS. A session ends at the earlier of its Lienket token's expiry
// and its idle timeout; signing out clears the cookie and remembers the session id as revoked
// until its expiry (per process).

// session is what the console knows about the signed-in person.
type session struct {
	ID string `json:"id"`
	// User is users/{id}; Name the person's display name.
	User string `json:"u"`
	Name string `json:"n"`
	// Issuer and Subject of the OpenID identity (to read the person's current grants again).
	Issuer  string `json:"iss"`
	Subject string `json:"sub"`
	// The grant acting now ("" until the person has chosen one) and what it carries.
	Grant      string `json:"g,omitempty"`
	GrantLabel string `json:"gl,omitempty"`
	Role       string `json:"r,omitempty"`
	Org        string `json:"o,omitempty"`
	Household  string `json:"h,omitempty"`
	Area       string `json:"a,omitempty"`
	Authority  string `json:"au,omitempty"`
	Admin      bool   `json:"adm,omitempty"`
	Grants     int    `json:"gs,omitempty"` // how many grants the person holds
	// Token is the Lienket access token of the grant; Expires its expiry (Unix seconds).
	Token   string `json:"t,omitempty"`
	Expires int64  `json:"exp"`
	// Seen is the last activity (Unix seconds), for the idle timeout.
	Seen int64 `json:"seen"`
	// CSRF is the token every state-changing form carries.
	CSRF string `json:"csrf"`
}

// loginState binds the provider's answer to the browser that started the sign-in.
type loginState struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"next"`
	Expires  int64  `json:"exp"`
}

// sealer seals and opens cookie values.
type sealer struct{ aead cipher.AEAD }

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, errors.New("the session key must be 32 bytes")
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: g}, nil
}

// seal encrypts v; purpose (the cookie's name) is bound as additional data, so that one
// cookie's value is never accepted as another's.
func (s *sealer) seal(purpose string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, []byte(purpose))), nil
}

func (s *sealer) open(purpose, value string, v any) error {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return errors.New("malformed cookie")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(purpose))
	if err != nil {
		return errors.New("cookie not sealed by this console")
	}
	return json.Unmarshal(plain, v)
}

// randomToken returns 32 random bytes, base64url.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// cookies names and writes the console's cookies.
type cookies struct {
	secure bool
	path   string
}

func (c cookies) name(base string) string {
	if c.secure {
		return "__Host-" + base // Secure, Path=/, no Domain: cannot be set by a sibling host
	}
	return base
}

func (c cookies) set(w http.ResponseWriter, base, value string, maxAge time.Duration) {
	path := c.path
	if c.secure {
		path = "/" // required by the __Host- prefix
	}
	http.SetCookie(w, &http.Cookie{Name: c.name(base), Value: value, Path: path, MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

func (c cookies) clear(w http.ResponseWriter, base string) {
	path := c.path
	if c.secure {
		path = "/"
	}
	http.SetCookie(w, &http.Cookie{Name: c.name(base), Value: "", Path: path, MaxAge: -1, HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode})
}

// revoked remembers signed-out session ids until their expiry.
type revoked struct {
	mu  sync.Mutex
	ids map[string]time.Time
}

func (r *revoked) add(id string, until time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for k, t := range r.ids {
		if now.After(t) {
			delete(r.ids, k)
		}
	}
	r.ids[id] = until
}

func (r *revoked) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.ids[id]
	return ok
}

package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"net/url"
	"strconv"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Identity is an OpenID identity: the provider's issuer URL (exactly as in its ID tokens) and
// the person's subject there.
type Identity struct {
	Issuer  string `bson:"issuer"`
	Subject string `bson:"subject"`
}

// Key is the identity's fixed-length key, under which it is claimed and looked up (the
// issuer's length first, so that no other pair of strings gives the same input).
func (i Identity) Key() string {
	h := sha256.Sum256([]byte(strconv.Itoa(len(i.Issuer)) + ":" + i.Issuer + i.Subject))
	return hex.EncodeToString(h[:])
}

// User is a person who signs in to the console. Its grants are kept as their own resources.
type User struct {
	ID          string     `bson:"_id"`
	DisplayName string     `bson:"display_name"`
	Phone       string     `bson:"phone"`
	Email       string     `bson:"email,omitempty"`
	Identities  []Identity `bson:"identities,omitempty"`
	// IdentityKeys are the keys of Identities, for the lookup by identity.
	IdentityKeys []string `bson:"identity_keys,omitempty"`
	Stamp        `bson:",inline"`
}

// Bounds of a person's record.
const (
	// MaxIdentities is the most OpenID identities one person has bound.
	MaxIdentities = 10
	// MaxEmailLen is the longest e-mail address (RFC 5321 path limit).
	MaxEmailLen = 254
	// MaxSubjectLen is the longest OpenID subject (OpenID Connect Core: at most 255 ASCII
	// characters).
	MaxSubjectLen = 255
)

// ValidateUser checks u, normalises its phone to E.164 and derives its identity keys.
func ValidateUser(v *apierr.Violations, prefix string, u *User) {
	v.Text(prefix+".display_name", u.DisplayName, true, apierr.MaxNameText)
	if v.Required(prefix+".phone", u.Phone != "") {
		phone(v, prefix+".phone", &u.Phone)
	}
	if u.Email != "" {
		a, err := mail.ParseAddress(u.Email)
		v.Check(err == nil && a.Address == u.Email && len(u.Email) <= MaxEmailLen, prefix+".email", "EMAIL_FORMAT", "must be an e-mail address like name@example.vn")
	}
	validateIdentities(v, prefix+".identities", u)
}

func validateIdentities(v *apierr.Violations, field string, u *User) {
	v.Check(len(u.Identities) <= MaxIdentities, field, "MAX_ITEMS", "at most %d identities", MaxIdentities)
	u.IdentityKeys = u.IdentityKeys[:0]
	for i, id := range u.Identities {
		f := index(field, i)
		ValidateIdentity(v, f, id)
		k := id.Key()
		for _, seen := range u.IdentityKeys {
			v.Check(seen != k, f, "IDENTITY_DUPLICATE", "the identity is listed twice")
		}
		u.IdentityKeys = append(u.IdentityKeys, k)
	}
}

// ValidateIdentity checks an OpenID identity: an http(s) issuer URL without query or fragment
// (ISSUER_FORMAT) and a subject of printable ASCII (REQUIRED, MAX_LENGTH, SUBJECT_FORMAT).
func ValidateIdentity(v *apierr.Violations, field string, id Identity) {
	if v.Required(field+".issuer", id.Issuer != "") {
		iss, err := url.Parse(id.Issuer)
		v.Check(err == nil && (iss.Scheme == "https" || iss.Scheme == "http") && iss.Host != "" && iss.RawQuery == "" && iss.Fragment == "" && len(id.Issuer) <= apierr.MaxLineText,
			field+".issuer", "ISSUER_FORMAT", "must be the provider's issuer URL, e.g. https://accounts.example.vn")
	}
	v.Text(field+".subject", id.Subject, true, MaxSubjectLen)
	v.Check(printableASCII(id.Subject), field+".subject", "SUBJECT_FORMAT", "must be printable ASCII, as OpenID subjects are")
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// UserMask is what UpdateUser may change.
var UserMask = Mask[User]{
	Fields: map[string]func(dst, src *User){
		"display_name": func(d, s *User) { d.DisplayName = s.DisplayName },
		"phone":        func(d, s *User) { d.Phone = s.Phone },
		"email":        func(d, s *User) { d.Email = s.Email },
		"identities":   func(d, s *User) { d.Identities = s.Identities },
	},
}

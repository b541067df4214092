// Package aip implements the Google AIP conventions shared by every Lienket service: resource
// names and ids, page sizes and opaque page tokens, etags, idempotent create ids and a small,
// safe filter language.
package aip

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Page-size limits.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// PageSize clamps a requested page size; negative sizes are INVALID_ARGUMENT.
func PageSize(n int32) (int, error) {
	switch {
	case n < 0:
		return 0, apierr.Field("page_size", "PAGE_SIZE", "must not be negative")
	case n == 0:
		return DefaultPageSize, nil
	case n > MaxPageSize:
		return MaxPageSize, nil
	}
	return int(n), nil
}

// PageToken is the decoded content of an opaque page token: the sort key after which the next
// page starts, bound to the query it came from.
type PageToken struct {
	// After is the last key of the previous page.
	After string `json:"a"`
	// Query is a digest of the parent and filter; a token is only valid for the same query.
	Query string `json:"q"`
}

// QueryDigest binds a page token to the parts of a request that define the result set.
func QueryDigest(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(h[:8])
}

// EncodePageToken returns the opaque token for the next page.
func EncodePageToken(after, query string) string {
	b, _ := json.Marshal(PageToken{After: after, Query: query})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodePageToken parses a token; "" means the first page. A token from another query, or a
// malformed one, is INVALID_ARGUMENT.
func DecodePageToken(tok, query string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	var pt PageToken
	if err != nil || json.Unmarshal(b, &pt) != nil || pt.After == "" {
		return "", apierr.Field("page_token", "PAGE_TOKEN", "malformed page token")
	}
	if pt.Query != query {
		return "", apierr.Field("page_token", "PAGE_TOKEN", "page token belongs to a different query (filter or parent changed)")
	}
	return pt.After, nil
}

// NewID returns a new time-ordered resource id (UUIDv7).
func NewID() string { return uuid.Must(uuid.NewV7()).String() }

var idemNamespace = uuid.MustParse("8b1f6c9e-5a43-4c1b-9f0e-6f3f1f2d8c11")

// IDForRequest derives a resource id from an idempotency key: the same scope (method and
// caller) and request_id always give the same id, so a retried create collides on _id and
// returns the first result. An empty requestID gives a fresh id.
func IDForRequest(scope, requestID string) string {
	if requestID == "" {
		return NewID()
	}
	return uuid.NewSHA1(idemNamespace, []byte(scope+"\x00"+requestID)).String()
}

// RequestKey is the key under which a resource remembers a request it applied (AIP-155): a
// digest of the method, the caller and the request id ("" without a request id). Stored keys
// hold no NUL byte (PostgreSQL's jsonb refuses them) and nothing of the caller in clear.
func RequestKey(method, subject, requestID string) string {
	if requestID == "" {
		return ""
	}
	return requestKeyOf(method + "\x00" + subject + "\x00" + requestID)
}

// LegacyRequestKey is the RequestKey of a key stored before keys were digests (the method,
// caller and request id joined by NUL bytes), so that a request applied then is still
// recognised; any other key is returned as it is.
func LegacyRequestKey(k string) string {
	if !strings.Contains(k, "\x00") {
		return k
	}
	return requestKeyOf(k)
}

// LegacyRequestKeys applies LegacyRequestKey to every key, in place.
func LegacyRequestKeys(keys []string) {
	for i, k := range keys {
		keys[i] = LegacyRequestKey(k)
	}
}

func requestKeyOf(raw string) string {
	h := sha256.Sum256([]byte(raw))
	return "rk1:" + base64.RawURLEncoding.EncodeToString(h[:24])
}

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,128}$`)

// CheckRequestID validates an optional request_id.
func CheckRequestID(v *apierr.Violations, field, id string) {
	if id != "" {
		v.Check(requestIDRe.MatchString(id), field, "REQUEST_ID", "must be 1-128 characters of letters, digits and ._:/-")
	}
}

// Etag renders a version counter as an etag.
func Etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ParseEtag returns the version of an etag; "" means no precondition (0, true).
func ParseEtag(field, etag string) (int64, error) {
	if etag == "" {
		return 0, nil
	}
	s := strings.TrimPrefix(etag, "W/")
	s = strings.Trim(s, `"`)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, apierr.Field(field, "ETAG_FORMAT", "malformed etag %q", etag)
	}
	return n, nil
}

var idRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`)

// ParseName splits a resource name against a pattern of collection/{id} pairs, e.g.
// ParseName("organization.name", "organizations/abc/members/def", "organizations", "members")
// returns ["abc", "def"]. A malformed name is INVALID_ARGUMENT naming field.
func ParseName(field, name string, collections ...string) ([]string, error) {
	parts := strings.Split(name, "/")
	if name == "" {
		return nil, apierr.Field(field, "REQUIRED", "is required")
	}
	if len(parts) != 2*len(collections) {
		return nil, apierr.Field(field, "RESOURCE_NAME", "must be of the form %s", pattern(collections))
	}
	ids := make([]string, 0, len(collections))
	for i, c := range collections {
		if parts[2*i] != c || !idRe.MatchString(parts[2*i+1]) {
			return nil, apierr.Field(field, "RESOURCE_NAME", "must be of the form %s", pattern(collections))
		}
		ids = append(ids, parts[2*i+1])
	}
	return ids, nil
}

func pattern(cs []string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteByte('/')
		}
		fmt.Fprintf(&b, "%s/{%s}", c, strings.TrimSuffix(strings.TrimSuffix(c, "s"), "ie"))
	}
	return b.String()
}

// CheckEtag compares a request's etag (field) with the stored version of the resource name:
// an empty etag is no precondition; a malformed one is INVALID_ARGUMENT; a stale one ABORTED.
func CheckEtag(field, etag string, version int64, name string) error {
	v, err := ParseEtag(field, etag)
	if err != nil {
		return err
	}
	if v != 0 && v != version {
		return apierr.EtagMismatch(name)
	}
	return nil
}

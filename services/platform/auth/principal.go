// Package auth carries the caller's identity from the edge to every service and lets each
// service verify it itself: callers present a signed JWT (Ed25519, alg pinned to EdDSA) in the
// gRPC "authorization" metadata; the interceptor verifies issuer, audience, expiry and
// signature against the configured public keys and puts the Principal in the context.
package auth

import (
	"context"
	"fmt"
	"strings"
)

// Role is what a principal is allowed to act as.
type Role string

// Roles of the spec's "Identity and access" section, plus service for service-to-service calls.
const (
	RoleAdmin            Role = "admin"
	RoleBusiness         Role = "business"
	RoleProducer         Role = "producer"
	RoleHousehold        Role = "household"
	RoleCommuneOfficial  Role = "commune_official"
	RoleProvinceOfficial Role = "province_official"
	RolePartner          Role = "partner"
	RoleService          Role = "service"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleBusiness, RoleProducer, RoleHousehold, RoleCommuneOfficial, RoleProvinceOfficial, RolePartner, RoleService}

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("unknown role %q (roles: %s)", s, strings.Join(names, ", "))
}

// Principal is the verified identity of a caller.
type Principal struct {
	// Subject identifies the caller: "users/{id}", "apiKeys/{id}" or "services/{name}".
	Subject string `json:"sub"`
	// Role of the caller.
	Role Role `json:"role"`
	// Organization the caller acts for ("organizations/{id}"): business, producer, partner.
	Organization string `json:"org,omitempty"`
	// Household the caller is ("households/{id}"): household role.
	Household string `json:"household,omitempty"`
	// AdminArea code the caller's authority covers: commune or province officials.
	AdminArea string `json:"area,omitempty"`
}

// Validate checks that the principal carries the scope its role needs.
func (p Principal) Validate() error {
	if p.Subject == "" {
		return fmt.Errorf("missing subject")
	}
	switch p.Role {
	case RoleAdmin, RoleService:
	case RoleBusiness, RoleProducer, RolePartner:
		if !strings.HasPrefix(p.Organization, "organizations/") {
			return fmt.Errorf("role %s needs an organisation scope", p.Role)
		}
	case RoleHousehold:
		if !strings.HasPrefix(p.Household, "households/") {
			return fmt.Errorf("role household needs a household scope")
		}
	case RoleCommuneOfficial, RoleProvinceOfficial:
		if p.AdminArea == "" {
			return fmt.Errorf("role %s needs an admin-area scope", p.Role)
		}
	default:
		return fmt.Errorf("unknown role %q", p.Role)
	}
	return nil
}

// String renders the principal for logs and audit records (no secrets in it).
func (p Principal) String() string { return string(p.Role) + ":" + p.Subject }

// Is reports whether the principal has one of roles.
func (p Principal) Is(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// ActsFor reports whether the principal acts for organisation org (business, producer or
// partner scoped to it).
func (p Principal) ActsFor(org string) bool {
	return org != "" && p.Organization == org && p.Is(RoleBusiness, RoleProducer, RolePartner)
}

// Privileged reports whether the principal is an operator or a service.
func (p Principal) Privileged() bool { return p.Is(RoleAdmin, RoleService) }

type ctxKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the verified principal of the call.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

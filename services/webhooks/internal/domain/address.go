package domain

import (
	"fmt"
	"net/netip"
)

// Server-side request forgery: a webhook URL is chosen by a partner, and the dispatcher sends
// requests to it from inside the operator's network. CheckAddress decides, for the IP address
// a connection is about to be made to (after DNS resolution, so that a name that resolves to
// an internal address — or is re-pointed at one between check and use — is refused), whether
// the dispatcher may connect.

// alwaysBlocked are never reachable, not even in development: addresses that are not a
// destination (unspecified, which Linux treats as this host; multicast; broadcast; "this
// network") and the cloud instance-metadata endpoints.
var alwaysBlocked = prefixes(
	"0.0.0.0/8", "224.0.0.0/4", "255.255.255.255/32", "ff00::/8", "::/128",
	"169.254.169.254/32", // AWS, GCP, Azure, OpenStack… instance metadata
	"169.254.170.2/32",   // AWS ECS task metadata
	"100.100.100.200/32", // Alibaba Cloud metadata
	"fd00:ec2::254/128",  // AWS metadata over IPv6
)

// internal are the loopback, private, link-local, unique-local and other special-purpose
// ranges: allowed only with the explicit development setting.
var internal = prefixes(
	"127.0.0.0/8", "::1/128", // loopback
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", // RFC 1918 private
	"169.254.0.0/16", "fe80::/10", // link-local
	"fc00::/7",                                                                                          // unique-local
	"fec0::/10",                                                                                         // site-local (deprecated, still routed by some stacks)
	"100.64.0.0/10",                                                                                     // carrier-grade NAT shared space
	"192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", // IETF, documentation, benchmarking, reserved
	"2001:db8::/32", // documentation
	"::/96",         // IPv4-compatible (deprecated)
	"2001::/32",     // Teredo: the IPv4 end is obfuscated, cannot be checked
)

// Prefixes that embed an IPv4 address: the embedded address is checked too.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// AddressError says why an address may not be connected to.
type AddressError struct {
	Addr   netip.Addr
	Reason string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("address %s is refused: %s", e.Addr, e.Reason)
}

// CheckAddress returns an *AddressError when the dispatcher may not connect to ip: never to
// metadata, unspecified, multicast or broadcast addresses; to loopback, private, link-local,
// unique-local and other special-purpose addresses only when allowInternal (development).
// IPv4-mapped IPv6 addresses are checked as IPv4, and the IPv4 address inside NAT64 and 6to4
// addresses is checked as well.
func CheckAddress(ip netip.Addr, allowInternal bool) error {
	if !ip.IsValid() {
		return &AddressError{Addr: ip, Reason: "not an IP address"}
	}
	ip = ip.Unmap().WithZone("")
	if in(ip, alwaysBlocked) {
		return &AddressError{Addr: ip, Reason: "not a webhook destination (metadata, unspecified, multicast or broadcast)"}
	}
	if !allowInternal && in(ip, internal) {
		return &AddressError{Addr: ip, Reason: "loopback, private, link-local or reserved addresses are not webhook destinations"}
	}
	if ip.Is6() && (nat64.Contains(ip) || sixToFour.Contains(ip)) {
		if err := CheckAddress(embeddedV4(ip), allowInternal); err != nil {
			return &AddressError{Addr: ip, Reason: "embeds " + err.Error()}
		}
	}
	return nil
}

func in(ip netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// embeddedV4 is the IPv4 address of a NAT64 (last 32 bits) or 6to4 (bits 16-47) address.
func embeddedV4(ip netip.Addr) netip.Addr {
	b := ip.As16()
	if sixToFour.Contains(ip) {
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
	}
	return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
}

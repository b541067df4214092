// Package protoenum maps proto enum values to the plain names the domain uses and back:
// KIND_BUSINESS ⇄ BUSINESS. Transport packages use it at the proto boundary.
package protoenum

import (
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Name returns the domain name of an enum value: its proto name without prefix
// (KIND_BUSINESS → BUSINESS). The unspecified value and unknown numbers (which have no name)
// give "", so that validation reports the field as missing or invalid.
func Name(e protoreflect.Enum, prefix string) string {
	d := e.Descriptor().Values().ByNumber(e.Number())
	if d == nil || e.Number() == 0 {
		return ""
	}
	return strings.TrimPrefix(string(d.Name()), prefix)
}

// Number returns the enum number of a domain name under prefix in enum descriptor d
// (BUSINESS → KIND_BUSINESS's number), or 0 (unspecified) when there is none.
func Number(d protoreflect.EnumDescriptor, prefix, name string) protoreflect.EnumNumber {
	if name == "" {
		return 0
	}
	if v := d.Values().ByName(protoreflect.Name(prefix + name)); v != nil {
		return v.Number()
	}
	return 0
}

// Names lists the proto names of an enum's values, the unspecified one excepted (for filters
// that take enum values, and messages listing the accepted ones).
func Names(d protoreflect.EnumDescriptor) []string {
	var out []string
	for i := 0; i < d.Values().Len(); i++ {
		if v := d.Values().Get(i); v.Number() != 0 {
			out = append(out, string(v.Name()))
		}
	}
	return out
}

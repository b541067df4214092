package protoenum

import (
	"strconv"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// Input returns the domain name of an enum value a client sent. It is Name, except for a
// number the enum does not define: that gives "#<number>", which no domain name equals, so
// validation refuses the field (e.g. rule ENUM_VALUE) instead of taking it for unset — which
// an optional enum with a default (a membership's role) would silently accept.
func Input(e protoreflect.Enum, prefix string) string {
	if e.Number() != 0 && e.Descriptor().Values().ByNumber(e.Number()) == nil {
		return "#" + strconv.Itoa(int(e.Number()))
	}
	return Name(e, prefix)
}

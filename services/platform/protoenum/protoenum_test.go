package protoenum

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestRoundTrip(t *testing.T) {
	typ := descriptorpb.FieldDescriptorProto_TYPE_STRING
	require.Equal(t, "STRING", Name(typ, "TYPE_"))
	require.EqualValues(t, typ, Number(typ.Descriptor(), "TYPE_", "STRING"))
	require.EqualValues(t, 0, Number(typ.Descriptor(), "TYPE_", "NOPE"), "an unknown name is unspecified")
	require.EqualValues(t, 0, Number(typ.Descriptor(), "TYPE_", ""))
	require.Equal(t, "", Name(structpb.NullValue_NULL_VALUE, "NULL_"), "the zero value is unspecified")
	require.Equal(t, "", Name(descriptorpb.FieldDescriptorProto_Type(99), "TYPE_"), "an unknown number has no name")
	require.Empty(t, Names(structpb.NullValue_NULL_VALUE.Descriptor()), "only the zero value")
	require.Contains(t, Names(typ.Descriptor()), "TYPE_STRING")
}

package protoenum

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/descriptorpb"
)

func TestInput(t *testing.T) {
	require.Equal(t, "STRING", Input(descriptorpb.FieldDescriptorProto_TYPE_STRING, "TYPE_"))
	require.Equal(t, "", Input(descriptorpb.FieldDescriptorProto_Type(0), "TYPE_"), "unset")
	require.Equal(t, "#99", Input(descriptorpb.FieldDescriptorProto_Type(99), "TYPE_"), "an unknown number is not unset")
}

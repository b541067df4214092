package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/lienket/lienket/services/platform/apierr"
)

// Request decoding errors in the shape of every other error. grpc-gateway reports a body or
// query parameter it cannot decode as a bare INVALID_ARGUMENT carrying the decoder's text
// ("proto: (line 1:9): invalid value for enum field kind"). The gateway's decoder keeps what it
// read; when decoding fails it explains the failure against the message descriptor, and the
// error handler answers 400 with an ErrorInfo reason and a BadRequest violation per field.

// Reasons of request decoding errors (ErrorInfo.reason, and BadRequest field violation reasons).
const (
	ReasonMalformedJSON    = "MALFORMED_JSON"     // not JSON, truncated, trailing data, nesting too deep
	ReasonUnknownField     = "UNKNOWN_FIELD"      // a field the message does not have
	ReasonInvalidEnumValue = "INVALID_ENUM_VALUE" // not a value name of the enum; the accepted ones are listed
	ReasonValueOutOfRange  = "VALUE_OUT_OF_RANGE" // a number beyond its field's type (int32, int64, uint, float)
	ReasonInvalidValue     = "INVALID_VALUE"      // the wrong JSON type, or a value its type cannot hold (a fraction for an integer, a bad timestamp)
)

// maxDecodeDepth bounds the nesting the explanation walks (protojson's own limit is 100).
const maxDecodeDepth = 100

// decodeError is a request that could not be decoded, explained field by field.
type decodeError struct {
	reason     string      // ErrorInfo reason: that of the first violation
	violations []violation // field paths relative to the decoded message
}

type violation struct{ field, reason, msg string }

func (e *decodeError) Error() string {
	parts := make([]string, len(e.violations))
	for i, v := range e.violations {
		parts[i] = v.field + ": " + v.msg
	}
	return "cannot decode the request: " + strings.Join(parts, "; ")
}

// captureBody keeps the body as read (the body limit applies underneath), so the error handler
// can explain why it could not be decoded.
type captureBody struct {
	io.ReadCloser
	read bytes.Buffer
}

func (c *captureBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	c.read.Write(p[:n])
	return n, err
}

// captureDecodeErrors lets the error handler see the body a request could not be decoded from.
func captureDecodeErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = &captureBody{ReadCloser: r.Body}
		}
		next.ServeHTTP(w, r)
	})
}

// bodyMarshaler is the gateway's JSON marshaler. Its decoder reads the whole body and refuses
// data after the JSON value (runtime.JSONPb would ignore it).
type bodyMarshaler struct {
	*runtime.JSONPb
}

// ContentType of a document (google.api.HttpBody) is its own; of anything else, JSON's.
func (m bodyMarshaler) ContentType(v any) string {
	if b, ok := v.(*httpbody.HttpBody); ok {
		return b.GetContentType()
	}
	return m.JSONPb.ContentType(v)
}

// Marshal writes a document (google.api.HttpBody) as its raw bytes, anything else as JSON.
func (m bodyMarshaler) Marshal(v any) ([]byte, error) {
	if b, ok := v.(*httpbody.HttpBody); ok {
		return b.GetData(), nil
	}
	return m.JSONPb.Marshal(v)
}

func (m bodyMarshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return runtime.DecoderFunc(func(v any) error {
		raw, err := io.ReadAll(r)
		if err != nil {
			return err // the body limit's error becomes 413 in the error handler
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			return io.EOF // no body: an empty request message, as grpc-gateway expects
		}
		if err := m.JSONPb.Unmarshal(raw, v); err != nil {
			return err
		}
		if !singleJSONValue(raw) {
			return errors.New("unexpected data after the JSON value")
		}
		return nil
	})
}

func singleJSONValue(raw []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var skip json.RawMessage
	if dec.Decode(&skip) != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

// explain says why raw is not a JSON encoding of md, or returns nil when it is one; protojson's
// error is the last resort.
func explain(raw []byte, md protoreflect.MessageDescriptor) *decodeError {
	uerr := protojson.Unmarshal(raw, dynamicMessage(md))
	if uerr == nil && singleJSONValue(raw) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return malformed(jsonSyntax(err, raw))
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("unexpected data after the JSON value")
	}
	w := &walker{}
	w.message(doc, md, "", 0)
	if len(w.out) == 0 {
		return malformed(strings.TrimPrefix(uerr.Error(), "proto: "))
	}
	return &decodeError{reason: w.out[0].reason, violations: w.out}
}

func dynamicMessage(md protoreflect.MessageDescriptor) proto.Message {
	if mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName()); err == nil {
		return mt.New().Interface()
	}
	return dynamicpb.NewMessage(md)
}

func malformed(msg string) *decodeError {
	return &decodeError{reason: ReasonMalformedJSON, violations: []violation{{reason: ReasonMalformedJSON, msg: "malformed JSON: " + msg}}}
}

func jsonSyntax(err error, raw []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("unexpected end of the body after %d bytes", len(raw))
	}
	return err.Error()
}

// walker compares a decoded JSON document with a message descriptor, as protojson reads it.
type walker struct{ out []violation }

func (w *walker) add(field, reason, format string, args ...any) {
	w.out = append(w.out, violation{field: field, reason: reason, msg: fmt.Sprintf(format, args...)})
}

func join(prefix, name string) string {
	if prefix == "" || name == "" {
		return prefix + name
	}
	return prefix + "." + name
}

func (w *walker) message(v any, md protoreflect.MessageDescriptor, path string, depth int) {
	if depth > maxDecodeDepth {
		w.add(path, ReasonMalformedJSON, "nested more than %d levels deep", maxDecodeDepth)
		return
	}
	if isWellKnown(md) {
		w.wellKnown(v, md, path)
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		w.add(path, ReasonInvalidValue, "must be a JSON object, not %s", jsonType(v))
		return
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fd := md.Fields().ByJSONName(k)
		if fd == nil {
			fd = md.Fields().ByName(protoreflect.Name(k))
		}
		if fd == nil {
			w.add(join(path, k), ReasonUnknownField, "unknown field %q of %s", k, md.Name())
			continue
		}
		if obj[k] != nil {
			w.field(obj[k], fd, join(path, string(fd.Name())), depth)
		}
	}
}

func (w *walker) field(v any, fd protoreflect.FieldDescriptor, path string, depth int) {
	switch {
	case fd.IsList():
		list, ok := v.([]any)
		if !ok {
			w.add(path, ReasonInvalidValue, "must be a JSON array, not %s", jsonType(v))
			return
		}
		for i, e := range list {
			w.single(e, fd, fmt.Sprintf("%s[%d]", path, i), depth+1)
		}
	case fd.IsMap():
		obj, ok := v.(map[string]any)
		if !ok {
			w.add(path, ReasonInvalidValue, "must be a JSON object, not %s", jsonType(v))
			return
		}
		for k, e := range obj {
			w.single(e, fd.MapValue(), fmt.Sprintf("%s[%q]", path, k), depth+1)
		}
	default:
		w.single(v, fd, path, depth)
	}
}

// single checks one value of fd's kind (an element, for lists and maps).
func (w *walker) single(v any, fd protoreflect.FieldDescriptor, path string, depth int) {
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if v != nil {
			w.message(v, fd.Message(), path, depth+1)
		}
	case protoreflect.EnumKind:
		w.enum(v, fd.Enum(), path)
	case protoreflect.BoolKind:
		if _, ok := v.(bool); !ok {
			w.add(path, ReasonInvalidValue, "must be true or false, not %s", jsonType(v))
		}
	case protoreflect.StringKind:
		if _, ok := v.(string); !ok {
			w.add(path, ReasonInvalidValue, "must be a JSON string, not %s", jsonType(v))
		}
	case protoreflect.BytesKind:
		if _, ok := v.(string); !ok {
			w.add(path, ReasonInvalidValue, "must be a base64 JSON string, not %s", jsonType(v))
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		w.float(v, fd.Kind() == protoreflect.FloatKind, path)
	default:
		w.integer(v, fd.Kind(), path)
	}
}

func (w *walker) enum(v any, ed protoreflect.EnumDescriptor, path string) {
	switch x := v.(type) {
	case string:
		if ed.Values().ByName(protoreflect.Name(x)) == nil {
			w.add(path, ReasonInvalidEnumValue, "%q is not a value of %s; accepted: %s", x, ed.Name(), strings.Join(enumValues(ed), ", "))
		}
	case json.Number:
		if _, err := strconv.ParseInt(x.String(), 10, 32); err != nil {
			w.add(path, ReasonInvalidEnumValue, "%s is not a value of %s; accepted: %s", x, ed.Name(), strings.Join(enumValues(ed), ", "))
		}
	default:
		w.add(path, ReasonInvalidEnumValue, "must be one of %s, not %s", strings.Join(enumValues(ed), ", "), jsonType(v))
	}
}

// enumValues are the names a client may send: every value but the zero "unspecified" one.
func enumValues(ed protoreflect.EnumDescriptor) []string {
	var names []string
	for i := 0; i < ed.Values().Len(); i++ {
		if ev := ed.Values().Get(i); ev.Number() != 0 {
			names = append(names, string(ev.Name()))
		}
	}
	return names
}

var intRange = map[protoreflect.Kind][2]*big.Int{
	protoreflect.Int32Kind: {big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)}, protoreflect.Sint32Kind: {big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)},
	protoreflect.Sfixed32Kind: {big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)}, protoreflect.Uint32Kind: {big.NewInt(0), big.NewInt(math.MaxUint32)},
	protoreflect.Fixed32Kind: {big.NewInt(0), big.NewInt(math.MaxUint32)}, protoreflect.Int64Kind: {big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)},
	protoreflect.Sint64Kind: {big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)}, protoreflect.Sfixed64Kind: {big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)},
	protoreflect.Uint64Kind: {big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)}, protoreflect.Fixed64Kind: {big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)},
}

// integer checks a JSON number or numeric string for an integer field.
func (w *walker) integer(v any, kind protoreflect.Kind, path string) {
	text, ok := numberText(v)
	if !ok {
		w.add(path, ReasonInvalidValue, "must be an integer (a JSON number or a string of digits), not %s", jsonType(v))
		return
	}
	f, _, err := big.ParseFloat(text, 10, 256, big.ToNearestEven)
	if err != nil || f.IsInf() {
		w.add(path, ReasonInvalidValue, "%q is not a number", text)
		return
	}
	n, acc := f.Int(nil)
	if acc != big.Exact {
		w.add(path, ReasonInvalidValue, "%s is not a whole number", text)
		return
	}
	if r := intRange[kind]; n.Cmp(r[0]) < 0 || n.Cmp(r[1]) > 0 {
		w.add(path, ReasonValueOutOfRange, "%s is outside %s (%s to %s)", text, kind, r[0], r[1])
	}
}

func (w *walker) float(v any, single bool, path string) {
	text, ok := numberText(v)
	if !ok {
		w.add(path, ReasonInvalidValue, "must be a number, not %s", jsonType(v))
		return
	}
	switch text {
	case "NaN", "Infinity", "-Infinity":
		return
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		w.add(path, ReasonInvalidValue, "%q is not a number", text)
		return
	}
	if errors.Is(err, strconv.ErrRange) || (single && math.Abs(f) > math.MaxFloat32) {
		w.add(path, ReasonValueOutOfRange, "%s is outside the range of a %s", text, map[bool]string{true: "float", false: "double"}[single])
	}
}

func numberText(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		return x.String(), true
	case string:
		return strings.TrimSpace(x), x != ""
	}
	return "", false
}

func isWellKnown(md protoreflect.MessageDescriptor) bool {
	return md.ParentFile().Package() == "google.protobuf"
}

// wellKnown checks a google.protobuf type (Timestamp, FieldMask, wrappers…) with protojson.
func (w *walker) wellKnown(v any, md protoreflect.MessageDescriptor, path string) {
	mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
	if err != nil {
		return
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return
	}
	if err := protojson.Unmarshal(raw, mt.New().Interface()); err != nil {
		w.add(path, ReasonInvalidValue, "not a valid %s: %s", md.Name(), strings.TrimPrefix(err.Error(), "proto: "))
	}
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + x.String()
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// decodeFailure turns a request the gateway could not decode into 400 INVALID_ARGUMENT with
// ErrorInfo and BadRequest; ok is false when err is not such a failure.
func (idx *apiIndex) decodeFailure(ctx context.Context, r *http.Request, err error) (error, bool) {
	if st, ok := status.FromError(err); !ok || st.Code() != codes.InvalidArgument || len(st.Details()) > 0 {
		return nil, false
	}
	method, in := rpcInput(ctx)
	if in == nil {
		return nil, false
	}
	if cb, ok := r.Body.(*captureBody); ok && len(bytes.TrimSpace(cb.read.Bytes())) > 0 {
		prefix, target := idx.bodyTarget(method, in)
		if derr := explain(cb.read.Bytes(), target); derr != nil {
			return derr.status(prefix), true
		}
	}
	if qerr := explainQuery(r, in); qerr != nil {
		return qerr.status(""), true
	}
	return nil, false
}

// bodyTarget is the request field the RPC's body is decoded into ("organization" for
// `body: organization`) and its message; "" and the request itself for `body: "*"`.
func (idx *apiIndex) bodyTarget(method protoreflect.MethodDescriptor, in protoreflect.MessageDescriptor) (string, protoreflect.MessageDescriptor) {
	field := idx.bodies[string(method.Parent().Name())+"_"+string(method.Name())]
	if fd := in.Fields().ByName(protoreflect.Name(field)); fd != nil && fd.Message() != nil {
		return field, fd.Message()
	}
	return "", in
}

// status renders the failure; prefix is the request field the body was decoded into.
func (e *decodeError) status(prefix string) error {
	br := &errdetails.BadRequest{}
	msgs := make([]string, 0, len(e.violations))
	for _, v := range e.violations {
		field := join(prefix, v.field)
		if field == "" {
			field = "body"
		}
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: field, Description: fmt.Sprintf("[%s] %s", v.reason, v.msg), Reason: v.reason})
		msgs = append(msgs, field+": "+v.msg)
	}
	st := status.New(codes.InvalidArgument, "cannot decode the request: "+strings.Join(msgs, "; "))
	if ds, err := st.WithDetails(&errdetails.ErrorInfo{Reason: e.reason, Domain: apierr.Domain}, br); err == nil {
		st = ds
	}
	return st.Err()
}

// rpcInput is the RPC the route calls and its request message.
func rpcInput(ctx context.Context) (protoreflect.MethodDescriptor, protoreflect.MessageDescriptor) {
	method, ok := runtime.RPCMethod(ctx) // "/lienket.registry.v1.RegistryService/CreateOrganization"
	if !ok {
		return nil, nil
	}
	svc, name, ok := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	if !ok {
		return nil, nil
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return nil, nil
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok || sd.Methods().ByName(protoreflect.Name(name)) == nil {
		return nil, nil
	}
	md := sd.Methods().ByName(protoreflect.Name(name))
	return md, md.Input()
}

// explainQuery checks the query parameters as grpc-gateway reads them: field paths of the
// request message, one value per scalar.
func explainQuery(r *http.Request, in protoreflect.MessageDescriptor) *decodeError {
	w := &walker{}
	keys := make([]string, 0, len(r.URL.Query()))
	for k := range r.URL.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fd := queryField(in, k)
		if fd == nil || fd.Kind() == protoreflect.MessageKind {
			continue // grpc-gateway ignores unknown parameters; messages are read as their fields
		}
		for _, v := range r.URL.Query()[k] {
			w.queryValue(v, fd, k)
		}
	}
	if len(w.out) == 0 {
		return nil
	}
	return &decodeError{reason: w.out[0].reason, violations: w.out}
}

// queryValue checks one query parameter value: booleans and enum numbers are written as text.
func (w *walker) queryValue(v string, fd protoreflect.FieldDescriptor, path string) {
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if _, err := strconv.ParseBool(v); err != nil {
			w.add(path, ReasonInvalidValue, "%q is not true or false", v)
		}
	case protoreflect.EnumKind:
		if _, err := strconv.ParseInt(v, 10, 32); err != nil {
			w.enum(v, fd.Enum(), path)
		}
	default:
		w.single(v, fd, path, 0)
	}
}

func queryField(md protoreflect.MessageDescriptor, path string) protoreflect.FieldDescriptor {
	var fd protoreflect.FieldDescriptor
	for _, part := range strings.Split(path, ".") {
		if md == nil {
			return nil
		}
		if fd = md.Fields().ByName(protoreflect.Name(part)); fd == nil {
			fd = md.Fields().ByJSONName(part)
		}
		if fd == nil {
			return nil
		}
		md = fd.Message()
	}
	return fd
}

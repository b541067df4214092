package grpcserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Ledger records request ids with a digest of their content, and the first response
// (mongostore.RequestLedger).
type Ledger interface {
	Claim(ctx context.Context, key, digest string) (reused bool, response []byte, err error)
	Complete(ctx context.Context, key, digest string, response []byte) error
	Release(ctx context.Context, key, digest string) error
}

// ReasonRequestIDReused: the request id was used before for a request with other content.
const ReasonRequestIDReused = "REQUEST_ID_REUSED"

// requestIDs makes request_id mean what AIP-155 says. A request_id reused with other content
// is refused (ALREADY_EXISTS, reason REQUEST_ID_REUSED, HTTP 409) before the handler runs and
// writes anything. A retry with the same content gets the first call's response, kept by the
// ledger — even after the resource moved on (a retried last signature, after the witness made
// the contract ACTIVE, answers what the signature answered); while the first call is still
// running, or when the response carries a secret, the retry goes to the handler, whose own
// idempotency applies. The key is scoped by
// method and caller; the digest covers the whole request but its request_id. A request that
// fails releases its id, so it can be sent again, corrected.
func requestIDs(l Ledger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		m, ok := req.(proto.Message)
		if !ok {
			return h(ctx, req)
		}
		id, digest, ok := requestDigest(m)
		if !ok {
			return h(ctx, req)
		}
		p, _ := auth.FromContext(ctx)
		key := hashOf(info.FullMethod + "\x00" + p.Subject + "\x00" + id)
		reused, first, err := l.Claim(ctx, key, digest)
		if err != nil {
			return nil, err
		}
		if reused {
			return nil, apierr.New(codes.AlreadyExists, ReasonRequestIDReused, "request_id "+id+" was already used for a different request; use a new request_id for a new request", map[string]string{"request_id": id})
		}
		if first != nil {
			if resp, ok := decodeResponse(info.FullMethod, first); ok {
				return resp, nil
			}
		}
		resp, err := h(ctx, req)
		if err != nil {
			_ = l.Release(context.WithoutCancel(ctx), key, digest) // if it fails, a corrected retry needs a new id
			return nil, err
		}
		keep(ctx, l, key, digest, resp)
		return resp, nil
	}
}

// keep stores resp in the ledger for retries of key (if that fails, retries get the service's
// own answer); a response carrying a secret is not kept.
func keep(ctx context.Context, l Ledger, key, digest string, resp any) {
	if out, ok := resp.(proto.Message); ok && !carriesSecret(out) {
		if b, err := (proto.MarshalOptions{Deterministic: true}).Marshal(out); err == nil {
			_ = l.Complete(context.WithoutCancel(ctx), key, digest, b)
		}
	}
}

// carriesSecret reports a response with a non-empty top-level "secret" (an API key's, a
// webhook's signing secret): it is shown once and never stored in clear, so it is not kept in
// the ledger either — a retry gets the service's own idempotent answer.
func carriesSecret(m proto.Message) bool {
	f := m.ProtoReflect().Descriptor().Fields().ByName("secret")
	return f != nil && f.Kind() == protoreflect.StringKind && !f.IsList() && m.ProtoReflect().Get(f).String() != ""
}

// decodeResponse decodes a kept response of method ("/pkg.Service/Method") into its response
// type, found in the registry of generated types.
func decodeResponse(method string, b []byte) (proto.Message, bool) {
	svc, name, ok := strings.Cut(strings.TrimPrefix(method, "/"), "/")
	if !ok {
		return nil, false
	}
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(protoreflect.FullName(svc))
	if err != nil {
		return nil, false
	}
	sd, ok := d.(protoreflect.ServiceDescriptor)
	if !ok || sd.Methods().ByName(protoreflect.Name(name)) == nil {
		return nil, false
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(sd.Methods().ByName(protoreflect.Name(name)).Output().FullName())
	if err != nil {
		return nil, false
	}
	m := mt.New().Interface()
	if proto.Unmarshal(b, m) != nil {
		return nil, false
	}
	return m, true
}

// requestDigest returns a request's request_id and a digest of the rest of it; ok is false
// when the request has no request_id (or it is empty).
func requestDigest(m proto.Message) (id, digest string, ok bool) {
	f := m.ProtoReflect().Descriptor().Fields().ByName("request_id")
	if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
		return "", "", false
	}
	id = m.ProtoReflect().Get(f).String()
	if id == "" {
		return "", "", false
	}
	c := proto.Clone(m)
	c.ProtoReflect().Clear(f)
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	if err != nil {
		return "", "", false
	}
	return id, hashOf(string(b)), true
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

package grpcserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// Ledger records request ids with a digest of their content (mongostore.RequestLedger).
type Ledger interface {
	Claim(ctx context.Context, key, digest string) (reused bool, err error)
	Release(ctx context.Context, key, digest string) error
}

// ReasonRequestIDReused: the request id was used before for a request with other content.
const ReasonRequestIDReused = "REQUEST_ID_REUSED"

// requestIDs refuses a request_id reused with other content (ALREADY_EXISTS, reason
// REQUEST_ID_REUSED, HTTP 409), before the handler runs and writes anything. The same id and
// content goes through: the service's own idempotency returns the first result. The key is
// scoped by method and caller; the digest covers the whole request but its request_id. A
// request that fails releases its id, so it can be sent again, corrected.
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
		reused, err := l.Claim(ctx, key, digest)
		if err != nil {
			return nil, err
		}
		if reused {
			return nil, apierr.New(codes.AlreadyExists, ReasonRequestIDReused, "request_id "+id+" was already used for a different request; use a new request_id for a new request", map[string]string{"request_id": id})
		}
		resp, err := h(ctx, req)
		if err != nil {
			if rerr := l.Release(context.WithoutCancel(ctx), key, digest); rerr != nil {
				return nil, err // the id stays claimed; a corrected retry needs a new id
			}
		}
		return resp, err
	}
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

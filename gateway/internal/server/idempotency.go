package server

import (
	"context"
	"net/http"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/lienket/lienket/services/platform/apierr"
)

// IdempotencyKeyHeader is the HTTP header partners may use instead of a body request_id
// (the IETF httpapi draft's name, also used by Stripe and others).
const IdempotencyKeyHeader = "Idempotency-Key"

type idempotencyCtxKey struct{}

// idempotencyKey carries a POST's Idempotency-Key header to the backend call.
func idempotencyKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if k := r.Header.Get(IdempotencyKeyHeader); k != "" && r.Method == http.MethodPost {
			r = r.WithContext(context.WithValue(r.Context(), idempotencyCtxKey{}, k))
		}
		next.ServeHTTP(w, r)
	})
}

// idempotentConn is a backend connection that puts a request's Idempotency-Key into the
// request_id field of the method's request message, when it has one and it is empty. A body
// request_id that differs from the header is refused: one request, one idempotency key. The
// service validates and applies the key as if the client had sent request_id.
type idempotentConn struct {
	grpc.ClientConnInterface
}

// Invoke implements grpc.ClientConnInterface.
func (c idempotentConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	if key, ok := ctx.Value(idempotencyCtxKey{}).(string); ok {
		if m, ok := args.(proto.Message); ok {
			if err := applyIdempotencyKey(m.ProtoReflect(), key); err != nil {
				return err
			}
		}
	}
	return c.ClientConnInterface.Invoke(ctx, method, args, reply, opts...)
}

func applyIdempotencyKey(m protoreflect.Message, key string) error {
	f := m.Descriptor().Fields().ByName("request_id")
	if f == nil || f.Kind() != protoreflect.StringKind || f.IsList() {
		return nil // the method is idempotent by nature (or takes no key): nothing to apply
	}
	switch cur := m.Get(f).String(); {
	case cur == "":
		m.Set(f, protoreflect.ValueOfString(key))
	case cur != key:
		return apierr.Field("request_id", "IDEMPOTENCY_KEY_MISMATCH", "differs from the %s header; send one idempotency key", IdempotencyKeyHeader)
	}
	return nil
}

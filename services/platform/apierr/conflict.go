package apierr

import "google.golang.org/grpc/codes"

// Conflict reports a create or update refused because another resource already holds a value
// that must be unique (a tax code, a national ID number): ALREADY_EXISTS with reason. Layers
// that may not import gRPC (domain, usecase) build it here.
func Conflict(reason, msg string) error { return New(codes.AlreadyExists, reason, msg, nil) }

// Aborted reports a write that lost to a concurrent one and may simply be retried: ABORTED
// with reason (e.g. CONCURRENT_MODIFICATION).
func Aborted(reason, msg string) error { return New(codes.Aborted, reason, msg, nil) }

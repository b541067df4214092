package telemetry

import (
	"context"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// MongoMonitorOption sets MongoMonitor on a client's options (a mongostore.ClientOption).
func MongoMonitorOption() func(*options.ClientOptions) {
	return func(o *options.ClientOptions) { o.SetMonitor(MongoMonitor()) }
}

// MongoMonitor returns a command monitor that records a client span per MongoDB command
// (db.system=mongodb, db.operation.name, db.collection.name, db.namespace), as a child of the
// span in the command's context. Command bodies are not recorded (they hold personal data).
func MongoMonitor() *event.CommandMonitor {
	var spans sync.Map // request id → trace.Span
	tracer := otel.Tracer("lienket/mongo")
	end := func(id int64, err string) {
		if v, ok := spans.LoadAndDelete(id); ok {
			s := v.(trace.Span)
			if err != "" {
				s.SetStatus(codes.Error, err)
			}
			s.End()
		}
	}
	return &event.CommandMonitor{
		Started: func(ctx context.Context, e *event.CommandStartedEvent) {
			if !trace.SpanContextFromContext(ctx).IsValid() {
				return // only commands made on behalf of a traced request
			}
			attrs := []attribute.KeyValue{attribute.String("db.system", "mongodb"), attribute.String("db.operation.name", e.CommandName), attribute.String("db.namespace", e.DatabaseName)}
			if v, err := e.Command.Index(0).ValueErr(); err == nil {
				if coll, ok := v.StringValueOK(); ok {
					attrs = append(attrs, attribute.String("db.collection.name", coll))
				}
			}
			_, s := tracer.Start(ctx, "mongodb "+e.CommandName, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
			spans.Store(e.RequestID, s)
		},
		Succeeded: func(_ context.Context, e *event.CommandSucceededEvent) { end(e.RequestID, "") },
		Failed:    func(_ context.Context, e *event.CommandFailedEvent) { end(e.RequestID, e.Failure.Error()) },
	}
}

var _ = bson.Raw{}

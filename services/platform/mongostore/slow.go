package mongostore

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// SlowRead is how long a read may take before WarnSlowReads warns: past it, a page of a listing
// is no longer interactive. On the embedded store an unscoped page costs what the whole
// collection costs (README, "Limits"): this is the warning that a collection has grown past
// what that store can list.
const SlowRead = 200 * time.Millisecond

// AddMonitor adds m to a client's command monitor, after any monitor set before it.
func AddMonitor(m *event.CommandMonitor) ClientOption {
	return func(o *options.ClientOptions) {
		prev := o.Monitor
		if prev == nil {
			o.SetMonitor(m)
			return
		}
		o.SetMonitor(&event.CommandMonitor{
			Started: func(ctx context.Context, e *event.CommandStartedEvent) {
				callStarted(prev, ctx, e)
				callStarted(m, ctx, e)
			},
			Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
				if prev.Succeeded != nil {
					prev.Succeeded(ctx, e)
				}
				if m.Succeeded != nil {
					m.Succeeded(ctx, e)
				}
			},
			Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
				if prev.Failed != nil {
					prev.Failed(ctx, e)
				}
				if m.Failed != nil {
					m.Failed(ctx, e)
				}
			},
		})
	}
}

func callStarted(m *event.CommandMonitor, ctx context.Context, e *event.CommandStartedEvent) {
	if m.Started != nil {
		m.Started(ctx, e)
	}
}

// WarnSlowReads logs a warning for each read (find, aggregate, count, distinct) that takes
// longer than threshold, saying whether it was scoped — an equality a declared index serves —
// or unscoped (it reads the whole collection: on the embedded store its cost grows with the
// collection, on MongoDB a page in _id order stays cheap). Filters are described by their
// fields and value types only (values may be personal data).
func WarnSlowReads(log *slog.Logger, declared []Collection, threshold time.Duration) ClientOption {
	byName := map[string]Collection{}
	for _, c := range declared {
		byName[c.Name] = c
	}
	var pending sync.Map // request id → Query
	return AddMonitor(&event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			switch e.CommandName {
			case "find", "aggregate", "count", "distinct":
				if qs := QueriesOf(e.Command); len(qs) == 1 {
					pending.Store(e.RequestID, qs[0])
				}
			}
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			v, ok := pending.LoadAndDelete(e.RequestID)
			if !ok || e.Duration <= threshold {
				return
			}
			q := v.(Query)
			attrs := []any{"collection", q.Collection, "command", q.Command, "filter", q.Filter, "ms", e.Duration.Milliseconds()}
			if scoped(byName, q) {
				log.WarnContext(ctx, "slow store read: its scope holds more documents than a page reads in "+threshold.String()+" on this store", attrs...)
				return
			}
			log.WarnContext(ctx, "unscoped store read past "+threshold.String()+": it reads the whole collection, which has grown past what this store lists in a page (README, Limits); list by a scope or run on MongoDB", attrs...)
		},
		Failed: func(_ context.Context, e *event.CommandFailedEvent) { pending.Delete(e.RequestID) },
	})
}

// scoped reports whether a declared index serves every branch of q by an equality.
func scoped(byName map[string]Collection, q Query) bool {
	if len(checkQuery(byName, q)) > 0 {
		return false
	}
	for _, s := range q.Shapes {
		if len(s.Equal) == 0 {
			return false
		}
	}
	return true
}

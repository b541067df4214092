package testkit

import (
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Commands records every command a client sends (for the index coverage test: see
// mongostore.Check).
type Commands struct {
	mu   sync.Mutex
	cmds []bson.Raw
}

// Option records the commands of the client it is given to (after any monitor set before).
func (c *Commands) Option() mongostore.ClientOption {
	return func(o *options.ClientOptions) {
		prev := o.Monitor
		o.SetMonitor(&event.CommandMonitor{
			Started: func(ctx context.Context, e *event.CommandStartedEvent) {
				if prev != nil && prev.Started != nil {
					prev.Started(ctx, e)
				}
				c.mu.Lock()
				c.cmds = append(c.cmds, slices.Clone(e.Command)) // the event's bytes are reused
				c.mu.Unlock()
			},
			Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
				if prev != nil && prev.Succeeded != nil {
					prev.Succeeded(ctx, e)
				}
			},
			Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
				if prev != nil && prev.Failed != nil {
					prev.Failed(ctx, e)
				}
			},
		})
	}
}

// All returns the commands recorded so far.
func (c *Commands) All() []bson.Raw {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.cmds)
}

package testkit

import (
	"context"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"

	"github.com/lienket/lienket/services/platform/mongostore"
)

// Commands records every command a client sends (for the index coverage test: see
// mongostore.Check).
type Commands struct {
	mu   sync.Mutex
	cmds []bson.Raw
}

// Option records the commands of the client it is given to.
func (c *Commands) Option() mongostore.ClientOption {
	return mongostore.AddMonitor(&event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			c.mu.Lock()
			c.cmds = append(c.cmds, slices.Clone(e.Command)) // the event's bytes are reused
			c.mu.Unlock()
		},
	})
}

// All returns the commands recorded so far.
func (c *Commands) All() []bson.Raw {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.cmds)
}

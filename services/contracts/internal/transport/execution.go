package transport

import (
	"context"

	"github.com/lienket/lienket/services/platform/service"
)

// registerExecution prepares the execution side (deliveries, payments, settlement, incidents).
func (s *Server) registerExecution(context.Context, service.Deps) error { return nil }

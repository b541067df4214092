package app

import (
	"context"
	"errors"
	"strings"

	"github.com/lienket/lienket/services/contracts/auditchain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/mongostore"
)

// AuditEvents reads the audit log of contract (contracts/{id} or {id}) straight from the store
// at uri (database db), oldest first, as the service wrote it, for a verification tool
// (lienket-audit) to check with auditchain.Verify. It writes nothing: events still in the
// contract's outbox (a crash before they were moved) are not included. A contract without
// events is an error.
func AuditEvents(ctx context.Context, uri, db, contract string) ([]auditchain.Event, error) {
	c, err := mongostore.Connect(ctx, uri)
	if err != nil {
		return nil, err
	}
	defer func() { _ = c.Disconnect(context.WithoutCancel(ctx)) }()
	id := strings.TrimPrefix(contract, "contracts/")
	evs, err := storage.New(c.Database(db)).AuditEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, errors.New("no events for contracts/" + id)
	}
	return evs, nil
}

// Package transport maps the lienket.contracts.v1 gRPC API onto the domain and storage packages
// and enforces who may do what.

package transport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/contracts/rulebooks"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/service"
	"github.com/lienket/lienket/services/platform/telemetry"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
)

// Registry is what the contracts service asks the registry.
type Registry interface {
	GetOrganization(ctx context.Context, in *registryv1.GetOrganizationRequest, opts ...grpc.CallOption) (*registryv1.Organization, error)
	GetHousehold(ctx context.Context, in *registryv1.GetHouseholdRequest, opts ...grpc.CallOption) (*registryv1.Household, error)
	GetMembership(ctx context.Context, in *registryv1.GetMembershipRequest, opts ...grpc.CallOption) (*registryv1.Membership, error)
	GetAuthority(ctx context.Context, in *registryv1.GetAuthorityRequest, opts ...grpc.CallOption) (*registryv1.Authority, error)
	GetProduct(ctx context.Context, in *registryv1.GetProductRequest, opts ...grpc.CallOption) (*registryv1.Product, error)
	GetStandard(ctx context.Context, in *registryv1.GetStandardRequest, opts ...grpc.CallOption) (*registryv1.Standard, error)
}

// Server implements contractsv1.ContractsServiceServer.
type Server struct {
	contractsv1.UnimplementedContractsServiceServer
	st       *storage.Store
	books    domain.Rulebooks
	registry Registry
	ex       *storage.Execution
	log      *slog.Logger
	now      func() time.Time
	events   metric.Int64Counter
}

// Config is the contracts service's own settings.
type Config struct {
	// RegistryAddr is the registry's gRPC address (REGISTRY_ADDR).
	RegistryAddr string
}

// Register wires the service into s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	books, err := domain.LoadRulebooks(rulebooks.FS)
	if err != nil {
		return err
	}
	cc, err := d.Dial(cfg.RegistryAddr)
	if err != nil {
		return err
	}
	mp := d.Meter
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	meter := mp.Meter("lienket")
	events, err := meter.Int64Counter("lienket.contract.events", metric.WithDescription("Audit events appended to contracts, by type (contract.created, contract.signed, contract.witnessed, delivery.recorded, payment.recorded, incident.opened, …)"))
	if err != nil {
		return err
	}
	srv := &Server{st: st, books: books, registry: registryv1.NewRegistryServiceClient(cc), log: d.Log, now: time.Now, events: events}
	if err := srv.registerGauges(meter); err != nil {
		return err
	}
	if err := srv.registerExecution(ctx, d); err != nil {
		return err
	}
	st.Materialize = srv.materialize
	contractsv1.RegisterContractsServiceServer(s, srv)
	return nil
}

// fail maps domain and storage errors to API errors; unexpected ones are logged and hidden.
func (s *Server) fail(ctx context.Context, name string, err error) error {
	var se *domain.StateError
	var fe *domain.ForbiddenError
	switch {
	case err == nil:
		return nil
	case apierr.IsStatus(err):
		return err
	case errors.As(err, &se):
		return apierr.FailedPrecondition(se.Reason, se.Message, map[string]string{"state": se.State, "resource": name})
	case errors.As(err, &fe):
		return apierr.PermissionDenied(fe.Message)
	case errors.Is(err, storage.ErrNotFound):
		return apierr.NotFound(name)
	case errors.Is(err, storage.ErrConflict):
		return apierr.New(codes.Aborted, "CONCURRENT_MODIFICATION", name+" is being modified concurrently; retry", nil)
	}
	return fmt.Errorf("%s: %w", name, err) // the error mapper logs it and answers the client
}

// count records an appended audit event (domain counters: state transitions, deliveries,
// payments, incidents by type).
func (s *Server) count(ctx context.Context, typ string) {
	if typ != "" {
		s.events.Add(ctx, 1, metric.WithAttributes(telemetry.Attr("type", typ)))
	}
}

var allStates = []string{domain.StateDraft, domain.StatePendingSignatures, domain.StatePendingWitness, domain.StateActive, domain.StateCompleted,
	domain.StateLiquidated, domain.StateCancelled, domain.StateWitnessRejected, domain.StateSuspended, domain.StateTerminated}

// registerGauges exports the number of contracts in each state (counted when scraped).
func (s *Server) registerGauges(meter metric.Meter) error {
	_, err := meter.Int64ObservableGauge("lienket.contracts", metric.WithDescription("Contracts by lifecycle state"),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			for _, st := range allStates {
				n, err := s.st.Contracts.C.CountDocuments(ctx, bson.D{{Key: "state", Value: st}})
				if err != nil {
					// A scrape must not fail because the store is unreachable: the gauge is
					// simply absent (and the error logged).
					s.log.WarnContext(ctx, "contracts gauge: count failed", "error", err.Error())
					return nil
				}
				o.Observe(n, metric.WithAttributes(telemetry.Attr("state", st)))
			}
			return nil
		}))
	return err
}

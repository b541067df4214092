// Package transport maps the lienket.matchmaking.v1 gRPC API onto the domain and storage
// packages and enforces who may do what.
//
// Settings (environment): REGISTRY_ADDR, CONTRACTS_ADDR (gRPC addresses of the registry and
// contracts services); MATCH_WEIGHTS (e.g. "distance=20,standard=15,window=15,price=20,
// capacity=10,record=10,inclusion=10"); TRANSPORT_VND_PER_UNIT_KM (transport cost used by the
// allocator, default 2 VND per unit per km); MATCH_BATCH_MAX_NODES (branch-and-bound budget per
// independent group in a batch allocation, default domain.BatchMaxNodes); MATCH_MAX_OFFERS (the
// most offers one match or batch considers, default 50,000: beyond it the call is refused, not
// silently cut); HOLD_RECONCILE_INTERVAL (1m) and HOLD_GRACE (10m): how often holds are
// reconciled with proposals, and how long a hold without a proposal waits for its create to be
// retried.
package transport

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	matchmakingv1 "github.com/lienket/lienket/proto/lienket/matchmaking/v1"
	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/matchmaking/internal/domain"
	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/service"
)

// Registry is what matchmaking asks the registry.
type Registry interface {
	GetOrganization(ctx context.Context, in *registryv1.GetOrganizationRequest, opts ...grpc.CallOption) (*registryv1.Organization, error)
	GetHousehold(ctx context.Context, in *registryv1.GetHouseholdRequest, opts ...grpc.CallOption) (*registryv1.Household, error)
	GetMembership(ctx context.Context, in *registryv1.GetMembershipRequest, opts ...grpc.CallOption) (*registryv1.Membership, error)
	GetAdminArea(ctx context.Context, in *registryv1.GetAdminAreaRequest, opts ...grpc.CallOption) (*registryv1.AdminArea, error)
	GetProduct(ctx context.Context, in *registryv1.GetProductRequest, opts ...grpc.CallOption) (*registryv1.Product, error)
	GetStandard(ctx context.Context, in *registryv1.GetStandardRequest, opts ...grpc.CallOption) (*registryv1.Standard, error)
	ListAuthorities(ctx context.Context, in *registryv1.ListAuthoritiesRequest, opts ...grpc.CallOption) (*registryv1.ListAuthoritiesResponse, error)
}

// Contracts is what matchmaking asks the contracts service.
type Contracts interface {
	CreateContract(ctx context.Context, in *contractsv1.CreateContractRequest, opts ...grpc.CallOption) (*contractsv1.Contract, error)
	ListContracts(ctx context.Context, in *contractsv1.ListContractsRequest, opts ...grpc.CallOption) (*contractsv1.ListContractsResponse, error)
	GetSettlement(ctx context.Context, in *contractsv1.GetSettlementRequest, opts ...grpc.CallOption) (*contractsv1.Settlement, error)
}

// Server implements matchmakingv1.MatchmakingServiceServer.
type Server struct {
	matchmakingv1.UnimplementedMatchmakingServiceServer
	st        *storage.Store
	registry  Registry
	contracts Contracts
	weights   domain.Weights
	transport int64 // VND per unit per km
	// batchNodes is the batch allocator's search budget per component.
	batchNodes int
	// maxOffers bounds the offers one allocation considers (MATCH_MAX_OFFERS).
	maxOffers int
	log       *slog.Logger
	now       func() time.Time
}

// Config is the matchmaking service's own settings.
type Config struct {
	// RegistryAddr and ContractsAddr are the other services (REGISTRY_ADDR, CONTRACTS_ADDR).
	RegistryAddr, ContractsAddr string
	// Weights of the soft match criteria (MATCH_WEIGHTS).
	Weights domain.Weights
	// TransportVNDPerUnitKm is the transport cost the allocator adds (TRANSPORT_VND_PER_UNIT_KM).
	TransportVNDPerUnitKm int64
	// BatchMaxNodes is the batch allocator's search budget per component (MATCH_BATCH_MAX_NODES).
	BatchMaxNodes int
	// MaxOffers bounds the offers one allocation considers (MATCH_MAX_OFFERS).
	MaxOffers int
	// ReconcileInterval and HoldGrace drive the hold reconciler (HOLD_RECONCILE_INTERVAL, HOLD_GRACE).
	ReconcileInterval, HoldGrace time.Duration
}

// Register wires the service into s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps, cfg Config) error {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	rc, err := d.Dial(cfg.RegistryAddr)
	if err != nil {
		return err
	}
	cc, err := d.Dial(cfg.ContractsAddr)
	if err != nil {
		return err
	}
	srv := &Server{
		st: st, registry: registryv1.NewRegistryServiceClient(rc), contracts: contractsv1.NewContractsServiceClient(cc),
		weights: cfg.Weights, transport: cfg.TransportVNDPerUnitKm, log: d.Log, now: time.Now,
		batchNodes: cfg.BatchMaxNodes,
		maxOffers:  cfg.MaxOffers,
	}
	matchmakingv1.RegisterMatchmakingServiceServer(s, srv)
	go srv.reconcileLoop(ctx, cfg.ReconcileInterval, cfg.HoldGrace)
	return nil
}

func (s *Server) internal(ctx context.Context, op string, err error) error {
	if apierr.IsStatus(err) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err) // the error mapper logs it and answers the client
}

// lookup classifies a registry answer: found, absent (NOT_FOUND / malformed), or unavailable.
func lookup(err error) (bool, error) {
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound, codes.InvalidArgument:
		return false, nil
	}
	return false, err // the error mapper tells an unreachable registry from the rest
}

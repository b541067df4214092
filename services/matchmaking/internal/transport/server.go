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
	"errors"
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

// Register wires the service into s.
func Register(ctx context.Context, s *grpc.Server, d service.Deps) error {
	st := storage.New(d.DB)
	if err := st.EnsureIndexes(ctx); err != nil {
		return err
	}
	w, err := domain.ParseWeights(d.Env.String("MATCH_WEIGHTS", ""))
	if err != nil {
		return err
	}
	rc, err := d.Dial(d.Env.String("REGISTRY_ADDR", "127.0.0.1:9101"))
	if err != nil {
		return err
	}
	cc, err := d.Dial(d.Env.String("CONTRACTS_ADDR", "127.0.0.1:9102"))
	if err != nil {
		return err
	}
	srv := &Server{
		st: st, registry: registryv1.NewRegistryServiceClient(rc), contracts: contractsv1.NewContractsServiceClient(cc),
		weights: w, transport: int64(d.Env.Int("TRANSPORT_VND_PER_UNIT_KM", 2)), log: d.Log, now: time.Now,
		batchNodes: d.Env.Int("MATCH_BATCH_MAX_NODES", domain.BatchMaxNodes),
		maxOffers:  d.Env.Int("MATCH_MAX_OFFERS", 50_000),
	}
	matchmakingv1.RegisterMatchmakingServiceServer(s, srv)
	go srv.reconcileLoop(ctx, d.Env.Duration("HOLD_RECONCILE_INTERVAL", time.Minute), d.Env.Duration("HOLD_GRACE", 10*time.Minute))
	return nil
}

func (s *Server) internal(ctx context.Context, op string, err error) error {
	if apierr.IsStatus(err) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	}
	s.log.ErrorContext(ctx, "unexpected error", "op", op, "error", err.Error())
	return apierr.Internal()
}

// lookup classifies a registry answer: found, absent (NOT_FOUND / malformed), or unavailable.
func lookup(err error) (bool, error) {
	switch status.Code(err) {
	case codes.OK:
		return true, nil
	case codes.NotFound, codes.InvalidArgument:
		return false, nil
	}
	return false, apierr.Unavailable("registry")
}

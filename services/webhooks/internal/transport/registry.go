package transport

import (
	"context"

	"google.golang.org/grpc"

	registryv1 "github.com/lienket/lienket/proto/lienket/registry/v1"
	"github.com/lienket/lienket/services/platform/apierr"
)

// Registry is the registry service as the webhooks service asks it about organisations
// (usecase.Registry).
type Registry struct {
	c registryv1.RegistryServiceClient
}

// NewRegistry returns the registry client over cc.
func NewRegistry(cc grpc.ClientConnInterface) *Registry {
	return &Registry{c: registryv1.NewRegistryServiceClient(cc)}
}

// CheckOrganization implements usecase.Registry: the registry's NOT_FOUND is relayed; a
// suspended organisation is FAILED_PRECONDITION.
func (r *Registry) CheckOrganization(ctx context.Context, org string) error {
	o, err := r.c.GetOrganization(ctx, &registryv1.GetOrganizationRequest{Name: org})
	if err != nil {
		return err
	}
	if o.GetState() != registryv1.Organization_STATE_ACTIVE {
		return apierr.FailedPrecondition("ORGANIZATION_SUSPENDED", org+" is suspended: it cannot subscribe webhooks", nil)
	}
	return nil
}

package usecase

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/support/internal/domain"
)

// Bounds of what one validation or evaluation asks the other services.
const (
	// maxParticipants bounds the households of one project.
	maxParticipants = 5000
	// fanOut is how many calls to another service one request makes at once.
	fanOut = 8
)

// facts gathers what the rules need about a proposal of project pr under call c.
func (s *Service) facts(ctx context.Context, pr *domain.Project, c *domain.Call, prop domain.Proposal) (domain.Facts, error) {
	f := domain.Facts{Today: s.today(), Call: c, OwnerName: pr.Owner, Communes: map[string]*domain.AreaFact{},
		Contracts: map[string]*domain.ContractFact{}, Groups: map[string]*domain.OrgFact{}}
	var err error
	if f.Owner, err = s.reg.Organization(ctx, pr.Owner); err != nil {
		return f, fmt.Errorf("owner %s: %w", pr.Owner, err)
	}
	if prop.Product != "" {
		if f.ProductKnown, err = s.reg.ProductExists(ctx, prop.Product); err != nil {
			return f, fmt.Errorf("product %s: %w", prop.Product, err)
		}
	}
	if err := gather(ctx, prop.Communes, f.Communes, s.reg.Area); err != nil {
		return f, fmt.Errorf("communes: %w", err)
	}
	if err := gather(ctx, prop.Contracts, f.Contracts, s.con.Contract); err != nil {
		return f, fmt.Errorf("linked contracts: %w", err)
	}
	if err := gather(ctx, prop.MemberGroups, f.Groups, s.reg.Organization); err != nil {
		return f, fmt.Errorf("member groups: %w", err)
	}
	f.Participants, err = s.participants(ctx, prop, f)
	return f, err
}

// gather looks keys up concurrently (a bounded fan-out) into out.
func gather[T any](ctx context.Context, keys []string, out map[string]*T, get func(context.Context, string) (*T, error)) error {
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fanOut)
	for _, k := range keys {
		mu.Lock()
		_, done := out[k]
		out[k] = nil
		mu.Unlock()
		if done {
			continue
		}
		g.Go(func() error {
			v, err := get(gctx, k)
			if err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			mu.Lock()
			out[k] = v
			mu.Unlock()
			return nil
		})
	}
	return g.Wait()
}

// participants derives the participating households: those allocated in the linked contracts
// and the active members of the member groups, each once, described by the registry.
func (s *Service) participants(ctx context.Context, prop domain.Proposal, f domain.Facts) ([]domain.Participant, error) {
	var names []string
	seen := map[string]bool{}
	add := func(hs []string) {
		for _, h := range hs {
			if !seen[h] {
				seen[h] = true
				names = append(names, h)
			}
		}
	}
	for _, c := range prop.Contracts {
		if k := f.Contracts[c]; k != nil {
			add(k.Households)
		}
	}
	for _, g := range prop.MemberGroups {
		if f.Groups[g] == nil {
			continue
		}
		members, err := s.reg.ActiveMembers(ctx, g, maxParticipants)
		if err != nil {
			return nil, fmt.Errorf("members of %s: %w", g, err)
		}
		add(members)
	}
	if len(names) > maxParticipants {
		return nil, apierr.FailedPrecondition("TOO_MANY", fmt.Sprintf("more than %d participating households", maxParticipants), nil)
	}
	described := map[string]*domain.Participant{}
	if err := gather(ctx, names, described, s.reg.Household); err != nil {
		return nil, fmt.Errorf("households: %w", err)
	}
	out := make([]domain.Participant, 0, len(names))
	for _, n := range names {
		if h := described[n]; h != nil {
			out = append(out, *h)
		}
	}
	return out, nil
}

// validate checks a proposal of pr under c against the call's programme.
func (s *Service) validate(ctx context.Context, pr *domain.Project, c *domain.Call, prop domain.Proposal) ([]domain.Violation, string, domain.Facts, error) {
	f, err := s.facts(ctx, pr, c, prop)
	if err != nil {
		return nil, "", f, err
	}
	vs, label, err := s.books.Validate(c.Programme, prop, f)
	if err != nil {
		return nil, "", f, apierr.FailedPrecondition("PROGRAMME_UNKNOWN", err.Error(), nil)
	}
	return vs, label, f, nil
}

// settlement is one linked contract's results.
func (s *Service) settlement(ctx context.Context, name string) (domain.ContractResult, error) {
	r := domain.ContractResult{Name: name}
	var err error
	if r.Fact, err = s.con.Contract(ctx, name); err != nil || r.Fact == nil {
		return r, err
	}
	r.Lines, err = s.con.Settlement(ctx, name)
	return r, err
}

// evaluationInput gathers the linked contracts' results now, and the poverty status of every
// household in them: the project's participants as recorded, others as the registry says now.
func (s *Service) evaluationInput(ctx context.Context, pr *domain.Project) (domain.EvaluationInput, error) {
	in := domain.EvaluationInput{Contracts: make([]domain.ContractResult, len(pr.Proposal.Contracts)), Poverty: map[string]string{}}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(fanOut)
	for i, name := range pr.Proposal.Contracts {
		g.Go(func() error {
			r, err := s.settlement(gctx, name)
			if err != nil {
				return fmt.Errorf("results of %s: %w", name, err)
			}
			in.Contracts[i] = r
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return in, err
	}
	for _, h := range pr.Participants {
		in.Poverty[h.Household] = h.Poverty
	}
	var unknown []string
	for _, c := range in.Contracts {
		for _, l := range c.Lines {
			if _, ok := in.Poverty[l.Household]; !ok && l.Household != "" {
				in.Poverty[l.Household] = ""
				unknown = append(unknown, l.Household)
			}
		}
	}
	described := map[string]*domain.Participant{}
	if err := gather(ctx, unknown, described, s.reg.Household); err != nil {
		return in, fmt.Errorf("households: %w", err)
	}
	for h, d := range described {
		if d != nil {
			in.Poverty[h] = d.Poverty
		}
	}
	return in, nil
}

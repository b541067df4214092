package usecase

import (
	"context"

	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// CreateMarketPrice records a day's market reference price. Only operators and services keep
// the price table (from official bulletins): a buyer setting the reference it pays against
// would be a conflict of interest. A price once recorded for a day is not changed.
func (s *Service) CreateMarketPrice(ctx context.Context, p auth.Principal, requestID string, mp domain.MarketPrice) (*domain.MarketPrice, error) {
	if !p.Privileged() {
		return nil, apierr.PermissionDenied("role " + string(p.Role) + " may not call this method")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	domain.CheckMarketPrice(&v, mp)
	if err := v.Err(); err != nil {
		return nil, err
	}
	mp.ID = domain.MarketPriceID(mp.Reference, mp.Date)
	stored, created, err := s.st.InsertMarketPrice(ctx, &mp)
	if err != nil {
		return nil, err
	}
	if !created && stored.PriceVND != mp.PriceVND {
		return nil, apierr.AlreadyExists("marketPrices/" + mp.ID)
	}
	return stored, nil
}

// ListMarketPrices lists the price table. Filters: reference, price_date.
func (s *Service) ListMarketPrices(ctx context.Context, _ auth.Principal, q ListQuery) (Page[domain.MarketPrice], error) {
	cs, err := aip.ParseFilterFields(q.Filter, storage.MarketPriceFilterFields()...)
	if err != nil {
		return Page[domain.MarketPrice]{}, err
	}
	if err := aip.RequireEquality(cs, "reference", "price_date"); err != nil {
		return Page[domain.MarketPrice]{}, err
	}
	pg, err := newPager(q, "prices", aip.String(cs))
	if err != nil {
		return Page[domain.MarketPrice]{}, err
	}
	items, more, err := s.st.ListMarketPrices(ctx, cs, pg.page)
	if err != nil {
		return Page[domain.MarketPrice]{}, err
	}
	return pageOf(pg, items, more, func(m *domain.MarketPrice) string { return m.ID }), nil
}

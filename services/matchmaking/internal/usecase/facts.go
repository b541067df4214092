package usecase

import (
	"context"

	"github.com/lienket/lienket/services/matchmaking/internal/domain"
)

// shareSample bounds the households looked up, now, for the shares of an offer stored before
// they were recorded when it was posted.
const shareSample = 200

// recordContracts bounds how many ended contracts per state feed a producer's delivery record.
const recordContracts = 50

// endedContractStates are the contracts states whose settlements make a delivery record.
var endedContractStates = []string{"COMPLETED", "LIQUIDATED", "TERMINATED"}

// facts caches, for one request, what matching asks the registry and the contracts service.
type facts struct {
	u          *Service
	areas      map[string]*domain.AdminArea
	standards  map[string][]string
	orgs       map[string]*domain.Organization
	shares     map[string][2]float64 // offer id → (poor share, minority share)
	records    map[string]float64    // producer → delivery record
	households map[string]*domain.Household
	held       map[string][]domain.Certification // producer → certifications held
}

func (u *Service) newFacts() *facts {
	return &facts{u: u, areas: map[string]*domain.AdminArea{}, standards: map[string][]string{}, orgs: map[string]*domain.Organization{},
		shares: map[string][2]float64{}, records: map[string]float64{}, households: map[string]*domain.Household{},
		held: map[string][]domain.Certification{}}
}

// area returns the admin area code, or nil when it is unknown or the registry cannot say.
func (f *facts) area(ctx context.Context, code string) *domain.AdminArea {
	if a, ok := f.areas[code]; ok {
		return a
	}
	a, err := f.u.registry.AdminArea(ctx, code)
	if err != nil {
		a = nil
	}
	f.areas[code] = a
	return a
}

// distance is the distance between two communes' centroids, UnknownDistanceKm when either is
// unknown.
func (f *facts) distance(ctx context.Context, from, to string) float64 {
	a, b := f.area(ctx, from), f.area(ctx, to)
	if a == nil || b == nil {
		return domain.UnknownDistanceKm
	}
	return domain.DistanceKm(a.Latitude, a.Longitude, b.Latitude, b.Longitude)
}

// satisfies returns the standards a certificate satisfies, itself included (itself only when
// the registry does not know it or cannot say).
func (f *facts) satisfies(ctx context.Context, std string) []string {
	if s, ok := f.standards[std]; ok {
		return s
	}
	out := []string{std}
	if st, err := f.u.registry.Standard(ctx, std); err == nil && st != nil {
		out = append(out, st.Satisfies...)
	}
	f.standards[std] = out
	return out
}

// standardFit is domain.StandardFit with the registry's standards, over the offer's claims its
// producer still holds for the product over the harvest window (a certification revoked or
// expired since the offer was posted no longer counts; none counts when the registry cannot
// say).
func (f *facts) standardFit(ctx context.Context, required string, o *domain.Offer) float64 {
	held, ok := f.held[o.Producer]
	if !ok {
		held, _ = f.u.registry.Certifications(ctx, o.Producer)
		f.held[o.Producer] = held
	}
	certs, _ := domain.HeldClaims(o.Certifications, held, o.Product, o.HarvestWindow)
	return domain.StandardFit(required, certs, func(c string) []string { return f.satisfies(ctx, c) })
}

// compatible applies every hard constraint: domain.Compatible, and the required standard held
// or satisfied.
func (f *facts) compatible(ctx context.Context, d *domain.Demand, o *domain.Offer) bool {
	return domain.Compatible(d, o) && f.standardFit(ctx, d.RequiredStandard, o) > 0
}

// org returns the organisation, or nil when it is unknown or the registry cannot say.
func (f *facts) org(ctx context.Context, name string) *domain.Organization {
	if o, ok := f.orgs[name]; ok {
		return o
	}
	o, err := f.u.registry.Organization(ctx, name)
	if err != nil {
		o = nil
	}
	f.orgs[name] = o
	return o
}

// womenLed reports whether the organisation is known to be women-led.
func (f *facts) womenLed(ctx context.Context, name string) bool {
	o := f.org(ctx, name)
	return o != nil && o.WomenLed
}

// offerShares returns the share of poor/near-poor and of ethnic-minority households behind an
// offer: recorded when it was posted, or (offers stored before that) looked up now from its
// first shareSample households, as a sample; an unavailable registry then counts as no share.
func (f *facts) offerShares(ctx context.Context, o *domain.Offer) (float64, float64) {
	if o.SharesKnown {
		return o.PoorShare, o.MinorityShare
	}
	if v, ok := f.shares[o.ID]; ok {
		return v[0], v[1]
	}
	hs := o.Households
	if len(hs) > shareSample {
		hs = hs[:shareSample]
	}
	p, m, _ := f.householdShares(ctx, hs)
	f.shares[o.ID] = [2]float64{p, m}
	return p, m
}

// householdShares returns the shares of poor/near-poor and of ethnic-minority households among
// hs. Households the registry does not show count as neither; an unavailable registry is an
// error.
func (f *facts) householdShares(ctx context.Context, hs []string) (float64, float64, error) {
	if len(hs) == 0 {
		return 0, 0, nil
	}
	var poor, minority float64
	for _, h := range hs {
		hh, err := f.household(ctx, h)
		if err != nil {
			return 0, 0, err
		}
		if hh != nil && hh.PoorOrNearPoor {
			poor++
		}
		if hh != nil && hh.EthnicMinority {
			minority++
		}
	}
	return poor / float64(len(hs)), minority / float64(len(hs)), nil
}

// household returns the household (nil when the registry does not show it), looked up once
// per request: offers of one group share households.
func (f *facts) household(ctx context.Context, name string) (*domain.Household, error) {
	if hh, ok := f.households[name]; ok {
		return hh, nil
	}
	hh, err := f.u.registry.Household(ctx, name)
	if err != nil {
		return nil, err
	}
	f.households[name] = hh
	return hh, nil
}

// deliveryRecord is the producer's delivery record (domain.DeliveryRecord) from its ended
// contracts' settlements, cached per request. When the contracts service cannot list them,
// the record is neutral and a warning is logged: the match still works, only that criterion is
// blind; one unreadable settlement does not void the record.
func (f *facts) deliveryRecord(ctx context.Context, producer string) float64 {
	if r, ok := f.records[producer]; ok {
		return r
	}
	var fs []domain.Fulfilment
	for _, state := range endedContractStates {
		names, err := f.u.contracts.Contracts(ctx, producer, state, recordContracts)
		if err != nil {
			f.u.log.WarnContext(ctx, "delivery record unavailable", "producer", producer, "error", err.Error())
			f.records[producer] = domain.NeutralRecord
			return domain.NeutralRecord
		}
		for _, c := range names {
			if ful, err := f.u.contracts.Fulfilment(ctx, c); err == nil {
				fs = append(fs, ful)
			}
		}
	}
	r := domain.DeliveryRecord(fs)
	f.records[producer] = r
	return r
}

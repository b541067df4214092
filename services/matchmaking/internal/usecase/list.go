package usecase

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lienket/lienket/services/matchmaking/internal/storage"
	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
)

// ListInput is a list request: an AIP filter, a page size and the token of the page to read.
type ListInput struct {
	Parent, Filter string
	PageSize       int32
	PageToken      string
}

// page reads one page of what list returns under filter f, for a query identified by scope
// (page tokens are bound to it), and returns the items and the next page's token ("" at the
// end).
func page[T, F any](ctx context.Context, in ListInput, scope string, list func(context.Context, F, storage.Page) ([]T, bool, error), f F, key func(*T) string) ([]T, string, error) {
	n, err := aip.PageSize(in.PageSize)
	if err != nil {
		return nil, "", err
	}
	digest := aip.QueryDigest(scope)
	after, err := aip.DecodePageToken(in.PageToken, digest)
	if err != nil {
		return nil, "", err
	}
	items, more, err := list(ctx, f, storage.Page{After: after, Size: n})
	if err != nil {
		return nil, "", fmt.Errorf("list: %w", err)
	}
	next := ""
	if more && len(items) > 0 {
		next = aip.EncodePageToken(key(&items[len(items)-1]), digest)
	}
	return items, next, nil
}

// marketFilter reads a filter over demands or offers: product, province_code, state (one of
// states, by its API name, STATE_OPEN, or its domain name), window (the posting's window
// contains that day) and owner (buyer or producer). A filter must select by an equality if it
// has conditions at all (see aip.RequireEquality).
func marketFilter(filter, owner string, states ...string) (storage.MarketFilter, []aip.Condition, error) {
	var f storage.MarketFilter
	cs, err := aip.ParseFilterFields(filter, aip.AnyValue("product"), aip.AnyValue("province_code"), aip.OneOfEnum("state", "STATE_", states...),
		aip.AnyValue("window"), aip.AnyValue(owner))
	if err != nil {
		return f, nil, err
	}
	for _, c := range cs {
		t := storage.Term{Value: c.Value, Not: c.Op == "!=", In: c.Values}
		switch c.Field {
		case "window":
			if !apierr.ValidDate(c.Value) || c.Op != "=" {
				return f, nil, apierr.Field("filter", "FILTER_SYNTAX", `window = "YYYY-MM-DD" selects postings whose window contains that day`)
			}
			f.Days = append(f.Days, c.Value)
		case "product":
			f.Product = append(f.Product, t)
		case "province_code":
			f.Province = append(f.Province, t)
		case "state":
			t.Value = stateName(c.Value)
			f.State = append(f.State, t)
		default: // owner
			f.Owner = append(f.Owner, t)
		}
	}
	selects := slices.Clone(cs)
	for i := range selects {
		if selects[i].Field == "window" {
			selects[i].Op = "range" // window = "day": a range of the stored window, not an equality
		}
	}
	if err := aip.RequireEquality(selects, "product", "province_code", "state", owner); err != nil {
		return f, nil, err
	}
	return f, cs, nil
}

// marketScope requires a scope of a listing the caller's own visibility leaves unscoped (a
// buyer's offers, an official's postings: all of the country's): a product, a province, a
// state or an owner (an = condition). Every posting of the country is an operator's export.
func marketScope(p auth.Principal, f storage.MarketFilter, cs []aip.Condition, owner string) error {
	if p.Privileged() || f.ScopeOwner != "" || f.ScopeOpen {
		return nil
	}
	return aip.RequireScope(cs, "product", "province_code", "state", owner)
}

// stateName is the domain name of a state a filter names: STATE_OPEN and OPEN are OPEN; an
// unspecified state is "".
func stateName(s string) string {
	if strings.HasSuffix(s, "_UNSPECIFIED") {
		return ""
	}
	return strings.TrimPrefix(s, "STATE_")
}

// proposalFilter reads a filter over proposals (offer, state) for principal p, who sees only
// the proposals its organisation is party to unless it is an operator or a service.
func proposalFilter(p auth.Principal, cs []aip.Condition) storage.ProposalFilter {
	f := storage.ProposalFilter{Everyone: p.Privileged(), Party: p.Organization}
	for _, c := range cs {
		t := storage.Term{Value: c.Value, Not: c.Op == "!=", In: c.Values}
		if c.Field == "state" {
			t.Value = stateName(c.Value)
			f.State = append(f.State, t)
		} else {
			f.Offer = append(f.Offer, t)
		}
	}
	return f
}

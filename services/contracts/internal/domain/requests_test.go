package domain

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/testkit/places"
)

// violations lists err's field violations as field:rule.
func violations(err error) []string {
	var out []string
	for _, fv := range apierr.FieldViolations(err) {
		out = append(out, fv.Field+":"+fv.Reason)
	}
	return out
}

// requireViolations asserts INVALID_ARGUMENT with exactly the field:rule violations want.
func requireViolations(t *testing.T, v *apierr.Violations, want []string, msgAndArgs ...any) {
	t.Helper()
	err := v.Err()
	if len(want) == 0 {
		require.NoError(t, err, msgAndArgs...)
		return
	}
	requireAPIError(t, err, codes.InvalidArgument, "INVALID_ARGUMENT", msgAndArgs...)
	require.Equal(t, want, violations(err), msgAndArgs...)
}

// metadata is err's ErrorInfo metadata.
func metadata(err error) map[string]string {
	for _, d := range status.Convert(err).Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return ei.Metadata
		}
	}
	return nil
}

func active() *Contract {
	c := &Contract{ID: "c1", State: StateActive, ProducerCommuneCode: places.ChauQue}
	c.SetTerms(goodTerms())
	return c
}

func TestCheckNewContractAndUpdate(t *testing.T) {
	rb := books(t)
	in := &NewContract{Terms: goodTerms()}
	var v apierr.Violations
	rb.CheckNewContract(&v, in)
	requireViolations(t, &v, nil)
	require.Equal(t, DefaultRulebook, in.Rulebook, "a contract without a rulebook gets the default")

	v = apierr.Violations{}
	rb.CheckNewContract(&v, &NewContract{Rulebook: "nope", DisplayName: strings.Repeat("x", MaxDisplayName+1), Terms: Terms{Buyer: "companies/x"}})
	requireViolations(t, &v, []string{"contract.terms.buyer:RESOURCE_NAME", "contract.rulebook:RULEBOOK_EXISTS", "contract.display_name:MAX_LENGTH"})

	for name, tc := range map[string]struct {
		u    ContractUpdate
		want []string
	}{
		"no mask":        {ContractUpdate{}, []string{"update_mask:REQUIRED"}},
		"output only":    {ContractUpdate{Paths: []string{"state"}}, []string{"update_mask:UPDATE_MASK_PATH"}},
		"bad rulebook":   {ContractUpdate{Paths: []string{"rulebook"}, Rulebook: "nope"}, []string{"contract.rulebook:RULEBOOK_EXISTS"}},
		"long name":      {ContractUpdate{Paths: []string{"display_name"}, DisplayName: strings.Repeat("ằ", MaxDisplayName+1)}, []string{"contract.display_name:MAX_LENGTH"}},
		"bad terms":      {ContractUpdate{Paths: []string{"terms.total_quantity"}, Terms: Terms{TotalQuantity: -1}}, []string{"contract.terms.total_quantity:RANGE"}},
		"terms not read": {ContractUpdate{Paths: []string{"display_name"}, Terms: Terms{TotalQuantity: -1}}, nil},
	} {
		v := apierr.Violations{}
		rb.CheckUpdate(&v, tc.u)
		requireViolations(t, &v, tc.want, name)
	}
}

func TestContractUpdate(t *testing.T) {
	c := &Contract{ID: "c1", State: StateWitnessRejected}
	f := Facts{Producer: &OrgFact{CommuneCode: places.ChauQue, ProvinceCode: places.LaoCai}}
	require.NoError(t, c.Update(ContractUpdate{Paths: []string{"terms", "display_name"}, DisplayName: "Quế 2026", Terms: goodTerms()}, f))
	require.Equal(t, StateDraft, c.State, "editing a rejected contract returns it to DRAFT")
	require.Equal(t, goodTerms().Hash(), c.TermsHash)
	require.Equal(t, "Quế 2026", c.DisplayName)
	require.Equal(t, []string{"households/h1", "households/h2"}, c.Households)
	require.Equal(t, places.ChauQue, c.ProducerCommuneCode)
	require.Equal(t, places.LaoCai, c.ProducerProvinceCode)

	a := active()
	err := a.Update(ContractUpdate{Paths: []string{"display_name"}, DisplayName: "x"}, Facts{})
	requireAPIError(t, err, codes.FailedPrecondition, "INVALID_STATE", "a signed contract changes only by amendment, whatever the mask")
	require.Equal(t, map[string]string{"state": StateActive, "resource": "contracts/c1"}, metadata(err))
	require.Empty(t, a.DisplayName)
}

func TestCheckSignature(t *testing.T) {
	for name, tc := range map[string]struct {
		party, household, hash string
		want                   []string
	}{
		"buyer":             {PartyBuyer, "", "h", nil},
		"household":         {PartyHousehold, "households/h1", "h", nil},
		"no party":          {"", "", "h", []string{"party:ENUM_VALUE"}},
		"unknown party":     {"7", "", "h", []string{"party:ENUM_VALUE"}},
		"no hash":           {PartyProducer, "", "", []string{"terms_hash:REQUIRED"}},
		"household unnamed": {PartyHousehold, "h1", "h", []string{"household:RESOURCE_NAME"}},
	} {
		var v apierr.Violations
		CheckSignature(&v, tc.party, tc.household, tc.hash)
		requireViolations(t, &v, tc.want, name)
	}
	requireAPIError(t, ReasonError("reason", " "), codes.InvalidArgument, "INVALID_ARGUMENT")
	require.Equal(t, []string{"reason:REQUIRED"}, violations(ReasonError("reason", " ")))
	require.Equal(t, []string{"outcome:MAX_LENGTH"}, violations(ReasonError("outcome", strings.Repeat("a", MaxText+1))))
	require.NoError(t, ReasonError("reason", strings.Repeat("ằ", MaxText)))
}

func TestCheckMarketPrice(t *testing.T) {
	good := MarketPrice{Reference: "yen-bai-cinnamon", Date: "2026-05-15", PriceVND: 40000, Source: "Sở Công Thương"}
	for name, tc := range map[string]struct {
		mut  func(*MarketPrice)
		want []string
	}{
		"good":         {func(*MarketPrice) {}, nil},
		"no reference": {func(m *MarketPrice) { m.Reference = "" }, []string{"market_price.reference:REQUIRED"}},
		"no date":      {func(m *MarketPrice) { m.Date = "" }, []string{"market_price.price_date:REQUIRED"}},
		"bad date":     {func(m *MarketPrice) { m.Date = "2026-02-30" }, []string{"market_price.price_date:DATE_FORMAT"}},
		"zero price":   {func(m *MarketPrice) { m.PriceVND = 0 }, []string{"market_price.price_vnd:RANGE"}},
		"price cap":    {func(m *MarketPrice) { m.PriceVND = MaxPriceVND + 1 }, []string{"market_price.price_vnd:RANGE"}},
		"at the cap":   {func(m *MarketPrice) { m.PriceVND = MaxPriceVND }, nil},
		"long source":  {func(m *MarketPrice) { m.Source = strings.Repeat("s", apierr.MaxLineText+1) }, []string{"market_price.source:MAX_LENGTH"}},
	} {
		mp := good
		tc.mut(&mp)
		var v apierr.Violations
		CheckMarketPrice(&v, mp)
		requireViolations(t, &v, tc.want, name)
	}
}

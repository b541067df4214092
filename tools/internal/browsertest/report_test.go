package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/tools/internal/demo"
)

// TestReportsInTheBrowser: a season of the demo cooperative (two contracts in force, deliveries
// month by month, payments, an incident) seen by the province official and the commune
// official in the console: the report with its charts, tables and downloads. The page is
// photographed and checked with axe-core; the monthly line chart and the households bar chart
// are also saved on their own (report-chart-months.png, report-chart-households.png).
func TestReportsInTheBrowser(t *testing.T) {
	e := start(t)
	e.reportSeason(t)

	prov := e.signIn("canbotinh")
	require.Contains(t, prov.location(), "/console/report", "the province official starts at the report")
	prov.open("/console/report?from=2027-01&to=2027-12")
	text := prov.text()
	require.Contains(t, text, "Báo cáo liên kết — "+demo.ProvinceName)
	require.Contains(t, text, "6 hộ (mỗi hộ tính một lần)", "the six demo households, once each across two contracts")
	require.Contains(t, text, demo.CommuneName)
	prov.shot("province-report")
	prov.axe("province-report")
	for _, id := range []string{"chart-months", "chart-households"} {
		prov.do(chromedp.ScrollIntoView(chromedp.CSS("#" + id)))
		png := run(prov, chromedp.ScreenshotScale(chromedp.CSS("#"+id), 2, chromedp.NodeVisible))
		require.NotEmpty(t, png)
		require.NoError(t, os.WriteFile(filepath.Join(e.out, "report-"+id+".png"), png, 0o644))
	}
	// The commune opens from the province's table; the download links carry the same query.
	prov.clickNav(`a[href*="scope=adminAreas%2F` + demo.Commune + `"]`)
	require.Contains(t, prov.text(), "Báo cáo liên kết — "+demo.CommuneName)
	href := run(prov, chromedp.Evaluate[string](`document.getElementById("download-xlsx").getAttribute("href")`))
	require.Contains(t, href, "/console/report.xlsx?")
	require.Contains(t, href, "scope=adminAreas%2F"+demo.Commune)

	off := e.signIn("canboxa")
	off.clickNav(`a[href="/console/report"]`)
	require.Contains(t, off.text(), "Báo cáo liên kết — "+demo.CommuneName)
	off.open("/console/report?from=2027-01&to=2027-12&product=products%2Fcinnamon-bark")
	require.Contains(t, off.text(), "nghiệm thu 1.200\u00a0kg", "one product: quantities with their unit (4 households × 4 deliveries)")
	off.shot("commune-report")
	off.axe("commune-report")
}

// reportSeason records two contracts of the demo cooperative in 2027 with deliveries over the
// year, payments and a late-payment incident.
func (e *env) reportSeason(t *testing.T) {
	ctx := context.Background()
	con := contractsv1.NewContractsServiceClient(e.conns[1])
	as := func(p auth.Principal) grpc.CallOption {
		return grpc.PerRPCCredentials(auth.TokenCredentials(e.a.Token(t, p)))
	}
	names := e.seeded.Names
	buyer := auth.Principal{Subject: e.seeded.People["doanhnghiep"], Role: auth.RoleBusiness, Organization: names[demo.Business]}
	coop := auth.Principal{Subject: e.seeded.People["htx"], Role: auth.RoleProducer, Organization: names[demo.Cooperative]}
	official := auth.Principal{Subject: e.seeded.People["canboxa"], Role: auth.RoleCommuneOfficial, AdminArea: demo.Commune}
	var households []string
	for _, h := range demo.Households {
		households = append(households, names[h.Key])
	}
	for i, c := range []struct {
		product string
		hh      []string
		months  []int
	}{{"products/cinnamon-bark", households[:4], []int{3, 5, 7, 9}}, {"products/star-anise", households[2:], []int{8, 10, 11}}} {
		terms := &contractsv1.ContractTerms{
			Buyer: buyer.Organization, Producer: coop.Organization, WitnessAuthority: names[demo.CommuneCommittee],
			LinkageForm: contractsv1.LinkageForm_LINKAGE_FORM_PURCHASE_ONLY, Product: c.product, QualityStandard: "standards/VIETGAP",
			GradingRules: []*contractsv1.GradingRule{{Grade: "A"}, {Grade: "B", PriceAdjustmentBps: -1000}}, TotalQuantity: 400 * int64(len(c.hh)), ToleranceBps: 500,
			Lots:               []*contractsv1.DeliveryLot{{Id: "lot-1", Window: &typesv1.DateWindow{StartDate: "2027-02-01", EndDate: "2027-11-30"}, Place: "Kho Bảo Hà", Quantity: 400 * int64(len(c.hh))}},
			PriceTerms:         &typesv1.PriceTerms{Type: typesv1.PriceType_PRICE_TYPE_FIXED, FixedPriceVnd: int64(42_000 + 20_000*i)},
			PaymentTerms:       &contractsv1.PaymentTerms{DaysAfterDelivery: 15, Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER},
			Obligations:        &contractsv1.Obligations{Buyer: []string{"Thu mua toàn bộ"}, Producer: []string{"Sản xuất theo VietGAP"}},
			Breach:             &contractsv1.BreachClause{PenaltyBps: 800, Damages: "Thiệt hại thực tế"},
			ForceMajeureEvents: []contractsv1.ForceMajeureEvent{contractsv1.ForceMajeureEvent_FORCE_MAJEURE_EVENT_NATURAL_DISASTER},
			DisputeResolution:  &contractsv1.DisputeResolution{Steps: []contractsv1.DisputeStep{contractsv1.DisputeStep_DISPUTE_STEP_NEGOTIATION, contractsv1.DisputeStep_DISPUTE_STEP_COMMUNE_MEDIATION, contractsv1.DisputeStep_DISPUTE_STEP_COURT}},
			Period:             &typesv1.DateWindow{StartDate: "2027-01-01", EndDate: "2027-12-31"},
		}
		for _, h := range c.hh {
			terms.Allocations = append(terms.Allocations, &contractsv1.Allocation{Household: h, Quantity: 400, AreaM2: 5000, Mandate: &contractsv1.Mandate{Reference: "GUQ-01/2027", Date: "2027-01-05"}})
		}
		ct, err := con.CreateContract(ctx, &contractsv1.CreateContractRequest{Contract: &contractsv1.Contract{Terms: terms, DisplayName: fmt.Sprintf("Hợp đồng liên kết %d/2027", i+1)}}, as(buyer))
		require.NoError(t, err)
		ct, err = con.SubmitContract(ctx, &contractsv1.SubmitContractRequest{Name: ct.Name}, as(buyer))
		require.NoError(t, err)
		for _, s := range []struct {
			p     auth.Principal
			party contractsv1.Signature_Party
			hh    string
		}{{buyer, contractsv1.Signature_PARTY_BUYER, ""}, {coop, contractsv1.Signature_PARTY_PRODUCER, ""}} {
			_, err = con.SignContract(ctx, &contractsv1.SignContractRequest{Name: ct.Name, Party: s.party, TermsHash: ct.TermsHash}, as(s.p))
			require.NoError(t, err)
		}
		for _, h := range c.hh {
			_, err = con.SignContract(ctx, &contractsv1.SignContractRequest{Name: ct.Name, Party: contractsv1.Signature_PARTY_HOUSEHOLD, Household: h, TermsHash: ct.TermsHash}, as(coop))
			require.NoError(t, err)
		}
		_, err = con.WitnessContract(ctx, &contractsv1.WitnessContractRequest{Name: ct.Name, TermsHash: ct.TermsHash}, as(official))
		require.NoError(t, err)
		for j, m := range c.months {
			for k, h := range c.hh {
				q := int64(60 + 10*((j+k)%4))
				_, err := con.CreateDelivery(ctx, &contractsv1.CreateDeliveryRequest{Parent: ct.Name, Delivery: &contractsv1.Delivery{Household: h, Lot: "lot-1",
					DeliveryDate: fmt.Sprintf("2027-%02d-10", m), Quantity: q, AcceptedQuantity: q, Grade: "A"}}, as(buyer))
				require.NoError(t, err)
				if (j+k)%3 != 0 {
					_, err = con.CreatePayment(ctx, &contractsv1.CreatePaymentRequest{Parent: ct.Name, Payment: &contractsv1.Payment{Payee: h, AmountVnd: q * terms.PriceTerms.FixedPriceVnd,
						Method: contractsv1.PaymentMethod_PAYMENT_METHOD_BANK_TRANSFER, PaymentDate: fmt.Sprintf("2027-%02d-%02d", m, 12+7*((j+k)%3))}}, as(buyer))
					require.NoError(t, err)
				}
			}
		}
	}
}

package transport

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	contractsv1 "github.com/lienket/lienket/proto/lienket/contracts/v1"
	"github.com/lienket/lienket/services/contracts/internal/domain"
	"github.com/lienket/lienket/services/contracts/internal/usecase"
	"github.com/lienket/lienket/services/platform/auth"
)

// ReportContracts implements the RPC.
func (s *Server) ReportContracts(ctx context.Context, req *contractsv1.ReportContractsRequest) (*contractsv1.ContractReport, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	r, err := s.uc.ReportContracts(ctx, p, usecase.ReportRequest{Scope: req.GetScope(), StartMonth: req.GetStartMonth(), EndMonth: req.GetEndMonth(), Filter: req.GetFilter()})
	return reply(r, err, reportToProto)
}

func reportToProto(r *usecase.ContractReport) *contractsv1.ContractReport {
	out := &contractsv1.ContractReport{
		Scope: r.Scope, ScopeKind: contractsv1.ContractReport_ScopeKind(contractsv1.ContractReport_ScopeKind_value["SCOPE_KIND_"+string(r.Kind)]),
		StartMonth: r.Query.From.String(), EndMonth: r.Query.To.String(), Filter: r.Filter,
		AreaLevel: contractsv1.ContractReport_AreaLevel(contractsv1.ContractReport_AreaLevel_value["AREA_LEVEL_"+r.AreaLevel]),
		Total:     figuresToProto(&r.Total), ComputeTime: timestamppb.New(r.ComputeTime),
		ByArea: linesToProto(r.ByArea), ByProduct: linesToProto(r.ByProduct), ByLinkageForm: linesToProto(r.ByForm), ByMonth: linesToProto(r.ByMonth),
	}
	return out
}

func linesToProto(ls []domain.ReportLine) []*contractsv1.ReportLine {
	out := make([]*contractsv1.ReportLine, len(ls))
	for i := range ls {
		out[i] = &contractsv1.ReportLine{Key: ls[i].Key, Figures: figuresToProto(&ls[i])}
	}
	return out
}

func figuresToProto(l *domain.ReportLine) *contractsv1.ReportFigures {
	f, h := &l.Fig, l.Households
	return &contractsv1.ReportFigures{
		Contracts: f[domain.FigContracts], ContractsByState: stateCounts(f), ContractsByLinkageForm: formCounts(f), ContractsInForce: f[domain.FigInForce],
		Households: &contractsv1.ReportHouseholds{Total: h.Total, Poor: h.Poor, NearPoor: h.NearPoor, RecentlyEscaped: h.RecentlyEscaped, NonPoor: h.NonPoor,
			UnknownStatus: h.Unknown, EthnicMinority: h.EthnicMinority, WomenHeaded: h.WomenHeaded},
		HouseholdPlaces: f[domain.FigAllocations], ContractedQuantity: f[domain.FigContractedQty], ContractedValueVnd: f[domain.FigContractedVND],
		Deliveries: f[domain.FigDeliveries], DeliveredQuantity: f[domain.FigDeliveredQty], AcceptedQuantity: f[domain.FigAcceptedQty], AcceptedValueVnd: f[domain.FigGrossVND],
		Payments: f[domain.FigPayments], PaidVnd: f[domain.FigPaidVND], PaidWithinTermsVnd: f[domain.FigPaidOnTimeVND],
		PaidWithinTermsBps: f.ShareBps(domain.FigPaidOnTimeVND, domain.FigPaidVND), PaymentDaysVnd: f[domain.FigPayDaysVND], AverageDaysToPay: f.AverageDaysToPay(),
		Advances: f[domain.FigAdvances], AdvancedVnd: f[domain.FigAdvancedVND], RecoveredVnd: f[domain.FigRecoveredVND], AdvancesOutstandingVnd: f[domain.FigOutstandingAdvanceVND],
		Incidents: f[domain.FigIncidents], IncidentsByOutcome: incidentCounts(f), PenaltiesVnd: f[domain.FigPenaltyVND],
		PricedQuantity: f[domain.FigPricedQty], PricedValueVnd: f[domain.FigPricedVND], MarketValueVnd: f[domain.FigMarketVND],
		AveragePriceVnd: f.Average(domain.FigPricedVND, domain.FigPricedQty), AverageMarketPriceVnd: f.Average(domain.FigMarketVND, domain.FigPricedQty),
	}
}

func stateCounts(f *domain.Figures) []*contractsv1.ReportStateCount {
	return counts(f, domain.ContractStates, domain.FigState, func(st string, n int64) *contractsv1.ReportStateCount {
		return &contractsv1.ReportStateCount{State: contractsv1.ContractState(contractsv1.ContractState_value["CONTRACT_STATE_"+st]), Count: n}
	})
}

func formCounts(f *domain.Figures) []*contractsv1.ReportLinkageFormCount {
	return counts(f, domain.LinkageForms, domain.FigForm, func(lf string, n int64) *contractsv1.ReportLinkageFormCount {
		return &contractsv1.ReportLinkageFormCount{LinkageForm: contractsv1.LinkageForm(contractsv1.LinkageForm_value["LINKAGE_FORM_"+lf]), Count: n}
	})
}

// counts are the non-zero figures of the names (fig gives a name's figure), in their order.
func counts[T any](f *domain.Figures, names []string, fig func(string) (domain.Fig, bool), to func(string, int64) T) []T {
	var out []T
	for _, name := range names {
		if i, _ := fig(name); f[i] != 0 {
			out = append(out, to(name, f[i]))
		}
	}
	return out
}

func incidentCounts(f *domain.Figures) []*contractsv1.ReportIncidentCount {
	var out []*contractsv1.ReportIncidentCount
	for _, k := range domain.IncidentKinds {
		for o, name := range domain.IncidentOutcomes {
			if i, _ := domain.FigIncident(k, o); f[i] != 0 {
				out = append(out, &contractsv1.ReportIncidentCount{Kind: contractsv1.Incident_Kind(contractsv1.Incident_Kind_value["KIND_"+k]),
					Outcome: contractsv1.IncidentOutcome(contractsv1.IncidentOutcome_value["INCIDENT_OUTCOME_"+name]), Count: f[i]})
			}
		}
	}
	return out
}

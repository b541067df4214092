package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/lienket/lienket/services/platform/vn"

	"google.golang.org/grpc"

	supportv1 "github.com/lienket/lienket/proto/lienket/support/v1"
	typesv1 "github.com/lienket/lienket/proto/lienket/types/v1"
	"github.com/lienket/lienket/services/platform/auth"
)

// The demo's programme support: the province's People's Committee (the province official
// canbotinh acts for it) has an open NTP-SEDEMA call for value-chain and livelihood projects,
// on whose council canbotinh sits, so that the console shows a province investor with a call
// and the cooperative (htx) finds it open to propose a project.

// CallTitle is the demo call's title.
const CallTitle = "Đợt 1 — hỗ trợ liên kết chuỗi giá trị quế, hồi (NTP-SEDEMA)"

// CallInvestor is the username of the demo person who issues the call (a province official).
const CallInvestor = "canbotinh"

// SeedSupport creates the demo call through the support API, as the province official of the
// province's People's Committee, idempotently: a rerun finds the call of the first (its id
// derives from the request id) and publishing it again changes nothing. The call is open for
// submissions until the end of next year. seeded is what Seed returned.
func SeedSupport(ctx context.Context, support grpc.ClientConnInterface, issuer *auth.Issuer, seeded Seeded) (string, error) {
	official := seeded.People[CallInvestor]
	if official == "" || seeded.Names[ProvinceCommittee] == "" {
		return "", fmt.Errorf("support call: seed the registry records first")
	}
	tok, err := issuer.Mint(auth.Principal{Subject: SeedSubject, Role: auth.RoleProvinceOfficial, AdminArea: Province}, 10*time.Minute)
	if err != nil {
		return "", err
	}
	as := grpc.PerRPCCredentials(auth.TokenCredentials(tok))
	c := supportv1.NewSupportServiceClient(support)
	now := time.Now().In(vn.Zone)
	call, err := c.CreateCall(ctx, &supportv1.CreateCallRequest{RequestId: "demo-call-1", Call: &supportv1.Call{
		Investor: seeded.Names[ProvinceCommittee], DisplayName: CallTitle, Programme: "programmes/ntp-sedema",
		Description:  "Hỗ trợ sau đầu tư cho dự án liên kết sản xuất, tiêu thụ quế, hồi của hợp tác xã, doanh nghiệp tại các xã vùng đồng bào dân tộc thiểu số tỉnh Lào Cai.",
		ProjectTypes: []supportv1.ProjectType{supportv1.ProjectType_PROJECT_TYPE_VALUE_CHAIN, supportv1.ProjectType_PROJECT_TYPE_LIVELIHOOD},
		BudgetVnd:    5_000_000_000, CouncilMembers: []string{official},
		SubmissionWindow: &typesv1.DateWindow{StartDate: now.Format(time.DateOnly), EndDate: fmt.Sprintf("%d-12-31", now.Year()+1)},
	}}, as)
	if err != nil {
		return "", fmt.Errorf("support call: %w", err)
	}
	if call.GetState() == supportv1.CallState_CALL_STATE_DRAFT {
		if _, err := c.PublishCall(ctx, &supportv1.PublishCallRequest{Name: call.GetName(), RequestId: "demo-call-1-publish"}, as); err != nil {
			return "", fmt.Errorf("publish the support call: %w", err)
		}
	}
	return call.GetName(), nil
}

package e2e_test

import (
	"encoding/base64"
	"fmt"
)

// depthRows are the authorization matrix's rows for bulk onboarding, plots and certifications:
// coop is the producer principal's organisation, hh the household principal's own household
// (a member of coop in commune), coopTok and admin tokens to make fixtures.
func depthRows(s *suite, coop, hh, commune, coopTok, admin string) []matrixRow {
	area := s.must(s.call("GET", "/v1/adminAreas/"+commune, admin, nil), 200)
	lng, lat := area.get("longitude").(float64), area.get("latitude").(float64)
	point := map[string]any{"type": "Point", "coordinates": []any{lng, lat}}
	plotBody := map[string]any{"products": []string{"cinnamon-bark"}, "geometry": point, "declared_area_ha": 1}
	plot := s.must(s.call("POST", "/v1/"+hh+"/plots", coopTok, plotBody), 200).str("name")
	freshPlot := func() string {
		return "/v1/" + s.must(s.call("POST", "/v1/"+hh+"/plots", coopTok, plotBody), 200).str("name")
	}
	cert := map[string]any{"standard": "standards/VIETGAP", "number": "VG-1", "issuer": "QUACERT", "products": []string{"cinnamon-bark"}, "valid_from": "2026-01-01", "valid_until": "2027-12-31"}
	recorded := s.must(s.call("POST", "/v1/"+coop+"/certifications", admin, cert), 200).str("name")
	freshCert := func(tok, verb string) func() string {
		return func() string {
			return "/v1/" + s.must(s.call("POST", "/v1/"+coop+"/certifications", tok, cert), 200).str("name") + ":" + verb
		}
	}
	n := 0
	household := func() map[string]any {
		n++
		return map[string]any{"head_name": fmt.Sprintf("Hộ lô %d", n), "member_count": 2, "ethnic_group": "Mông", "poverty_status": "POVERTY_STATUS_POOR", "commune_code": commune}
	}
	member := s.must(s.call("POST", "/v1/households", coopTok, household()), 200).str("name")
	csv := "Họ và tên chủ hộ,Số nhân khẩu,Dân tộc,Tình trạng nghèo,Mã xã\nLý Thị Hoa,3,Dao,Nghèo," + commune + "\n"
	seeHousehold := []string{"admin", "producer", "household", "official", "province"}
	manageHousehold := []string{"admin", "producer", "household"}
	certifiers := []string{"admin", "official", "province"}
	return []matrixRow{
		{rpc: "BatchCreateHouseholds", method: "POST", path: "/v1/households:batchCreate", body: func() any {
			return map[string]any{"requests": []any{map[string]any{"household": household()}}}
		}, allow: []string{"admin", "producer"}},
		{rpc: "BatchCreateMemberships", method: "POST", path: "/v1/" + coop + "/members:batchCreate", body: map[string]any{"requests": []any{map[string]any{"membership": map[string]any{"household": member}}}},
			allow: []string{"admin", "producer"}, mode: authorized}, // the second allowed caller finds it a member already
		{rpc: "ImportHouseholds", method: "POST", path: "/v1/" + coop + "/households:import", body: map[string]any{"format": "IMPORT_FORMAT_CSV",
			"content": base64.StdEncoding.EncodeToString([]byte(csv)), "validate_only": true}, allow: []string{"admin", "producer"}},
		{rpc: "GetHouseholdImportTemplate", method: "GET", path: "/v1/households:importTemplate?format=IMPORT_FORMAT_XLSX", allow: principalNames},
		{rpc: "CreatePlot", method: "POST", path: "/v1/" + hh + "/plots", body: plotBody, allow: manageHousehold},
		{rpc: "GetPlot", method: "GET", path: "/v1/" + plot, allow: seeHousehold},
		{rpc: "ListPlots", method: "GET", path: "/v1/" + hh + "/plots", allow: seeHousehold, mode: listed, listKey: "plots"},
		{rpc: "DeletePlot", method: "DELETE", fresh: freshPlot, allow: manageHousehold},
		{rpc: "CreateCertification", method: "POST", path: "/v1/" + coop + "/certifications", body: cert, allow: []string{"admin", "producer", "official", "province"}}, // the producer's is a request
		{rpc: "GetCertification", method: "GET", path: "/v1/" + recorded, allow: principalNames},
		{rpc: "ListCertifications", method: "GET", path: "/v1/organizations/-/certifications?filter=standard%3DVIETGAP", allow: principalNames, mode: listed, listKey: "certifications"},
		{rpc: "ApproveCertification", method: "POST", fresh: freshCert(coopTok, "approve"), body: map[string]any{}, allow: certifiers},
		{rpc: "RejectCertification", method: "POST", fresh: freshCert(coopTok, "reject"), body: map[string]any{"reason": "Thiếu hồ sơ"}, allow: certifiers},
		{rpc: "RevokeCertification", method: "POST", fresh: freshCert(admin, "revoke"), body: map[string]any{"reason": "Không đạt giám sát"}, allow: certifiers},
	}
}

package domain_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lienket/lienket/services/contracts/internal/domain"
)

func TestPartnerEvents(t *testing.T) {
	at := time.Date(2026, 6, 1, 3, 4, 5, 0, time.UTC)
	ev := func(typ string, seq int64, payload string) domain.Event {
		return domain.Event{Contract: "c1", Seq: seq, Type: typ, Time: at, Payload: payload, Hash: "h"}
	}
	active := domain.Snapshot{State: domain.StateActive, Buyer: "organizations/b", Producer: "organizations/p"}
	types := func(pes []domain.PartnerEvent) []string {
		var out []string
		for _, p := range pes {
			out = append(out, p.Type)
		}
		return out
	}
	amended := active
	amended.AmendmentCount = 1
	suspended := active
	suspended.State = domain.StateSuspended
	liquidated, completed := active, active
	liquidated.State, completed.State = domain.StateLiquidated, domain.StateCompleted
	for _, c := range []struct {
		e     domain.Event
		after domain.Snapshot
		want  []string
	}{
		{ev("contract.created", 1, `{}`), active, []string{"contract.created"}},
		{ev("contract.updated", 2, `{}`), active, nil},
		{ev("contract.witnessed", 7, `{"amendment":0}`), active, []string{"contract.witnessed", "contract.activated"}},
		{ev("contract.witnessed", 12, `{"amendment":1}`), amended, []string{"contract.witnessed", "contract.amended"}},
		{ev("incident.verified", 13, `{"verification":"ACCEPTED"}`), suspended, []string{"contract.suspended"}},
		{ev("incident.verified", 13, `{"verification":"REJECTED"}`), active, nil},
		{ev("incident.verified", 13, `{"verification":"ACCEPTED"}`), active, nil}, // lots excused, not suspended
		{ev("contract.settlement_acknowledged", 20, `{}`), completed, nil},
		{ev("contract.settlement_acknowledged", 21, `{}`), liquidated, []string{"contract.liquidated"}},
		{ev("delivery.recorded", 14, `{"delivery":"d1"}`), active, []string{"delivery.recorded", "settlement.changed"}},
		{ev("delivery.disputed", 15, `{"delivery":"d1","reason":"x"}`), active, []string{"delivery.disputed"}},
		{ev("payment.recorded", 16, `{"payment":"p1"}`), active, []string{"payment.recorded", "settlement.changed"}},
		{ev("advance.recorded", 17, `{"advance":"a1"}`), active, []string{"advance.recorded", "settlement.changed"}},
		{ev("incident.opened", 18, `{"incident":"i1"}`), active, []string{"incident.opened"}},
		{ev("incident.mediation", 19, `{"incident":"i1"}`), active, nil},
	} {
		require.Equal(t, c.want, types(domain.PartnerEvents(c.e, c.after)), "%s %s", c.e.Type, c.e.Payload)
	}

	pes := domain.PartnerEvents(ev("delivery.recorded", 14, `{"delivery":"d1","quantity":800}`), active)
	require.Len(t, pes, 2)
	require.Equal(t, "contracts/c1/000000000014/delivery.recorded", pes[0].ID)
	require.NotEqual(t, pes[0].ID, pes[1].ID)
	require.Less(t, pes[0].Position, pes[1].Position, "in order within the audit event")
	require.Less(t, pes[1].Position, domain.PartnerEvents(ev("payment.recorded", 15, `{"payment":"p"}`), active)[0].Position, "and across audit events")
	require.Equal(t, []string{"organizations/b", "organizations/p"}, pes[0].Organizations)
	var data map[string]any
	require.NoError(t, json.Unmarshal([]byte(pes[0].Data), &data))
	require.Equal(t, "contracts/c1", data["contract"])
	require.Equal(t, "CONTRACT_STATE_ACTIVE", data["contract_state"])
	require.Equal(t, "contracts/c1/deliveries/d1", data["resource"])
	audit := data["audit_event"].(map[string]any)
	require.EqualValues(t, 14, audit["sequence"])
	require.EqualValues(t, 800, audit["payload"].(map[string]any)["quantity"])

	self := domain.Snapshot{State: domain.StateDraft, Buyer: "organizations/x", Producer: "organizations/x"}
	require.Equal(t, []string{"organizations/x"}, domain.PartnerEvents(ev("contract.created", 1, `{}`), self)[0].Organizations, "one organisation once")
}

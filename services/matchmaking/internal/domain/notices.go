package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Partner events of proposals: every state a proposal enters (created PENDING, ACCEPTED,
// DECLINED, CANCELLED) is announced to its buyer and producer. The announcement is written
// in the same conditional write as the state (the proposal's outbox, PendingNotices), then
// moved to the proposal_events collection, from which the webhooks service pulls it.

// Notice is one partner event of a proposal.
type Notice struct {
	Seq  int64     `bson:"seq"`
	Type string    `bson:"type"`
	Time time.Time `bson:"time"`
	// Data is a JSON object: proposal, demand, offer, state, quantity, contract, reason.
	Data string `bson:"data"`
}

// noticeTypes names the partner event of each state a proposal enters.
var noticeTypes = map[string]string{
	ProposalPending: "proposal.created", ProposalAccepted: "proposal.accepted",
	ProposalDeclined: "proposal.declined", ProposalCancelled: "proposal.cancelled",
}

// Notify appends the partner event of the state pr has just entered to its outbox. The
// pending notices are copied, so that pr does not share them with the proposal it was
// copied from.
func (pr *Proposal) Notify(now time.Time) {
	typ, ok := noticeTypes[pr.State]
	if !ok {
		return
	}
	data, _ := json.Marshal(map[string]any{
		"proposal": pr.Name(), "demand": pr.Demand, "offer": pr.Offer, "state": "STATE_" + pr.State, "quantity": fmt.Sprint(pr.Quantity),
		"contract": pr.Contract, "reason": pr.Reason,
	})
	pr.NoticeSeq++
	pr.PendingNotices = append(append([]Notice{}, pr.PendingNotices...), Notice{Seq: pr.NoticeSeq, Type: typ, Time: now.UTC().Truncate(time.Millisecond), Data: string(data)})
}

// NoticeID is the id of proposal id's notice seq (sorts by proposal, then seq).
func NoticeID(id string, seq int64) string { return fmt.Sprintf("%s/%012d", id, seq) }

// Parties are the organisations a proposal's notices go to.
func (pr *Proposal) Parties() []string {
	if pr.Buyer == pr.Producer || pr.Producer == "" {
		return []string{pr.Buyer}
	}
	return []string{pr.Buyer, pr.Producer}
}

// NoticeEventID is the partner event id of a notice of the proposal named name.
func NoticeEventID(name string, n Notice) string {
	return strings.Join([]string{name, fmt.Sprintf("%012d", n.Seq), n.Type}, "/")
}

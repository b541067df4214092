package usecase

import (
	"context"
	"fmt"
	"strings"

	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/support/internal/domain"
	"github.com/lienket/lienket/services/support/internal/storage"
)

// ScoreProject records a council member's score of a SUBMITTED project.
func (s *Service) ScoreProject(ctx context.Context, p auth.Principal, name string, in domain.ScoreInput, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, err
	}
	return s.changeProject(ctx, p, change{name: name, key: requestKey("ScoreProject", p, requestID),
		allow: func(*domain.Project) error { return nil },
		apply: func(pr *domain.Project, c *domain.Call) (string, any, error) {
			switch {
			case !councilMember(p, c):
				return "", nil, apierr.PermissionDenied("only members of the call's investment council score its projects")
			case owns(p, pr):
				return "", nil, apierr.PermissionDenied("a council member does not score a project of an organisation they act for")
			}
			spec := s.books.Appraisal(pr.Programme)
			var v apierr.Violations
			domain.CheckScoreInput(&v, in, spec)
			if err := v.Err(); err != nil {
				return "", nil, err
			}
			sc := domain.Score{Member: p.Subject, Criteria: in.Criteria, Comment: in.Comment, Time: s.now().UTC()}
			if err := pr.AddScore(sc); err != nil {
				return "", nil, err
			}
			return "project.scored", map[string]any{"member": p.Subject, "criteria": in.Criteria}, nil
		}})
}

// AppraiseProject closes the appraisal of a SUBMITTED project.
func (s *Service) AppraiseProject(ctx context.Context, p auth.Principal, name, note, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, func(v *apierr.Violations) { v.Text("note", note, false, apierr.MaxLongText) }); err != nil {
		return nil, err
	}
	return s.changeProject(ctx, p, change{name: name, key: requestKey("AppraiseProject", p, requestID), allow: decider(p, "closes the appraisal"),
		apply: func(pr *domain.Project, c *domain.Call) (string, any, error) {
			if err := pr.Appraise(s.books.Appraisal(pr.Programme), c.Council, p.Subject, note, s.now()); err != nil {
				return "", nil, err
			}
			return "project.appraised", map[string]any{"scored_by": pr.Appraisal.ScoredBy, "total_sum": pr.Appraisal.TotalSum, "min_pass_score": pr.Appraisal.MinPassScore}, nil
		}})
}

// decision checks a decision's reference and note. Rules: REQUIRED, UTF8, MAX_LENGTH.
func decision(ref, note string) func(*apierr.Violations) {
	return func(v *apierr.Violations) {
		v.Text("decision_reference", ref, true, apierr.MaxShortText)
		v.Text("note", note, false, apierr.MaxLongText)
	}
}

// ApproveProject approves an APPRAISED project. The rules are checked again (the facts may have
// changed since submission), the programme funding is reserved on the call's budget (one
// conditional write of the call: reservations never exceed the budget), then the project is
// approved, then the reservation is aligned with the project (released if the approval did
// not happen).
func (s *Service) ApproveProject(ctx context.Context, p auth.Principal, name, ref, note, etag, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, decision(ref, note)); err != nil {
		return nil, err
	}
	pp, err := s.prepare(ctx, p, name, etag, "ApproveProject", requestID, decider(p, "approves projects"), domain.ActionApprove)
	if err != nil {
		return nil, err
	}
	if !pp.seen {
		_, err = s.approve(ctx, p, pp, domain.Decision{Reference: ref, Reason: note, Official: p.Subject, Time: s.now().UTC()})
	}
	return s.settle(ctx, p, pp.pr.ID, pp.c.ID, err)
}

func (s *Service) approve(ctx context.Context, p auth.Principal, pp *prepared, d domain.Decision) (*domain.Project, error) {
	pr, c := pp.pr, pp.c
	vs, label, _, err := s.validate(ctx, pr, c, pr.Proposal)
	if err != nil {
		return nil, err
	}
	if len(vs) > 0 {
		return nil, domain.RulesError(vs)
	}
	ceiling := domain.TypeCeilingVND(s.books.Params(c.Programme, domain.RuleCeilingType), c, pr.Proposal.Type)
	if err := s.reserve(ctx, p, c.ID, pr.ID, pr.Proposal.Totals().ProgrammeVND); err != nil {
		return nil, err
	}
	return s.mutateProject(ctx, p, pr.ID, pp.ver, pp.key, func(cur *domain.Project) (string, any, error) {
		if err := pp.stillAsChecked(cur); err != nil {
			return "", nil, err
		}
		if err := cur.Approve(ceiling, d); err != nil {
			return "", nil, err
		}
		cur.RulebookVersion = label
		return "project.approved", map[string]any{"decision_reference": d.Reference, "approved_programme_vnd": cur.ApprovedProgrammeVND,
			"approved_total_vnd": cur.ApprovedTotalVND, "ceiling_vnd": ceiling, "milestones": cur.Milestones, "rulebook_version": label}, nil
	})
}

// reserve sets the funding reserved for project on call's budget (see domain.Call.Reserve).
func (s *Service) reserve(ctx context.Context, p auth.Principal, callID, projectID string, amount int64) error {
	_, err := s.st.MutateCall(ctx, callID, func(c *domain.Call) error {
		changed, err := c.Reserve(projectID, amount)
		if err != nil || !changed {
			return orUnchanged(err)
		}
		now := s.now().UTC()
		c.UpdateTime = now
		c.Append(c.Name(), "call.funding_reserved", p.Subject, string(p.Role), map[string]any{"project": domain.ProjectName(projectID), "amount_vnd": amount, "committed_vnd": c.CommittedVND}, now)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reserve funding: %w", err)
	}
	return nil
}

// settle aligns the call's reservation for the project with what the project now holds
// (Project.Committed): after an approval it holds the approved funding, after a rejection,
// completion or closure only what was disbursed. It runs after every such change, even a failed
// one, so that a reservation made for an approval that did not happen is released; a
// reservation is never below what a project holds, since it is raised before the project
// changes. cause is the change's own error, returned first.
func (s *Service) settle(ctx context.Context, p auth.Principal, projectID, callID string, cause error) (*domain.Project, error) {
	cur, err := s.st.Project(ctx, projectID)
	if err != nil || cur == nil {
		return nil, errOr(cause, fmt.Errorf("reload %s: %w", domain.ProjectName(projectID), err))
	}
	if err := s.reserve(ctx, p, callID, cur.ID, cur.Committed()); err != nil {
		return nil, errOr(cause, err)
	}
	if cause != nil {
		return nil, cause
	}
	return cur, nil
}

func errOr(first, second error) error {
	if first != nil {
		return first
	}
	return second
}

func orUnchanged(err error) error {
	if err != nil {
		return err
	}
	return storage.ErrUnchanged
}

// RejectProject rejects an APPRAISED project with reasons.
func (s *Service) RejectProject(ctx context.Context, p auth.Principal, name, reason, ref, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, func(v *apierr.Violations) {
		reasonText("reason", reason)(v)
		v.Text("decision_reference", ref, false, apierr.MaxShortText)
	}); err != nil {
		return nil, err
	}
	return s.changeProject(ctx, p, change{name: name, key: requestKey("RejectProject", p, requestID), allow: decider(p, "rejects projects"),
		apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
			d := domain.Decision{Reference: ref, Reason: reason, Official: p.Subject, Time: s.now().UTC()}
			return "project.rejected", map[string]any{"reason": reason, "decision_reference": ref}, pr.Reject(d)
		}})
}

// StartProject starts an APPROVED project (its owner or the investor).
func (s *Service) StartProject(ctx context.Context, p auth.Principal, name, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, err
	}
	return s.changeProject(ctx, p, change{name: name, key: requestKey("StartProject", p, requestID),
		allow: func(pr *domain.Project) error {
			if !owns(p, pr) && !mayDecide(p, pr) {
				return apierr.PermissionDenied("the owner or the investor starts a project")
			}
			return nil
		},
		apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
			return "project.started", map[string]any{}, pr.Start()
		}})
}

// AmendProject proposes an amendment (the owner): it must pass the rules now.
func (s *Service) AmendProject(ctx context.Context, p auth.Principal, name string, prop domain.Proposal, reason, etag, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, func(v *apierr.Violations) {
		reasonText("reason", reason)(v)
		domain.CheckProposalInput(v, "proposal", prop)
	}); err != nil {
		return nil, err
	}
	pp, err := s.prepare(ctx, p, name, etag, "AmendProject", requestID, editor(p), domain.ActionAmend)
	if err != nil || pp.seen {
		return prOf(pp), err
	}
	if err := s.amendmentRules(ctx, pp.pr, pp.c, prop); err != nil {
		return nil, err
	}
	return s.mutateProject(ctx, p, pp.pr.ID, pp.ver, pp.key, func(cur *domain.Project) (string, any, error) {
		if err := cur.ProposeAmendment(prop, reason, p.Subject, s.now()); err != nil {
			return "", nil, err
		}
		return "project.amendment_proposed", map[string]any{"number": cur.PendingAmendment.Number, "reason": reason, "totals": prop.Totals()}, nil
	})
}

// amendmentRules checks an amended proposal against the programme; the call need not be open
// any more (SUP-CALL-OPEN concerns submissions, not amendments of approved projects).
func (s *Service) amendmentRules(ctx context.Context, pr *domain.Project, c *domain.Call, prop domain.Proposal) error {
	vs, _, _, err := s.validate(ctx, pr, c, prop)
	if err != nil {
		return err
	}
	vs = withoutRule(vs, domain.RuleCallOpen)
	if len(vs) > 0 {
		return domain.RulesError(vs)
	}
	return nil
}

func withoutRule(vs []domain.Violation, id string) []domain.Violation {
	out := vs[:0:0]
	for _, v := range vs {
		if v.RuleID != id {
			out = append(out, v)
		}
	}
	return out
}

// ApproveAmendment applies the pending amendment (the investor): checked against the rules
// again, the new funding reserved on the call's budget first, then the reservation aligned.
func (s *Service) ApproveAmendment(ctx context.Context, p auth.Principal, name, ref, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, decision(ref, "")); err != nil {
		return nil, err
	}
	pp, err := s.prepare(ctx, p, name, "", "ApproveAmendment", requestID, decider(p, "approves amendments"), domain.ActionDecideAmendment)
	if err != nil {
		return nil, err
	}
	if !pp.seen {
		_, err = s.approveAmendment(ctx, p, pp.pr, pp.c, pp.key, ref)
	}
	return s.settle(ctx, p, pp.pr.ID, pp.c.ID, err)
}

func (s *Service) approveAmendment(ctx context.Context, p auth.Principal, pr *domain.Project, c *domain.Call, key, ref string) (*domain.Project, error) {
	a := pr.PendingAmendment
	if a == nil {
		_, err := pr.ApproveAmendment(nil, nil, "", 0) // the domain's refusal: nothing pending
		return nil, err
	}
	vs, label, f, err := s.validate(ctx, pr, c, a.Proposal)
	if err != nil {
		return nil, err
	}
	vs = withoutRule(vs, domain.RuleCallOpen)
	ceiling := domain.TypeCeilingVND(s.books.Params(c.Programme, domain.RuleCeilingType), c, a.Proposal.Type)
	if len(vs) == 0 {
		if err := s.reserve(ctx, p, c.ID, pr.ID, max(a.Proposal.Totals().ProgrammeVND, pr.Committed())); err != nil {
			return nil, err
		}
	}
	return s.mutateProject(ctx, p, pr.ID, 0, key, func(cur *domain.Project) (string, any, error) {
		if cur.PendingAmendment == nil || cur.PendingAmendment.Number != a.Number {
			return "", nil, apierr.FailedPrecondition("AMENDMENT_CHANGED", "the pending amendment changed while it was being checked", nil)
		}
		applied, err := cur.ApproveAmendment(vs, f.Participants, label, ceiling)
		if err != nil {
			return "", nil, err
		}
		return "project.amendment_approved", map[string]any{"number": applied.Number, "decision_reference": ref,
			"approved_programme_vnd": cur.ApprovedProgrammeVND, "milestones": cur.Milestones}, nil
	})
}

// RejectAmendment drops the pending amendment (the investor).
func (s *Service) RejectAmendment(ctx context.Context, p auth.Principal, name, reason, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, reasonText("reason", reason)); err != nil {
		return nil, err
	}
	return s.changeProject(ctx, p, change{name: name, key: requestKey("RejectAmendment", p, requestID), allow: decider(p, "rejects amendments"),
		apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
			a, err := pr.RejectAmendment()
			if err != nil {
				return "", nil, err
			}
			return "project.amendment_rejected", map[string]any{"number": a.Number, "reason": reason}, nil
		}})
}

// CompleteProject completes an IN_PROGRESS project whose milestones are all disbursed (the
// investor); the reservation then equals what was disbursed.
func (s *Service) CompleteProject(ctx context.Context, p auth.Principal, name, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, nil); err != nil {
		return nil, err
	}
	out, err := s.changeProject(ctx, p, change{name: name, key: requestKey("CompleteProject", p, requestID), allow: decider(p, "completes projects"),
		apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
			return "project.completed", map[string]any{"disbursed_vnd": pr.DisbursedVND}, pr.Complete()
		}})
	return s.settleAfter(ctx, p, out, err)
}

// CloseProject closes an approved or in-progress project early (the investor); what was not
// disbursed is released from the call's budget.
func (s *Service) CloseProject(ctx context.Context, p auth.Principal, name, reason, requestID string) (*domain.Project, error) {
	if err := checkRequest(requestID, reasonText("reason", reason)); err != nil {
		return nil, err
	}
	out, err := s.changeProject(ctx, p, change{name: name, key: requestKey("CloseProject", p, requestID), allow: decider(p, "closes projects"),
		apply: func(pr *domain.Project, _ *domain.Call) (string, any, error) {
			return "project.closed", map[string]any{"reason": reason, "disbursed_vnd": pr.DisbursedVND}, pr.Close(reason)
		}})
	return s.settleAfter(ctx, p, out, err)
}

func (s *Service) settleAfter(ctx context.Context, p auth.Principal, pr *domain.Project, err error) (*domain.Project, error) {
	if err != nil {
		return nil, err
	}
	return s.settle(ctx, p, pr.ID, strings.TrimPrefix(pr.Call, "calls/"), nil)
}

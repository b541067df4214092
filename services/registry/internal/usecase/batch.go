package usecase

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lienket/lienket/services/platform/aip"
	"github.com/lienket/lienket/services/platform/apierr"
	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/registry/internal/domain"
	"github.com/lienket/lienket/services/registry/internal/storage"
)

// MaxBatch is the most items one batch call carries (AIP-233).
const MaxBatch = 1000

// HouseholdItem is one household of a batch: the household (nil: the item had none), its
// national ID number as given, and the item's own request id.
type HouseholdItem struct {
	Household  *domain.Household
	NationalID string
	RequestID  string
}

// MembershipItem is one membership of a batch: the membership (nil: none), the parent the
// item names ("" or the batch's) and the item's own request id.
type MembershipItem struct {
	Membership *domain.Membership
	Parent     string
	RequestID  string
}

func item(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

func checkBatchSize(v *apierr.Violations, n int) {
	v.Check(n >= 1 && n <= MaxBatch, "requests", "BATCH_SIZE", "must hold 1 to %d items, not %d", MaxBatch, n)
}

// itemRequestID keys item i of a batch: its own request id, else the batch's with the index,
// else none (a fresh id).
func itemRequestID(batch, own string, i int) string {
	switch {
	case own != "":
		return own
	case batch != "":
		return batch + "#" + strconv.Itoa(i)
	}
	return ""
}

// BatchCreateHouseholds registers up to 1,000 households at once (AIP-233): operators, or
// producer organisations registering their member households. Every item is validated first
// (violations name requests[i]); if any fails nothing is written. The writes are bulk inserts
// keyed by request id, so a retry of a batch that failed half-way completes it and returns the
// first result.
func (r *Registry) BatchCreateHouseholds(ctx context.Context, p auth.Principal, items []HouseholdItem, requestID string) ([]domain.Household, error) {
	if !p.Is(auth.RoleAdmin) {
		if err := r.requireProducer(ctx, p); err != nil {
			return nil, err
		}
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	checkBatchSize(&v, len(items))
	hs := make([]*domain.Household, 0, len(items))
	seen := map[string]int{}
	for i, it := range items {
		f := item("requests", i)
		aip.CheckRequestID(&v, f+".request_id", it.RequestID)
		if !v.Required(f+".household", it.Household != nil) {
			continue
		}
		h := it.Household
		domain.ValidateHousehold(&v, r.ref, f+".household", h, r.now())
		if it.NationalID != "" {
			r.protectNationalIDAt(&v, f+".household.national_id", it.NationalID, h)
		}
		if first, dup := seen[h.NationalIDHash]; dup && h.NationalIDHash != "" {
			v.Add(f+".household.national_id", "DUPLICATE_IN_BATCH", "the same national ID number as requests[%d]", first)
		}
		seen[h.NationalIDHash] = i
		h.ID = aip.IDForRequest("CreateHousehold\x00"+p.Subject, itemRequestID(requestID, it.RequestID, i))
		hs = append(hs, h)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	stored, _, err := r.createHouseholds(ctx, hs, func(i int) string { return item("requests", i) + ".household.national_id" })
	return stored, err
}

// createHouseholds writes validated households (IDs set): it claims their national ID numbers
// (all or none; a refusal is a violation of nidField(i)), then inserts them in bulk. A
// household whose ID exists already (a retry) is returned as stored. It returns the households
// in order and, per household, whether it was created now.
func (r *Registry) createHouseholds(ctx context.Context, hs []*domain.Household, nidField func(int) string) ([]domain.Household, []bool, error) {
	now := r.now().UTC()
	for _, h := range hs {
		h.Created(now)
	}
	made, err := r.claimNationalIDs(ctx, hs, nidField)
	if err != nil {
		return nil, nil, err
	}
	created, err := r.st.Households.InsertMany(ctx, hs)
	if err != nil {
		r.releaseClaims(ctx, made)
		return nil, nil, fmt.Errorf("insert households: %w", err)
	}
	stored, err := readBack(ctx, r.st.Households, hs, created, func(h *domain.Household) string { return h.ID })
	if err != nil {
		return nil, nil, fmt.Errorf("read households back: %w", err)
	}
	return stored, created, nil
}

// readBack returns docs as stored: those not created now (retries, or created by someone
// before) are read back.
func readBack[T any](ctx context.Context, t storage.Table[T], docs []*T, created []bool, id func(*T) string) ([]T, error) {
	var again []string
	for i, d := range docs {
		if !created[i] {
			again = append(again, id(d))
		}
	}
	found, err := t.GetMany(ctx, again)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*T, len(found))
	for i := range found {
		byID[id(&found[i])] = &found[i]
	}
	out := make([]T, len(docs))
	for i, d := range docs {
		out[i] = *d
		if s, ok := byID[id(d)]; ok {
			out[i] = *s
		}
	}
	return out, nil
}

// heldClaim is a national-ID claim made by a bulk create: the value and its owner.
type heldClaim struct{ value, owner string }

// claimNationalIDs claims the national ID numbers of hs for them in bulk. A claim already held
// by the same household (a retry) is kept; one held by another is taken over or refused as
// CreateHousehold would. Households holding a number from before claims existed refuse it too.
// Any refusal releases the claims made here and answers INVALID_ARGUMENT naming nidField(i).
func (r *Registry) claimNationalIDs(ctx context.Context, hs []*domain.Household, nidField func(int) string) ([]heldClaim, error) {
	u := r.nationalIDs()
	now := r.now().UTC()
	var claims []*domain.Claim
	var at []int
	owner := map[string]string{} // hash → the household of this batch claiming it
	for i, h := range hs {
		if h.NationalIDHash != "" {
			claims = append(claims, &domain.Claim{ID: u.key(h.NationalIDHash), Owner: h.ID, Time: now, Version: 1})
			at = append(at, i)
			owner[h.NationalIDHash] = h.ID
		}
	}
	if len(claims) == 0 {
		return nil, nil
	}
	made, err := r.st.Claims.InsertMany(ctx, claims)
	if err != nil {
		return nil, fmt.Errorf("claim national IDs: %w", err)
	}
	var held []heldClaim
	for j, ok := range made {
		if ok {
			held = append(held, heldClaim{hs[at[j]].NationalIDHash, hs[at[j]].ID})
		}
	}
	var v apierr.Violations
	if err := r.settleClaims(ctx, u, claims, made, &v, func(j int) (*domain.Household, string) { return hs[at[j]], nidField(at[j]) }); err != nil {
		r.releaseClaims(ctx, held)
		return nil, err
	}
	if err := v.Err(); err != nil {
		r.releaseClaims(ctx, held)
		return nil, err
	}
	return held, nil
}

// settleClaims decides the claims that existed already (not made): kept when the claiming
// household owns them (a retry), else taken over or refused (a violation of the item's field)
// as a single create would.
func (r *Registry) settleClaims(ctx context.Context, u unique, claims []*domain.Claim, made []bool, v *apierr.Violations, of func(int) (*domain.Household, string)) error {
	var existing []string
	for j, ok := range made {
		if !ok {
			existing = append(existing, claims[j].ID)
		}
	}
	if len(existing) == 0 {
		return nil
	}
	stored, err := r.st.Claims.GetMany(ctx, existing)
	if err != nil {
		return fmt.Errorf("read national ID claims: %w", err)
	}
	ownerOf := map[string]string{}
	for _, c := range stored {
		ownerOf[c.ID] = c.Owner
	}
	for j, c := range claims {
		if made[j] || ownerOf[c.ID] == c.Owner {
			continue
		}
		h, field := of(j)
		switch err := r.claim(ctx, u, h.NationalIDHash, h.ID); {
		case err == u.taken:
			v.Add(field, "NATIONAL_ID_REGISTERED", "a household with this national ID number is already registered")
		case err != nil:
			return err
		}
	}
	return nil
}

func (r *Registry) releaseClaims(ctx context.Context, held []heldClaim) {
	u := r.nationalIDs()
	for _, c := range held {
		r.release(ctx, u, []string{c.value}, c.owner)
	}
}

// BatchCreateMemberships adds up to 1,000 households to an organisation at once (AIP-233):
// operators or the organisation itself. Every item is validated first (the households must
// exist; without a batch request id, none may be a member already); if any fails nothing is
// written. A retry with the batch's request id returns the memberships.
func (r *Registry) BatchCreateMemberships(ctx context.Context, p auth.Principal, parent string, items []MembershipItem, requestID string) ([]domain.Membership, error) {
	org, err := r.getOrg(ctx, "parent", parent)
	if err != nil {
		return nil, err
	}
	if !mayManageOrg(p, parent) {
		return nil, apierr.PermissionDenied("only operators and the organisation itself may add members")
	}
	var v apierr.Violations
	aip.CheckRequestID(&v, "request_id", requestID)
	checkBatchSize(&v, len(items))
	ms := make([]*domain.Membership, 0, len(items))
	seen := map[string]int{}
	for i, it := range items {
		f := item("requests", i)
		v.Check(it.Parent == "" || it.Parent == parent, f+".parent", "BATCH_PARENT", "must be empty or %s", parent)
		aip.CheckRequestID(&v, f+".request_id", it.RequestID)
		if !v.Required(f+".membership", it.Membership != nil) {
			continue
		}
		m := it.Membership
		validateNewMembership(&v, f+".membership", org, m)
		m.Organization = orgName(org.ID)
		if first, dup := seen[m.Household]; dup {
			v.Add(f+".membership.household", "DUPLICATE_IN_BATCH", "the same household as requests[%d]", first)
		}
		seen[m.Household] = i
		ms = append(ms, m)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := r.checkMembers(ctx, ms, requestID == "", func(i int) string { return item("requests", i) + ".membership.household" }); err != nil {
		return nil, err
	}
	stored, _, err := r.createMemberships(ctx, org, ms)
	return stored, err
}

// checkMembers checks that the households of ms exist and, when fresh, that none is a member
// already; violations name field(i).
func (r *Registry) checkMembers(ctx context.Context, ms []*domain.Membership, fresh bool, field func(int) string) error {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = strings.TrimPrefix(m.Household, "households/")
	}
	found, err := r.st.Households.GetMany(ctx, ids)
	if err != nil {
		return fmt.Errorf("get households: %w", err)
	}
	exists := map[string]bool{}
	for _, h := range found {
		exists[h.ID] = true
	}
	var v apierr.Violations
	for i, id := range ids {
		v.Check(exists[id], field(i), "HOUSEHOLD_EXISTS", "household %s does not exist", ms[i].Household)
	}
	if fresh && v.Empty() {
		if err := r.checkNotMembers(ctx, ms, &v, field); err != nil {
			return err
		}
	}
	return v.Err()
}

func (r *Registry) checkNotMembers(ctx context.Context, ms []*domain.Membership, v *apierr.Violations, field func(int) string) error {
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = membershipID(m.Organization, m.Household)
	}
	found, err := r.st.Memberships.GetMany(ctx, ids)
	if err != nil {
		return fmt.Errorf("get memberships: %w", err)
	}
	member := map[string]bool{}
	for _, m := range found {
		member[m.ID] = true
	}
	for i, id := range ids {
		v.Check(!member[id], field(i), "ALREADY_MEMBER", "%s is a member already", ms[i].Household)
	}
	return nil
}

// createMemberships inserts validated memberships of org in bulk; those that exist already are
// returned as stored. It returns them in order and, per membership, whether it was created now.
func (r *Registry) createMemberships(ctx context.Context, org *domain.Organization, ms []*domain.Membership) ([]domain.Membership, []bool, error) {
	now := r.now().UTC()
	for _, m := range ms {
		m.Organization, m.ID = orgName(org.ID), membershipID(org.ID, m.Household)
		m.Created(now)
	}
	created, err := r.st.Memberships.InsertMany(ctx, ms)
	if err != nil {
		return nil, nil, fmt.Errorf("insert memberships: %w", err)
	}
	stored, err := readBack(ctx, r.st.Memberships, ms, created, func(m *domain.Membership) string { return m.ID })
	if err != nil {
		return nil, nil, fmt.Errorf("read memberships back: %w", err)
	}
	return stored, created, nil
}

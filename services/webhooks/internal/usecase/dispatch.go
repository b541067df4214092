package usecase

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/lienket/lienket/services/webhooks/internal/domain"
	"github.com/lienket/lienket/services/webhooks/internal/storage"
)

// Source is a service that produces partner events: an outbox read in order and acknowledged.
type Source interface {
	// Name identifies the source (its lease).
	Name() string
	// Pull returns up to limit unacknowledged records, in order per subject.
	Pull(ctx context.Context, limit int) ([]Record, error)
	// Ack acknowledges records by id.
	Ack(ctx context.Context, ids []string) error
}

// Record is an outbox record of a source and the partner events it stands for.
type Record struct {
	ID     string
	Events []domain.Event
}

// DispatchConfig tunes the dispatcher.
type DispatchConfig struct {
	// Workers send concurrently (each works on one stream at a time).
	Workers int
	// Poll is how often idle workers and source pollers look for work.
	Poll time.Duration
	// Lease is how long a claimed stream or source stays with its dispatcher without renewal;
	// half of it must exceed the send timeout (a send starts only with half a lease left or
	// more, so another dispatcher cannot take the stream over while a request is in flight).
	Lease time.Duration
	// Batch is how many deliveries a worker sends from one stream before it lets others have
	// a turn.
	Batch int
	// PullSize is how many records a source poll asks for.
	PullSize int
	// Retention: DELIVERED and FAILED deliveries older than this are removed.
	Retention time.Duration
}

// DefaultDispatch are the defaults.
var DefaultDispatch = DispatchConfig{Workers: 16, Poll: 200 * time.Millisecond, Lease: 60 * time.Second, Batch: 50, PullSize: 500, Retention: 30 * 24 * time.Hour}

// Dispatcher sends queued deliveries and ingests the sources' events. Any number of
// dispatchers (replicas) may run against one store: streams and sources are leased.
type Dispatcher struct {
	s       *Service
	cfg     DispatchConfig
	sources []Source
	owner   string
}

// NewDispatcher returns a dispatcher of s over sources; its identity (lease owner) is the host
// name and a random suffix.
func (s *Service) NewDispatcher(cfg DispatchConfig, sources ...Source) *Dispatcher {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = crand.Read(b)
	return &Dispatcher{s: s, cfg: cfg, sources: sources, owner: host + "-" + hex.EncodeToString(b)}
}

// Run works until ctx ends. It writes nothing after ctx ends: a request in flight is
// abandoned unrecorded and its stream's lease left to expire, exactly as if the process had
// been killed (another dispatcher resends it: at least once).
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range d.cfg.Workers {
		wg.Go(func() { d.work(ctx) })
	}
	for _, src := range d.sources {
		wg.Go(func() { d.poll(ctx, src) })
	}
	wg.Go(func() { d.retain(ctx) })
	wg.Wait()
}

func (d *Dispatcher) sleep(ctx context.Context, wake <-chan struct{}) {
	t := time.NewTimer(d.cfg.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
	}
}

func (d *Dispatcher) work(ctx context.Context) {
	for ctx.Err() == nil {
		st, err := d.claim(ctx)
		if err != nil && ctx.Err() == nil {
			d.s.log.WarnContext(ctx, "webhook dispatcher: claim", "error", err)
		}
		if st == nil {
			d.sleep(ctx, d.s.wake)
			continue
		}
		if err := d.drain(ctx, st); err != nil && ctx.Err() == nil {
			d.s.log.ErrorContext(ctx, "webhook dispatcher: stream", "stream", st.ID, "error", err)
			d.sleep(ctx, nil)
		}
	}
}

// claim takes the lease of a due stream, or returns nil when there is none.
func (d *Dispatcher) claim(ctx context.Context) (*storage.Stream, error) {
	now := d.s.now()
	due, err := d.s.st.DueStreams(ctx, now, 2*d.cfg.Workers)
	if err != nil {
		return nil, err
	}
	rand.Shuffle(len(due), func(i, j int) { due[i], due[j] = due[j], due[i] }) // spread the workers
	for _, c := range due {
		st, err := d.s.st.Claim(ctx, c.ID, d.owner, now, now.Add(d.cfg.Lease))
		if err != nil || st != nil {
			return st, err
		}
	}
	return nil, nil
}

// drain sends st's due deliveries in order until it has none due, has sent a batch, or lost
// the lease; it then parks or releases the stream.
func (d *Dispatcher) drain(ctx context.Context, st *storage.Stream) error {
	w, err := d.s.st.GetWebhook(ctx, st.Webhook)
	if err != nil {
		return err
	}
	if w == nil { // deleted: its leftovers go
		return d.s.st.DropStream(ctx, st)
	}
	for sent := 0; ; {
		cur, err := d.s.st.Reread(ctx, st.ID, d.owner)
		if err != nil || cur == nil {
			return err // nil: the lease was lost (we were too slow); whoever has it carries on
		}
		head, err := d.head(ctx, w, cur)
		if err != nil {
			return err
		}
		now := d.s.now()
		switch {
		case head == nil || head.NextAttempt.After(now):
			done, err := d.idle(ctx, w, cur, head)
			if err != nil || done {
				return err
			}
			// work arrived since cur was read: look again
		case sent >= d.cfg.Batch:
			return d.s.st.Release(ctx, cur.ID, d.owner, now) // let other streams have a turn
		default:
			if w, err = d.attempt(ctx, w, cur, head); err != nil {
				return d.handOn(ctx, cur, err)
			}
			sent++
		}
	}
}

// handOn ends a drain that failed: a lost lease is handed on (a no-op when another dispatcher
// has it), any other error returned.
func (d *Dispatcher) handOn(ctx context.Context, cur *storage.Stream, err error) error {
	if errors.Is(err, errLostLease) {
		return d.s.st.Release(ctx, cur.ID, d.owner, d.s.now())
	}
	return err
}

// head returns the delivery to send next from cur's queue (the smallest entry), dropping
// entries whose delivery is no longer PENDING; nil when the queue is empty or w is not ACTIVE.
func (d *Dispatcher) head(ctx context.Context, w *domain.Webhook, cur *storage.Stream) (*domain.Delivery, error) {
	for w.State == domain.StateActive {
		entry := cur.Head()
		if entry == "" {
			return nil, nil
		}
		del, err := d.s.st.GetDelivery(ctx, storage.EntryName(entry))
		if err != nil {
			return nil, err
		}
		if del != nil && del.State == domain.DeliveryPending {
			return del, nil
		}
		if err := d.s.st.Dequeue(ctx, cur.ID, entry); err != nil {
			return nil, err
		}
		cur.Pending = slices.DeleteFunc(cur.Pending, func(e string) bool { return e == entry })
	}
	return nil, nil
}

// idle puts away a stream with nothing to send now: parked until its head's next attempt,
// parked for good while the webhook is disabled, or removed when nothing is pending (after a
// query for a pending delivery its queue would have missed: a crash between a replay's write
// and its queueing). done is false when work arrived since cur was read.
func (d *Dispatcher) idle(ctx context.Context, w *domain.Webhook, cur *storage.Stream, head *domain.Delivery) (bool, error) {
	switch {
	case head != nil:
		return d.s.st.Park(ctx, cur.ID, d.owner, cur.Version, head.NextAttempt)
	case w.State != domain.StateActive:
		return d.s.st.Park(ctx, cur.ID, d.owner, cur.Version, storage.Never)
	}
	missed, err := d.s.st.HeadDelivery(ctx, w.Name, cur.Subject)
	if err != nil {
		return false, err
	}
	if missed != nil {
		return false, d.s.st.Touch(ctx, w.Name, cur.Subject, d.s.now(), storage.Entry(missed))
	}
	return d.s.st.Retire(ctx, cur.ID, d.owner, cur.Version)
}

// attempt sends head once and records the outcome; it returns the webhook as it now is. cur is
// the stream as just read (its lease). A send starts only with at least half the lease left
// (renewed otherwise), which exceeds the send timeout: no other dispatcher can take the stream
// over while the request is in flight; after it, the outcome is recorded only if the lease is
// still ours (a read), so a dispatcher that was too slow leaves the record to its successor.
func (d *Dispatcher) attempt(ctx context.Context, w *domain.Webhook, cur *storage.Stream, head *domain.Delivery) (*domain.Webhook, error) {
	now := d.s.now()
	if cur.LeaseUntil.Sub(now) < d.cfg.Lease/2 {
		ok, err := d.s.st.Renew(ctx, cur.ID, d.owner, now.Add(d.cfg.Lease))
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errLostLease
		}
	}
	a, err := d.s.send(ctx, w, head, now)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err() // stopped mid-request: record nothing (see Run)
	}
	still, err := d.s.st.Reread(ctx, cur.ID, d.owner)
	if err != nil {
		return nil, err
	}
	if still == nil || !still.LeaseUntil.After(d.s.now()) {
		return nil, errLostLease
	}
	id := cur.ID
	prev := head.Attempts
	head.Record(a, d.s.policy, d.s.rand(), d.s.now())
	if err := d.s.st.SaveAttempt(ctx, head); err != nil {
		return nil, err
	}
	if head.State != domain.DeliveryPending {
		if err := d.s.st.Dequeue(ctx, id, storage.Entry(head)); err != nil {
			return nil, err
		}
	}
	d.observe(ctx, head, a, prev)
	if a.OK() {
		if w.Failures > 0 {
			w.Failures = 0
			return w, d.s.st.ClearFailures(ctx, w.Name)
		}
		return w, nil
	}
	return d.failed(ctx, w, a)
}

var errLostLease = errors.New("another dispatcher took the stream over")

func (d *Dispatcher) observe(ctx context.Context, head *domain.Delivery, a domain.Attempt, prev int) {
	outcome, latency := "failed", time.Duration(0)
	switch {
	case a.OK():
		outcome = "delivered"
	case head.State == domain.DeliveryFailed:
		outcome = "gave_up"
		d.s.log.WarnContext(ctx, "webhook delivery given up", "delivery", head.Name, "attempts", head.Attempts, "last_error", head.LastError)
	}
	if prev == 0 && head.Replays == 0 {
		latency = a.Time.Add(time.Duration(a.DurationMS) * time.Millisecond).Sub(head.EventTime)
	}
	d.s.metrics.Attempted(ctx, outcome, latency)
}

// failed counts a failure of w and disables it when the policy says so, announcing it to the
// organisation's webhooks (webhook.disabled).
func (d *Dispatcher) failed(ctx context.Context, w *domain.Webhook, a domain.Attempt) (*domain.Webhook, error) {
	now := d.s.now()
	cur, err := d.s.st.RecordFailure(ctx, w.Name, now)
	if err != nil || cur == nil {
		return w, err
	}
	since := now
	if cur.FailingSince != nil {
		since = *cur.FailingSince
	}
	reason, off := d.s.policy.ShouldDisable(a, cur.Failures, since, now)
	if !off {
		return cur, nil
	}
	done, err := d.s.st.DisableWebhook(ctx, w.Name, reason, now)
	if err != nil || !done {
		return cur, err
	}
	d.s.log.WarnContext(ctx, "webhook disabled after repeated failure", "webhook", w.Name, "reason", reason)
	cur.Disable(reason, now)
	if err := d.s.Ingest(ctx, []domain.Event{domain.DisabledNotice(cur)}); err != nil {
		return cur, fmt.Errorf("announce the disabling: %w", err)
	}
	return cur, nil
}

// poll ingests one source's events, in turn with other dispatchers (a lease per source).
func (d *Dispatcher) poll(ctx context.Context, src Source) {
	for ctx.Err() == nil {
		n, err := d.pollOnce(ctx, src)
		if err != nil && ctx.Err() == nil {
			d.s.log.WarnContext(ctx, "webhook dispatcher: source", "source", src.Name(), "error", err)
		}
		if err != nil || n < d.cfg.PullSize {
			d.sleep(ctx, nil)
		}
	}
}

// pollOnce pulls a page of src, queues its events and acknowledges it; it returns how many
// records there were.
func (d *Dispatcher) pollOnce(ctx context.Context, src Source) (int, error) {
	now := d.s.now()
	if ok, err := d.s.st.ClaimLease(ctx, "source/"+src.Name(), d.owner, now, now.Add(d.cfg.Lease)); err != nil || !ok {
		return 0, err
	}
	recs, err := src.Pull(ctx, d.cfg.PullSize)
	if err != nil || len(recs) == 0 {
		return 0, err
	}
	var events []domain.Event
	ids := make([]string, len(recs))
	for i, r := range recs {
		events = append(events, r.Events...)
		ids[i] = r.ID
	}
	if err := d.s.Ingest(ctx, events); err != nil {
		return 0, err
	}
	return len(recs), src.Ack(ctx, ids)
}

// retain removes old finished deliveries, hourly, by one dispatcher at a time.
func (d *Dispatcher) retain(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		now := d.s.now()
		if ok, err := d.s.st.ClaimLease(ctx, "retention", d.owner, now, now.Add(30*time.Minute)); err == nil && ok {
			if n, err := d.s.st.DeleteFinishedBefore(ctx, now.Add(-d.cfg.Retention)); err != nil && ctx.Err() == nil {
				d.s.log.WarnContext(ctx, "webhook retention", "error", err)
			} else if n > 0 {
				d.s.log.InfoContext(ctx, "webhook retention: old deliveries removed", "count", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

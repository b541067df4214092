// Package supervisor starts, watches and stops the Lienket processes for local runs (`make
// run`): it starts them in stages, waits until each is healthy — and is the process it
// started, not a stranger holding its port — restarts a process that crashes, with backoff,
// and gives up only after repeated fast failures.
package supervisor

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/lienket/lienket/services/platform/health"
)

// Addr is an address a process listens on, and the variable that moves it.
type Addr struct {
	Addr string
	Var  string
}

// Process is one program the supervisor runs.
type Process struct {
	// Name appears in the log prefix and in messages.
	Name string
	// Path of the program; Args its arguments.
	Path string
	Args []string
	// Env is added to the supervisor's environment.
	Env []string
	// Listen are the addresses it listens on: each must be free before it starts.
	Listen []Addr
	// Ready reports whether the process started as instance is up and serving (nil: as soon
	// as it runs).
	Ready func(ctx context.Context, instance string) error
}

// RestartPolicy says how crashed processes are restarted.
type RestartPolicy struct {
	// Backoff before the first restart, doubled for each further crash within Window, up to
	// MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// GiveUp is how many crashes of one process within Window end the run.
	GiveUp int
	Window time.Duration
}

// DefaultRestartPolicy: 1 s, 2 s, 4 s… up to 30 s; five crashes within two minutes end the run.
var DefaultRestartPolicy = RestartPolicy{Backoff: time.Second, MaxBackoff: 30 * time.Second, GiveUp: 5, Window: 2 * time.Minute}

// Supervisor runs stages of processes: every process of a stage is started, then all must be
// ready before the next stage starts. Once all are ready, a process that exits is restarted.
type Supervisor struct {
	// Stages in start order (stopped in reverse).
	Stages [][]Process
	// Policy for restarts.
	Policy RestartPolicy
	// StartTimeout bounds how long a process may take to become ready.
	StartTimeout time.Duration
	// OnReady runs once, when every process is ready (seeding, the banner); an error stops
	// everything.
	OnReady func(ctx context.Context) error
	// Out receives the processes' output (prefixed) and the supervisor's messages.
	Out io.Writer

	log     *prefixer
	running []*running
	exits   chan exit
}

type running struct {
	p        Process
	cmd      *exec.Cmd
	instance string
	gen      int
	done     chan struct{}
	crashes  []time.Time
}

type exit struct {
	r   *running
	gen int
	err error
}

// Run starts everything, watches it until ctx ends, then stops everything (nil), or stops
// everything and returns an error when a process cannot start or keeps crashing.
func (s *Supervisor) Run(ctx context.Context) error {
	s.log = &prefixer{mu: &sync.Mutex{}, out: s.Out}
	s.exits = make(chan exit, 16)
	defer s.stopAll()
	for _, stage := range s.Stages {
		if err := s.startStage(ctx, stage); err != nil {
			return err
		}
	}
	if s.OnReady != nil {
		if err := s.OnReady(ctx); err != nil {
			return err
		}
	}
	for {
		select {
		case <-ctx.Done():
			s.say("stopping")
			return nil
		case e := <-s.exits:
			if e.gen != e.r.gen {
				continue // an earlier run of a process already restarted
			}
			if err := s.restart(ctx, e); err != nil {
				return err
			}
		}
	}
}

func (s *Supervisor) startStage(ctx context.Context, stage []Process) error {
	var started []*running
	for _, p := range stage {
		r := &running{p: p}
		if err := s.start(r); err != nil {
			return err
		}
		s.running = append(s.running, r)
		started = append(started, r)
	}
	for _, r := range started {
		if err := s.waitReady(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// start checks that the process's addresses are free and starts it as a new instance.
func (s *Supervisor) start(r *running) error {
	for _, a := range r.p.Listen {
		if err := portFree(a.Addr); err != nil {
			return fmt.Errorf("%s: %s is already in use by another program (stop it, or set %s to a free address)", r.p.Name, a.Addr, a.Var)
		}
	}
	r.instance = newInstance()
	cmd := exec.Command(r.p.Path, r.p.Args...)
	cmd.Env = append(append(os.Environ(), r.p.Env...), health.InstanceEnv+"="+r.instance)
	out := s.log.writer(r.p.Name)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Ctrl-C reaches the supervisor, not them
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", r.p.Name, err)
	}
	r.cmd, r.gen, r.done = cmd, r.gen+1, make(chan struct{})
	gen, done := r.gen, r.done
	go func() {
		err := cmd.Wait()
		_ = out.Close()
		close(done)
		s.exits <- exit{r: r, gen: gen, err: err}
	}()
	return nil
}

// waitReady polls the process's readiness until it is ready, exits, or StartTimeout passes.
func (s *Supervisor) waitReady(ctx context.Context, r *running) error {
	wctx, cancel := context.WithTimeout(ctx, s.StartTimeout)
	defer cancel()
	for {
		if r.p.Ready == nil || r.p.Ready(wctx, r.instance) == nil {
			s.say("%s is healthy", r.p.Name)
			return nil
		}
		select {
		case <-wctx.Done():
			if ctx.Err() != nil {
				return nil // stopping anyway
			}
			return fmt.Errorf("%s did not become healthy within %s (is another program answering on its port?)", r.p.Name, s.StartTimeout)
		case <-r.done:
			return fmt.Errorf("%s exited during start-up", r.p.Name)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// restart brings a crashed process back after a backoff, or ends the run after too many
// crashes within the policy's window.
func (s *Supervisor) restart(ctx context.Context, e exit) error {
	r := e.r
	now := time.Now()
	recent := r.crashes[:0]
	for _, t := range r.crashes {
		if now.Sub(t) < s.Policy.Window {
			recent = append(recent, t)
		}
	}
	r.crashes = append(recent, now)
	if len(r.crashes) >= s.Policy.GiveUp {
		return fmt.Errorf("%s crashed %d times within %s (last: %v); gave up and stopped everything", r.p.Name, len(r.crashes), s.Policy.Window, e.err)
	}
	wait := s.Policy.Backoff << (len(r.crashes) - 1)
	if wait > s.Policy.MaxBackoff || wait <= 0 {
		wait = s.Policy.MaxBackoff
	}
	s.say("%s exited (%v); restarting in %s (crash %d of %d allowed within %s)", r.p.Name, e.err, wait, len(r.crashes), s.Policy.GiveUp-1, s.Policy.Window)
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(wait):
	}
	if err := s.start(r); err != nil {
		return err
	}
	if err := s.waitReady(ctx, r); err != nil {
		s.say("%s: %v", r.p.Name, err)
		return nil // it exited again: its exit is queued and counted as a crash
	}
	s.say("%s restarted", r.p.Name)
	return nil
}

// stopAll stops every process, the last started first: SIGTERM, then SIGKILL after 20 s.
func (s *Supervisor) stopAll() {
	for i := len(s.running) - 1; i >= 0; i-- {
		r := s.running[i]
		if r.cmd == nil {
			continue
		}
		select {
		case <-r.done:
			continue
		default:
		}
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
			_ = r.cmd.Process.Kill()
			<-r.done
		}
	}
}

func (s *Supervisor) say(format string, args ...any) {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	fmt.Fprintf(s.log.out, "lienket-run: "+format+"\n", args...)
}

func portFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return l.Close()
}

func newInstance() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// prefixer writes each process's output line by line with a "[name]" prefix.
type prefixer struct {
	mu  *sync.Mutex
	out io.Writer
}

func (p *prefixer) writer(name string) io.WriteCloser {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			fmt.Fprintf(p.out, "%-12s %s\n", "["+name+"]", sc.Text())
			p.mu.Unlock()
		}
	}()
	return pw
}

package testkit

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// StoreProcess is lienket-store (make run's store) run as a process of its own, so that a
// benchmark can tell the store's CPU from the services'.
type StoreProcess struct {
	cmd *exec.Cmd
	uri string
}

// StartStoreProcess builds lienket-store and runs it with STORE_BACKEND=backend ("sqlite" or
// "postgresql") over a temporary data directory; it stops when the test ends.
func StartStoreProcess(t testing.TB, backend string) *StoreProcess {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "lienket-store")
	build := exec.Command("go", "build", "-o", bin, "github.com/lienket/lienket/services/platform/cmd/lienket-store")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build lienket-store: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "STORE_ADDR="+addr, "STORE_BACKEND="+backend, "LIENKET_DATA_DIR="+filepath.Join(dir, "data"), "LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &StoreProcess{cmd: cmd, uri: "mongodb://" + addr + "/"}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
	})
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			_ = c.Close()
			return p
		}
		if time.Now().After(deadline) || cmd.ProcessState != nil {
			t.Fatalf("lienket-store did not start: %s", logs.String())
		}
	}
}

// URI is the store's mongodb:// URI.
func (p *StoreProcess) URI() string { return p.uri }

// CPU is the user and system CPU the store has used so far: its own, and that of its child
// processes (PostgreSQL's server and backends, the exited ones included as their parents
// collected them).
func (p *StoreProcess) CPU() time.Duration { return TreeCPU(p.cmd.Process.Pid) }

// TreeCPU is the user and system CPU process pid and its descendants have used so far (those
// that exited included, as their parents collected them): TreeCPU(os.Getpid()) is a
// benchmark's own CPU with that of the PostgreSQL cluster it started.
func TreeCPU(pid int) time.Duration {
	stats := procStats()
	var ticks int64
	var walk func(pid int)
	walk = func(pid int) {
		s, ok := stats[pid]
		if !ok {
			return
		}
		ticks += s.ticks
		for _, c := range s.children {
			walk(c)
		}
	}
	walk(pid)
	return time.Duration(ticks) * time.Second / clockTicks
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat's times (100 on Linux).
const clockTicks = 100

type procStat struct {
	ticks    int64 // utime + stime + cutime + cstime
	children []int
}

// procStats reads every process's CPU times and children from /proc.
func procStats() map[int]*procStat {
	out := map[int]*procStat{}
	parents := map[int]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command name (which may hold spaces), from field 3 (state) on.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
		if len(f) < 15 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		var ticks int64
		for _, i := range []int{11, 12, 13, 14} { // utime stime cutime cstime
			n, _ := strconv.ParseInt(f[i], 10, 64)
			ticks += n
		}
		out[pid] = &procStat{ticks: ticks}
		parents[pid] = ppid
	}
	for pid, ppid := range parents {
		if p, ok := out[ppid]; ok {
			p.children = append(p.children, pid)
		}
	}
	return out
}

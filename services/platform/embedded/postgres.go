package embedded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres is a private PostgreSQL cluster under a directory of the data dir, started and
// stopped with the store: FerretDB's PostgreSQL handler pushes filters on indexed fields down
// to SQL, so lists cost what their scope costs, where the SQLite handler scans whole
// collections (see README, "Limits").
type Postgres struct {
	dir  string
	port int
	cmd  *exec.Cmd
	done chan error
	url  string
}

// ErrNoPostgres means no PostgreSQL server programs were found (install Debian's postgresql
// package: `make postgres`).
var ErrNoPostgres = errors.New("PostgreSQL server programs (initdb, postgres) not found: run `make postgres` (as root it installs Debian's postgresql package)")

// pgDatabase is the database FerretDB keeps its collections in.
const pgDatabase = "ferretdb"

// pgUser is the cluster's superuser (trust authentication, on loopback and its own socket
// directory only).
const pgUser = "lienket"

// PostgresOptions tune a private cluster.
type PostgresOptions struct {
	// Durable keeps fsync on (make run); tests turn it off for speed.
	Durable bool
}

// StartPostgres starts (creating it on first use) the cluster in dir and waits until it
// accepts connections. PostgreSQL refuses to run as root, so when this process is root the
// cluster runs as the "postgres" system user of Debian's package, which then owns dir.
func StartPostgres(ctx context.Context, dir string, o PostgresOptions, log *slog.Logger) (*Postgres, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cred, err := postgresCredential(abs)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(abs, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := initCluster(ctx, bin, abs, cred); err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	fsync := "off"
	if o.Durable {
		fsync = "on"
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", abs, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="+abs,
		"-c", "fsync="+fsync, "-c", "synchronous_commit="+fsync, "-c", "full_page_writes="+fsync,
		"-c", "max_connections=200", "-c", "logging_collector=off", "-c", "log_min_messages=warning")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	cmd.Stdout, cmd.Stderr = logWriter{log}, logWriter{log}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	p := &Postgres{dir: abs, port: port, cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	if err := p.waitAndCreate(ctx); err != nil {
		p.Stop()
		return nil, err
	}
	p.url = fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s", pgUser, port, pgDatabase)
	if err := installEqualityIndexes(ctx, p.url); err != nil {
		p.Stop()
		return nil, err
	}
	return p, nil
}

// URL is the connection URL of the FerretDB database of the cluster.
func (p *Postgres) URL() string { return p.url }

// Stop shuts the cluster down (fast shutdown: open transactions roll back) and waits.
func (p *Postgres) Stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.done <- nil // let a second Stop return at once
}

func (p *Postgres) waitAndCreate(ctx context.Context) error {
	admin := fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres", pgUser, p.port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := pgx.Connect(ctx, admin)
		if err == nil {
			defer c.Close(ctx)
			var exists bool
			if err := c.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", pgDatabase).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				_, err = c.Exec(ctx, "CREATE DATABASE "+pgDatabase)
			}
			return err
		}
		select {
		case err := <-p.done:
			p.done <- err
			return fmt.Errorf("postgres exited during start-up: %v (its log is above)", err)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within 30s: %w", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func initCluster(ctx context.Context, bin, dir string, cred *syscall.Credential) error {
	cmd := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", dir, "-U", pgUser, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb %s: %v: %s", dir, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// postgresBin finds the directory of initdb and postgres: on PATH, or the newest
// /usr/lib/postgresql/<version>/bin (Debian does not put the server programs on PATH).
func postgresBin() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "postgres")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoPostgres
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// postgresCredential is nil when this process may run PostgreSQL itself; as root it is the
// "postgres" system user's, and dir (created if needed) is handed to that user.
func postgresCredential(dir string) (*syscall.Credential, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as another user and there is no \"postgres\" user (install Debian's postgresql package: make postgres): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	}); err != nil {
		return nil, err
	}
	// The cluster directory's parents must be reachable by that user.
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(d, fi.Mode().Perm()|0o011); err != nil {
				return nil, err
			}
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// logWriter sends PostgreSQL's own output to the store's log, a line at a time.
type logWriter struct{ log *slog.Logger }

func (w logWriter) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if line != "" && w.log != nil {
			w.log.Warn("postgres", "line", line)
		}
	}
	return len(b), nil
}

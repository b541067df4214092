// Package supervisor starts and stops the Lienket processes for local runs.
package supervisor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
)

// Config holds ports and paths; every value has an environment variable (see README).
type Config struct {
	BinDir, DataDir                              string
	StoreAddr                                    string
	RegistryGRPC, ContractsGRPC, MatchmakingGRPC string
	RegistryHTTP, ContractsHTTP, MatchmakingHTTP string
	SupportGRPC, SupportHTTP                     string
	GatewayHTTP                                  string
	MongoURI                                     string
	StartTimeout                                 time.Duration
}

// LoadConfig reads the supervisor settings from e (config.FromOS() in main).
func LoadConfig(e *config.Env) (Config, error) {
	c := Config{
		BinDir:          e.String("BIN_DIR", "./bin"),
		DataDir:         e.String("LIENKET_DATA_DIR", config.DefaultDataDir),
		StoreAddr:       e.Addr("STORE_ADDR", config.DefaultStoreAddr),
		RegistryGRPC:    e.Addr("REGISTRY_ADDR", config.DefaultRegistryAddr),
		ContractsGRPC:   e.Addr("CONTRACTS_ADDR", config.DefaultContractsAddr),
		MatchmakingGRPC: e.Addr("MATCHMAKING_ADDR", config.DefaultMatchmakingAddr),
		SupportGRPC:     e.Addr("SUPPORT_ADDR", config.DefaultSupportAddr),
		RegistryHTTP:    e.Addr("REGISTRY_HTTP_ADDR", config.DefaultRegistryHTTP),
		ContractsHTTP:   e.Addr("CONTRACTS_HTTP_ADDR", config.DefaultContractsHTTP),
		MatchmakingHTTP: e.Addr("MATCHMAKING_HTTP_ADDR", config.DefaultMatchmakingHTTP),
		SupportHTTP:     e.Addr("SUPPORT_HTTP_ADDR", config.DefaultSupportHTTP),
		GatewayHTTP:     e.Addr("GATEWAY_ADDR", config.DefaultGatewayAddr),
		MongoURI:        e.String("MONGODB_URI", ""),
		StartTimeout:    e.Duration("START_TIMEOUT", 60*time.Second),
	}
	return c, e.Err()
}

type proc struct {
	name string
	cmd  *exec.Cmd
	done chan error
}

// Run starts everything, waits until ctx ends or a process dies, then stops everything.
func Run(ctx context.Context, c Config, out io.Writer) error {
	keyPath := filepath.Join(c.DataDir, "keys", "dev-issuer.pem")
	if _, err := auth.EnsureKeyPair(keyPath); err != nil {
		return fmt.Errorf("development issuer key: %w", err)
	}
	common := []string{
		"LIENKET_DATA_DIR=" + c.DataDir,
		"JWT_PUBLIC_KEY_FILES=" + auth.PublicPath(keyPath),
		"SERVICE_KEY_FILE=" + keyPath,
		"REGISTRY_ADDR=" + c.RegistryGRPC,
		"CONTRACTS_ADDR=" + c.ContractsGRPC,
		"MATCHMAKING_ADDR=" + c.MatchmakingGRPC,
		"SUPPORT_ADDR=" + c.SupportGRPC,
	}
	var mu sync.Mutex
	logw := &prefixer{mu: &mu, out: out}
	var procs []*proc
	died := make(chan string, 8)
	stopAll := func() {
		for i := len(procs) - 1; i >= 0; i-- {
			p := procs[i]
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(20 * time.Second):
				_ = p.cmd.Process.Kill()
				<-p.done
			}
		}
	}
	start := func(name, bin string, env ...string) error {
		cmd := exec.Command(filepath.Join(c.BinDir, bin))
		cmd.Env = append(append(os.Environ(), common...), env...)
		cmd.Stdout = logw.writer(name)
		cmd.Stderr = logw.writer(name)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Ctrl-C reaches us, not them
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("start %s: %w", name, err)
		}
		p := &proc{name: name, cmd: cmd, done: make(chan error, 1)}
		go func() {
			err := cmd.Wait()
			p.done <- err
			close(p.done)
			died <- name
		}()
		procs = append(procs, p)
		return nil
	}
	wait := func(name string, check func(context.Context) error) error {
		wctx, cancel := context.WithTimeout(ctx, c.StartTimeout)
		defer cancel()
		for {
			if err := check(wctx); err == nil {
				fmt.Fprintf(out, "lienket-run: %s is healthy\n", name)
				return nil
			}
			select {
			case <-wctx.Done():
				return fmt.Errorf("%s did not become healthy within %s", name, c.StartTimeout)
			case n := <-died:
				return fmt.Errorf("%s exited during start-up", n)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}

	err := func() error {
		uri := c.MongoURI
		if uri == "" {
			if err := start("store", "lienket-store", "STORE_ADDR="+c.StoreAddr); err != nil {
				return err
			}
			if err := wait("store", tcpCheck(c.StoreAddr)); err != nil {
				return err
			}
			uri = "mongodb://" + c.StoreAddr + "/"
		}
		for _, s := range []struct{ name, grpc, http string }{
			{"registry", c.RegistryGRPC, c.RegistryHTTP},
			{"contracts", c.ContractsGRPC, c.ContractsHTTP},
			{"matchmaking", c.MatchmakingGRPC, c.MatchmakingHTTP},
			{"support", c.SupportGRPC, c.SupportHTTP},
		} {
			if err := start(s.name, s.name, "MONGODB_URI="+uri, "GRPC_ADDR="+s.grpc, "HTTP_ADDR="+s.http); err != nil {
				return err
			}
		}
		for _, s := range []struct{ name, addr string }{{"registry", c.RegistryGRPC}, {"contracts", c.ContractsGRPC}, {"matchmaking", c.MatchmakingGRPC}, {"support", c.SupportGRPC}} {
			if err := wait(s.name, grpcHealth(s.addr)); err != nil {
				return err
			}
		}
		if err := start("gateway", "gateway", "HTTP_ADDR="+c.GatewayHTTP); err != nil {
			return err
		}
		return wait("gateway", httpCheck("http://"+c.GatewayHTTP+"/healthz"))
	}()
	if err != nil {
		stopAll()
		return err
	}
	fmt.Fprintf(out, `
Lienket is running.
  REST gateway   http://%[1]s   (OpenAPI: http://%[1]s/openapi.json, health: /healthz)
  registry       grpc %[2]s    contracts grpc %[3]s    matchmaking grpc %[4]s    support grpc %[7]s
  store          %[5]s
  token          export TOKEN=$(%[6]s/lienketctl token --role admin --sub users/me)
                 curl -H "Authorization: Bearer $TOKEN" http://%[1]s/v1/products
Press Ctrl-C to stop.
`, c.GatewayHTTP, c.RegistryGRPC, c.ContractsGRPC, c.MatchmakingGRPC, storeDesc(c), c.BinDir, c.SupportGRPC)

	select {
	case <-ctx.Done():
		fmt.Fprintln(out, "lienket-run: stopping")
		stopAll()
		return nil
	case n := <-died:
		stopAll()
		return fmt.Errorf("%s exited unexpectedly; stopped everything", n)
	}
}

func storeDesc(c Config) string {
	if c.MongoURI != "" {
		return "external MongoDB (MONGODB_URI)"
	}
	return "embedded FerretDB mongodb://" + c.StoreAddr + "/ (data in " + c.DataDir + "/store)"
}

func tcpCheck(addr string) func(context.Context) error {
	return func(ctx context.Context) error {
		d := net.Dialer{Timeout: time.Second}
		cn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = cn.Close()
		}
		return err
	}
}

func grpcHealth(addr string) func(context.Context) error {
	return func(ctx context.Context) error {
		cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		defer cc.Close()
		cctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		r, err := healthpb.NewHealthClient(cc).Check(cctx, &healthpb.HealthCheckRequest{})
		if err != nil {
			return err
		}
		if r.Status != healthpb.HealthCheckResponse_SERVING {
			return errors.New(r.Status.String())
		}
		return nil
	}
}

func httpCheck(url string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = r.Body.Close()
		if r.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", r.StatusCode)
		}
		return nil
	}
}

// prefixer writes each process's output line by line with a "[name]" prefix.
type prefixer struct {
	mu  *sync.Mutex
	out io.Writer
}

func (p *prefixer) writer(name string) io.Writer {
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

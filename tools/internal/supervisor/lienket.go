package supervisor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/health"
	"github.com/lienket/lienket/tools/internal/demo"
)

// Config holds ports and paths; every value has an environment variable (see README).
type Config struct {
	BinDir, DataDir                              string
	StoreAddr                                    string
	RegistryGRPC, ContractsGRPC, MatchmakingGRPC string
	RegistryHTTP, ContractsHTTP, MatchmakingHTTP string
	SupportGRPC, SupportHTTP                     string
	WebhooksGRPC, WebhooksHTTP                   string
	GatewayHTTP                                  string
	MongoURI                                     string
	StartTimeout                                 time.Duration
	// OIDCAddr is the development OpenID provider's address, ConsoleURL where the console is
	// reached, DemoPassword every demo person's password there.
	OIDCAddr, ConsoleURL, DemoPassword string
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
		RegistryHTTP:    e.Addr("REGISTRY_HTTP_ADDR", config.DefaultRegistryHTTP),
		ContractsHTTP:   e.Addr("CONTRACTS_HTTP_ADDR", config.DefaultContractsHTTP),
		MatchmakingHTTP: e.Addr("MATCHMAKING_HTTP_ADDR", config.DefaultMatchmakingHTTP),
		SupportGRPC:     e.Addr("SUPPORT_ADDR", config.DefaultSupportAddr),
		SupportHTTP:     e.Addr("SUPPORT_HTTP_ADDR", config.DefaultSupportHTTP),
		WebhooksGRPC:    e.Addr("WEBHOOKS_ADDR", config.DefaultWebhooksAddr),
		WebhooksHTTP:    e.Addr("WEBHOOKS_HTTP_ADDR", config.DefaultWebhooksHTTP),
		GatewayHTTP:     e.Addr("GATEWAY_ADDR", config.DefaultGatewayAddr),
		MongoURI:        e.String("MONGODB_URI", ""),
		StartTimeout:    e.Duration("START_TIMEOUT", 60*time.Second),
		OIDCAddr:        e.Addr("OIDC_DEV_ADDR", demo.ProviderAddr),
		DemoPassword:    e.String("OIDC_DEMO_PASSWORD", demo.Password),
	}
	c.ConsoleURL = strings.TrimRight(e.String("CONSOLE_URL", "http://"+c.GatewayHTTP), "/")
	return c, e.Err()
}

// Run runs the Lienket suite of c until ctx ends (Ctrl-C).
func Run(ctx context.Context, c Config, out io.Writer) error {
	keyPath := filepath.Join(c.DataDir, "keys", "dev-issuer.pem")
	if _, err := auth.EnsureKeyPair(keyPath); err != nil {
		return fmt.Errorf("development issuer key: %w", err)
	}
	cons, err := c.prepareConsole()
	if err != nil {
		return err
	}
	s := Plan(c, keyPath, cons)
	s.Out = out
	s.OnReady = func(ctx context.Context) error {
		if err := c.seed(ctx, keyPath, cons.issuer, out); err != nil {
			return err
		}
		banner(out, c)
		c.printConsole(out, cons.issuer)
		fmt.Fprintln(out, "A process that crashes is restarted. Press Ctrl-C to stop.")
		return nil
	}
	return s.Run(ctx)
}

// Plan is the suite as stages: the embedded store (unless MONGODB_URI names one), the
// services, the development OpenID provider, the gateway (with the console).
func Plan(c Config, keyPath string, cons consoleEnv) *Supervisor {
	common := []string{
		"LIENKET_DATA_DIR=" + c.DataDir,
		"JWT_PUBLIC_KEY_FILES=" + auth.PublicPath(keyPath),
		"SERVICE_KEY_FILE=" + keyPath,
		"REGISTRY_ADDR=" + c.RegistryGRPC,
		"CONTRACTS_ADDR=" + c.ContractsGRPC,
		"MATCHMAKING_ADDR=" + c.MatchmakingGRPC,
		"SUPPORT_ADDR=" + c.SupportGRPC,
		"WEBHOOKS_ADDR=" + c.WebhooksGRPC,
	}
	bin := func(name string) string { return filepath.Join(c.BinDir, name) }
	var stages [][]Process
	uri := c.MongoURI
	if uri == "" {
		_ = os.Remove(filepath.Join(c.DataDir, "store.backend")) // the store writes what it runs
		stages = append(stages, []Process{{
			Name: "store", Path: bin("lienket-store"), Env: append(common, "STORE_ADDR="+c.StoreAddr),
			Listen: []Addr{{c.StoreAddr, "STORE_ADDR"}}, Ready: tcpReady(c.StoreAddr),
		}})
		uri = "mongodb://" + c.StoreAddr + "/"
	}
	var services []Process
	for _, sv := range []struct {
		name, grpc, http, grpcVar, httpVar string
		env                                []string
	}{
		{"registry", c.RegistryGRPC, c.RegistryHTTP, "REGISTRY_ADDR", "REGISTRY_HTTP_ADDR", nil},
		{"contracts", c.ContractsGRPC, c.ContractsHTTP, "CONTRACTS_ADDR", "CONTRACTS_HTTP_ADDR", nil},
		{"matchmaking", c.MatchmakingGRPC, c.MatchmakingHTTP, "MATCHMAKING_ADDR", "MATCHMAKING_HTTP_ADDR", nil},
		// Development: webhooks may point at http:// and local endpoints (a receiver on this
		// machine); production refuses them (deploy/README.md).
		{"webhooks", c.WebhooksGRPC, c.WebhooksHTTP, "WEBHOOKS_ADDR", "WEBHOOKS_HTTP_ADDR", []string{"WEBHOOK_ALLOW_INTERNAL_TARGETS=true"}},
		{"support", c.SupportGRPC, c.SupportHTTP, "SUPPORT_ADDR", "SUPPORT_HTTP_ADDR", nil},
	} {
		services = append(services, Process{
			Name: sv.name, Path: bin(sv.name), Env: append(append(append([]string{}, common...), "MONGODB_URI="+uri, "GRPC_ADDR="+sv.grpc, "HTTP_ADDR="+sv.http,
				"PUBLIC_BASE_URL="+c.ConsoleURL), sv.env...), // the gateway's public address: the documents' QR codes link to it
			Listen: []Addr{{sv.grpc, sv.grpcVar}, {sv.http, sv.httpVar}},
			Ready:  allReady(grpcReady(sv.grpc), healthReady("http://"+sv.http+"/healthz")),
		})
	}
	stages = append(stages, services, []Process{{
		Name: "oidc", Path: bin("lienket-oidc"), Env: append(append([]string{}, cons.provider...), "OIDC_DEMO_PASSWORD="+c.DemoPassword),
		Listen: []Addr{{c.OIDCAddr, "OIDC_DEV_ADDR"}}, Ready: httpOK(cons.issuer + "/healthz"),
	}}, []Process{{
		Name: "gateway", Path: bin("gateway"), Env: append(append(append([]string{}, common...), cons.gateway...), "HTTP_ADDR="+c.GatewayHTTP),
		Listen: []Addr{{c.GatewayHTTP, "GATEWAY_ADDR"}}, Ready: healthReady("http://" + c.GatewayHTTP + "/healthz"),
	}})
	return &Supervisor{Stages: stages, Policy: DefaultRestartPolicy, StartTimeout: c.StartTimeout}
}

func banner(out io.Writer, c Config) {
	fmt.Fprintf(out, `
Lienket is running.
  REST gateway   http://%[1]s   (OpenAPI: http://%[1]s/openapi.json, health: /healthz)
  registry       grpc %[2]s    contracts grpc %[3]s    matchmaking grpc %[4]s    support grpc %[7]s
  webhooks       grpc %[8]s    (sends partner events; http:// and local endpoints allowed here)
  store          %[5]s
  token          export TOKEN=$(%[6]s/lienketctl token --role admin --sub users/me)
                 curl -H "Authorization: Bearer $TOKEN" http://%[1]s/v1/products
`, c.GatewayHTTP, c.RegistryGRPC, c.ContractsGRPC, c.MatchmakingGRPC, storeDesc(c), c.BinDir, c.SupportGRPC, c.WebhooksGRPC)
}

func storeDesc(c Config) string {
	if c.MongoURI != "" {
		return "external MongoDB (MONGODB_URI)"
	}
	desc := "embedded, mongodb://" + c.StoreAddr + "/"
	if b, err := os.ReadFile(filepath.Join(c.DataDir, "store.backend")); err == nil {
		desc += " — " + strings.TrimSpace(string(b))
	}
	return desc
}

type readyFunc = func(ctx context.Context, instance string) error

func allReady(checks ...readyFunc) readyFunc {
	return func(ctx context.Context, instance string) error {
		for _, c := range checks {
			if err := c(ctx, instance); err != nil {
				return err
			}
		}
		return nil
	}
}

// tcpReady: something accepts connections on addr (the store has no instance check; its port
// was free before it started).
func tcpReady(addr string) readyFunc {
	return func(ctx context.Context, _ string) error {
		d := net.Dialer{Timeout: time.Second}
		cn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = cn.Close()
		}
		return err
	}
}

// grpcReady: the gRPC health service at addr says SERVING.
func grpcReady(addr string) readyFunc {
	return func(ctx context.Context, _ string) error {
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

// httpOK: url answers 200 (the development OpenID provider, which has no instance id; its port
// was free before it started).
func httpOK(url string) readyFunc {
	return func(ctx context.Context, _ string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_ = r.Body.Close()
		if r.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: status %d", url, r.StatusCode)
		}
		return nil
	}
}

// healthReady: /healthz at url answers ready, from the instance the supervisor started.
func healthReady(url string) readyFunc {
	return func(ctx context.Context, instance string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer r.Body.Close()
		var rep health.Report
		if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&rep); err != nil {
			return fmt.Errorf("%s: not a Lienket health report: %w", url, err)
		}
		if rep.Instance != instance {
			return fmt.Errorf("%s answers as instance %q, not %q: another program holds the port", url, rep.Instance, instance)
		}
		if r.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: status %d (%s)", url, r.StatusCode, rep.Status)
		}
		return nil
	}
}

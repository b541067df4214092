// Package testkit starts what integration tests need: a fresh embedded store per test package,
// a development token issuer, and gRPC servers and clients on loopback.
package testkit

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.opentelemetry.io/otel"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/lienket/lienket/services/platform/auth"
	"github.com/lienket/lienket/services/platform/config"
	"github.com/lienket/lienket/services/platform/embedded"
	"github.com/lienket/lienket/services/platform/grpcserver"
	"github.com/lienket/lienket/services/platform/logging"
	"github.com/lienket/lienket/services/platform/mongostore"
	"github.com/lienket/lienket/services/platform/service"
)

// Store is the package's embedded store; set by Main.
var storeURI string

// Main runs a test package with a fresh embedded store in a temporary directory. Use it from
// TestMain: func TestMain(m *testing.M) { testkit.Main(m) }.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "lienket-store-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	s, err := embedded.Start(context.Background(), dir, "127.0.0.1:0", quietLog())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Stop()
	storeURI = s.URI()
	defer stopSharedPostgres()
	return m.Run()
}

// quietLog is the embedded store's log in tests: errors only (FerretDB warns about every
// command the driver sends that it does not support).
func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
}

// StoreURI returns the URI of the package's embedded store (Main must be in use).
func StoreURI(t testing.TB) string {
	t.Helper()
	if storeURI == "" {
		t.Fatal("testkit.Main is not the TestMain of this package")
	}
	return storeURI
}

// Database returns a client and a fresh, uniquely named database for one test.
func Database(t testing.TB, opts ...mongostore.ClientOption) *mongo.Database {
	t.Helper()
	return DatabaseAt(t, StoreURI(t), opts...)
}

// DatabaseAt returns a client of the store at uri and a fresh, uniquely named database.
//
// Tests reach the store with a longer timeout than production's 2 s (StoreTimeout): a test
// machine running many packages at once can be slow to answer, and a test that means to see
// the store time out says so with mongostore.WithTimeout.
func DatabaseAt(t testing.TB, uri string, opts ...mongostore.ClientOption) *mongo.Database {
	t.Helper()
	c, err := mongostore.Connect(context.Background(), uri, append([]mongostore.ClientOption{mongostore.WithTimeout(StoreTimeout)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	name := fmt.Sprintf("t%d", time.Now().UnixNano())
	return c.Database(name)
}

// StoreTimeout is the server-selection and connect timeout of test clients.
const StoreTimeout = 15 * time.Second

// Store is an embedded store of a test's own, for tests that stop it under a running
// service and start it again (outages). Most tests share the package's store through Database.
type Store struct {
	t    testing.TB
	dir  string
	addr string
	uri  string
	s    *embedded.Store
	// pgURL selects FerretDB's PostgreSQL handler over that database (NewPostgresStore).
	pgURL string
}

// NewStore starts an embedded store in a temporary directory; it stops when the test ends.
func NewStore(t testing.TB) *Store {
	t.Helper()
	st := &Store{t: t, dir: t.TempDir(), addr: "127.0.0.1:0"}
	st.Start()
	t.Cleanup(st.Stop)
	return st
}

// URI is the store's mongodb:// URI; it stays the same across Stop and Start.
func (st *Store) URI() string { return st.uri }

// Start (re)starts the store on its address, over the same files.
func (st *Store) Start() {
	st.t.Helper()
	if st.s != nil {
		return
	}
	log := quietLog()
	if st.pgURL != "" {
		log = slog.New(slog.DiscardHandler) // it logs every failed statement (duplicate keys) as an error
	}
	s, err := embedded.StartWith(context.Background(), embedded.Options{Dir: st.dir, Addr: st.addr, PostgreSQLURL: st.pgURL, Log: log})
	if err != nil {
		st.t.Fatal(err)
	}
	st.s, st.uri = s, s.URI()
	st.addr = strings.TrimSuffix(strings.TrimPrefix(s.URI(), "mongodb://"), "/")
}

// Stop stops the store (an outage); Start brings it back.
func (st *Store) Stop() {
	if st.s != nil {
		st.s.Stop()
		st.s = nil
	}
}

// Auth is a development issuer and the verifier that trusts it.
type Auth struct {
	Issuer   *auth.Issuer
	Verifier *auth.Verifier
}

// NewAuth makes a fresh key pair for a test.
func NewAuth(t testing.TB) *Auth {
	t.Helper()
	k, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	iss := auth.NewIssuer(k, "lienket-dev", "lienket")
	return &Auth{Issuer: iss, Verifier: auth.NewVerifier("lienket-dev", "lienket", iss.Public())}
}

// Token mints a token for p.
func (a *Auth) Token(t testing.TB, p auth.Principal) string {
	t.Helper()
	life := time.Hour
	if p.Role == auth.RolePartner {
		life = auth.DefaultPolicy.MaxPartnerLifetime // partner tokens live no longer
	}
	tok, err := a.Issuer.Mint(p, life)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Serve starts a gRPC server on a loopback port with register applied, and returns its address.
// It stops when the test ends.
func Serve(t testing.TB, a *Auth, register func(*grpc.Server), opts ...grpc.ServerOption) string {
	t.Helper()
	addr, _ := ServeStoppable(t, a, register, opts...)
	return addr
}

// ServeStoppable is Serve with a stop function, for tests of a service going down under its
// callers (stop is idempotent; the test's end stops it too).
func ServeStoppable(t testing.TB, a *Auth, register func(*grpc.Server), opts ...grpc.ServerOption) (string, func()) {
	t.Helper()
	return serve(t, a, nil, register, opts...)
}

// ServeService is ServeStoppable for a service as service.Run serves it, with the request-id
// ledger of db (a request_id reused with other content is refused).
func ServeService(t testing.TB, a *Auth, db *mongo.Database, register func(*grpc.Server)) (string, func()) {
	t.Helper()
	return serve(t, a, mongostore.NewRequestLedger(db), register)
}

func serve(t testing.TB, a *Auth, ledger grpcserver.Ledger, register func(*grpc.Server), opts ...grpc.ServerOption) (string, func()) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var v auth.TokenVerifier // nil (no authentication) unless a is given: not a nil *Verifier
	if a != nil {
		v = a.Verifier
	}
	o := grpcserver.Options{Name: t.Name(), Logger: logging.New(os.Stderr, "test", "text", "error"), Verifier: v, ServerOptions: opts, Unavailable: mongostore.IsUnavailable}
	if ledger != nil {
		o.Ledger = ledger
	}
	s := grpcserver.New(o)
	register(s.Server)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, lis, time.Second) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return lis.Addr().String(), stop
}

// Dial connects to addr on loopback; with a token, every call carries it.
func Dial(t testing.TB, addr, token string, extra ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	opts := append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, extra...)
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(auth.TokenCredentials(token)))
	}
	cc, err := grpc.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// Deps returns service dependencies for registering a service in a test: db (share one
// between services that work together), a quiet logger, and a Dial that calls other services
// with a service token from a. The service's own settings are its app.LoadConfig over
// config.FromMap: tests never read the caller's environment.
func Deps(t testing.TB, a *Auth, name string, db *mongo.Database) service.Deps {
	t.Helper()
	creds := auth.NewServiceCredentials(a.Issuer, name)
	return service.Deps{
		Config: config.Common{Service: name, MongoDatabase: db.Name()},
		Log:    logging.New(os.Stderr, name, "text", "error"),
		DB:     db,
		Dial: func(addr string) (*grpc.ClientConn, error) {
			return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithPerRPCCredentials(creds))
		},
		Mux:   http.NewServeMux(),
		Meter: otel.GetMeterProvider(),
	}
}

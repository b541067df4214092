// Command lienket-audit verifies the hash chain of a contract's audit log and reports the first
// broken link.
//
//	lienket-audit --file events.json
//	    events as returned by GET /v1/contracts/{id}/events (one response, or all pages merged
//	    into {"events": [...]}, or a bare JSON array of events)
//	lienket-audit --mongodb-uri mongodb://127.0.0.1:27018/ --contract contracts/{id}
//	    reads the events straight from the store
//
// Exit status: 0 when the chain verifies, 1 when it is broken, 2 on usage or read errors.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	contractsapp "github.com/lienket/lienket/services/contracts/app"
	"github.com/lienket/lienket/services/contracts/auditchain"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errw io.Writer) int {
	fs := flag.NewFlagSet("lienket-audit", flag.ContinueOnError)
	fs.SetOutput(errw)
	file := fs.String("file", "", "JSON file of events (REST export); - for standard input")
	uri := fs.String("mongodb-uri", "", "MongoDB URI to read events from")
	db := fs.String("database", "lienket", "database name")
	contract := fs.String("contract", "", "contracts/{id} (with --mongodb-uri)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var events []auditchain.Event
	var err error
	switch {
	case *file != "":
		events, err = fromFile(*file)
	case *uri != "" && *contract != "":
		events, err = contractsapp.AuditEvents(ctx, *uri, *db, *contract)
	default:
		fmt.Fprintln(errw, "usage: lienket-audit --file events.json | --mongodb-uri URI --contract contracts/{id}")
		return 2
	}
	if err != nil {
		fmt.Fprintln(errw, "lienket-audit:", err)
		return 2
	}
	if len(events) == 0 {
		fmt.Fprintln(errw, "lienket-audit: no events")
		return 2
	}
	if bad := auditchain.Verify(events); bad != nil {
		fmt.Fprintf(out, "BROKEN at event %d: %s\n", bad.Seq, bad.Reason)
		return 1
	}
	fmt.Fprintf(out, "OK: %d events verified; head %s\n", len(events), events[len(events)-1].Hash)
	return 0
}

// restEvent is an event as the REST gateway renders it (proto field names).
type restEvent struct {
	Name         string      `json:"name"`
	Sequence     json.Number `json:"sequence"`
	Type         string      `json:"type"`
	Actor        string      `json:"actor"`
	ActorRole    string      `json:"actor_role"`
	Time         time.Time   `json:"time"`
	Payload      string      `json:"payload"`
	PreviousHash string      `json:"previous_hash"`
	Hash         string      `json:"hash"`
}

func fromFile(path string) ([]auditchain.Event, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	var rs []restEvent
	if strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		err = json.Unmarshal(b, &rs)
	} else {
		var wrap struct {
			Events []restEvent `json:"events"`
		}
		err = json.Unmarshal(b, &wrap)
		rs = wrap.Events
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]auditchain.Event, 0, len(rs))
	for _, r := range rs {
		parts := strings.Split(r.Name, "/") // contracts/{id}/events/{seq}
		if len(parts) != 4 || parts[0] != "contracts" {
			return nil, fmt.Errorf("event name %q is not contracts/{id}/events/{seq}", r.Name)
		}
		seq, err := r.Sequence.Int64()
		if err != nil {
			return nil, fmt.Errorf("event %s: sequence: %w", r.Name, err)
		}
		out = append(out, auditchain.Event{Contract: parts[1], Seq: seq, Type: r.Type, Actor: r.Actor, ActorRole: r.ActorRole, Time: r.Time, Payload: r.Payload, PreviousHash: r.PreviousHash, Hash: r.Hash})
	}
	return out, nil
}
